import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '#contract/api/media';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { multipartBody, startOutboundWorld, type OutboundWorld } from '../../test/outbound';
import { metaId } from '../../test/whatsapp';
import { generateJpeg } from '../meta-emulator/media-samples';
import { lookupMetaError } from '../meta/error-catalog';
import { rowsOf } from '../storage/change-log';
import { conversations, jobs, whatsappAccounts } from '../storage/schema/index';
import { MAY_NOT_HAVE_BEEN_SENT } from '../domain/messages/send-queue';

// The send path end to end, over HTTP against the Meta emulator: Parley's routes queue, the
// send worker paces and sends, the emulator answers like Graph and posts status webhooks back
// to Parley's webhook route.

let w: OutboundWorld;
const RECONCILE_MS = 400;

beforeAll(async () => {
  w = await startOutboundWorld({
    app: { sendQueue: { reconcileAfterMs: RECONCILE_MS, pairRateBackoffMs: 30 } },
  });
});
afterAll(() => w?.close());

const sendJobOf = async (messageId: string) => {
  const [j] = await w.t.database.db
    .select()
    .from(jobs)
    .where(and(sql`${jobs.queue} like '%send:%'`, sql`${jobs.payload} ->> 'messageId' = ${messageId}`));
  return j!;
};
const byCallback = (id: string) => w.emu.control.outbound().filter((o) => o.bizOpaqueCallbackData === id);
const status = async (id: string) => (await w.row(id)).status;

describe('accepted sends', () => {
  it('sends a text: queued with the wamid after Meta accepts, then sent/delivered/read from webhooks', async () => {
    const c = await w.customer('Ana');
    const res = await w.send(c.conversationId, { type: 'text', text: 'Hi Ana, see https://example.com' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', direction: 'outbound', authorId: w.org.admin.id });
    await w.until(async () => (await status(res.body.id)) === 'read');
    const row = await w.row(res.body.id);
    expect(row.waMessageId).toMatch(/^wamid\./);
    const [rec] = byCallback(res.body.id);
    expect(rec!.wamid).toBe(row.waMessageId);
    expect(rec!.body.text).toEqual({ preview_url: true, body: 'Hi Ana, see https://example.com' });
    expect((await sendJobOf(res.body.id)).state).toBe('done');
  });

  it('sends templates with header, body and button parameters as Meta expects', async () => {
    const c = await w.customer('Tom');
    const res = await w.send(c.conversationId, {
      type: 'template',
      templateName: 'order_update',
      language: 'en_US',
      parameters: {
        header: { type: 'text', text: '#42' },
        body: ['Tom', '#42', 'Friday'],
        buttons: [
          { type: 'quick_reply', index: 0, payload: 'track-42' },
          { type: 'url', index: 2, text: '42' },
        ],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.template?.renderedBody).toBe('Hi Tom, your order #42 will arrive on Friday.');
    await w.until(async () => byCallback(res.body.id).length === 1);
    expect(byCallback(res.body.id)[0]!.body.template).toMatchObject({
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: '#42' }] },
        { type: 'body', parameters: [{ text: 'Tom' }, { text: '#42' }, { text: 'Friday' }] },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: 'track-42' }],
        },
        { type: 'button', sub_type: 'url', index: '2', parameters: [{ type: 'text', text: '42' }] },
      ],
    });
  });

  it('uploads media to Meta at send time once and reuses the uploaded id', async () => {
    const c = await w.customer('Pia');
    const up = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/media',
      ...(() => {
        const m = multipartBody({ bytes: generateJpeg(), mimeType: 'image/jpeg', fileName: 'box.jpg' });
        return { payload: m.payload, headers: { ...w.org.admin.headers, ...m.headers } };
      })(),
    });
    expect(up.statusCode, up.body).toBe(201);
    const media = up.json<Media>();
    const uploadsBefore = [...w.emu.control.state.media.values()].filter(
      (m) => m.ownerPhoneNumberId === w.number.phoneNumberId && m.fileName === 'box.jpg',
    ).length;
    const first = await w.send(c.conversationId, { type: 'image', mediaId: media.id, caption: 'Your box' });
    const second = await w.send(c.conversationId, { type: 'image', mediaId: media.id });
    expect([first.status, second.status]).toEqual([202, 202]);
    await w.until(
      async () => byCallback(first.body.id).length === 1 && byCallback(second.body.id).length === 1,
    );
    const a = byCallback(first.body.id)[0]!.body.image as { id: string; caption?: string };
    const b = byCallback(second.body.id)[0]!.body.image as { id: string };
    expect(a).toEqual({ id: b.id, caption: 'Your box' });
    const uploads = [...w.emu.control.state.media.values()].filter(
      (m) => m.ownerPhoneNumberId === w.number.phoneNumberId && m.fileName === 'box.jpg',
    );
    expect(uploads.length - uploadsBefore).toBe(1);
    expect(uploads.at(-1)!.id).toBe(a.id);
    const [row] = rowsOf<{ meta_uploaded_id: string }>(
      await w.t.database.db.execute(sql`select meta_uploaded_id from media where id = ${media.id}`),
    );
    expect(row!.meta_uploaded_id).toBe(a.id);
  });

  it('keeps per-conversation order under concurrent sends', async () => {
    const c = await w.customer('Order');
    const other = await w.customer('Other');
    const texts = Array.from({ length: 12 }, (_, i) => `message ${i}`);
    const results = await Promise.all([
      ...texts.map((text) => w.send(c.conversationId, { type: 'text', text })),
      w.send(other.conversationId, { type: 'text', text: 'meanwhile' }),
    ]);
    for (const r of results) expect(r.status).toBe(202);
    const mine = results.slice(0, texts.length).map((r) => r.body);
    await w.until(async () => mine.every((m) => byCallback(m.id).length === 1));
    const byConvSeq = [...mine].sort((x, y) => x.convSeq - y.convSeq).map((m) => m.id);
    const atMeta = w
      .sent()
      .filter((o) => o.customerPhone === c.phone)
      .sort((x, y) => x.acceptedAt - y.acceptedAt)
      .map((o) => o.bizOpaqueCallbackData)
      .filter((id) => byConvSeq.includes(id!));
    expect(atMeta).toEqual(byConvSeq);
    expect(new Set(mine.map((m) => m.convSeq)).size).toBe(texts.length);
  });

  it('marks the latest inbound message read at Meta, once per wamid', async () => {
    const c = await w.customer('Reader');
    const last = await w.number.send(c.phone, { type: 'text', body: 'are you there?' });
    expect(w.emu.control.state.inbound.get(last)!.read).toBe(false);
    const read = () =>
      w.t.app.inject({
        method: 'POST',
        url: `/api/v1/conversations/${c.conversationId}/read`,
        headers: w.org.agent.headers,
      });
    expect((await read()).statusCode).toBe(404); // the agent does not see this unassigned conversation
    const res = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.conversationId}/read`,
      headers: w.org.manager.headers,
    });
    expect(res.statusCode, res.body).toBe(204);
    await w.until(async () => w.emu.control.state.inbound.get(last)!.read);
    expect(w.emu.control.state.inbound.get(c.wamid)!.read).toBe(true);
    const [conv] = await w.t.database.db
      .select({ unread: conversations.unreadCount })
      .from(conversations)
      .where(eq(conversations.id, c.conversationId));
    expect(conv!.unread).toBe(0);
    await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/conversations/${c.conversationId}/read`,
      headers: w.org.manager.headers,
    });
    const markJobs = await w.t.database.db
      .select()
      .from(jobs)
      .where(and(sql`${jobs.queue} like '%mark_read'`, sql`${jobs.payload} ->> 'wamid' = ${last}`));
    expect(markJobs).toHaveLength(1);
  });
});

describe('Meta errors', () => {
  const failsWith = async (code: string, res: { body: { id: string } }) => {
    await w.until(async () => (await status(res.body.id)) === 'failed');
    const row = await w.row(res.body.id);
    expect(row.errorCode).toBe(code);
    expect(row.errorMessage).toBe(lookupMetaError(Number(code)).agentMessage);
    return row;
  };

  it.each([100, 131009])('%i: fails at once with Meta’s code and a sentence, never retried', async (code) => {
    const c = await w.customer(`E${code}`);
    w.emu.control.injectSendFault({ kind: 'error', code, count: 1 });
    const res = await w.send(c.conversationId, { type: 'text', text: 'x' });
    const row = await failsWith(String(code), res);
    expect(row.errorTitle).toBeTruthy();
    const job = await sendJobOf(res.body.id);
    expect([job.state, job.attempts]).toEqual(['failed', 1]);
    expect(byCallback(res.body.id)).toHaveLength(0);
    const [conv] = await w.t.database.db
      .select({ s: conversations.lastMessageStatus })
      .from(conversations)
      .where(eq(conversations.id, c.conversationId));
    expect(conv!.s).toBe('failed');
  });

  it('131026: accepted, then a failed status (not on WhatsApp)', async () => {
    const res = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: w.org.admin.headers,
      payload: {
        whatsappAccountId: w.number.account.id,
        to: '+15550009999',
        message: { type: 'template', templateName: 'hello_world', language: 'en_US' },
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const row = await failsWith('131026', { body: res.json() });
    expect(row.waMessageId).toMatch(/^wamid\./);
  });

  it('131047: Meta says the window closed although Parley thought it open — a failed status after a 200', async () => {
    const c = await w.customer('Late');
    w.emu.control.setLastInbound(w.number.phoneNumberId, c.phone, null);
    const res = await w.send(c.conversationId, { type: 'text', text: 'still there?' });
    expect(res.status).toBe(202);
    const row = await failsWith('131047', res);
    expect(row.waMessageId).toMatch(/^wamid\./);
  });

  it('132000 and 132001: the template changed at Meta after the sync', async () => {
    const c = await w.customer('Tpl');
    const waba = w.emu.control.state.wabas.get(w.number.wabaId)!;
    const tpl = waba.templates.find((t) => t.name === 'order_update' && t.language === 'es')!;
    const saved = structuredClone(tpl);
    tpl.components = [{ type: 'BODY', text: 'Hola {{1}}, tu pedido llega pronto.' }];
    const params = { body: ['Tom', '#1', 'lunes'] };
    const one = await w.send(c.conversationId, {
      type: 'template',
      templateName: 'order_update',
      language: 'es',
      parameters: params,
    });
    await failsWith('132000', one);
    tpl.components = saved.components;
    tpl.status = 'PAUSED';
    const two = await w.send(c.conversationId, {
      type: 'template',
      templateName: 'order_update',
      language: 'es',
      parameters: params,
    });
    await failsWith('132001', two);
    tpl.status = saved.status;
  });

  it('130429 and 5xx: retried with backoff until Meta accepts', async () => {
    const c = await w.customer('Busy');
    w.emu.control.injectSendFault({ kind: 'error', code: 130429, count: 2 });
    const one = await w.send(c.conversationId, { type: 'text', text: 'one' });
    await w.until(async () => byCallback(one.body.id).length === 1);
    expect((await sendJobOf(one.body.id)).attempts).toBe(3);
    w.emu.control.injectSendFault({ kind: 'http_status', status: 502, count: 1 });
    w.emu.control.injectSendFault({ kind: 'error', code: 131000, count: 1 });
    const two = await w.send(c.conversationId, { type: 'text', text: 'two' });
    await w.until(async () => byCallback(two.body.id).length === 1);
    expect((await sendJobOf(two.body.id)).attempts).toBe(3);
  });

  it('131056: backs off that recipient only (4^X), keeps its order, others go on', async () => {
    const slow = await w.customer('Pair');
    const fast = await w.customer('Free');
    w.emu.control.setPairRate({ enabled: true, burst: 1, intervalMs: 1500 });
    try {
      const a: { id: string }[] = [];
      for (const text of ['p1', 'p2', 'p3'])
        a.push((await w.send(slow.conversationId, { type: 'text', text })).body);
      const b = await w.send(fast.conversationId, { type: 'text', text: 'f1' });
      await w.until(async () => byCallback(b.body.id).length === 1);
      await w.until(async () => a.every((m) => byCallback(m.id).length === 1), 15_000);
      const order = a.map((m) => byCallback(m.id)[0]!.acceptedAt);
      expect([...order].sort((x, y) => x - y)).toEqual(order);
      const attempts = await Promise.all(a.map(async (m) => (await sendJobOf(m.id)).attempts));
      expect(Math.max(...attempts)).toBeGreaterThan(1);
      // The other recipient was not held behind the paced one.
      expect(byCallback(b.body.id)[0]!.acceptedAt).toBeLessThan(byCallback(a[2]!.id)[0]!.acceptedAt);
    } finally {
      w.emu.control.setPairRate({ enabled: true, burst: 45, intervalMs: 6000 });
    }
  });
});

describe('ambiguous sends (response lost after Meta accepted)', () => {
  it('never resends; a status webhook carrying our id reconciles it', async () => {
    const c = await w.customer('Drop');
    w.emu.control.injectSendFault({ kind: 'drop_response', count: 1 });
    const res = await w.send(c.conversationId, { type: 'text', text: 'did it go?' });
    await w.until(async () => (await sendJobOf(res.body.id)).state === 'done');
    expect(byCallback(res.body.id)).toHaveLength(1);
    const row = await w.row(res.body.id);
    expect(row.waMessageId).toBe(byCallback(res.body.id)[0]!.wamid);
    expect(['sent', 'delivered', 'read']).toContain(row.status);
  });

  it('marks the message failed "may not have been sent" when no status arrives in the window', async () => {
    const c = await w.customer('Lost');
    w.emu.control.setStatusFaults({ extraDelayMs: 600_000 });
    w.emu.control.injectSendFault({ kind: 'drop_response', count: 1 });
    try {
      const res = await w.send(c.conversationId, { type: 'text', text: 'hello?' });
      await w.until(async () => (await sendJobOf(res.body.id)).state === 'awaiting_status');
      expect(await status(res.body.id)).toBe('queued');
      await w.until(async () => (await status(res.body.id)) === 'failed');
      const row = await w.row(res.body.id);
      expect([row.errorCode, row.errorMessage]).toEqual([
        MAY_NOT_HAVE_BEEN_SENT.code,
        MAY_NOT_HAVE_BEEN_SENT.message,
      ]);
      expect((await sendJobOf(res.body.id)).state).toBe('failed');
      await new Promise((r) => setTimeout(r, RECONCILE_MS));
      expect(byCallback(res.body.id)).toHaveLength(1);
    } finally {
      w.emu.control.setStatusFaults({});
    }
  });
});

describe('throughput', () => {
  it('never exceeds the number’s cap: Meta answers no 130429', async () => {
    const cap = 8;
    const customers = [];
    for (let i = 0; i < 12; i++) customers.push(await w.customer(`T${i}`));
    const patched = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/whatsapp-accounts/${w.number.account.id}`,
      headers: w.org.admin.headers,
      payload: { throughputMps: cap },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    w.emu.control.setThroughput(w.number.phoneNumberId, cap);
    const before = w.t.app.outbound.services.sendWorker.stats().rejected130429;
    // The worker re-reads a number's settings every 2 s; the wait also empties Meta's window.
    await new Promise((r) => setTimeout(r, 2200));
    const sent = await Promise.all(
      customers.flatMap((c) =>
        [1, 2].map((n) => w.send(c.conversationId, { type: 'text', text: `burst ${n}` })),
      ),
    );
    await w.until(async () => sent.every((s) => byCallback(s.body.id).length === 1), 20_000);
    const times = sent.map((s) => byCallback(s.body.id)[0]!.acceptedAt).sort((a, b) => a - b);
    for (let i = 0; i < times.length; i++)
      expect(times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length).toBeLessThanOrEqual(cap);
    expect(w.t.app.outbound.services.sendWorker.stats().rejected130429).toBe(before);
    w.emu.control.setThroughput(w.number.phoneNumberId, 80);
    await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/whatsapp-accounts/${w.number.account.id}`,
      headers: w.org.admin.headers,
      payload: { throughputMps: 80 },
    });
  });
});

describe('an idle number', () => {
  it('waits for work instead of claiming back to back, and leaves the event loop free', async () => {
    const c = await w.customer('Idle');
    const res = await w.send(c.conversationId, { type: 'text', text: 'one message, then nothing' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await w.until(async () => (await status(res.body.id)) === 'read');
    // The number's dispatcher is still alive (it gives the lease up after 10 s without work).
    // It must poll at the scan pace (20 ms here), not claim again as soon as a claim came back
    // empty: on PGlite a statement resolves without returning to the event loop, so back-to-back
    // claims starved every timer and request of the process (demo mode hung on its first reply).
    const worker = w.t.app.outbound.services.sendWorker;
    const before = worker.stats().claims;
    const started = performance.now();
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    await new Promise((r) => setTimeout(r, 1000));
    clearInterval(ticker);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(3000);
    expect(ticks).toBeGreaterThan(20);
    expect(worker.stats().claims - before).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 10);
    // And new work is still picked up at once.
    const next = await w.send(c.conversationId, { type: 'text', text: 'and one more' });
    await w.until(async () => byCallback(next.body.id).length === 1);
  });
});

describe('expired token (190)', () => {
  it('stops that number’s queue and flags it; other numbers go on; reconnecting resumes', async () => {
    const other = await w.connect(w.org.admin, { name: 'Second line' });
    const c = await w.customer('Expiry', other);
    const fine = await w.customer('Unaffected');
    w.emu.control.expireToken(other.accessToken);
    const stuck = await w.send(c.conversationId, { type: 'text', text: 'will wait' });
    expect(stuck.status).toBe(202);
    await w.until(async () => {
      const [a] = await w.t.database.db
        .select({ s: whatsappAccounts.status })
        .from(whatsappAccounts)
        .where(eq(whatsappAccounts.id, other.account.id));
      return a!.s === 'token_invalid';
    });
    const [acct] = await w.t.database.db
      .select()
      .from(whatsappAccounts)
      .where(eq(whatsappAccounts.id, other.account.id));
    expect(acct!.statusReason).toMatch(/access token/i);
    const job = await sendJobOf(stuck.body.id);
    expect([job.state, job.attempts]).toEqual(['pending', 0]);
    expect(await status(stuck.body.id)).toBe('queued');
    // No retry storm: the number is not tried again while flagged.
    await new Promise((r) => setTimeout(r, 300));
    expect((await sendJobOf(stuck.body.id)).attempts).toBe(0);
    // New sends on that number are refused up front.
    const refused = await w.send(c.conversationId, { type: 'text', text: 'x' });
    expect([refused.status, refused.body.error?.code]).toEqual([422, 'meta_token_invalid']);
    // The other number still sends.
    const ok = await w.send(fine.conversationId, { type: 'text', text: 'hello' });
    await w.until(async () => byCallback(ok.body.id).length === 1);
    // Reconnect with a fresh token: the waiting message goes out.
    const token = `EAAG-${metaId()}`;
    w.emu.control.addToken(other.wabaId, token);
    const patched = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/whatsapp-accounts/${other.account.id}`,
      headers: w.org.admin.headers,
      payload: { accessToken: token },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<WhatsAppAccount>().status).toBe('connected');
    w.t.app.outbound.services.sendWorker.wake();
    await w.until(async () => byCallback(stuck.body.id).length === 1);
  });
});
