import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResumableUploader, type ResumableUploader } from '../meta/resumable-upload';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type MetaEmulator } from './emulator';
import { generateJpeg } from './media-samples';

// The Resumable Upload API as Meta answers it (a template's media header example): a session on
// the app, the bytes sent with `Authorization: OAuth` and `file_offset`, the handle `h`; a wrong
// offset is refused and `GET /upload:{id}` says where to resume.

const APP_ID = '1234567890';
let emu: MetaEmulator;
let url: string;
let seed: DemoSeed;
let uploader: ResumableUploader;

beforeAll(async () => {
  emu = buildMetaEmulator({ webhookRetry: { baseMs: 5 } });
  seed = seedDemo(emu.control, { callbackUrl: 'http://127.0.0.1:9/unused' });
  url = await emu.listen();
  uploader = createResumableUploader({ baseUrl: url, version: 'v25.0' });
});
afterAll(() => emu.close());

/** Meta's error object of an answer. */
const errorOf = async (res: Response) => ((await res.json()) as { error: unknown }).error;
const post = (path: string, headers: Record<string, string>, body?: Buffer) =>
  fetch(`${url}/v25.0/${path}`, { method: 'POST', headers, ...(body && { body }) });

describe('Resumable Upload API', () => {
  it('opens a session, takes the bytes and answers the handle the upload is stored under', async () => {
    const jpeg = generateJpeg();
    const r = await uploader.upload(APP_ID, seed.accessToken, {
      bytes: jpeg,
      mimeType: 'image/jpeg',
      fileName: 'header.jpg',
    });
    expect(r.ok, JSON.stringify(r)).toBe(true);
    const h = r.ok ? r.value : '';
    expect(emu.control.uploadedFile(h)).toMatchObject({ fileType: 'image/jpeg' });
    expect(emu.control.uploadedFile(h)!.bytes.equals(Buffer.from(jpeg))).toBe(true);
  });

  it('resumes from the offset Meta reports, and refuses an offset that does not match', async () => {
    const bytes = Buffer.from('%PDF-1.4 a small document for a template header');
    const session = await uploader.openSession(APP_ID, seed.accessToken, {
      length: bytes.length,
      mimeType: 'application/pdf',
      fileName: 'terms.pdf',
    });
    expect(session.ok).toBe(true);
    const id = session.ok ? session.value : '';
    const oauth = { authorization: `OAuth ${seed.accessToken}`, 'content-type': 'application/octet-stream' };
    // The first 10 bytes, then an interruption.
    const part = await post(id, { ...oauth, file_offset: '0' }, bytes.subarray(0, 10));
    expect(await part.json()).toEqual({ id, file_offset: 10 });
    expect(await uploader.offsetOf(id, seed.accessToken)).toEqual({ ok: true, value: 10 });
    const wrong = await post(id, { ...oauth, file_offset: '0' }, bytes);
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({ code: 100 });
    const rest = await post(id, { ...oauth, file_offset: '10' }, bytes.subarray(10));
    const { h } = (await rest.json()) as { h: string };
    expect(emu.control.uploadedFile(h)!.bytes.equals(bytes)).toBe(true);
  });

  it('streams a file in chunks, each sent from the offset Meta has, and answers the handle', async () => {
    const bytes = Buffer.alloc(10_000, 7);
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 1000) yield bytes.subarray(i, i + 1000);
    }
    const r = await uploader.uploadStream(
      APP_ID,
      seed.accessToken,
      { mimeType: 'application/pdf', fileName: 'big.pdf', length: bytes.length, chunks: pieces() },
      4096,
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(emu.control.uploadedFile(r.ok ? r.value : '')!.bytes.equals(bytes)).toBe(true);
    async function* short() {
      yield bytes.subarray(0, 5000);
    }
    const cut = await uploader.uploadStream(
      APP_ID,
      seed.accessToken,
      { mimeType: 'application/pdf', fileName: 'cut.pdf', length: bytes.length, chunks: short() },
      4096,
    );
    expect(cut).toMatchObject({ ok: false, error: { kind: 'bad_response', message: /5000 of 10000/ } });
  });

  it('answers Meta’s errors: an unsupported type, no length, a Bearer token on the upload node, an unknown session', async () => {
    const gif = await uploader.openSession(APP_ID, seed.accessToken, {
      length: 6,
      mimeType: 'image/gif',
      fileName: 'a.gif',
    });
    expect(gif).toMatchObject({ ok: false, error: { kind: 'meta', metaCode: 100 } });
    const noLength = await post(`${APP_ID}/uploads?file_type=image/png&access_token=${seed.accessToken}`, {});
    expect(await errorOf(noLength)).toMatchObject({ code: 100 });
    const badToken = await uploader.openSession(APP_ID, 'not-a-token', {
      length: 1,
      mimeType: 'image/png',
      fileName: 'x.png',
    });
    expect(badToken).toMatchObject({ ok: false, error: { kind: 'meta', metaCode: 190 } });
    const open = await uploader.openSession(APP_ID, seed.accessToken, {
      length: 9,
      mimeType: 'image/png',
      fileName: 'x.png',
    });
    const id = open.ok ? open.value : '';
    const bearer = await post(
      id,
      { authorization: `Bearer ${seed.accessToken}`, file_offset: '0' },
      Buffer.from('png bytes'),
    );
    expect(bearer.status).toBe(401);
    expect(await errorOf(bearer)).toMatchObject({ code: 190 });
    expect(await uploader.offsetOf('upload:nope', seed.accessToken)).toMatchObject({
      ok: false,
      error: { kind: 'meta', metaCode: 100 },
    });
  });
});

describe('a template’s media header sample', () => {
  const submit = (handle: string, name: string) =>
    fetch(`${url}/v25.0/${seed.wabaId}/message_templates`, {
      method: 'POST',
      headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name,
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'IMAGE', example: { header_handle: [handle] } },
          { type: 'BODY', text: 'Our new collection is here. Have a look!' },
        ],
      }),
    });

  it('takes a handle the Resumable Upload API issued', async () => {
    const r = await uploader.upload(APP_ID, seed.accessToken, {
      bytes: generateJpeg(),
      mimeType: 'image/jpeg',
      fileName: 'header.jpg',
    });
    const res = await submit(r.ok ? r.value : '', 'spring_collection');
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'PENDING' });
  });

  it('refuses a handle whose file is not of the header’s format (a PDF for an IMAGE header)', async () => {
    const pdf = await uploader.upload(APP_ID, seed.accessToken, {
      bytes: Buffer.from('%PDF-1.4 terms and conditions'),
      mimeType: 'application/pdf',
      fileName: 'terms.pdf',
    });
    expect(pdf.ok).toBe(true);
    const res = await submit(pdf.ok ? pdf.value : '', 'autumn_collection');
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: 100,
      message: expect.stringMatching(/Invalid parameter/),
      error_data: { details: expect.stringMatching(/application\/pdf.*IMAGE header/) },
    });
  });

  it('refuses a handle it never issued, as Meta does', async () => {
    const res = await submit('4::aW1hZ2UvanBlZzpub3QtdXBsb2FkZWQ=', 'summer_collection');
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({
      code: 100,
      error_data: { details: expect.stringMatching(/not a valid file handle/) },
    });
  });
});
