import { describe, expect, it } from 'vitest';
import { err, ok } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import type { AccountCredentials } from '../whatsapp/account-service';
import { createTemplateMedia, type IncomingSample, type TemplateMediaDeps } from './template-media';

// The header-sample upload's decisions without Graph: who may, which account, the app id, and
// what Meta's answers become.

const creds: AccountCredentials = {
  id: 'acc',
  organizationId: 'org',
  phoneNumberId: '1',
  businessAccountId: '2',
  accessToken: 'EAAG-token',
  status: 'connected',
  throughputMps: 80,
};
const admin = { role: 'admin' } as Principal;
async function* pieces(...parts: Buffer[]) {
  for (const p of parts) yield p;
}
const sampleOf = (over: Partial<IncomingSample> = {}): IncomingSample => ({
  fileName: 'a.png',
  mimeType: 'image/png',
  length: 5,
  body: pieces(Buffer.from('pro'), Buffer.from('be')),
  ...over,
});
/** A body that must not be read: every refusal comes before the first byte. */
const unread = (): AsyncIterable<Uint8Array> => ({
  [Symbol.asyncIterator]: () => {
    throw new Error('the body was read');
  },
});

const setup = (over: Partial<TemplateMediaDeps> = {}) => {
  const flagged: string[] = [];
  const calls: unknown[][] = [];
  const media = createTemplateMedia({
    appId: '42',
    uploader: {
      uploadStream: async (appId, token, file) => {
        const parts: Buffer[] = [];
        for await (const p of file.chunks) parts.push(Buffer.from(p));
        calls.push([appId, token, { ...file, chunks: Buffer.concat(parts) }]);
        return ok('4::handle');
      },
    },
    credentials: async (o, id) => (o === 'org' && id === 'acc' ? creds : undefined),
    flagTokenInvalid: async (r) => void flagged.push(r.id),
    ...over,
  });
  return { media, flagged, calls };
};

describe('template media', () => {
  it('streams the bytes on the app with the number’s token and the declared length', async () => {
    const { media, calls } = setup();
    expect(await media.upload('org', admin, 'acc', sampleOf())).toEqual(ok({ handle: '4::handle' }));
    expect(calls).toEqual([
      [
        '42',
        'EAAG-token',
        { chunks: Buffer.from('probe'), length: 5, mimeType: 'image/png', fileName: 'a.png' },
      ],
    ]);
  });

  it('refuses a too large, empty or undeclared length before reading a byte', async () => {
    const { media, calls } = setup();
    const big = await media.upload(
      'org',
      admin,
      'acc',
      sampleOf({ length: 5 * 1024 * 1024 + 1, body: unread() }),
    );
    expect(!big.ok && big.error).toMatchObject({
      code: 'payload_too_large',
      message: /image\/png header samples of at most 5 MB; this file is 5\.0 MB/,
    });
    const pdf = await media.upload(
      'org',
      admin,
      'acc',
      sampleOf({ mimeType: 'application/pdf', length: 100 * 1024 * 1024, body: pieces(Buffer.from('x')) }),
    );
    // 100 MB is a PDF's limit, not past it: the upload goes on.
    expect(pdf.ok).toBe(true);
    const none = await media.upload('org', admin, 'acc', sampleOf({ length: undefined, body: unread() }));
    expect(!none.ok && none.error).toMatchObject({ code: 'bad_request', message: /Content-Length/ });
    const empty = await media.upload('org', admin, 'acc', sampleOf({ length: 0, body: unread() }));
    expect(!empty.ok && empty.error).toMatchObject({ code: 'bad_request', message: /empty/ });
    expect(calls).toHaveLength(1);
  });

  it('says the upload ended short when the client goes away midway', async () => {
    async function* broken() {
      yield Buffer.from('pro');
      throw new Error('aborted');
    }
    const { media } = setup();
    const r = await media.upload('org', admin, 'acc', sampleOf({ body: broken() }));
    expect(!r.ok && r.error).toMatchObject({ code: 'bad_request', message: /ended after 3 of 5 bytes/ });
  });

  it('says so when META_APP_ID is not set, before calling Meta', async () => {
    const { media, calls } = setup({ appId: undefined });
    const r = await media.upload('org', admin, 'acc', sampleOf());
    expect(!r.ok && r.error).toMatchObject({ code: 'unprocessable', message: /META_APP_ID/ });
    expect(calls).toEqual([]);
  });

  it('refuses non-admins, unknown and disconnected numbers', async () => {
    const { media } = setup();
    const agent = await media.upload('org', { role: 'agent' } as Principal, 'acc', sampleOf());
    expect(!agent.ok && agent.error.code).toBe('forbidden');
    const other = await media.upload('other', admin, 'acc', sampleOf());
    expect(!other.ok && other.error.code).toBe('not_found');
    const off = setup({ credentials: async () => ({ ...creds, status: 'disconnected' }) });
    const r = await off.media.upload('org', admin, 'acc', sampleOf());
    expect(!r.ok && r.error.code).toBe('conflict');
  });

  it('flags an invalid token and explains Meta’s refusal of the file', async () => {
    const meta = (metaCode: number, details?: string) =>
      setup({
        uploader: {
          uploadStream: async () =>
            err({
              kind: 'meta',
              code: 'x',
              metaCode,
              title: 'Invalid',
              details,
              catalog: { kind: 'other' },
            } as never),
        },
      });
    const bad = meta(190);
    const r = await bad.media.upload('org', admin, 'acc', sampleOf());
    expect(!r.ok && r.error.code).toBe('meta_token_invalid');
    expect(bad.flagged).toEqual(['acc']);
    const refused = await meta(100, 'The file type is not supported.').media.upload(
      'org',
      admin,
      'acc',
      sampleOf(),
    );
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'unprocessable',
      message: 'Meta refused the file: The file type is not supported.',
    });
  });
});
