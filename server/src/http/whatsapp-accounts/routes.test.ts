import { and, asc, eq, gt, like, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { metaId, startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { createSecretBox } from '../../domain/whatsapp/secret-box';
import { TEMPLATE_SYNC_DELAY_MS } from '../../domain/templates/template-sync-job';
import { jobs, syncLog, templates, whatsappAccounts } from '../../storage/schema/index';
import { TEST_SECRET_KEY } from '../../../test/build-test-app';

let w: WhatsAppWorld;
let org: TestOrg;
let other: TestOrg;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  [org, other] = await Promise.all([createOrg(w.t.app, 'Numbers'), createOrg(w.t.app, 'Other numbers')]);
});
afterAll(() => w.close());

/** A business and number in the emulator, not yet connected to Parley. */
const metaNumber = (opts: { quality?: 'GREEN' | 'YELLOW'; throughputLevel?: string } = {}) => {
  const accessToken = `EAAG-${metaId()}`;
  const waba = w.emu.control.addBusiness({ id: metaId(), tokens: [accessToken] });
  const phone = w.emu.control.addPhoneNumber(waba.id, {
    id: metaId(),
    displayPhoneNumber: '+1 631-555-5555',
    verifiedName: 'Acme Support',
    ...(opts.quality && { qualityRating: opts.quality }),
    ...(opts.throughputLevel && { throughputLevel: opts.throughputLevel }),
  });
  return {
    waba,
    phone,
    body: {
      name: 'Acme',
      phoneNumberId: phone.id,
      businessAccountId: waba.id,
      accessToken,
      appSecret: `app-secret-${metaId()}`,
      verifyToken: `verify-token-${metaId()}`,
    },
  };
};

const rowsOfAccount = (accountId: string) =>
  w.t.database.db.select().from(templates).where(eq(templates.whatsappAccountId, accountId));

/** The template_sync jobs of one account (the queue name carries the world's job namespace). */
const syncJobs = async (accountId: string) =>
  (await w.t.database.db.select().from(jobs).where(like(jobs.queue, '%template_sync'))).filter(
    (j) => (j.payload as { accountId?: string }).accountId === accountId,
  );

const logSeq = async (organizationId: string) => {
  const [row] = await w.t.database.db
    .select({ seq: max(syncLog.seq) })
    .from(syncLog)
    .where(eq(syncLog.organizationId, organizationId));
  return row?.seq ?? 0;
};

const post = (who: { headers: Record<string, string> }, payload: object) =>
  w.t.app.inject({ method: 'POST', url: '/api/v1/whatsapp-accounts', headers: who.headers, payload });

describe('WhatsApp accounts', () => {
  it('connects a number after Meta verified it; the response has the webhook URL and no secret', async () => {
    const n = metaNumber({ quality: 'YELLOW' });
    const res = await post(org.admin, n.body);
    expect(res.statusCode, res.body).toBe(201);
    const account = res.json();
    expect(account).toMatchObject({
      name: 'Acme',
      phoneNumberId: n.phone.id,
      businessAccountId: n.waba.id,
      displayPhoneNumber: '+1 631-555-5555',
      verifiedName: 'Acme Support',
      qualityRating: 'YELLOW',
      throughputMps: 80,
      status: 'connected',
      statusReason: null,
      webhookUrl: `http://parley.test/webhooks/whatsapp/${account.id}`,
    });
    for (const secret of [n.body.accessToken, n.body.appSecret, n.body.verifyToken]) {
      expect(res.body).not.toContain(secret);
      for (const url of ['/api/v1/whatsapp-accounts', `/api/v1/whatsapp-accounts/${account.id}`]) {
        const read = await w.t.app.inject({ url, headers: org.agent.headers });
        expect(read.statusCode).toBe(200);
        expect(read.body).not.toContain(secret);
      }
    }

    // Encrypted at rest: the raw row holds AES-GCM envelopes that open with the derived key only.
    const [row] = await w.t.database.db
      .select()
      .from(whatsappAccounts)
      .where(eq(whatsappAccounts.id, account.id));
    const box = createSecretBox(TEST_SECRET_KEY);
    expect(JSON.stringify(row)).not.toContain(n.body.accessToken);
    expect(JSON.stringify(row)).not.toContain(n.body.appSecret);
    expect(JSON.stringify(row)).not.toContain(n.body.verifyToken);
    expect(box.open(row!.accessTokenEnc, 'access_token')).toBe(n.body.accessToken);
    expect(box.open(row!.appSecretEnc!, 'app_secret')).toBe(n.body.appSecret);
    expect(() =>
      createSecretBox('another-secret-key-another-secret-key').open(row!.accessTokenEnc, 'access_token'),
    ).toThrow();

    // The sync log has the new account.
    const log = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, account.id)));
    expect(log.map((l) => l.entity)).toEqual(['whatsapp_account']);
  });

  it('answers 422 meta_token_invalid when Meta refuses the token (190), and stores nothing', async () => {
    const n = metaNumber();
    w.emu.control.expireToken(n.body.accessToken);
    const res = await post(org.admin, n.body);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toEqual({
      code: 'meta_token_invalid',
      message: expect.stringMatching(/^The access token is invalid or has expired/),
    });
    const unknown = await post(org.admin, { ...n.body, accessToken: 'EAAG-never-issued-token' });
    expect(unknown.json().error.code).toBe('meta_token_invalid');
    const rows = await w.t.database.db
      .select()
      .from(whatsappAccounts)
      .where(eq(whatsappAccounts.phoneNumberId, n.phone.id));
    expect(rows).toEqual([]);
  });

  it('refuses a number that is not in the given WABA, and Meta being unreachable', async () => {
    const a = metaNumber();
    const b = metaNumber();
    w.emu.control.addToken(b.waba.id, a.body.accessToken);
    const res = await post(org.admin, { ...a.body, businessAccountId: b.waba.id });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.message).toMatch(/does not belong/);
    const missing = await post(org.admin, { ...a.body, phoneNumberId: '999999999999' });
    expect(missing.statusCode).toBe(422);
  });

  it('only admins write; agents and managers may list', async () => {
    const n = metaNumber();
    for (const who of [org.agent, org.manager]) {
      const res = await post(who, n.body);
      expect(res.statusCode).toBe(403);
    }
    const list = await w.t.app.inject({ url: '/api/v1/whatsapp-accounts', headers: org.agent.headers });
    expect(list.statusCode).toBe(200);
  });

  it('a number live in one organization answers 409 to another; after a disconnect it can move', async () => {
    const n = metaNumber();
    const first = await post(org.admin, n.body);
    expect(first.statusCode).toBe(201);
    const again = await post(org.admin, n.body);
    expect(again.statusCode).toBe(409);
    const elsewhere = await post(other.admin, n.body);
    expect(elsewhere.statusCode).toBe(409);
    expect(elsewhere.body).not.toContain(org.organizationId);

    const del = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/whatsapp-accounts/${first.json().id}`,
      headers: org.admin.headers,
    });
    expect(del.statusCode).toBe(204);
    const after = await w.t.app.inject({
      url: `/api/v1/whatsapp-accounts/${first.json().id}`,
      headers: org.admin.headers,
    });
    expect(after.json()).toMatchObject({ status: 'disconnected', statusReason: 'Disconnected by an admin' });

    // Reconnecting in the same organization reuses the account (history stays attached).
    const back = await post(org.admin, n.body);
    expect(back.statusCode).toBe(201);
    expect(back.json()).toMatchObject({ id: first.json().id, status: 'connected' });
    await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/whatsapp-accounts/${first.json().id}`,
      headers: org.admin.headers,
    });
    const moved = await post(other.admin, n.body);
    expect(moved.statusCode).toBe(201);
    expect(moved.json().id).not.toBe(first.json().id);
  });

  it('PATCH renames without Meta and re-verifies a new token; a refused token changes nothing', async () => {
    const n = metaNumber();
    const id = (await post(org.admin, n.body)).json().id;
    const url = `/api/v1/whatsapp-accounts/${id}`;
    const renamed = await w.t.app.inject({
      method: 'PATCH',
      url,
      headers: org.admin.headers,
      payload: { name: 'Sales', throughputMps: 20 },
    });
    expect(renamed.json()).toMatchObject({ name: 'Sales', throughputMps: 20 });

    const bad = await w.t.app.inject({
      method: 'PATCH',
      url,
      headers: org.admin.headers,
      payload: { name: 'Never', accessToken: 'EAAG-never-issued-token' },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.code).toBe('meta_token_invalid');
    const [row] = await w.t.database.db.select().from(whatsappAccounts).where(eq(whatsappAccounts.id, id));
    expect(row!.name).toBe('Sales');
    expect(createSecretBox(TEST_SECRET_KEY).open(row!.accessTokenEnc, 'access_token')).toBe(
      n.body.accessToken,
    );

    const newToken = `EAAG-${metaId()}`;
    w.emu.control.addToken(n.waba.id, newToken);
    const rotated = await w.t.app.inject({
      method: 'PATCH',
      url,
      headers: org.admin.headers,
      payload: { accessToken: newToken },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.body).not.toContain(newToken);
    const [after] = await w.t.database.db.select().from(whatsappAccounts).where(eq(whatsappAccounts.id, id));
    expect(createSecretBox(TEST_SECRET_KEY).open(after!.accessTokenEnc, 'access_token')).toBe(newToken);
    const empty = await w.t.app.inject({ method: 'PATCH', url, headers: org.admin.headers, payload: {} });
    expect(empty.statusCode).toBe(400);
  });

  it('syncs templates over several pages, then marks those Meta dropped as DELETED', async () => {
    const n = metaNumber();
    const id = (await post(org.admin, n.body)).json().id;
    for (let i = 0; i < 230; i++)
      w.emu.control.addTemplate(n.waba.id, {
        name: `tpl_${String(i).padStart(3, '0')}`,
        language: i % 2 ? 'en_US' : 'es',
        status: i % 10 === 0 ? 'PENDING' : 'APPROVED',
        category: 'UTILITY',
        parameterFormat: i % 3 ? 'POSITIONAL' : 'NAMED',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Hi' },
          { type: 'BODY', text: `Body {{1}} number ${i}` },
          { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }] },
        ],
      });
    const sync = () =>
      w.t.app.inject({
        method: 'POST',
        url: `/api/v1/whatsapp-accounts/${id}/sync-templates`,
        headers: org.admin.headers,
      });
    const first = await sync();
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ synced: 230, changed: 230, markedDeleted: 0 });
    const again = await sync();
    expect(again.json()).toEqual({ synced: 230, changed: 0, markedDeleted: 0 });

    const waba = w.emu.control.state.wabas.get(n.waba.id)!;
    waba.templates.splice(0, 5);
    const third = await sync();
    expect(third.json()).toEqual({ synced: 225, changed: 0, markedDeleted: 5 });
    const rows = await w.t.database.db
      .select()
      .from(templates)
      .where(eq(templates.whatsappAccountId, id))
      .orderBy(asc(templates.name));
    expect(rows).toHaveLength(230);
    expect(rows.slice(0, 5).every((r) => r.status === 'DELETED')).toBe(true);

    // Read through the API, filtered and paged.
    const page = await w.t.app.inject({
      url: `/api/v1/templates?whatsappAccountId=${id}&status=APPROVED&language=en_US&limit=50`,
      headers: org.agent.headers,
    });
    expect(page.statusCode).toBe(200);
    const body = page.json();
    expect(body.data).toHaveLength(50);
    expect(body.data[0]).toMatchObject({
      status: 'APPROVED',
      language: 'en_US',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Hi' },
        { type: 'BODY', text: expect.stringMatching(/^Body/) },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }] },
      ],
    });
    let all = body.data.length;
    let cursor = body.nextCursor;
    while (cursor) {
      const next = await w.t.app.inject({
        url: `/api/v1/templates?whatsappAccountId=${id}&status=APPROVED&language=en_US&limit=50&cursor=${cursor}`,
        headers: org.agent.headers,
      });
      all += next.json().data.length;
      cursor = next.json().nextCursor;
    }
    const expected = rows.filter((r) => r.status === 'APPROVED' && r.language === 'en_US').length;
    expect(all).toBe(expected);
    const search = await w.t.app.inject({ url: `/api/v1/templates?q=tpl_01`, headers: org.agent.headers });
    expect(
      search
        .json()
        .data.map((t: { name: string }) => t.name)
        .every((x: string) => x.startsWith('tpl_01')),
    ).toBe(true);

    // Every change reached the sync log.
    const logged = await w.t.database.db
      .select()
      .from(syncLog)
      .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entity, 'template')));
    expect(new Set(logged.map((l) => l.entityId))).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('keeps templates current from status webhooks, matched by Meta’s template id', async () => {
    const n = await w.connect(org.admin);
    const tpl = w.emu.control.addTemplate(n.wabaId, {
      name: 'promo',
      language: 'en_US',
      status: 'APPROVED',
      category: 'MARKETING',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Promo' }],
    });
    await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/whatsapp-accounts/${n.account.id}/sync-templates`,
      headers: org.admin.headers,
    });
    const record = await w.emu.control.setTemplateStatus(n.wabaId, tpl.id, 'PAUSED', 'SCAM');
    expect(record?.state).toBe('delivered');
    await w.settle();
    const [row] = await w.t.database.db.select().from(templates).where(eq(templates.metaTemplateId, tpl.id));
    expect(row).toMatchObject({ status: 'PAUSED', statusReason: 'SCAM' });
    await w.emu.control.setTemplateStatus(n.wabaId, tpl.id, 'APPROVED');
    await w.settle();
    const [again] = await w.t.database.db
      .select()
      .from(templates)
      .where(eq(templates.metaTemplateId, tpl.id));
    expect(again).toMatchObject({ status: 'APPROVED', statusReason: null });
  });

  it('a status webhook for a template Parley has not synced queues one template sync for the burst', async () => {
    const n = await w.connect(org.admin);
    const created = ['welcome', 'order_update', 'survey'].map((name) =>
      w.emu.control.addTemplate(n.wabaId, {
        name,
        language: 'en_US',
        status: 'PENDING',
        category: 'UTILITY',
        parameterFormat: 'POSITIONAL',
        components: [{ type: 'BODY', text: `Hello from ${name}` }],
      }),
    );
    const seqBefore = await logSeq(org.organizationId);
    // A burst: Meta approves three templates Parley never synced, one webhook each.
    for (const t of created)
      expect((await w.emu.control.setTemplateStatus(n.wabaId, t.id, 'APPROVED'))?.state).toBe('delivered');
    await w.settle();
    expect(await syncJobs(n.account.id)).toHaveLength(1);
    expect(await rowsOfAccount(n.account.id)).toHaveLength(0);

    // After the coalescing delay the worker runs the same paging sync as the route.
    w.t.clock.advance(TEMPLATE_SYNC_DELAY_MS);
    await w.settle();
    const rows = await rowsOfAccount(n.account.id);
    expect(rows.map((r) => [r.name, r.status, r.metaTemplateId]).sort()).toEqual(
      created.map((t) => [t.name, 'APPROVED', t.id]).sort(),
    );
    expect(await syncJobs(n.account.id)).toEqual([
      expect.objectContaining({ state: 'done', dedupeKey: null }),
    ]);
    // With change-log entries, like every other template write.
    const logged = await w.t.database.db
      .select()
      .from(syncLog)
      .where(
        and(
          eq(syncLog.organizationId, org.organizationId),
          eq(syncLog.entity, 'template'),
          gt(syncLog.seq, seqBefore),
        ),
      );
    expect(new Set(logged.map((l) => l.entityId))).toEqual(new Set(rows.map((r) => r.id)));
    // The synced templates are listed to agents.
    const listed = await w.t.app.inject({
      url: `/api/v1/templates?whatsappAccountId=${n.account.id}`,
      headers: org.agent.headers,
    });
    expect(
      listed
        .json()
        .data.map((t: { name: string }) => t.name)
        .sort(),
    ).toEqual(['order_update', 'survey', 'welcome']);

    // Once that sync ran, a later unknown template queues a sync again.
    const later = w.emu.control.addTemplate(n.wabaId, {
      name: 'late_arrival',
      language: 'en_US',
      status: 'PENDING',
      category: 'UTILITY',
      parameterFormat: 'POSITIONAL',
      components: [{ type: 'BODY', text: 'Late' }],
    });
    await w.emu.control.setTemplateStatus(n.wabaId, later.id, 'APPROVED');
    await w.settle();
    w.t.clock.advance(TEMPLATE_SYNC_DELAY_MS);
    await w.settle();
    expect((await rowsOfAccount(n.account.id)).map((r) => r.name)).toContain('late_arrival');
    // Known templates still update in place, without a sync.
    expect(await syncJobs(n.account.id)).toHaveLength(2);
    await w.emu.control.setTemplateStatus(n.wabaId, later.id, 'PAUSED', 'SCAM');
    await w.settle();
    expect(await syncJobs(n.account.id)).toHaveLength(2);
    const [paused] = await w.t.database.db
      .select()
      .from(templates)
      .where(eq(templates.metaTemplateId, later.id));
    expect(paused).toMatchObject({ status: 'PAUSED', statusReason: 'SCAM' });
  });

  it('a token Meta stopped accepting flags the account when syncing', async () => {
    const n = metaNumber();
    const id = (await post(org.admin, n.body)).json().id;
    w.emu.control.expireToken(n.body.accessToken);
    const res = await w.t.app.inject({
      method: 'POST',
      url: `/api/v1/whatsapp-accounts/${id}/sync-templates`,
      headers: org.admin.headers,
    });
    expect(res.statusCode).toBe(422);
    const account = await w.t.app.inject({
      url: `/api/v1/whatsapp-accounts/${id}`,
      headers: org.admin.headers,
    });
    expect(account.json()).toMatchObject({
      status: 'token_invalid',
      statusReason: expect.stringMatching(/invalid or has expired/),
    });
  });
});
