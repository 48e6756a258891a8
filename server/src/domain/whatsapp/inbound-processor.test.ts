import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_SECRET_KEY } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { signWebhookBody } from '../../meta/webhook-signature';
import { createJobQueue } from '../../storage/job-queue';
import { messages, webhookQuarantine, webhookReceipts } from '../../storage/schema/index';
import { createAuditLog } from '../audit/audit-log';
import { createInboundIngest, type RoutedEvent } from '../messages/inbound-ingest';
import { createInboundProcessor } from './inbound-processor';
import { createSecretBox } from './secret-box';
import { createWebhookAccounts } from './webhook-accounts';
import { createWebhookQuarantine } from './webhook-quarantine';

// Issue 9, finding 1: one event that cannot be applied (even sanitised) must not take the other
// events of its POST with it, and a receipt is never given up silently. The app runs without
// background work, so the processor under test (real ingest, real database) is the only one
// draining; its ingest is made to throw for one chosen event.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { background: false } });
  org = await createOrg(w.t.app, 'Poison isolation');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const processorWith = (
  opts: { poison?: (r: RoutedEvent) => boolean; brokenRouting?: boolean; maxAttempts?: number } = {},
) => {
  const db = w.t.database.db;
  const clock = w.t.clock;
  const real = createInboundIngest({
    jobs: createJobQueue({ db, clock, namespace: randomUUID() }),
    audit: createAuditLog({ db, clock }),
  });
  const accounts = createWebhookAccounts({ db, secrets: createSecretBox(TEST_SECRET_KEY), clock });
  return createInboundProcessor({
    db,
    clock,
    accounts: opts.brokenRouting
      ? {
          ...accounts,
          ownersOfNumbers: async () => {
            throw new Error('routing exploded');
          },
        }
      : accounts,
    ingest: async (tx, routed, now) => {
      if (routed.some((r) => opts.poison?.(r))) throw new Error('poison event');
      return real(tx, routed, now);
    },
    quarantine: createWebhookQuarantine({ db, audit: createAuditLog({ db, clock }) }),
    ...(opts.maxAttempts !== undefined && { maxAttempts: opts.maxAttempts }),
    sweepMs: 50,
  });
};

const post = async (wamids: string[]) => {
  const ts = String(Math.floor(Date.now() / 1000));
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: n.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: n.phoneNumberId },
              contacts: wamids.map((_, i) => ({ profile: { name: `C${i}` }, wa_id: `1555000300${i}` })),
              messages: wamids.map((id, i) => ({
                from: `1555000300${i}`,
                id,
                timestamp: ts,
                type: 'text',
                text: { body: `message ${i}` },
              })),
            },
          },
        ],
      },
    ],
  });
  const res = await fetch(`${w.parleyUrl}/webhooks/whatsapp/${n.account.id}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookBody(body, n.appSecret),
    },
  });
  expect(res.status).toBe(200);
};

const stored = async (wamids: string[]) =>
  (
    await w.t.database.db
      .select({ wamid: messages.waMessageId })
      .from(messages)
      .where(and(eq(messages.organizationId, org.organizationId), inArray(messages.waMessageId, wamids)))
  ).map((r) => r.wamid);

const quarantined = () =>
  w.t.database.db
    .select()
    .from(webhookQuarantine)
    .where(eq(webhookQuarantine.organizationId, org.organizationId));

describe('a poison event in a webhook POST', () => {
  it('is quarantined alone while its neighbours in the same POST are applied', async () => {
    const wamids = [0, 1, 2].map(() => `wamid.${randomUUID()}`);
    const poison = wamids[1]!;
    await post(wamids);
    const p = processorWith({ poison: (r) => r.event.kind === 'message' && r.event.wamid === poison });
    p.start();
    await p.idle();
    await p.stop();

    expect((await stored(wamids)).sort()).toEqual([wamids[0], wamids[2]].sort());
    const q = (await quarantined()).filter((e) => e.externalId === poison);
    expect(q).toEqual([
      expect.objectContaining({ outcome: 'failed', eventKind: 'message', error: 'poison event' }),
    ]);
    const receipt = await w.t.database.db
      .select()
      .from(webhookReceipts)
      .where(eq(webhookReceipts.id, q[0]!.receiptId));
    expect(receipt[0]).toMatchObject({ lastError: null, processedAt: expect.any(Date) });

    const list = await w.t.app.inject({
      url: '/api/v1/webhook-quarantine?outcome=failed',
      headers: org.admin.headers,
    });
    expect(list.json().data.map((e: { externalId: string }) => e.externalId)).toContain(poison);
  });

  it('quarantines a receipt that keeps failing as a whole instead of giving it up silently', async () => {
    const wamids = [`wamid.${randomUUID()}`];
    await post(wamids);
    const p = processorWith({ brokenRouting: true, maxAttempts: 1 });
    p.start();
    await p.idle();
    await p.stop();
    expect(await stored(wamids)).toEqual([]);
    const q = (await quarantined()).filter((e) => e.outcome === 'receipt_failed');
    expect(q).toEqual([
      expect.objectContaining({ error: 'routing exploded', whatsappAccountId: n.account.id }),
    ]);
    const audit = await w.t.app.inject({
      url: '/api/v1/audit-events?action=webhook.event_quarantined',
      headers: org.admin.headers,
    });
    expect(
      audit.json().data.some((e: { target: { id: string } }) => e.target.id === String(q[0]!.receiptId)),
    ).toBe(true);
  });
});
