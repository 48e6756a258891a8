import { Button, FileInput, Group, Progress, Stack, Text } from '@mantine/core';
import { useRef, useState } from 'react';
import {
  TEMPLATE_MEDIA_LIMITS,
  TYPES_FOR_FORMAT,
  type TemplateMediaType,
} from '#contract/api/template-media';
import type { MediaHeaderFormat } from '#contract/api/template-create';
import { useParleyClient, useParleyEvent } from '../../../../api';
import { readFileBytes } from '../../../composer/useStageMedia';
import { describeError } from '../../components/server-errors';

/** What each header format takes, in words. */
const KINDS: Record<MediaHeaderFormat, string> = {
  IMAGE: 'a JPEG or PNG image up to 5 MB',
  VIDEO: 'an MP4 video up to 16 MB',
  DOCUMENT: 'a PDF up to 100 MB',
};

type State =
  | { kind: 'idle' }
  | { kind: 'reading'; name: string; fraction: number }
  | { kind: 'uploading'; name: string; uploadId: string; sent: number; total: number }
  | { kind: 'done'; name: string }
  | { kind: 'cancelled'; name: string }
  | { kind: 'failed'; message: string };

/** Bytes in megabytes with one decimal, as the progress line shows them. */
const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);

/** The progress line under the bar. */
function statusLine(state: State): string {
  switch (state.kind) {
    case 'reading':
      return `Reading ${state.name}…`;
    case 'uploading':
      return state.sent < state.total
        ? `Uploading ${state.name} to Meta: ${mb(state.sent)} of ${mb(state.total)} MB`
        : `Meta is receiving the last part of ${state.name}…`;
    case 'done':
      return `Uploaded ${state.name}`;
    case 'cancelled':
      return `Upload of ${state.name} cancelled`;
    default:
      return '';
  }
}

/**
 * "Header sample file" of a media header: the picked file goes to Meta through the server
 * (`admin:uploadTemplateMedia`, Meta's Resumable Upload API), and the handle Meta answers fills
 * the header's example. Meta reviews the template with this sample; nothing is typed by hand.
 * The bar shows bytes sent of the file (the core's `templateMedia:progress`), with a cancel.
 */
export function HeaderSampleField({
  accountId,
  format,
  handle,
  error,
  onUploaded,
}: {
  /** The number the template is for (its token uploads the file). */
  accountId: string | undefined;
  format: MediaHeaderFormat;
  /** The handle on file (an edited template's, or the last upload's). */
  handle: string;
  /** The form's error for the sample. */
  error?: string | undefined;
  onUploaded(handle: string): void;
}) {
  const client = useParleyClient();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<State>({ kind: 'idle' });
  /** The upload under way, so progress of an earlier (cancelled) one is ignored. */
  const current = useRef<string | null>(null);
  const types: readonly string[] = TYPES_FOR_FORMAT[format];

  useParleyEvent('templateMedia:progress', (p) => {
    if (p.uploadId !== current.current || p.state !== 'uploading') return;
    setState((s) =>
      s.kind === 'uploading' && s.uploadId === p.uploadId
        ? { ...s, sent: p.sentBytes, total: p.totalBytes }
        : s,
    );
  });

  const pick = async (picked: File | null) => {
    setFile(picked);
    if (!picked) return;
    const mimeType = picked.type === 'image/jpg' ? 'image/jpeg' : picked.type;
    if (!types.includes(mimeType))
      return setState({ kind: 'failed', message: `This header takes ${KINDS[format]}.` });
    if (picked.size > TEMPLATE_MEDIA_LIMITS[mimeType as TemplateMediaType])
      return setState({ kind: 'failed', message: `Too large: this header takes ${KINDS[format]}.` });
    if (!accountId) return setState({ kind: 'failed', message: 'Choose the number first.' });
    const name = picked.name;
    setState({ kind: 'reading', name, fraction: 0 });
    let bytes: Uint8Array;
    try {
      bytes = await readFileBytes(picked, (fraction) => setState({ kind: 'reading', name, fraction }));
    } catch {
      return setState({ kind: 'failed', message: `${name} could not be read.` });
    }
    const uploadId = crypto.randomUUID();
    current.current = uploadId;
    setState({ kind: 'uploading', name, uploadId, sent: 0, total: bytes.byteLength });
    const r = await client.call('admin:uploadTemplateMedia', {
      uploadId,
      whatsappAccountId: accountId,
      fileName: name,
      mimeType: mimeType as TemplateMediaType,
      bytes,
    });
    if (current.current !== uploadId) return;
    current.current = null;
    if (!r.ok) {
      if (r.error.code === 'cancelled') {
        setFile(null);
        return setState({ kind: 'cancelled', name });
      }
      return setState({ kind: 'failed', message: describeError(r.error) });
    }
    onUploaded(r.value.handle);
    setState({ kind: 'done', name });
  };

  const cancel = () => {
    if (state.kind === 'uploading')
      void client.call('admin:cancelTemplateMedia', { uploadId: state.uploadId });
  };

  const busy = state.kind === 'reading' || state.kind === 'uploading';
  const percent =
    state.kind === 'reading'
      ? Math.round(state.fraction * 100)
      : state.kind === 'uploading'
        ? Math.round((state.sent / Math.max(1, state.total)) * 100)
        : 0;

  return (
    <Stack gap={4}>
      <FileInput
        label="Header sample file"
        description={`For Meta’s review: ${KINDS[format]}`}
        placeholder={handle ? 'A sample is on file; choose to replace it' : 'Choose a file'}
        accept={types.join(',')}
        value={file}
        onChange={(f) => void pick(f)}
        disabled={busy}
        error={state.kind === 'failed' ? state.message : error}
      />
      {busy && (
        <Group gap="xs" wrap="nowrap">
          <Progress
            style={{ flex: 1 }}
            value={percent}
            aria-label={
              state.kind === 'reading' ? `Reading ${state.name}` : `Uploading ${state.name} to Meta`
            }
          />
          {state.kind === 'uploading' && (
            <Button size="compact-sm" variant="default" onClick={cancel}>
              Cancel upload
            </Button>
          )}
        </Group>
      )}
      <Text size="sm" fw={state.kind === 'done' ? 500 : undefined} role="status">
        {statusLine(state)}
      </Text>
    </Stack>
  );
}
