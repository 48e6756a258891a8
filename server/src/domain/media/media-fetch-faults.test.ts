import { createHash, randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '#contract/api/messages';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { messages } from '../../storage/schema/index';
import { matchesMeta } from './media-service';

// Inbound media fetch against a Meta that times out, answers 404 or ends the body early (the
// emulator's download faults): retried, then ready with the right bytes, or finally failed —
// never a broken file marked ready. Retries are made due at once (run_at pulled forward) so the
// queue's real backoff does not slow the test.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Media faults');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const mediaOf = async (wamid: string) => {
  const [m] = await w.t.database.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, wamid)));
  const res = await w.t.app.inject({ url: `/api/v1/messages/${m!.id}`, headers: org.admin.headers });
  return res.json<Message>().media!;
};

/** Runs the media queue until the media leaves `pending` (each retry made due at once). */
const settleMedia = async (wamid: string, rounds = 12) => {
  for (let i = 0; i < rounds; i++) {
    await w.settle();
    const media = await mediaOf(wamid);
    if (media.state !== 'pending') return media;
    await w.t.database.db.execute(
      sql`update jobs set run_at = now() where queue like '%media_fetch' and state = 'pending'`,
    );
    // The worker polls on its own; give it a moment before the next settle.
    await new Promise((r) => setTimeout(r, 100));
  }
  return mediaOf(wamid);
};

describe('inbound media fetch under Meta faults', () => {
  it('retries a truncated body, a 404 and a timeout, then stores the exact file', async () => {
    const c = n.addCustomer('Flaky');
    const bytes = Buffer.from(`jpeg-bytes-${randomUUID()}-${'x'.repeat(2000)}`);
    const before = w.emu.control.downloadCount();
    w.emu.control.injectDownloadFaults(['truncated', '404', '404', 'timeout']);
    const wamid = await n.send(c, { type: 'image', bytes, mimeType: 'image/jpeg' });
    const media = await settleMedia(wamid);
    expect(media).toMatchObject({ state: 'ready', size: bytes.length });
    expect(w.emu.control.downloadCount() - before).toBe(5);
    const res = await w.t.app.inject({ url: `/api/v1/media/${media.id}`, headers: org.admin.headers });
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  }, 60_000);

  it('marks the media failed when every attempt is truncated, and never serves the broken file', async () => {
    const c = n.addCustomer('Always short');
    const bytes = Buffer.from(`pdf-${randomUUID()}-${'y'.repeat(4000)}`);
    // media_fetch jobs get 8 attempts (ingest-messages.ts): one truncated download each.
    const before = w.emu.control.downloadCount();
    w.emu.control.injectDownloadFaults(Array.from({ length: 8 }, () => 'truncated' as const));
    const wamid = await n.send(c, {
      type: 'document',
      bytes,
      mimeType: 'application/pdf',
      filename: 'short.pdf',
    });
    const media = await settleMedia(wamid, 20);
    expect(media.state).toBe('failed');
    const res = await w.t.app.inject({ url: `/api/v1/media/${media.id}`, headers: org.admin.headers });
    expect(res.statusCode).toBe(404);
    expect(w.emu.control.downloadCount() - before).toBe(8);
  }, 90_000);
});

describe('matchesMeta', () => {
  const bytes = Buffer.from('hello');
  const digest = createHash('sha256').update(bytes).digest();
  it('accepts the announced size with the sha256 in hex or base64, refuses a short or different body', () => {
    expect(matchesMeta(5, digest, { sha256: digest.toString('hex'), fileSize: 5 })).toBe(true);
    expect(matchesMeta(5, digest, { sha256: digest.toString('base64'), fileSize: 5 })).toBe(true);
    expect(matchesMeta(4, digest, { sha256: digest.toString('hex'), fileSize: 5 })).toBe(false);
    expect(matchesMeta(5, Buffer.alloc(32), { sha256: digest.toString('hex'), fileSize: 5 })).toBe(false);
  });
});
