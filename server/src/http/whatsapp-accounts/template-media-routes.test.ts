import { eq } from 'drizzle-orm';
import { API_SCOPES } from '#contract/api/api-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { until } from '../../../test/sync';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { generateJpeg } from '../../meta-emulator/media-samples';
import { templates } from '../../storage/schema/index';

// POST /api/v1/whatsapp-accounts/:id/template-media against the Meta emulator: the header sample
// goes through Graph's Resumable Upload API with the number's token, the handle it answers makes
// an IMAGE-header template Meta approves, and a handle Meta never issued is refused in words. The
// body is the file itself, refused by its declared length before it is read.

let w: WhatsAppWorld;
let org: TestOrg;
let other: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld({ emulator: { templateReviewMs: 100 } });
  [org, other] = await Promise.all([createOrg(w.t.app, 'Header samples'), createOrg(w.t.app, 'Others')]);
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const jpeg = generateJpeg();
const MB = 1024 * 1024;
type Who = { headers: { authorization: string } };
/** The file as the body, its type as Content-Type, its name in the query. */
const upload = (
  who: Who,
  bytes: Buffer = jpeg,
  { type = 'image/jpeg', fileName = 'header.jpg', id = n.account.id, headers = {} } = {},
) =>
  w.t.app.inject({
    method: 'POST',
    url: `/api/v1/whatsapp-accounts/${id}/template-media?fileName=${encodeURIComponent(fileName)}`,
    headers: { ...who.headers, 'content-type': type, ...headers },
    payload: bytes,
  });
const imageTemplate = (handle: string) => ({
  whatsappAccountId: n.account.id,
  name: `new_collection_${Math.floor(Math.random() * 1e6)}`,
  language: 'en_US',
  category: 'MARKETING',
  header: { format: 'IMAGE', example: handle },
  body: { text: 'Our new collection is here, {{1}}. Have a look!', examples: ['Ana'] },
  buttons: [],
});

describe('POST /api/v1/whatsapp-accounts/:id/template-media', () => {
  it('uploads the sample to Meta and answers the handle an IMAGE template is approved with', async () => {
    const res = await upload(org.admin);
    expect(res.statusCode, res.body).toBe(200);
    const { handle } = res.json() as { handle: string };
    const file = w.emu.control.uploadedFile(handle);
    expect(file?.fileType).toBe('image/jpeg');
    expect(file?.bytes.equals(jpeg)).toBe(true);

    const created = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/templates',
      headers: org.admin.headers,
      payload: imageTemplate(handle),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const row = async () => (await w.t.database.db.select().from(templates).where(eq(templates.id, id)))[0]!;
    await until(async () => (await row()).status === 'APPROVED', 5_000, 'approval');
    expect((await row()).components).toContainEqual({
      type: 'HEADER',
      format: 'IMAGE',
      example: { header_handle: [handle] },
    });
  });

  it('uploads each type Meta takes, a PDF of several chunks streamed whole', async () => {
    const pdf = Buffer.alloc(9 * MB, 0x25);
    const cases: [string, Buffer, string][] = [
      ['image/png', Buffer.from('\x89PNG probe'), 'a.png'],
      ['video/mp4', Buffer.alloc(2 * MB, 1), 'clip.mp4'],
      ['application/pdf', pdf, 'terms.pdf'],
    ];
    for (const [type, bytes, fileName] of cases) {
      const res = await upload(org.admin, bytes, { type, fileName });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
      const file = w.emu.control.uploadedFile(res.json().handle);
      expect(file?.fileType, type).toBe(type);
      expect(file?.bytes.equals(bytes), type).toBe(true);
    }
  });

  it('passes on Meta’s refusal of a handle it never issued, or of a PDF for an IMAGE header, in words', async () => {
    const res = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/templates',
      headers: org.admin.headers,
      payload: imageTemplate('4::typed-by-hand'),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toMatch(/not a valid file handle/);
    const pdf = await upload(org.admin, Buffer.from('%PDF-1.4 terms'), { type: 'application/pdf' });
    const wrong = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/templates',
      headers: org.admin.headers,
      payload: imageTemplate(pdf.json().handle),
    });
    expect(wrong.statusCode, wrong.body).toBe(422);
    expect(wrong.json().error.message).toMatch(/application\/pdf.*IMAGE header/);
  });

  it('refuses a declared length past the type’s limit with 413 and a sentence, before reading the body', async () => {
    const cases: [string, number, RegExp][] = [
      ['image/png', 5 * MB + 1, /image\/png header samples of at most 5 MB/],
      ['image/jpeg', 6 * MB, /image\/jpeg header samples of at most 5 MB/],
      ['video/mp4', 16 * MB + 1, /video\/mp4 header samples of at most 16 MB/],
      ['application/pdf', 100 * MB + 1, /application\/pdf header samples of at most 100 MB/],
    ];
    for (const [type, length, message] of cases) {
      // Only 1 KB of the declared length is sent: a route that read the body first would wait
      // for the rest (inject answers 400 for a short body) instead of answering 413.
      const res = await upload(org.admin, Buffer.alloc(1024), {
        type,
        headers: { 'content-length': String(length) },
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(413);
      expect(res.json().error).toMatchObject({ code: 'payload_too_large', message });
      expect(res.headers.connection).toBe('close');
    }
  });

  it('refuses other types with 415, and a missing file name, length or file with 400', async () => {
    for (const type of ['image/gif', 'application/json', 'text/plain', 'application/octet-stream']) {
      const res = await upload(org.admin, Buffer.from(type === 'application/json' ? '{}' : 'GIF89a'), {
        type,
      });
      expect(res.statusCode, `${type}: ${res.body}`).toBe(415);
      expect(res.json().error).toMatchObject({
        code: 'unsupported_media_type',
        message: /image\/jpeg, image\/png/,
      });
    }
    const noName = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/whatsapp-accounts/${n.account.id}/template-media`,
      headers: { ...org.admin.headers, 'content-type': 'image/jpeg' },
      payload: jpeg,
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().error.details.fields[0].path).toBe('querystring.fileName');
    const nul = await upload(org.admin, jpeg, { fileName: 'a\u0000.jpg' });
    expect(nul.statusCode).toBe(400);
    const empty = await upload(org.admin, Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.message).toMatch(/empty/);
  });

  it('is for admins of the number’s organization only; API keys are refused', async () => {
    expect((await upload(org.agent)).statusCode).toBe(403);
    expect((await upload(org.manager)).statusCode).toBe(403);
    expect((await upload(other.admin)).statusCode).toBe(404);
    expect((await upload(org.admin, jpeg, { id: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(
      404,
    );
    const key = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/api-keys',
      headers: org.admin.headers,
      payload: { name: 'CRM', scopes: [...API_SCOPES] },
    });
    expect(key.statusCode, key.body).toBe(201);
    const res = await upload({ headers: { authorization: `Bearer ${key.json().key as string}` } });
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json().error.code).toBe('forbidden');
  });
});
