import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { buildTestApp, testDatabase, type TestApp } from '../../test/build-test-app';
import { createPasswordHasher } from '../domain/auth/password-hasher';
import { systemClock } from '../lib/clock';
import { createFsMediaStore } from '../domain/media/media-store';
import { isUniqueViolation } from '../storage/errors';
import { conversations, messages, reactions, templates, whatsappAccounts } from '../storage/schema/index';
import { seedDemo, type DemoContext } from './seed';
import { startWhatsAppDemo, type WhatsAppDemo } from './whatsapp-demo';

/** One demo boot: emulator, app wired to it, listening, base seed, WhatsApp setup. */
async function boot(): Promise<{
  t: TestApp;
  demo: WhatsAppDemo;
  ctx: DemoContext;
  created: boolean;
  dir: string;
  accountId: string;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-demo-test-'));
  const database = await testDatabase();
  const demo = await startWhatsAppDemo({
    db: database.db,
    clock: systemClock,
    apiVersion: 'v25.0',
    autopilotMs: 0,
    statusDelays: { sent: 0, delivered: 0, read: 0 },
  });
  const t = await buildTestApp({ graph: demo.graph, mediaStore: createFsMediaStore(dir) });
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const deps = { hasher: createPasswordHasher(), clock: systemClock };
  // Other test files may seed the demo organization at the same moment on a shared database.
  const ctx = await seedDemo(t.database.db, deps).catch((e: unknown) => {
    if (isUniqueViolation(e)) return seedDemo(t.database.db, deps);
    throw e;
  });
  const { account, created } = await demo.afterListen(t.app, url, ctx);
  return { t, demo, ctx, created, dir, accountId: account.id };
}

async function shutdown(b: { t: TestApp; demo: WhatsAppDemo; dir: string }) {
  await b.demo.close();
  const closing = b.t.app.close();
  b.t.app.server.closeAllConnections();
  await closing;
  await rm(b.dir, { recursive: true, force: true });
}

describe('demo mode (WhatsApp)', () => {
  it('connects the emulator number, writes history with every inbound type once, and resumes on restart', async () => {
    const first = await boot();
    const db = first.t.database.db;
    const org = first.ctx.organizationId;
    let firstOpen = true;
    try {
      const [account] = await db
        .select()
        .from(whatsappAccounts)
        .where(eq(whatsappAccounts.id, first.accountId));
      expect(account).toMatchObject({ status: 'connected', phoneNumberId: first.demo.seed.phoneNumberId });
      expect(account!.accessTokenEnc).not.toContain(first.demo.seed.accessToken);
      const approved = await db
        .select()
        .from(templates)
        .where(and(eq(templates.organizationId, org), eq(templates.status, 'APPROVED')));
      expect(approved.map((x) => x.name)).toEqual(
        expect.arrayContaining(['hello_world', 'order_update', 'spring_promo', 'call_us']),
      );
      const convs = await db
        .select()
        .from(conversations)
        .where(
          and(eq(conversations.organizationId, org), eq(conversations.whatsappAccountId, first.accountId)),
        );
      const count = convs.length;
      if (first.created) {
        expect(count).toBeGreaterThanOrEqual(30);
        const inboundTypes = async () =>
          (
            await db
              .selectDistinct({ type: messages.type })
              .from(messages)
              .where(and(eq(messages.organizationId, org), eq(messages.direction, 'inbound')))
          ).map((r) => r.type);
        // `button` is a customer tapping a template's quick reply: the emulator's customers answer
        // 1.5 s after Meta accepted the template, which on a fast database is after the history.
        let types = await inboundTypes();
        for (const until = Date.now() + 15_000; !types.includes('button') && Date.now() < until;) {
          await new Promise((r) => setTimeout(r, 100));
          await first.t.app.background.idle();
          types = await inboundTypes();
        }
        expect(types).toEqual(
          expect.arrayContaining([
            'text',
            'image',
            'video',
            'audio',
            'document',
            'sticker',
            'location',
            'contacts',
            'interactive',
            'button',
            'order',
            'system',
            'unsupported',
          ]),
        );
        const [reaction] = await db
          .select()
          .from(reactions)
          .where(eq(reactions.organizationId, org))
          .limit(1);
        expect(reaction?.reactor).toBe('customer');
        const outbound = await db
          .select({ n: sql<number>`count(*)::int` })
          .from(messages)
          .where(and(eq(messages.organizationId, org), eq(messages.direction, 'outbound')));
        expect(outbound[0]!.n).toBeGreaterThan(5);
        expect(convs.filter((c) => c.assigneeId === first.ctx.userIds.agent1).length).toBeGreaterThan(2);
        expect(convs.filter((c) => c.assigneeId === null && c.teamId !== null).length).toBeGreaterThan(2);
        expect(
          convs.filter((c) => c.windowExpiresAt && c.windowExpiresAt.getTime() < Date.now()).length,
        ).toBeGreaterThan(0);
      }
      await shutdown(first);
      firstOpen = false;

      const second = await boot();
      try {
        expect(second.created).toBe(false);
        expect(second.accountId).toBe(first.accountId);
        const again = await db
          .select()
          .from(conversations)
          .where(
            and(eq(conversations.organizationId, org), eq(conversations.whatsappAccountId, first.accountId)),
          );
        expect(again).toHaveLength(count);
      } finally {
        await shutdown(second);
      }
    } finally {
      if (firstOpen) await shutdown(first);
    }
  }, 120_000);
});
