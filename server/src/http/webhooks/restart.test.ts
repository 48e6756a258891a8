import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { createFsMediaStore } from '../../domain/media/media-store';
import { messages, webhookReceipts } from '../../storage/schema/index';

// A crash between the 200 and processing loses nothing: the receipt is durable, and the next
// process replays it at boot (quality bar 5.1.7, one restart).

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
const jobNamespace = randomUUID();
beforeAll(async () => {
  // The first process receives but never processes: as if it died right after answering 200.
  w = await startWhatsAppWorld({ app: { background: false, jobNamespace } });
  org = await createOrg(w.t.app, 'Restart');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

describe('restart between receipt and processing', () => {
  it('replays the stored receipts when the next app boots, media included', async () => {
    const c = n.addCustomer('Patient');
    const sent = [
      w.emu.control.customerSends(n.phoneNumberId, c, { type: 'text', body: 'before the crash' }),
      w.emu.control.customerSends(n.phoneNumberId, c, {
        type: 'image',
        bytes: Buffer.from('img'),
        mimeType: 'image/png',
      }),
    ];
    for (const s of sent) expect((await s.delivery)?.state).toBe('delivered'); // Meta got its 200s
    const receipts = await w.t.database.db
      .select()
      .from(webhookReceipts)
      .where(eq(webhookReceipts.whatsappAccountId, n.account.id));
    expect(receipts).toHaveLength(2);
    expect(receipts.every((r) => r.processedAt === null)).toBe(true);
    const early = await w.t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, sent[0]!.wamid)));
    expect(early).toEqual([]);
    await w.t.app.close(); // the "crashed" process is gone

    const next = await buildTestApp({
      graph: w.graph,
      mediaStore: createFsMediaStore(w.mediaDir),
      jobNamespace,
    });
    try {
      await next.app.background.idle();
      for (const s of sent) {
        const rows = await next.database.db
          .select()
          .from(messages)
          .where(and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, s.wamid)));
        expect(rows).toHaveLength(1);
      }
      const after = await next.database.db
        .select()
        .from(webhookReceipts)
        .where(eq(webhookReceipts.whatsappAccountId, n.account.id));
      expect(after.every((r) => r.processedAt !== null && r.lastError === null)).toBe(true);
      const [image] = await next.database.db
        .select()
        .from(messages)
        .where(
          and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, sent[1]!.wamid)),
        );
      const media = await next.app.inject({
        url: `/api/v1/media/${image!.mediaId}`,
        headers: org.admin.headers,
      });
      expect(media.statusCode).toBe(200);
      expect(media.body).toBe('img');
    } finally {
      await next.app.close();
    }
  });
});
