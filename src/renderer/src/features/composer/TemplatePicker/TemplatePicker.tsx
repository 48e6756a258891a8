import {
  Alert,
  Badge,
  Box,
  Button,
  Grid,
  Group,
  Loader,
  Modal,
  Paper,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconSearch, IconSend } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import type { Template } from '#contract/api/templates';
import { useParleyClient } from '../../../api';
import {
  buildParameters,
  emptyValues,
  fillVariables,
  templateFields,
  TemplatePreview,
  templateSearchText,
  validateValues,
  type TemplateValues,
} from '../../../components/TemplatePreview';
import { checkMedia } from '../media-limits';
import { useStageMedia } from '../useStageMedia';
import { useTemplates } from '../useTemplates';
import { TemplateForm } from './TemplateForm';

/** Props of {@link TemplatePicker}. */
export interface TemplatePickerProps {
  opened: boolean;
  onClose(): void;
  conversationId: string;
  /** Only this number's templates can be sent in this conversation. */
  whatsappAccountId: string;
  /** The message being replied to. */
  replyToMessageId?: string;
  /** The template was queued. */
  onSent(): void;
}

/** Shown in the list: name, category and language, and the body's first line. */
function TemplateOption({
  template,
  isSelected,
  onSelect,
}: {
  template: Template;
  isSelected: boolean;
  onSelect(): void;
}) {
  const body = template.components.find((c) => c.type === 'BODY');
  return (
    <UnstyledButton
      onClick={onSelect}
      aria-pressed={isSelected}
      p="xs"
      style={{
        display: 'block',
        width: '100%',
        borderRadius: 'var(--mantine-radius-sm)',
        background: isSelected ? 'var(--mantine-primary-color-light)' : undefined,
        border: '1px solid var(--mantine-color-default-border)',
      }}
    >
      <Group gap={6} justify="space-between" wrap="nowrap">
        <Text size="sm" fw={600} lineClamp={1} style={{ overflowWrap: 'anywhere' }}>
          {template.name}
        </Text>
        <Badge size="xs" variant="default" tt="none">
          {template.language}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed">
        {template.category.toLowerCase()}
      </Text>
      {body && 'text' in body && (
        <Text size="xs" lineClamp={2}>
          {body.text}
        </Text>
      )}
    </UnstyledButton>
  );
}

/**
 * **Templates**: the approved templates of the conversation's WhatsApp number, searchable by
 * name, text, category and language; the selected one's form (header, body and button
 * parameters, validated with Meta's rules) beside a live WhatsApp-style preview; **Send template**
 * queues it (offline too).
 */
export function TemplatePicker({
  opened,
  onClose,
  conversationId,
  whatsappAccountId,
  replyToMessageId,
  onSent,
}: TemplatePickerProps) {
  const client = useParleyClient();
  const stage = useStageMedia();
  const { approved, unavailableCount, error: listError } = useTemplates(whatsappAccountId, opened);
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [values, setValues] = useState<TemplateValues>(emptyValues);
  const [showErrors, setShowErrors] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [isSending, setSending] = useState(false);
  const [headerMedia, setHeaderMedia] = useState<{
    busy: boolean;
    error: string | null;
    previewUrl: string | null;
  }>({
    busy: false,
    error: null,
    previewUrl: null,
  });

  const results = useMemo(() => {
    const words = query.toLowerCase().split(/\s+/u).filter(Boolean);
    return (approved ?? []).filter((t) => {
      const text = templateSearchText(t);
      return words.every((w) => text.includes(w));
    });
  }, [approved, query]);
  const selected =
    results.find((t) => t.id === selectedId) ?? approved?.find((t) => t.id === selectedId) ?? null;
  const fields = useMemo(() => (selected ? templateFields(selected) : null), [selected]);
  const errors = useMemo(() => (fields ? validateValues(fields, values) : {}), [fields, values]);

  // The preview's object URL lives as long as it is shown.
  useEffect(() => {
    const url = headerMedia.previewUrl;
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [headerMedia.previewUrl]);

  const select = (t: Template) => {
    setSelectedId(t.id);
    setValues(emptyValues());
    setShowErrors(false);
    setSendError(null);
    setHeaderMedia({ busy: false, error: null, previewUrl: null });
  };

  const pickHeaderMedia = async (file: File) => {
    if (!fields || fields.header.kind !== 'media') return;
    const check = checkMedia(file, file.name);
    const wanted = fields.header.mediaType;
    if (!check.ok || check.type !== wanted) {
      setHeaderMedia({
        busy: false,
        error: check.ok
          ? `This template's header needs ${wanted === 'image' ? 'an' : 'a'} ${wanted}.`
          : check.reason,
        previewUrl: null,
      });
      return;
    }
    setHeaderMedia({ busy: true, error: null, previewUrl: null });
    const staged = await stage(file, check.mimeType, () => undefined);
    if (!staged.ok) {
      setHeaderMedia({ busy: false, error: staged.error.message, previewUrl: null });
      return;
    }
    setValues((v) => ({ ...v, headerMedia: { mediaId: staged.value.mediaId, fileName: file.name } }));
    setHeaderMedia({
      busy: false,
      error: null,
      previewUrl:
        wanted === 'image' && typeof URL.createObjectURL === 'function' ? URL.createObjectURL(file) : null,
    });
  };

  const send = async () => {
    if (!selected || !fields) return;
    setShowErrors(true);
    if (Object.keys(errors).length > 0) return;
    setSending(true);
    setSendError(null);
    const r = await client.call('messages:send', {
      conversationId,
      message: {
        type: 'template',
        templateName: selected.name,
        language: selected.language,
        parameters: buildParameters(selected, fields, values),
        ...(replyToMessageId ? { replyToMessageId } : {}),
      },
    });
    setSending(false);
    if (!r.ok) {
      setSendError(r.error.message);
      return;
    }
    setSelectedId(null);
    setValues(emptyValues());
    setShowErrors(false);
    onSent();
  };

  const shownErrors = showErrors ? errors : {};
  const headerText =
    fields?.header.kind === 'text' ? fillVariables(fields.header.text, values.header) : undefined;

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={onClose}
      title="Templates"
      size="80rem"
      scrollAreaComponent={ScrollArea.Autosize}
    >
      <Grid gap="md">
        <Grid.Col span={{ base: 12, sm: 4 }}>
          <TextInput
            label="Search templates"
            placeholder="Name, text, category or language"
            leftSection={<IconSearch size={14} aria-hidden />}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
            data-autofocus
          />
          <Stack gap={6} mt="sm" role="list" aria-label="Approved templates">
            {approved === undefined && <Loader size="sm" aria-label="Loading templates" />}
            {listError && (
              <Text size="sm" role="alert">
                {listError}
              </Text>
            )}
            {approved !== undefined && approved.length === 0 && (
              <Text size="sm" c="dimmed">
                No approved templates for this WhatsApp number yet. Templates are created and approved in
                WhatsApp Manager, then sync here.
              </Text>
            )}
            {approved !== undefined && approved.length > 0 && results.length === 0 && (
              <Text size="sm" c="dimmed">
                No template matches “{query}”.
              </Text>
            )}
            {results.map((t) => (
              <div role="listitem" key={t.id}>
                <TemplateOption template={t} isSelected={t.id === selectedId} onSelect={() => select(t)} />
              </div>
            ))}
            {unavailableCount > 0 && (
              <Text size="xs" c="dimmed">
                {unavailableCount === 1
                  ? '1 template of this number is not approved (pending, rejected or paused) and is not shown.'
                  : `${unavailableCount} templates of this number are not approved (pending, rejected or paused) and are not shown.`}
              </Text>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 8 }}>
          {!selected || !fields ? (
            <Text size="sm" c="dimmed" mt="xl" ta="center">
              Choose a template to fill in its values and see what the customer will get.
            </Text>
          ) : (
            <Grid gap="md">
              <Grid.Col span={{ base: 12, md: 6 }}>
                <Text size="sm" fw={600} mb="xs">
                  {selected.name}{' '}
                  <Text span size="xs" c="dimmed">
                    {selected.category.toLowerCase()} · {selected.language}
                  </Text>
                </Text>
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    void send();
                  }}
                  aria-label={`Values for ${selected.name}`}
                >
                  <TemplateForm
                    fields={fields}
                    values={values}
                    errors={shownErrors}
                    onChange={setValues}
                    onPickHeaderMedia={(file) => void pickHeaderMedia(file)}
                    headerMediaState={headerMedia}
                    isPositional={selected.parameterFormat === 'POSITIONAL'}
                  />
                  {sendError && (
                    <Alert color="red" mt="sm" p="xs">
                      {sendError}
                    </Alert>
                  )}
                  <Group justify="flex-end" mt="md">
                    <Button
                      type="submit"
                      leftSection={<IconSend size={16} aria-hidden />}
                      loading={isSending}
                    >
                      Send template
                    </Button>
                  </Group>
                </form>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <Text size="xs" c="dimmed" mb={4} id="template-preview-label">
                  Preview
                </Text>
                <Box
                  p="sm"
                  aria-labelledby="template-preview-label"
                  role="region"
                  style={{
                    borderRadius: 'var(--mantine-radius-md)',
                    background: 'var(--mantine-color-default-hover)',
                  }}
                >
                  <Paper p="sm" radius="md" maw={340} ml="auto" bg="var(--mantine-primary-color-light)">
                    <TemplatePreview
                      fields={fields}
                      headerText={headerText}
                      bodyText={fillVariables(fields.body.text, values.body)}
                      headerMedia={
                        headerMedia.previewUrl ? (
                          <img
                            src={headerMedia.previewUrl}
                            alt="Header image"
                            style={{ width: '100%', maxHeight: 180, objectFit: 'cover', borderRadius: 4 }}
                          />
                        ) : undefined
                      }
                      headerMediaName={values.headerMedia?.fileName ?? null}
                    />
                  </Paper>
                </Box>
              </Grid.Col>
            </Grid>
          )}
        </Grid.Col>
      </Grid>
    </Modal>
  );
}
