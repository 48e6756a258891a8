import { adminIpc } from '#contract/ipc/admin';
import type { Out, Parsed } from '#contract/ipc/contract';
import { err, ok, type Result } from '#contract/result';
import type { CoreEvents } from '../events';
import type { AuthClient } from '../session/auth-client';
import type { SessionManager } from '../session/session-manager';

/** What {@link createTemplateMediaUploads} needs. */
export interface TemplateMediaUploadDeps {
  session: Pick<SessionManager, 'withToken'>;
  auth: Pick<AuthClient, 'sendRaw'>;
  events: Pick<CoreEvents, 'emit'>;
}

/** Progress events per upload: at most about this many while bytes go out. */
const STEPS = 50;

/**
 * Template header samples (`admin:uploadTemplateMedia`): the picked file's bytes go to the
 * server as the request body (`POST /api/v1/whatsapp-accounts/:id/template-media`), which
 * streams them on to Meta; progress is reported as `templateMedia:progress` (bytes handed to the
 * connection, about {@link STEPS} steps), and `admin:cancelTemplateMedia` aborts the request.
 * Online-only, like the rest of administration.
 */
export function createTemplateMediaUploads({ session, auth, events }: TemplateMediaUploadDeps) {
  const inFlight = new Map<string, AbortController>();

  const upload = async (
    i: Parsed<'admin:uploadTemplateMedia'>,
  ): Promise<Result<Out<'admin:uploadTemplateMedia'>>> => {
    if (inFlight.has(i.uploadId))
      return err({ code: 'conflict', message: 'This upload is already under way.' });
    const abort = new AbortController();
    inFlight.set(i.uploadId, abort);
    const total = i.bytes.byteLength;
    const report = (sentBytes: number, state: 'uploading' | 'done' | 'failed' | 'cancelled') =>
      events.emit('templateMedia:progress', { uploadId: i.uploadId, sentBytes, totalBytes: total, state });
    let step = -1;
    report(0, 'uploading');
    try {
      const path =
        `/api/v1/whatsapp-accounts/${encodeURIComponent(i.whatsappAccountId)}/template-media` +
        `?${new URLSearchParams({ fileName: i.fileName })}`;
      const r = await session.withToken((url, accessToken) => {
        step = -1;
        return auth.sendRaw(url, 'POST', path, {
          bytes: i.bytes,
          contentType: i.mimeType,
          accessToken,
          signal: abort.signal,
          onProgress: (sent) => {
            const s = Math.floor((sent / Math.max(1, total)) * STEPS);
            if (s === step) return;
            step = s;
            report(sent, 'uploading');
          },
        });
      });
      if (!r.ok) {
        report(0, r.error.code === 'cancelled' ? 'cancelled' : 'failed');
        return r;
      }
      const parsed = adminIpc['admin:uploadTemplateMedia'].output.safeParse(r.value);
      if (!parsed.success) {
        report(0, 'failed');
        return err({
          code: 'internal',
          message: 'The server answered in an unexpected way. Is it up to date?',
        });
      }
      report(total, 'done');
      return ok(parsed.data);
    } finally {
      inFlight.delete(i.uploadId);
    }
  };

  return {
    'admin:uploadTemplateMedia': upload,
    'admin:cancelTemplateMedia': async (
      i: Parsed<'admin:cancelTemplateMedia'>,
    ): Promise<Result<Out<'admin:cancelTemplateMedia'>>> => {
      const abort = inFlight.get(i.uploadId);
      abort?.abort();
      return ok({ cancelled: abort !== undefined });
    },
  };
}
