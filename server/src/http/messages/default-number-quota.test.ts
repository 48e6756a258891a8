import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../../test/api-client';
import { createTestClock } from '../../../test/build-test-app';
import { createOrg } from '../../../test/factories';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import type { ConnectedNumber } from '../../../test/whatsapp';
import { conversations, messageQuotaUsage, messages } from '../../storage/schema/index';

// Issue 10: the organization's default number and the monthly quota of outbound messages, over
// the integrator's send (`POST /api/v1/messages` with a key). A send that names no number goes
// from the default; an admin changes it and cannot pick another tenant's number. Sends beyond the
// quota are refused with 429 `quota_exceeded` naming the reset date, nothing written; the usage
// line counts them; a new month (UTC) starts from zero.
//
// The clock starts ten minutes before a month ends, so the rollover needs no token refresh and
// leaves the customers' 24-hour windows (stamped by the emulator in real time) open.

const clock = createTestClock();
clock.set(new Date('2026-11-30T23:50:00Z'));

let w: OutboundWorld;
let api: ReturnType<typeof apiClient>;
let second: ConnectedNumber;

beforeAll(async () => {
  w = await startOutboundWorld({ app: { clock } });
  second = await w.connect(w.org.admin, { name: 'Second line' });
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: w.org.admin.headers,
    payload: { name: 'CRM', scopes: ['messages:send', 'messages:read'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  api = apiClient(w.t.app, res.json().key);
}, 240_000);
afterAll(() => w?.close());

const patchOrg = (payload: Record<string, unknown>, headers = w.org.admin.headers) =>
  w.t.app.inject({ method: 'PATCH', url: '/api/v1/organization', headers, payload });

const usage = async () => {
  const res = await w.t.app.inject({ url: '/api/v1/organization/usage', headers: w.org.admin.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ month: string; sent: number; quota: number | null; resetsAt: string }>();
};

const sendText = (to: string, text: string) =>
  api.POST('/api/v1/messages', { body: { to: `+${to}`, message: { type: 'text', text } } });

/** The number a message went from (its conversation's). */
const accountOf = async (id: string) =>
  (
    await w.t.database.db
      .select({ account: conversations.whatsappAccountId })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(eq(messages.id, id))
  )[0]?.account;

describe('the default number', () => {
  it('is where a send that names no number goes; an admin changes it', async () => {
    // A customer who wrote to both numbers.
    const c = await w.customer('Two lines', second);
    await w.number.send(c.phone, { type: 'text', body: 'Hello first line' });

    const none = await sendText(c.phone, 'Which line?');
    expect(none.response.status).toBe(422);
    expect(none.error?.error.message).toContain('no default number');

    const set = await patchOrg({ defaultWhatsappAccountId: second.account.id });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().defaultWhatsappAccountId).toBe(second.account.id);
    const fromSecond = await sendText(c.phone, 'From the default');
    expect(fromSecond.response.status, JSON.stringify(fromSecond.error)).toBe(202);
    expect(fromSecond.data!.conversationId).toBe(c.conversationId);
    expect(await accountOf(fromSecond.data!.id)).toBe(second.account.id);

    const changed = await patchOrg({ defaultWhatsappAccountId: w.number.account.id });
    expect(changed.statusCode, changed.body).toBe(200);
    const fromFirst = await sendText(c.phone, 'From the new default');
    expect(fromFirst.response.status, JSON.stringify(fromFirst.error)).toBe(202);
    expect(fromFirst.data!.conversationId).not.toBe(c.conversationId);
    expect(await accountOf(fromFirst.data!.id)).toBe(w.number.account.id);

    // A number named in the request wins over the default.
    const named = await api.POST('/api/v1/messages', {
      body: {
        to: `+${c.phone}`,
        whatsappAccountId: second.account.id,
        message: { type: 'text', text: 'Named' },
      },
    });
    expect(named.response.status, JSON.stringify(named.error)).toBe(202);
    expect(await accountOf(named.data!.id)).toBe(second.account.id);
  });

  it('refuses another organization’s number and a non-admin, changing nothing', async () => {
    const other = await createOrg(w.t.app, 'Other tenant');
    const theirs = await w.connect(other.admin, { name: 'Their line' });
    const refused = await patchOrg({ defaultWhatsappAccountId: theirs.account.id });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('invalid_input');
    expect(refused.json().error.message).toBe(
      'The default number must be one of the organization’s connected numbers.',
    );
    const asManager = await patchOrg({ defaultWhatsappAccountId: second.account.id }, w.org.manager.headers);
    expect(asManager.statusCode).toBe(403);
    const org = await w.t.app.inject({ url: '/api/v1/organization', headers: w.org.admin.headers });
    expect(org.json().defaultWhatsappAccountId).toBe(w.number.account.id);
    // Nor can a send name it.
    const c = await w.customer('Cross tenant');
    const cross = await api.POST('/api/v1/messages', {
      body: { to: `+${c.phone}`, whatsappAccountId: theirs.account.id, message: { type: 'text', text: 'x' } },
    });
    expect(cross.response.status).toBe(404);

    const cleared = await patchOrg({ defaultWhatsappAccountId: null });
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json().defaultWhatsappAccountId).toBeNull();
  });
});

describe('the monthly quota', () => {
  it('counts sends, refuses beyond it with 429 quota_exceeded naming the reset, and starts again next month', async () => {
    await patchOrg({ defaultWhatsappAccountId: w.number.account.id });
    const start = await usage();
    expect(start.month).toBe('2026-11');
    expect(start.quota).toBeNull(); // no default configured here: unlimited, still counted
    expect(start.sent).toBeGreaterThan(0);
    const quota = start.sent + 2;
    expect((await patchOrg({ monthlyMessageQuota: quota })).statusCode).toBe(200);

    const c = await w.customer('Quota');
    for (const text of ['one', 'two']) expect((await sendText(c.phone, text)).response.status).toBe(202);
    expect(await usage()).toMatchObject({ sent: quota, quota, resetsAt: '2026-12-01T00:00:00.000Z' });

    const countMessages = async () =>
      (await w.t.database.db.select().from(messages).where(eq(messages.organizationId, w.org.organizationId)))
        .length;
    const before = await countMessages();
    const over = await sendText(c.phone, 'three');
    expect(over.response.status).toBe(429);
    expect(over.error?.error.code).toBe('quota_exceeded');
    expect(over.error?.error.message).toContain('monthly quota');
    expect(over.error?.error.message).toContain('1 December 2026');
    const retryAfter = Number(over.response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10 * 60);
    // The conversation route (what the desktop app sends through) is held to the same quota.
    const fromApp = await w.send(c.conversationId, { type: 'text', text: 'from the app' });
    expect(fromApp.status).toBe(429);
    expect(fromApp.body.error?.code).toBe('quota_exceeded');
    expect(await countMessages()).toBe(before);
    expect((await usage()).sent).toBe(quota);

    // Midnight UTC: a new month, a new count.
    clock.set(new Date('2026-12-01T00:00:30Z'));
    const fresh = await sendText(c.phone, 'new month');
    expect(fresh.response.status, JSON.stringify(fresh.error)).toBe(202);
    expect(await usage()).toMatchObject({
      month: '2026-12',
      sent: 1,
      quota,
      resetsAt: '2027-01-01T00:00:00.000Z',
    });
    const rows = await w.t.database.db
      .select()
      .from(messageQuotaUsage)
      .where(and(eq(messageQuotaUsage.organizationId, w.org.organizationId)));
    expect(Object.fromEntries(rows.map((r) => [r.month, r.sent]))).toEqual({
      '2026-11': quota,
      '2026-12': 1,
    });
  });
});
