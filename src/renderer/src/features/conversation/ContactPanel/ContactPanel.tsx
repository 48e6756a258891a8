import {
  ActionIcon,
  Badge,
  Box,
  Button,
  CopyButton,
  Divider,
  Group,
  Loader,
  ScrollArea,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { IconCheck, IconCopy, IconPencil } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import type { Contact, UpdateContactBody } from '#contract/api/contacts';
import type { InboxConversation } from '#contract/ipc/contract';
import { formatDateTime } from '../../../components/format';
import { safeLabel } from '../../../components/FormattedText';
import { ResizeHandle } from '../../../components/ResizeHandle';
import { useRenderedWidth } from '../../../hooks/useRenderedWidth';
import { useStoredWidth, type WidthBounds } from '../../../hooks/useStoredWidth';

/** The contact panel's width (px): dragged by its edge, remembered. */
const CONTACT_PANEL: WidthBounds = { initial: 300, min: 260, max: 480 };

/** Props of {@link ContactPanel}. */
export interface ContactPanelProps {
  /** The contact, or null until it has synced. */
  contact: Contact | null;
  /** What the conversation row knows when the contact has not synced yet. */
  fallback: InboxConversation['contact'];
  otherConversations: InboxConversation[] | undefined;
  onUpdate(patch: UpdateContactBody): void;
  onOpenConversation?: (id: string) => void;
}

/** A labelled value with a copy button. */
function Fact({ label, value }: { label: string; value: string | null }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" component="div">
        {label}
      </Text>
      {value ? (
        <Group gap={4} wrap="nowrap">
          <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
            {value}
          </Text>
          <CopyButton value={value}>
            {({ copied, copy }) => (
              <ActionIcon
                variant="subtle"
                color="gray"
                size="sm"
                onClick={copy}
                aria-label={`Copy ${label.toLowerCase()}`}
              >
                {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
              </ActionIcon>
            )}
          </CopyButton>
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          Not known
        </Text>
      )}
    </Box>
  );
}

/** The name, editable in place (Enter saves, Escape cancels). */
function NameEditor({ name, onSave }: { name: string; onSave(name: string | null): void }) {
  const [isEditing, setEditing] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  if (!isEditing) {
    return (
      <Group gap={4} wrap="nowrap">
        <Title order={3} size="h5" lineClamp={2} dir="auto">
          {name}
        </Title>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="sm"
          aria-label="Edit name"
          onClick={() => {
            setValue(name);
            setError(null);
            setEditing(true);
          }}
        >
          <IconPencil size={14} aria-hidden />
        </ActionIcon>
      </Group>
    );
  }
  const save = () => {
    const next = value.trim();
    if (next.length > 200) {
      setError('Names are limited to 200 characters');
      return;
    }
    setEditing(false);
    // An empty name falls back to the WhatsApp profile name.
    if (next !== name) onSave(next || null);
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <TextInput
        label="Name"
        description="Empty uses the WhatsApp profile name"
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
        error={error}
        data-autofocus
        autoFocus
      />
      <Group gap="xs" mt={6} justify="flex-end">
        <Button size="compact-sm" variant="default" onClick={() => setEditing(false)}>
          Cancel
        </Button>
        <Button size="compact-sm" type="submit">
          Save name
        </Button>
      </Group>
    </form>
  );
}

const STATUS_WORD: Record<InboxConversation['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  snoozed: 'Snoozed',
  resolved: 'Resolved',
};

/** A section with a heading. */
function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap={6}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed">
        {title}
      </Text>
      {children}
    </Stack>
  );
}

/**
 * The contact: name (editable, queued through `contact:update`), number, WhatsApp ids, tags,
 * the opted-out flag and the contact's other conversations.
 */
export function ContactPanel({
  contact,
  fallback,
  otherConversations,
  onUpdate,
  onOpenConversation,
}: ContactPanelProps) {
  const name =
    safeLabel(contact?.name ?? contact?.profileName ?? fallback.name) || fallback.phone || 'Unknown contact';
  const [width, setWidth] = useStoredWidth('contact-panel', CONTACT_PANEL);
  const [measureRef, renderedWidth] = useRenderedWidth<HTMLElement>();
  return (
    <>
      <ResizeHandle
        label="Resize the contact details"
        width={Math.min(width, renderedWidth ?? width)}
        min={CONTACT_PANEL.min}
        max={CONTACT_PANEL.max}
        onChange={setWidth}
        invert
      />
      {/* The chosen width, given up (down to --pv-panel-min, ConversationView.css) when the
          window is too narrow for it and the conversation beside it: at 960 px the conversation
          keeps room for its header and Send. Its edge states the width on screen. */}
      <Box
        ref={measureRef}
        component="aside"
        aria-label="Contact details"
        className="pv-contact-panel"
        style={{ flex: `0 1 ${width}px`, minWidth: `min(${width}px, var(--pv-panel-min))`, minHeight: 0 }}
      >
        <ScrollArea h="100%" type="auto">
          <Stack p="md" gap="md">
            <NameEditor name={name} onSave={(next) => onUpdate({ name: next })} />
            {contact?.profileName && contact.profileName !== contact.name && (
              <Text size="xs" c="dimmed">
                WhatsApp profile: {safeLabel(contact.profileName)}
              </Text>
            )}
            <Section title="WhatsApp">
              <Fact label="Number" value={contact?.phone ?? fallback.phone} />
              <Fact label="WhatsApp ID" value={contact?.waId ?? fallback.waId} />
              {contact?.userId && <Fact label="Business-scoped user ID" value={contact.userId} />}
              {contact?.username && <Fact label="Username" value={contact.username} />}
            </Section>
            <Divider />
            {contact ? (
              <>
                <Switch
                  label="Opted out of messages"
                  description={contact.optedOut ? 'Parley refuses to send to this contact.' : undefined}
                  checked={contact.optedOut}
                  onChange={(e) => onUpdate({ optedOut: e.currentTarget.checked })}
                  color="red"
                />
                {contact.optedOut && (
                  <Badge color="red" variant="filled" tt="none">
                    Opted out
                  </Badge>
                )}
                <TagsInput
                  label="Tags"
                  value={contact.tags}
                  onChange={(tags) =>
                    onUpdate({
                      tags: tags
                        .map((t) => t.trim().slice(0, 50))
                        .filter(Boolean)
                        .slice(0, 50),
                    })
                  }
                  maxTags={50}
                  splitChars={[',']}
                  clearable
                />
              </>
            ) : (
              <Text size="sm" c="dimmed">
                The contact&apos;s details are still syncing.
              </Text>
            )}
            <Divider />
            <Section title="Other conversations">
              {otherConversations === undefined ? (
                <Loader size="xs" aria-label="Loading other conversations" />
              ) : otherConversations.length === 0 ? (
                <Text size="sm" c="dimmed">
                  None on this device.
                </Text>
              ) : (
                otherConversations.map((c) => (
                  <UnstyledButton
                    key={c.id}
                    onClick={() => onOpenConversation?.(c.id)}
                    disabled={!onOpenConversation}
                    p={6}
                    style={{
                      borderRadius: 'var(--mantine-radius-sm)',
                      border: '1px solid var(--mantine-color-default-border)',
                    }}
                    aria-label={`${STATUS_WORD[c.status]} conversation, ${c.lastMessage?.preview ?? 'no messages'}`}
                  >
                    <Group justify="space-between" wrap="nowrap" gap="xs">
                      <Text size="sm" fw={500}>
                        {STATUS_WORD[c.status]}
                      </Text>
                      {c.lastMessageAt && (
                        <Text size="xs" c="dimmed">
                          {formatDateTime(c.lastMessageAt)}
                        </Text>
                      )}
                    </Group>
                    <Text size="xs" c="dimmed" lineClamp={1}>
                      {c.lastMessage?.preview ?? 'No messages yet'}
                    </Text>
                  </UnstyledButton>
                ))
              )}
            </Section>
            {contact && (
              <Tooltip label="Created in Parley" withArrow>
                <Text size="xs" c="dimmed" w="fit-content">
                  Contact since {formatDateTime(contact.createdAt)}
                </Text>
              </Tooltip>
            )}
          </Stack>
        </ScrollArea>
      </Box>
    </>
  );
}
