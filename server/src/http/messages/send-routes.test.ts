import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Media } from '#contract/api/media';
import { createTeam } from '../../../test/factories';
import { multipartBody, startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { generateJpeg, generatePdf } from '../../meta-emulator/media-samples';
import {
  contacts,
  conversations,
  idempotencyKeys,
  jobs,
  media,
  messages,
  reactions,
  syncLog,
  whatsappAccounts,
} from '../../storage/schema/index';
import { inAnyOrder } from '../../../test/in-any-order';

// The checks a send must pass before anything is queued, idempotency, scope and the change log.

let w: OutboundWorld;
let image: Media;
let pdf: Media;

const upload = async (bytes: Buffer, mimeType: string, fileName: string) => {
  const m = multipartBody({ bytes, mimeType, fileName });
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/media',
    headers: { ...w.org.admin.headers, ...m.headers },
    payload: m.payload,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Media>();
};

beforeAll(async () => {
  w = await startOutboundWorld();
  image = await upload(generateJpeg(), 'image/jpeg', 'photo.jpg');
  pdf = await upload(generatePdf('Invoice'), 'application/pdf', 'invoice.pdf');
});
afterAll(() => w?.close());

const snapshot = async () => {
  await w.quiesce();
  const db = w.t.database.db;
  const o = w.org.organizationId;
  return inAnyOrder({
    messages: await db.select().from(messages).where(eq(messages.organizationId, o)),
    conversations: await db.select().from(conversations).where(eq(conversations.organizationId, o)),
    contacts: await db.select().from(contacts).where(eq(contacts.organizationId, o)),
    jobs: await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.organizationId, o), sql`${jobs.queue} like '%send:%'`)),
    keys: await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.organizationId, o)),
    log: await db.select().from(syncLog).where(eq(syncLog.organizationId, o)),
    reactions: await db.select().from(reactions).where(eq(reactions.organizationId, o)),
  });
};

const setWindow = (conversationId: string, at: Date | null) =>
  w.t.database.db
    .update(conversations)
    .set({ windowExpiresAt: at })
    .where(eq(conversations.id, conversationId));

describe('refusals (nothing is queued or written)', () => {
  it('refuses free-form outside the 24-hour window with the closing time; templates still go', async () => {
    const c = await w.customer('Window');
    const closed = new Date(Date.now() - 3600_000);
    await setWindow(c.conversationId, closed);
    const before = await snapshot();
    const res = await w.send(c.conversationId, { type: 'text', text: 'hello' });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({
      code: 'window_closed',
      message: `The 24-hour reply window closed at ${closed.toISOString().replace(/\.\d{3}Z$/, 'Z')}; send an approved template.`,
    });
    for (const body of [
      { type: 'image', mediaId: image.id },
      { type: 'location', location: { latitude: 1, longitude: 2 } },
    ])
      expect((await w.send(c.conversationId, body)).body.error?.code).toBe('window_closed');
    expect(await snapshot()).toEqual(before);
    const tpl = await w.send(c.conversationId, {
      type: 'template',
      templateName: 'hello_world',
      language: 'en_US',
    });
    expect(tpl.status, JSON.stringify(tpl.body)).toBe(202);
  });

  it('checks templates against the synced copy: existence, approval, language and every parameter form', async () => {
    const c = await w.customer('Templates');
    const before = await snapshot();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ templateName: 'nope', language: 'en_US' }, /no template “nope” in en_US/],
      [{ templateName: 'hello_world', language: 'fr' }, /no template “hello_world” in fr/],
      [{ templateName: 'pending_review', language: 'en_US' }, /is pending; only approved/],
      [
        {
          templateName: 'order_update',
          language: 'en_US',
          parameters: { header: { type: 'text', text: '#1' }, body: ['a'] },
        },
        /needs 3 body values/,
      ],
      [
        {
          templateName: 'order_update',
          language: 'en_US',
          parameters: { header: { type: 'text', text: '#1' }, body: ['a', 'b', 'c'] },
        },
        /Button 2 .* needs the end of its URL/,
      ],
      [
        {
          templateName: 'spring_promo',
          language: 'en_US',
          parameters: { header: { type: 'image', mediaId: image.id }, body: ['Ana', '10%'] },
        },
        /named variables/,
      ],
      [
        {
          templateName: 'spring_promo',
          language: 'en_US',
          parameters: {
            header: { type: 'video', mediaId: image.id },
            body: { first_name: 'A', discount: '1' },
          },
        },
        /needs an image/,
      ],
      [
        {
          templateName: 'spring_promo',
          language: 'en_US',
          parameters: {
            header: { type: 'image', mediaId: pdf.id },
            body: { first_name: 'A', discount: '1' },
          },
        },
        /An image must be one of image\/jpeg, image\/png/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await w.send(c.conversationId, { type: 'template', ...body });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body.error?.code).toBe('invalid_template');
      expect(res.body.error?.message).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
    const ok = await w.send(c.conversationId, {
      type: 'template',
      templateName: 'spring_promo',
      language: 'en_US',
      parameters: {
        header: { type: 'image', mediaId: image.id },
        body: { first_name: 'Ana', discount: '15%' },
        buttons: [{ type: 'quick_reply', index: 0, payload: 'stop' }],
      },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.text).toBe('Hi Ana, enjoy 15% off this week!');
    expect(ok.body.media?.id).toBe(image.id);
    await w.until(async () => w.sent().some((o) => o.bizOpaqueCallbackData === ok.body.id));
    const sent = w.sent().find((o) => o.bizOpaqueCallbackData === ok.body.id)!;
    expect(sent.body.template).toMatchObject({
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { id: expect.any(String) } }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'Ana' },
            { type: 'text', parameter_name: 'discount', text: '15%' },
          ],
        },
        { type: 'button', sub_type: 'quick_reply', index: '0' },
      ],
    });
  });

  it('enforces text, caption and media limits', async () => {
    const c = await w.customer('Limits');
    const big = await upload(generateJpeg(), 'image/jpeg', 'big.jpg');
    await w.t.database.db
      .update(media)
      .set({ size: 6 * 1024 * 1024 })
      .where(eq(media.id, big.id));
    const before = await snapshot();
    const tooLong = await w.send(c.conversationId, { type: 'text', text: 'x'.repeat(4097) });
    expect([tooLong.status, tooLong.body.error?.code]).toEqual([400, 'invalid_input']);
    const longCaption = await w.send(c.conversationId, {
      type: 'image',
      mediaId: image.id,
      caption: 'x'.repeat(1025),
    });
    expect([longCaption.status, longCaption.body.error?.code]).toEqual([400, 'invalid_input']);
    const audioCaption = await w.send(c.conversationId, { type: 'audio', mediaId: image.id, caption: 'hi' });
    expect([audioCaption.status, audioCaption.body.error?.code]).toEqual([400, 'invalid_input']);
    const unknown = await w.send(c.conversationId, {
      type: 'image',
      mediaId: '0190a6f4-0000-7000-8000-0000000000ff',
    });
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'not_found']);
    const wrongType = await w.send(c.conversationId, { type: 'video', mediaId: image.id });
    expect([wrongType.status, wrongType.body.error?.message]).toEqual([
      422,
      'A video must be one of video/mp4, video/3gpp; this file is image/jpeg.',
    ]);
    const tooBig = await w.send(c.conversationId, { type: 'image', mediaId: big.id });
    expect([tooBig.status, tooBig.body.error?.message]).toEqual([
      422,
      'An image can be at most 5 MB on WhatsApp; this file is 6 MB.',
    ]);
    expect(await snapshot()).toEqual(before);
    const ok = await w.send(c.conversationId, { type: 'text', text: 'x'.repeat(4096) });
    expect(ok.status).toBe(202);
    const doc = await w.send(c.conversationId, {
      type: 'document',
      mediaId: pdf.id,
      caption: 'c'.repeat(1024),
      fileName: 'Invoice 7.pdf',
    });
    expect(doc.status, JSON.stringify(doc.body)).toBe(202);
    await w.until(async () => w.sent().some((o) => o.bizOpaqueCallbackData === doc.body.id));
    expect(w.sent().find((o) => o.bizOpaqueCallbackData === doc.body.id)!.body.document).toMatchObject({
      filename: 'Invoice 7.pdf',
      caption: 'c'.repeat(1024),
    });
  });

  it('refuses opted-out contacts and numbers whose token is invalid', async () => {
    const c = await w.customer('Optout');
    // A manager marks the customer opted out (an agent edits only the contacts of conversations
    // they see, and this new conversation has no team yet).
    const patched = await w.t.app.inject({
      method: 'PATCH',
      url: `/api/v1/contacts/${c.contactId}`,
      headers: w.org.manager.headers,
      payload: { optedOut: true },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const before = await snapshot();
    for (const body of [
      { type: 'text', text: 'promo' },
      { type: 'template', templateName: 'hello_world', language: 'en_US' },
    ]) {
      const res = await w.send(c.conversationId, body);
      expect([res.status, res.body.error?.code]).toEqual([422, 'opted_out']);
      expect(res.body.error?.message).toMatch(/asked not to receive WhatsApp messages/);
    }
    const d = await w.customer('TokenCheck');
    await w.t.database.db
      .update(whatsappAccounts)
      .set({ status: 'token_invalid' })
      .where(eq(whatsappAccounts.id, w.number.account.id));
    try {
      const res = await w.send(d.conversationId, { type: 'text', text: 'x' });
      expect([res.status, res.body.error?.code]).toEqual([422, 'meta_token_invalid']);
      expect(res.body.error?.message).toMatch(/An admin needs to reconnect the number/);
    } finally {
      await w.t.database.db
        .update(whatsappAccounts)
        .set({ status: 'connected' })
        .where(eq(whatsappAccounts.id, w.number.account.id));
    }
    const snap = await snapshot();
    expect({
      ...snap,
      contacts: before.contacts,
      conversations: before.conversations,
      log: before.log,
      messages: before.messages,
    }).toEqual(before);
  });

  it('reactions and replies target messages of the same conversation only', async () => {
    const c = await w.customer('React');
    const other = await w.customer('Elsewhere');
    const [inbound] = await w.t.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.conversationId, c.conversationId));
    const [foreign] = await w.t.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(eq(messages.conversationId, other.conversationId));
    const before = await snapshot();
    for (const body of [
      { type: 'reaction', messageId: foreign!.id, emoji: '👍' },
      { type: 'text', text: 'x', replyToMessageId: foreign!.id },
    ]) {
      const res = await w.send(c.conversationId, body);
      expect([res.status, res.body.error?.code]).toEqual([422, 'unprocessable']);
    }
    expect(await snapshot()).toEqual(before);
    const reply = await w.send(c.conversationId, {
      type: 'text',
      text: 'answering',
      replyToMessageId: inbound!.id,
    });
    expect(reply.status).toBe(202);
    const react = await w.send(c.conversationId, { type: 'reaction', messageId: inbound!.id, emoji: '👍' });
    expect(react.status).toBe(202);
    expect(react.body.reaction).toEqual({ messageId: inbound!.id, emoji: '👍' });
    const [r] = await w.t.database.db.select().from(reactions).where(eq(reactions.messageId, inbound!.id));
    expect(r).toMatchObject({ reactor: w.org.admin.id, emoji: '👍' });
    await w.until(
      async () =>
        w.sent().some((o) => o.bizOpaqueCallbackData === react.body.id) &&
        w.sent().some((o) => o.bizOpaqueCallbackData === reply.body.id),
    );
    const [inboundRow] = await w.t.database.db.select().from(messages).where(eq(messages.id, inbound!.id));
    expect(w.sent().find((o) => o.bizOpaqueCallbackData === react.body.id)!.body.reaction).toEqual({
      message_id: inboundRow!.waMessageId,
      emoji: '👍',
    });
    expect(w.sent().find((o) => o.bizOpaqueCallbackData === reply.body.id)!.body.context).toEqual({
      message_id: inboundRow!.waMessageId,
    });
  });
});

describe('scope', () => {
  it('agents send only in conversations assigned to them or unassigned in their teams', async () => {
    const { agent, manager } = w.org;
    const c = await w.customer('Scoped');
    expect((await w.send(c.conversationId, { type: 'text', text: 'x' }, { who: agent })).status).toBe(404);
    const team = await createTeam(w.t.app, w.org.admin, undefined, [agent.id]);
    const patch = (body: object) =>
      w.t.app.inject({
        method: 'PATCH',
        url: `/api/v1/conversations/${c.conversationId}`,
        headers: manager.headers,
        payload: body,
      });
    expect((await patch({ teamId: team.id })).statusCode).toBe(200);
    expect(
      (await w.send(c.conversationId, { type: 'text', text: 'team queue' }, { who: agent })).status,
    ).toBe(202);
    expect((await patch({ assigneeId: manager.id })).statusCode).toBe(200);
    expect((await w.send(c.conversationId, { type: 'text', text: 'x' }, { who: agent })).status).toBe(404);
    expect((await patch({ assigneeId: agent.id })).statusCode).toBe(200);
    const mine = await w.send(c.conversationId, { type: 'text', text: 'mine' }, { who: agent });
    expect([mine.status, mine.body.authorId]).toEqual([202, agent.id]);
    expect((await w.send(c.conversationId, { type: 'text', text: 'manager' }, { who: manager })).status).toBe(
      202,
    );
  });
});

describe('idempotency', () => {
  it('replays the first result for a repeated key and refuses the key with another body', async () => {
    const c = await w.customer('Idem');
    const key = `k-${Date.now()}`;
    const first = await w.send(c.conversationId, { type: 'text', text: 'once' }, { key });
    const again = await w.send(c.conversationId, { type: 'text', text: 'once' }, { key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const conflict = await w.send(c.conversationId, { type: 'text', text: 'twice' }, { key });
    expect([conflict.status, conflict.body.error?.code]).toEqual([409, 'conflict']);
    const other = await w.send(c.conversationId, { type: 'text', text: 'once' }, { key, who: w.org.manager });
    expect(other.status).toBe(409);
    const rows = await w.t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, c.conversationId), eq(messages.text, 'once')));
    expect(rows).toHaveLength(1);
    const [stored] = await w.t.database.db
      .select()
      .from(idempotencyKeys)
      .where(
        and(eq(idempotencyKeys.organizationId, w.org.organizationId), eq(idempotencyKeys.key, `key:${key}`)),
      );
    expect(stored).toMatchObject({ statusCode: 202, response: first.body });
  });

  it('concurrent requests with one key create one message', async () => {
    const c = await w.customer('Race');
    const key = `race-${Date.now()}`;
    const all = await Promise.all(
      Array.from({ length: 6 }, () => w.send(c.conversationId, { type: 'text', text: 'raced' }, { key })),
    );
    for (const r of all) expect(r.status).toBe(202);
    expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
    const rows = await w.t.database.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, c.conversationId), eq(messages.text, 'raced')));
    expect(rows).toHaveLength(1);
  });

  it('uses the client message id as a key: a replay returns the message, another body or conversation is 409', async () => {
    const c = await w.customer('ClientId');
    const d = await w.customer('ClientId2');
    const id = '0190a6f4-1234-7000-8000-00000000abcd'.replace(
      'abcd',
      Math.floor(Math.random() * 0xffff)
        .toString(16)
        .padStart(4, '0'),
    );
    const first = await w.send(c.conversationId, { id, type: 'text', text: 'client id' });
    expect([first.status, first.body.id]).toEqual([202, id]);
    const replay = await w.send(c.conversationId, { id, type: 'text', text: 'client id' });
    expect(replay.body).toEqual(first.body);
    expect((await w.send(c.conversationId, { id, type: 'text', text: 'changed' })).status).toBe(409);
    expect((await w.send(d.conversationId, { id, type: 'text', text: 'client id' })).status).toBe(409);
    const jobsOf = await w.t.database.db
      .select()
      .from(jobs)
      .where(sql`${jobs.payload} ->> 'messageId' = ${id}`);
    expect(jobsOf).toHaveLength(1);
  });
});

describe('change log and send to a number', () => {
  it('logs the message and the conversation as the last statement of the send', async () => {
    const c = await w.customer('Log');
    const res = await w.send(c.conversationId, { type: 'text', text: 'logged' });
    const log = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, w.org.organizationId), eq(syncLog.entityId, res.body.id)))
      .orderBy(syncLog.seq);
    expect(log[0]).toMatchObject({ entity: 'message', conversationId: c.conversationId, op: 1 });
    const convLog = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, w.org.organizationId), eq(syncLog.seq, log[0]!.seq + 1)));
    expect(convLog[0]).toMatchObject({ entity: 'conversation', entityId: c.conversationId });
    const [m] = await w.t.database.db.select().from(messages).where(eq(messages.id, res.body.id));
    expect(m!.version).toBeGreaterThanOrEqual(log[0]!.seq);
    // Meta's acceptance (wamid) and later statuses are logged too.
    await w.until(async () => (await w.row(res.body.id)).status === 'read');
    const later = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, w.org.organizationId), eq(syncLog.entityId, res.body.id)));
    expect(later.length).toBeGreaterThan(1);
  });

  it('POST /messages creates contact and conversation as needed, and rolls them back on a refusal', async () => {
    const to = `+1415${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const post = (payload: object, who = w.org.admin) =>
      w.t.app.inject({ method: 'POST', url: '/api/v1/messages', headers: who.headers, payload });
    const before = await snapshot();
    const text = await post({
      whatsappAccountId: w.number.account.id,
      to,
      message: { type: 'text', text: 'hi' },
    });
    expect([text.statusCode, text.json().error.code]).toEqual([422, 'window_closed']);
    expect(text.json().error.message).toMatch(/has not written to this number yet/);
    expect(await snapshot()).toEqual(before);
    const first = await post({
      whatsappAccountId: w.number.account.id,
      to,
      message: { type: 'template', templateName: 'hello_world', language: 'en_US' },
    });
    expect(first.statusCode, first.body).toBe(202);
    const second = await post({
      whatsappAccountId: w.number.account.id,
      to: to.slice(1),
      message: { type: 'template', templateName: 'hello_world', language: 'en_US' },
    });
    expect(second.json().conversationId).toBe(first.json().conversationId);
    const [contact] = await w.t.database.db.select().from(contacts).where(eq(contacts.phoneE164, to));
    expect(contact).toBeDefined();
    // An agent's new conversation is assigned to them.
    const agentTo = `+1416${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
    const byAgent = await post(
      {
        whatsappAccountId: w.number.account.id,
        to: agentTo,
        message: { type: 'template', templateName: 'hello_world', language: 'en_US' },
      },
      w.org.agent,
    );
    expect(byAgent.statusCode, byAgent.body).toBe(202);
    const [conv] = await w.t.database.db
      .select()
      .from(conversations)
      .where(eq(conversations.id, byAgent.json().conversationId))
      .orderBy(desc(conversations.createdAt));
    expect(conv!.assigneeId).toBe(w.org.agent.id);
    const unknownAccount = await post({
      whatsappAccountId: '0190a6f4-0000-7000-8000-0000000000aa',
      to,
      message: { type: 'template', templateName: 'hello_world', language: 'en_US' },
    });
    expect(unknownAccount.statusCode).toBe(404);
  });
});
