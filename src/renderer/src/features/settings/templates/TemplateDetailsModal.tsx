import { Alert, Badge, Button, Group, Modal, Paper, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import type { Template, TemplateStatus } from '#contract/api/templates';
import { TemplatePreview, templateFields } from '../../../components/TemplatePreview';

/** How each status is shown: a word and a colour (dot badges keep the text readable). */
export const STATUS_BADGE: Record<TemplateStatus, { label: string; color: string }> = {
  APPROVED: { label: 'Approved', color: 'green' },
  PENDING: { label: 'Pending review', color: 'yellow' },
  REJECTED: { label: 'Rejected', color: 'red' },
  PAUSED: { label: 'Paused', color: 'orange' },
  DISABLED: { label: 'Disabled', color: 'gray' },
  IN_APPEAL: { label: 'In appeal', color: 'blue' },
  PENDING_DELETION: { label: 'Being deleted', color: 'gray' },
  DELETED: { label: 'Deleted', color: 'gray' },
  LIMIT_EXCEEDED: { label: 'Limit exceeded', color: 'red' },
  ARCHIVED: { label: 'Archived', color: 'gray' },
};

/** Meta's rejection reasons in words (digest §7). */
const REASONS: Record<string, string> = {
  ABUSIVE_CONTENT: 'Meta found abusive content in it.',
  CATEGORY_NOT_AVAILABLE: 'This category is not available for this account.',
  INCORRECT_CATEGORY: 'The category does not match the content (for example a promotion filed as Utility).',
  INVALID_FORMAT: 'The format is invalid: check variables, examples and placeholders.',
  PROMOTIONAL: 'It reads as promotional content for a non-marketing category.',
  SCAM: 'Meta considered it a possible scam.',
  TAG_CONTENT_MISMATCH: 'The content does not match the category or language chosen.',
};

/** A status's badge. */
export function StatusBadge({ status }: { status: TemplateStatus }) {
  const s = STATUS_BADGE[status];
  return (
    // The label never truncates: a status cut to "Pending r…" says nothing.
    <Badge
      color={s.color}
      variant="dot"
      tt="none"
      styles={{ label: { overflow: 'visible' } }}
      style={{ flexShrink: 0 }}
    >
      {s.label}
    </Badge>
  );
}

/** Statuses Meta lets an edit start from. */
export const EDITABLE_STATUSES: readonly TemplateStatus[] = ['APPROVED', 'REJECTED', 'PAUSED'];

/** A template's details: the message as the customer sees it, Meta's reason, Edit and Delete. */
export function TemplateDetailsModal({
  template,
  numberName,
  canDelete,
  deleteNote,
  onDelete,
  onEdit,
  onClose,
}: {
  template: Template | null;
  numberName: string;
  /** Admin, online, and not deleted already. */
  canDelete: boolean;
  /** Why Delete is unavailable, when it is (offline). */
  deleteNote: string | null;
  onDelete(t: Template): void;
  /** Opens the edit form (admins, online); Edit shows only for statuses Meta lets be edited. */
  onEdit(t: Template): void;
  onClose(): void;
}) {
  const t = template;
  const body = t?.components.find((c) => c.type === 'BODY');
  const header = t?.components.find((c) => c.type === 'HEADER');
  const reason = t?.statusReason ? (REASONS[t.statusReason] ?? t.statusReason) : null;
  return (
    <Modal
      opened={t !== null}
      onClose={onClose}
      title={t ? `Template ${t.name}` : ''}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {t && (
        <Stack>
          <Group gap="xs">
            <StatusBadge status={t.status} />
            <Badge variant="default" tt="none">
              {t.category.toLowerCase()}
            </Badge>
            <Badge variant="default" tt="none">
              {t.language}
            </Badge>
            <Text size="sm" c="dimmed">
              {numberName}
            </Text>
          </Group>
          {reason && (
            <Alert
              color={t.status === 'APPROVED' ? 'yellow' : 'red'}
              variant="light"
              icon={<IconAlertCircle aria-hidden />}
              title={t.status === 'REJECTED' ? 'Why Meta rejected it' : 'What Meta said'}
            >
              {reason}
            </Alert>
          )}
          <Paper withBorder p="sm" role="group" aria-label={`How ${t.name} looks to the customer`}>
            <TemplatePreview
              fields={templateFields(t)}
              {...(header?.type === 'HEADER' && header.text !== undefined && { headerText: header.text })}
              bodyText={body?.type === 'BODY' ? body.text : ''}
            />
          </Paper>
          <Text size="xs" c="dimmed">
            Updated {new Date(t.updatedAt).toLocaleString()}
            {t.metaTemplateId ? ` · Meta id ${t.metaTemplateId}` : ''}
          </Text>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {deleteNote}
            </Text>
            {canDelete && (
              <Group gap="xs">
                {EDITABLE_STATUSES.includes(t.status) && (
                  <Button variant="default" onClick={() => onEdit(t)}>
                    Edit template
                  </Button>
                )}
                <Button color="red" variant="light" onClick={() => onDelete(t)}>
                  Delete template
                </Button>
              </Group>
            )}
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
