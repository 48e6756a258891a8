import { and, eq, isNotNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import type { Clock } from '../lib/clock';
import { createGraphClient, type GraphClient } from '../meta/graph-client';
import { seedDemo as seedEmulatorDemo, type DemoSeed } from '../meta-emulator/demo-seed';
import { buildMetaEmulator, type MetaEmulator } from '../meta-emulator/emulator';
import { recordChanges } from '../storage/change-log';
import type { Db } from '../storage/db';
import { contacts, conversations, media } from '../storage/schema/index';
import { CUSTOMERS, scriptFor } from './demo-scripts';
import { DEMO_USERS, type DemoContext } from './seed';

// Demo mode's WhatsApp side (DEMO=1, what `npm start` uses): the Meta emulator runs in this
// process on 127.0.0.1 (random port) and Parley's Graph client points at it. After Parley
// listens, the demo number is connected through Parley's own API (verified with the emulator,
// secrets sealed), its webhooks point at Parley's /webhooks/whatsapp/:id, templates are synced,
// and — on the first run only — dozens of customers write through the real webhook path, every
// inbound type included, spread over the last days (some windows already closed), with agents'
// replies, assignments, labels and statuses. Then simulated customers keep writing at a gentle
// pace and answer agents' messages and quick replies. Restarting on the same data keeps what
// exists: history is written once; the emulator (in memory) gets the customers' reply windows
// back from the database.

/** The running demo: the emulator, Parley's Graph client aimed at it, and the post-listen setup. */
export type WhatsAppDemo = {
  emulator: MetaEmulator;
  emulatorUrl: string;
  seed: DemoSeed;
  /** Parley's Graph client, aimed at the emulator. */
  graph: GraphClient;
  /** Connects the number, writes history on the first run, starts the simulated customers. */
  afterListen: (
    app: FastifyInstance,
    parleyUrl: string,
    ctx: DemoContext,
  ) => Promise<{ account: WhatsAppAccount; created: boolean }>;
  /** Stops the customers and the emulator (call before closing Parley). */
  close: () => Promise<void>;
};

/** Simulated customers' default pace: a list that moves every few seconds is hard to click. */
export const DEFAULT_DEMO_PACE_MS = 90_000;

/** Starts the emulator and prepares the demo (nothing touches Parley until `afterListen`). */
export async function startWhatsAppDemo(opts: {
  db: Db;
  clock: Clock;
  apiVersion: string;
  /** Simulated customers write every this often (default 90 s, a pace a person can
   * follow; `DEMO_PACE_SECONDS` sets it); 0 turns them off. */
  autopilotMs?: number;
  /** Status webhook delays, default realistic (200 ms / 1 s / 3 s). */
  statusDelays?: { sent: number; delivered: number; read: number };
  log?: (line: string) => void;
}): Promise<WhatsAppDemo> {
  // The emulator's clock can be set back while the history is written, so messages carry
  // Meta timestamps from the last days (and some reply windows are already closed).
  let offsetMs = 0;
  const emulator = buildMetaEmulator({
    now: () => Date.now() + offsetMs,
    ...(opts.statusDelays && { statusDelays: opts.statusDelays }),
  });
  const emulatorUrl = await emulator.listen();
  const seed = seedEmulatorDemo(emulator.control);
  for (const [phone, name] of CUSTOMERS) emulator.control.addCustomer({ phone, name });
  const graph = createGraphClient({ baseUrl: emulatorUrl, version: opts.apiVersion });
  let stopAutopilot: (() => void) | undefined;
  const log = opts.log ?? (() => undefined);

  const afterListen: WhatsAppDemo['afterListen'] = async (app, parleyUrl, ctx) => {
    const admin = DEMO_USERS.find((u) => u.role === 'admin')!;
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: admin.email, password: admin.password, organizationId: ctx.organizationId },
    });
    if (login.statusCode !== 200) throw new Error(`demo: admin sign-in failed: ${login.body}`);
    const headers = { authorization: `Bearer ${login.json<{ accessToken: string }>().accessToken}` };
    const api = async <T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object): Promise<T> => {
      const res = await app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
      if (res.statusCode >= 300)
        throw new Error(`demo: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
      return (res.body ? res.json() : null) as T;
    };

    // 1. The number: connected once through the API (the emulator verifies the credentials).
    const existing = (
      await api<{ data: WhatsAppAccount[] }>('GET', '/whatsapp-accounts?limit=200')
    ).data.find((a) => a.phoneNumberId === seed.phoneNumberId && a.status !== 'disconnected');
    const account =
      existing ??
      (await api<WhatsAppAccount>('POST', '/whatsapp-accounts', {
        name: 'Demo Shop',
        phoneNumberId: seed.phoneNumberId,
        businessAccountId: seed.wabaId,
        accessToken: seed.accessToken,
        appSecret: seed.appSecret,
        verifyToken: seed.verifyToken,
      }));
    emulator.control.configureWebhook(seed.phoneNumberId, {
      callbackUrl: `${parleyUrl}/webhooks/whatsapp/${account.id}`,
      appSecret: seed.appSecret,
      verifyToken: seed.verifyToken,
    });
    if (!(await emulator.control.verifyWebhook(seed.phoneNumberId)))
      log('demo: the emulator could not verify Parley’s webhook URL');
    await api('POST', `/whatsapp-accounts/${account.id}/sync-templates`);

    // 2. History, once.
    const [any] = await opts.db
      .select({ id: conversations.id })
      .from(conversations)
      .where(
        and(
          eq(conversations.organizationId, ctx.organizationId),
          eq(conversations.whatsappAccountId, account.id),
        ),
      )
      .limit(1);
    const created = !any;
    if (created) await writeHistory(app, api, ctx, account);
    else await resume(ctx, account);

    if ((opts.autopilotMs ?? DEFAULT_DEMO_PACE_MS) > 0)
      stopAutopilot = emulator.control.startAutopilot({
        phoneNumberId: seed.phoneNumberId,
        intervalMs: opts.autopilotMs ?? DEFAULT_DEMO_PACE_MS,
      });
    return { account, created };
  };

  /** Customers write (clock set back per conversation), agents answer, conversations get routed. */
  const writeHistory = async (
    app: FastifyInstance,
    api: <T>(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => Promise<T>,
    ctx: DemoContext,
    account: WhatsAppAccount,
  ) => {
    const phone = emulator.control.state.phoneNumbers.get(seed.phoneNumberId)!;
    const people = [...emulator.control.state.customers.values()];
    const HOUR = 3600_000;
    for (const [i, c] of people.entries()) {
      // Newest conversations first in the list: the first few within the hour, the last ones
      // two days old (their 24-hour window has closed: only templates may be sent).
      const startsAgo = i < 6 ? (i + 1) * 7 * 60_000 : i < 24 ? (i - 4) * HOUR : (i + 24) * HOUR;
      const steps = scriptFor(i, phone.displayDigits);
      for (const [k, step] of steps.entries()) {
        offsetMs = -startsAgo + k * 3 * 60_000;
        const { delivery } = emulator.control.customerSends(phone.id, c.phone, step.action, step.decorations);
        await delivery;
      }
    }
    offsetMs = 0;
    await app.background.idle();

    // Agents answer some, and a template goes out where the window closed (customers answer it).
    const convs = await opts.db
      .select({ id: conversations.id, waId: contacts.waId, windowExpiresAt: conversations.windowExpiresAt })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(
        and(
          eq(conversations.organizationId, ctx.organizationId),
          eq(conversations.whatsappAccountId, account.id),
        ),
      )
      .orderBy(sql`${conversations.lastMessageAt} desc nulls last`);
    const byWaId = new Map(convs.map((c) => [c.waId, c]));
    // Customers answer from here on: texts back, quick-reply taps on templates.
    for (const c of people) c.autoReply = true;
    for (const [i, c] of people.entries()) {
      const conv = byWaId.get(c.waId);
      if (!conv) continue;
      const steps = scriptFor(i, phone.displayDigits);
      const reply = steps.find((s) => s.agentReply)?.agentReply;
      const open = conv.windowExpiresAt && conv.windowExpiresAt.getTime() > Date.now();
      if (reply && open)
        await api('POST', `/conversations/${conv.id}/messages`, { type: 'text', text: reply });
      if (steps.some((s) => s.template) || (!open && i % 3 === 0))
        await api('POST', `/conversations/${conv.id}/messages`, {
          type: 'template',
          templateName: 'order_update',
          language: 'en_US',
          parameters: {
            header: { type: 'text', text: `#${4800 + i}` },
            body: [c.name.split(' ')[0] ?? c.name, `#${4800 + i}`, 'Friday'],
            buttons: [{ type: 'url', index: 2, text: String(4800 + i) }],
          },
        });
    }

    // Routing: some conversations are an agent's, some wait in a team queue, some are done.
    const { agent1, agent2, manager } = ctx.userIds;
    const { Support: support, Sales: sales } = ctx.teamIds;
    for (const [i, conv] of convs.entries()) {
      const patch: Record<string, unknown> =
        i % 6 === 0
          ? { assigneeId: agent1, teamId: support }
          : i % 6 === 1
            ? { assigneeId: agent2, teamId: sales }
            : i % 6 === 2
              ? { teamId: support }
              : i % 6 === 3
                ? { teamId: sales, labels: ['lead'] }
                : i % 6 === 4
                  ? { assigneeId: manager, important: true, labels: ['vip'] }
                  : { status: 'resolved', teamId: support };
      if (i % 7 === 5) patch.labels = ['refund'];
      await api('PATCH', `/conversations/${conv.id}`, patch);
    }
    await app.outbound.idle();

    // A few customers react to what agents sent them (reactions show on the agent's message).
    const reacted = new Set<string>();
    for (const o of emulator.control.outbound()) {
      if (reacted.size >= 4 || o.outcome !== 'ok' || !o.customerPhone || reacted.has(o.customerPhone))
        continue;
      reacted.add(o.customerPhone);
      const emoji = ['👍', '❤️', '🙏', '😂'][reacted.size - 1]!;
      await emulator.control.customerSends(phone.id, o.customerPhone, {
        type: 'reaction',
        messageId: o.wamid,
        emoji,
      }).delivery;
    }
    await app.background.idle();
  };

  /**
   * A restart: the emulator is new, so it gets each customer's last message time back (their
   * reply windows), and Parley forgets the media ids it had uploaded to the old emulator.
   */
  const resume = async (ctx: DemoContext, account: WhatsAppAccount) => {
    const rows = await opts.db
      .select({ waId: contacts.waId, lastInboundAt: conversations.lastInboundAt })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(
        and(
          eq(conversations.organizationId, ctx.organizationId),
          eq(conversations.whatsappAccountId, account.id),
          isNotNull(conversations.lastInboundAt),
        ),
      );
    for (const r of rows) {
      const c = r.waId
        ? [...emulator.control.state.customers.values()].find((x) => x.waId === r.waId)
        : undefined;
      if (c && r.lastInboundAt)
        emulator.control.setLastInbound(seed.phoneNumberId, c.phone, r.lastInboundAt.getTime());
    }
    await opts.db.transaction(async (tx) => {
      const cleared = await tx
        .update(media)
        .set({ metaUploadedId: null, metaUploadedAt: null, updatedAt: opts.clock.now() })
        .where(and(eq(media.organizationId, ctx.organizationId), isNotNull(media.metaUploadedId)))
        .returning({ id: media.id });
      await recordChanges(
        tx,
        ctx.organizationId,
        cleared.map((m) => ({ entity: 'media', entityId: m.id })),
      );
    });
  };

  return {
    emulator,
    emulatorUrl,
    seed,
    graph,
    afterListen,
    close: async () => {
      stopAutopilot?.();
      await emulator.close();
    },
  };
}
