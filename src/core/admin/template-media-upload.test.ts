import { describe, expect, it, vi } from 'vitest';
import type { TemplateMediaProgress } from '#contract/ipc/admin';
import { err, ok, type Result } from '#contract/result';
import type { RawBody } from '../session/auth-client';
import { createTemplateMediaUploads } from './template-media-upload';

// admin:uploadTemplateMedia over a scripted REST client: the file goes as the raw body with its
// type and name, progress comes as templateMedia:progress, and a cancel aborts the request.

const SERVER = 'https://parley.example.com';
const ACCOUNT = '0190a1b2-0000-7000-8000-000000000002';
const UPLOAD = '0190a1b2-0000-7000-8000-0000000000f1';

function setup(answer: (opts: RawBody) => Promise<Result<unknown>>) {
  const progress: TemplateMediaProgress[] = [];
  const sent: { method: string; path: string; opts: RawBody }[] = [];
  const uploads = createTemplateMediaUploads({
    session: { withToken: (call) => call(SERVER, 'token-1') },
    auth: {
      sendRaw: vi.fn(async (_url: string, method: string, path: string, opts: RawBody) => {
        sent.push({ method, path, opts });
        return answer(opts);
      }),
    },
    events: { emit: (_e, p) => void progress.push(p as TemplateMediaProgress) },
  });
  return { uploads, progress, sent };
}

const input = (bytes = new Uint8Array(1000)) => ({
  uploadId: UPLOAD,
  whatsappAccountId: ACCOUNT,
  fileName: 'menu du jour.pdf',
  mimeType: 'application/pdf' as const,
  bytes,
});

describe('template media uploads', () => {
  it('sends the file as the raw body with its type and name, reporting bytes sent then done', async () => {
    const { uploads, progress, sent } = setup(async (opts) => {
      for (const n of [250, 255, 500, 1000]) opts.onProgress?.(n);
      return ok({ handle: '4::abc' });
    });
    const r = await uploads['admin:uploadTemplateMedia'](input());
    expect(r).toEqual(ok({ handle: '4::abc' }));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      method: 'POST',
      path: `/api/v1/whatsapp-accounts/${ACCOUNT}/template-media?fileName=menu+du+jour.pdf`,
      opts: { contentType: 'application/pdf', accessToken: 'token-1' },
    });
    expect(sent[0]!.opts.bytes.byteLength).toBe(1000);
    // 250 and 255 are the same step of 50 (20 bytes each): reported once.
    expect(progress.map((p) => [p.sentBytes, p.state])).toEqual([
      [0, 'uploading'],
      [250, 'uploading'],
      [500, 'uploading'],
      [1000, 'uploading'],
      [1000, 'done'],
    ]);
    expect(progress.every((p) => p.uploadId === UPLOAD && p.totalBytes === 1000)).toBe(true);
  });

  it('cancels an upload in flight: the call answers cancelled and the progress says so', async () => {
    const { uploads, progress } = setup(
      (opts) =>
        new Promise((resolve) =>
          opts.signal?.addEventListener('abort', () =>
            resolve(err({ code: 'cancelled', message: 'The upload was cancelled.' })),
          ),
        ),
    );
    const pending = uploads['admin:uploadTemplateMedia'](input());
    expect(await uploads['admin:cancelTemplateMedia']({ uploadId: UPLOAD })).toEqual(ok({ cancelled: true }));
    expect(await pending).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(progress.at(-1)?.state).toBe('cancelled');
    // Nothing left to cancel.
    expect(await uploads['admin:cancelTemplateMedia']({ uploadId: UPLOAD })).toEqual(
      ok({ cancelled: false }),
    );
  });

  it('passes the server’s refusal on and reports the upload failed; an odd answer is refused', async () => {
    const refused = err({ code: 'payload_too_large' as const, message: 'Meta accepts … at most 100 MB' });
    const a = setup(async () => refused);
    expect(await a.uploads['admin:uploadTemplateMedia'](input())).toEqual(refused);
    expect(a.progress.at(-1)?.state).toBe('failed');
    const b = setup(async () => ok({ nope: true }));
    expect(await b.uploads['admin:uploadTemplateMedia'](input())).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
    expect(b.progress.at(-1)?.state).toBe('failed');
  });
});
