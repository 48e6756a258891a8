import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_SECRET_KEY } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { signWebhookBody } from '../../meta/webhook-signature';
import { buildInboundMessage } from '../../meta-emulator/inbound-builders';
import {
  buildEnvelope,
  buildMessagesEntry,
  buildWebhookContact,
  serializeLikeMeta,
} from '../../meta-emulator/webhook-builders';
import type { Db } from '../../storage/db';
import { createJobQueue } from '../../storage/job-queue';
import { messages } from '../../storage/schema/index';
import { createAuditLog } from '../audit/audit-log';
import { createInboundIngest } from '../messages/inbound-ingest';
import { createInboundProcessor } from './inbound-processor';
import { createSecretBox } from './secret-box';
import { createWebhookAccounts } from './webhook-accounts';
import { createWebhookReceiver } from './webhook-receiver';

// Issue 15: a webhook arriving alone is processed as soon as its receipt is written — woken by
// the receipt itself, never by a timer (a sweep, a quiet window, a poll) — and its batch is the
// only transaction the processor runs. The receiver and processor are wired as the inbound
// module wires them on PGlite (processing yields to receipt writes), on the test's engine; the
// app runs without background work, so these are the only ones draining.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld({ app: { background: false } });
  org = await createOrg(w.t.app, 'Inbound wake-up');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());
afterEach(() => {
  vi.useRealTimers();
});

/** A receiver and a processor wired together; `transactions` counts the processor's. */
const pipeline = () => {
  const db = w.t.database.db;
  const clock = w.t.clock;
  const accounts = createWebhookAccounts({ db, secrets: createSecretBox(TEST_SECRET_KEY), clock });
  const counted = { transactions: 0 };
  const countingDb = new Proxy(db, {
    get: (target, key, receiver) => {
      if (key !== 'transaction') return Reflect.get(target, key, receiver) as unknown;
      return (...args: Parameters<Db['transaction']>) => {
        counted.transactions++;
        return target.transaction(...args);
      };
    },
  });
  const processor = createInboundProcessor({
    db: countingDb,
    clock,
    accounts,
    ingest: createInboundIngest({
      jobs: createJobQueue({ db, clock, namespace: randomUUID() }),
      audit: createAuditLog({ db, clock }),
    }),
    // Nothing but the receipt may wake the processor: no sweep, and a yield bounded far away.
    sweepMs: 3_600_000,
    maxYieldMs: 3_600_000,
    yieldTo: { quietIn: (gap) => receiver.quietIn(gap), settled: (ms) => receiver.settled(ms) },
  });
  const receiver = createWebhookReceiver({ db, accounts, onStored: () => processor.notify() });
  return { processor, receiver, counted };
};

// Built with the emulator's own builders, as Meta would POST it to this number.
const webhook = (wamid: string) => {
  const sender = { waId: '15550004001', profileName: 'Wake' };
  const to = { wabaId: n.wabaId, phoneNumberId: n.phoneNumberId, displayPhoneNumber: '15550000000' };
  const message = buildInboundMessage(
    { type: 'text', body: 'hello' },
    { wamid, timestampSeconds: Math.floor(Date.now() / 1000), sender },
  );
  const body = serializeLikeMeta(
    buildEnvelope([buildMessagesEntry(to, { contacts: [buildWebhookContact(sender)], messages: [message] })]),
  );
  return { raw: Buffer.from(body), signature: signWebhookBody(body, n.appSecret) };
};

const stored = async (wamid: string) =>
  (
    await w.t.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.organizationId, org.organizationId), eq(messages.waMessageId, wamid)))
  ).length;

describe('a lone inbound webhook', () => {
  it('is processed right after its receipt is written, with no timer firing', async () => {
    const { processor, receiver, counted } = pipeline();
    processor.start();
    await processor.idle();
    const before = counted.transactions;
    // From here no timer fires: a wait on one (the former 25 ms quiet window polled every 2 ms)
    // would never end and the test would time out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'setImmediate', 'Date'] });
    // A second after the last drain: the processor is idle.
    vi.setSystemTime(Date.now() + 1_000);
    const wamid = `wamid.${randomUUID()}`;
    const { raw, signature } = webhook(wamid);
    expect((await receiver.receive(n.account.id, raw, signature)).ok).toBe(true);
    await processor.idle();
    expect(await stored(wamid)).toBe(1);
    // One transaction for the message, none after it to find the table empty.
    expect(counted.transactions - before).toBe(1);
    vi.useRealTimers();
    await processor.stop();
  });
});

describe('the receiver as the processor sees it', () => {
  it('is not quiet while a write is in flight and signals its end', async () => {
    const { receiver } = pipeline();
    const db = w.t.database.db;
    // The account lookup cached first (it would wait behind the holder too).
    const warm = webhook(`wamid.${randomUUID()}`);
    await receiver.receive(n.account.id, warm.raw, warm.signature);
    // Receipt inserts wait behind a transaction holding the table (PGlite: its one connection).
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const holder = db.transaction(async (tx) => {
      await tx.execute(sql`lock table webhook_receipts in share mode`);
      holding();
      await gate;
    });
    await held;
    const { raw, signature } = webhook(`wamid.${randomUUID()}`);
    let writing: ReturnType<typeof receiver.receive>;
    let signalled: Promise<unknown>;
    try {
      writing = receiver.receive(n.account.id, raw, signature);
      await vi.waitFor(() => expect(receiver.quietIn(0)).toBe(Infinity));
      let settled = false;
      signalled = receiver.settled(3_600_000).then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 30));
      expect(settled).toBe(false);
    } finally {
      release();
      await holder;
    }
    await signalled;
    expect((await writing).ok).toBe(true);
    expect(receiver.quietIn(0)).toBe(0);
  });

  it('counts a gap from the last receipt asked for', async () => {
    const { receiver } = pipeline();
    vi.useFakeTimers({ toFake: ['Date'] });
    const first = webhook(`wamid.${randomUUID()}`);
    await receiver.receive(n.account.id, first.raw, first.signature);
    // Without a gap (the processor was idle): quiet as soon as the write is done.
    expect(receiver.quietIn(0)).toBe(0);
    // With one (the processor is behind): quiet once no receipt came for that long.
    expect(receiver.quietIn(25)).toBe(25);
    vi.advanceTimersByTime(20);
    expect(receiver.quietIn(25)).toBe(5);
    vi.advanceTimersByTime(5);
    expect(receiver.quietIn(25)).toBe(0);
  });
});
