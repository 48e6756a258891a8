import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '#contract/api/media';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { multipartBody } from '../../../test/outbound';
import { createFsMediaStore } from '../../domain/media/media-store';
import { generateJpeg, generateOggOpus, WEBP_1X1 } from '../../meta-emulator/media-samples';
import { media, syncLog } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-upload-test-'));
  t = await buildTestApp({ mediaStore: createFsMediaStore(dir) });
  [org, other] = await Promise.all([createOrg(t.app, 'Upload Org'), createOrg(t.app, 'Other')]);
});
afterAll(async () => {
  await t.app.close();
  await rm(dir, { recursive: true, force: true });
});

const upload = (
  file: { bytes: Buffer; mimeType: string; fileName: string },
  opts: { query?: string; fields?: Record<string, string> } = {},
) => {
  const m = multipartBody(file, opts.fields);
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/media${opts.query ?? ''}`,
    headers: { ...org.agent.headers, ...m.headers },
    payload: m.payload,
  });
};
const rowsOfOrg = () =>
  t.database.db.select().from(media).where(eq(media.organizationId, org.organizationId));

describe('POST /api/v1/media', () => {
  it('stores the file with its sha256 and size, logs it, and serves it back to the organization only', async () => {
    const bytes = generateJpeg();
    const res = await upload({ bytes, mimeType: 'image/jpeg', fileName: 'photo.jpg' });
    expect(res.statusCode, res.body).toBe(201);
    const m = res.json<Media>();
    expect(m).toMatchObject({
      mimeType: 'image/jpeg',
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fileName: 'photo.jpg',
    });
    const back = await t.app.inject({ url: `/api/v1/media/${m.id}`, headers: org.admin.headers });
    expect(back.statusCode).toBe(200);
    expect(back.rawPayload.equals(bytes)).toBe(true);
    expect(
      (await t.app.inject({ url: `/api/v1/media/${m.id}`, headers: other.admin.headers })).statusCode,
    ).toBe(404);
    const log = await t.database.db.select().from(syncLog).where(eq(syncLog.entityId, m.id));
    expect(log.map((l) => l.entity)).toEqual(['media']);
  });

  it('checks type and size against WhatsApp’s limits for the intended type', async () => {
    const before = await rowsOfOrg();
    const cases: [ReturnType<typeof upload>, number, string, RegExp][] = [
      [
        upload({ bytes: Buffer.from('MZ...'), mimeType: 'application/x-msdownload', fileName: 'a.exe' }),
        415,
        'unsupported_media_type',
        /does not accept files of type application\/x-msdownload/,
      ],
      [
        upload(
          { bytes: generateJpeg(), mimeType: 'image/jpeg', fileName: 'a.jpg' },
          { query: '?type=video' },
        ),
        415,
        'unsupported_media_type',
        /A video must be one of video\/mp4/,
      ],
      [
        upload(
          { bytes: Buffer.alloc(101 * 1024, 1), mimeType: 'image/webp', fileName: 's.webp' },
          { query: '?type=sticker' },
        ),
        422,
        'unprocessable',
        /not image\/webp/,
      ],
      [
        upload({ bytes: Buffer.alloc(0), mimeType: 'image/png', fileName: 'e.png' }),
        422,
        'unprocessable',
        /empty/,
      ],
      [
        upload({ bytes: Buffer.from('not a png at all'), mimeType: 'image/png', fileName: 'x.png' }),
        422,
        'unprocessable',
        /not image\/png/,
      ],
      [
        upload({
          bytes: Buffer.concat([WEBP_1X1, Buffer.alloc(501 * 1024)]),
          mimeType: 'image/webp',
          fileName: 'big.webp',
        }),
        413,
        'payload_too_large',
        /A sticker can be at most 500 KB on WhatsApp/,
      ],
      [
        upload({
          bytes: Buffer.concat([generateJpeg(), Buffer.alloc(5 * 1024 * 1024)]),
          mimeType: 'image/jpeg',
          fileName: 'big.jpg',
        }),
        413,
        'payload_too_large',
        /An image can be at most 5 MB on WhatsApp; this file is 5.1 MB/,
      ],
      [
        upload(
          { bytes: generateJpeg(), mimeType: 'image/jpeg', fileName: 'a.jpg' },
          { fields: { type: 'gif' } },
        ),
        400,
        'invalid_input',
        /Unknown media type/,
      ],
    ];
    for (const [pending, status, code, message] of cases) {
      const res = await pending;
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error.code).toBe(code);
      expect(res.json().error.message).toMatch(message);
    }
    const json = await t.app.inject({
      method: 'POST',
      url: '/api/v1/media',
      headers: org.agent.headers,
      payload: { file: 'x' },
    });
    expect([json.statusCode, json.json().error.code]).toEqual([415, 'unsupported_media_type']);
    expect(await rowsOfOrg()).toEqual(before);
    const voice = await upload(
      { bytes: generateOggOpus(), mimeType: 'audio/ogg; codecs=opus', fileName: 'v.ogg' },
      { fields: { type: 'audio' } },
    );
    expect(voice.statusCode, voice.body).toBe(201);
    const unauth = await t.app.inject({ method: 'POST', url: '/api/v1/media', payload: {} });
    expect(unauth.statusCode).toBe(401);
  });
});
