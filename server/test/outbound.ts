import { rm } from 'node:fs/promises';
import { and, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Message } from '#contract/api/messages';
import { demoTemplates } from '../src/meta-emulator/demo-seed';
import type { OutboundRecord } from '../src/meta-emulator/state';
import { contacts, conversations, messages } from '../src/storage/schema/index';
import { createOrg, type LoggedIn, type TestOrg } from './factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from './whatsapp';

/** A world with one organization, one connected number with the demo templates synced. */
export type OutboundWorld = WhatsAppWorld & {
  org: TestOrg;
  number: ConnectedNumber;
  /** A new customer who wrote once (open window); returns their phone digits and conversation id. */
  customer: (
    name?: string,
    on?: ConnectedNumber,
  ) => Promise<{ phone: string; conversationId: string; contactId: string; wamid: string }>;
  /** POST /conversations/:id/messages as `who` (default: the admin). */
  send: (
    conversationId: string,
    body: Record<string, unknown>,
    opts?: { who?: LoggedIn; key?: string },
  ) => Promise<{ status: number; body: Message & { error?: { code: string; message: string } } }>;
  /** The message row. */
  row: (id: string) => Promise<typeof messages.$inferSelect>;
  /** Waits until `check` holds (polling the database), failing after `ms`. */
  until: (check: () => Promise<boolean>, ms?: number) => Promise<void>;
  /** Emulator records of accepted sends for this number. */
  sent: () => OutboundRecord[];
  /** Waits until queued sends, status webhooks and their processing are all done. */
  quiesce: () => Promise<void>;
};

/** Starts an {@link OutboundWorld}. Options go to the emulator and the app (send-queue settings). */
export async function startOutboundWorld(
  opts: Parameters<typeof startWhatsAppWorld>[0] = {},
): Promise<OutboundWorld> {
  const world = await startWhatsAppWorld({
    ...opts,
    app: {
      ...opts.app,
      sendQueue: { scanMs: 20, flushMs: 2, retryBaseMs: 20, retryMaxMs: 200, ...opts.app?.sendQueue },
    },
  });
  const { t } = world;
  const org = await createOrg(t.app, 'Outbound Org');
  const number = await world.connect(org.admin);
  for (const tpl of demoTemplates()) world.emu.control.addTemplate(number.wabaId, tpl);
  const synced = await t.app.inject({
    method: 'POST',
    url: `/api/v1/whatsapp-accounts/${number.account.id}/sync-templates`,
    headers: org.admin.headers,
  });
  expect(synced.statusCode, synced.body).toBe(200);

  const customer: OutboundWorld['customer'] = async (name = 'Customer', on = number) => {
    const phone = on.addCustomer(name);
    const wamid = await on.send(phone, { type: 'text', body: `Hello from ${name}` });
    const [c] = await t.database.db
      .select({ conversationId: conversations.id, contactId: contacts.id })
      .from(contacts)
      .innerJoin(conversations, eq(conversations.contactId, contacts.id))
      .where(and(eq(contacts.organizationId, org.organizationId), eq(contacts.waId, phone)));
    expect(c, `conversation of ${phone}`).toBeDefined();
    return { phone, wamid, ...c! };
  };

  const until: OutboundWorld['until'] = async (check, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  return {
    ...world,
    org,
    number,
    customer,
    until,
    send: async (conversationId, body, o = {}) => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${conversationId}/messages`,
        headers: { ...(o.who ?? org.admin).headers, ...(o.key && { 'idempotency-key': o.key }) },
        payload: body,
      });
      return { status: res.statusCode, body: res.json() };
    },
    row: async (id) => {
      const [r] = await t.database.db.select().from(messages).where(eq(messages.id, id));
      return r!;
    },
    sent: () => world.emu.control.outbound().filter((o) => o.phoneNumberId === number.phoneNumberId),
    close: async () => {
      await t.app.outbound.services.sendWorker.stop();
      await world.emu.close();
      // A status webhook still in flight when Parley's server starts closing leaves a keep-alive
      // connection that holds close() for Fastify's 72 s keep-alive timeout: cut them all.
      const closing = t.app.close();
      t.app.server.closeAllConnections();
      await closing;
      await rm(world.mediaDir, { recursive: true, force: true });
    },
    quiesce: async () => {
      for (let i = 0; i < 2; i++) {
        await t.app.outbound.idle();
        await world.settle();
      }
    },
  };
}

/** A multipart/form-data body with one file part (and optional fields before it). */
export function multipartBody(
  file: { bytes: Buffer; mimeType: string; fileName: string },
  fields: Record<string, string> = {},
): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----parley${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.fileName}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
