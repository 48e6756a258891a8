import { tooLargeFor, type TemplateMediaHandle, type TemplateMediaType } from '#contract/api/template-media';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { ResumableUploader } from '../../meta/resumable-upload';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import { graphFailure, type AccountCredentials } from '../whatsapp/account-service';

/** What {@link createTemplateMedia} needs. */
export type TemplateMediaDeps = {
  uploader: Pick<ResumableUploader, 'uploadStream'>;
  /** `META_APP_ID`: the Meta app the upload session is opened on; undefined when not configured. */
  appId: string | undefined;
  credentials(organizationId: string, id: string): Promise<AccountCredentials | undefined>;
  flagTokenInvalid(row: { organizationId: string; id: string }): Promise<void>;
};

/** A header sample as it arrives: the request body, not yet read, and what it declares. */
export type IncomingSample = {
  fileName: string;
  mimeType: TemplateMediaType;
  /** The declared length (`Content-Length`); undefined when the client did not declare one. */
  length: number | undefined;
  /** The bytes, read only once every check before them has passed. */
  body: AsyncIterable<Uint8Array>;
};

/**
 * Uploads a template's media header sample to Meta for a number (admins), through Graph's
 * Resumable Upload API with the number's token, and answers the handle Meta gave it. The file
 * is streamed on in chunks as it arrives; every refusal (role, number, size from the declared
 * length) comes before a byte of it is read.
 */
export function createTemplateMedia(deps: TemplateMediaDeps) {
  return {
    upload: async (
      organizationId: string,
      actor: Principal,
      accountId: string,
      sample: IncomingSample,
    ): Promise<Result<TemplateMediaHandle>> => {
      if (!atLeast(actor.role, 'admin')) return fail('forbidden', 'Only admins can create templates');
      const creds = await deps.credentials(organizationId, accountId);
      if (!creds) return notFound('WhatsApp account');
      if (creds.status === 'disconnected')
        return fail('conflict', 'This number is disconnected. Connect it again to manage its templates.');
      if (!deps.appId)
        return fail(
          'unprocessable',
          'The server has no Meta app id to upload header samples with. Set META_APP_ID (the App Dashboard’s App ID).',
        );
      // Meta opens the upload session with the file's length, so it must be known up front.
      if (sample.length === undefined)
        return fail(
          'bad_request',
          'Declare the file’s length (Content-Length); Meta needs it before the upload.',
        );
      if (sample.length === 0) return fail('bad_request', 'The file is empty.');
      const tooLarge = tooLargeFor(sample.mimeType, sample.length);
      if (tooLarge) return fail('payload_too_large', tooLarge);

      let received = 0;
      let sourceFailed = false;
      async function* counted(): AsyncGenerator<Uint8Array> {
        try {
          for await (const piece of sample.body) {
            received += piece.byteLength;
            yield piece;
          }
        } catch {
          // The client went away (or cancelled) midway: Meta's session is simply abandoned.
          sourceFailed = true;
        }
      }
      const r = await deps.uploader.uploadStream(deps.appId, creds.accessToken, {
        mimeType: sample.mimeType,
        fileName: sample.fileName,
        length: sample.length,
        chunks: counted(),
      });
      if (sourceFailed)
        return fail(
          'bad_request',
          `The upload ended after ${received} of ${sample.length} bytes; nothing was kept.`,
        );
      if (r.ok) return ok({ handle: r.value });
      if (r.error.kind === 'meta' && r.error.metaCode === 190) await deps.flagTokenInvalid(creds);
      if (r.error.kind === 'meta' && r.error.metaCode === 100 && r.error.details)
        return fail('unprocessable', `Meta refused the file: ${r.error.details}`);
      return graphFailure(r.error);
    },
  };
}

/** The template media service. */
export type TemplateMedia = ReturnType<typeof createTemplateMedia>;
