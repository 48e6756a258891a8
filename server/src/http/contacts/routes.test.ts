import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, ContactPage } from '#contract/api/contacts';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { createOrg, type TestOrg } from '../../../test/factories';
import { contacts, conversations, syncLog, whatsappAccounts } from '../../storage/schema/index';

let t: TestApp;
let org: TestOrg;
let other: TestOrg;

beforeAll(async () => {
  t = await buildTestApp();
  [org, other] = await Promise.all([createOrg(t.app, 'Contacts Org'), createOrg(t.app, 'Other Org')]);
});
afterAll(() => t.app.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, who = org.agent) =>
  t.app.inject({ method, url: `/api/v1/contacts${url}`, headers: who.headers, ...(payload && { payload }) });
const logFor = (id: string) =>
  t.database.db
    .select()
    .from(syncLog)
    .where(and(eq(syncLog.organizationId, org.organizationId), eq(syncLog.entityId, id)))
    .orderBy(syncLog.seq);
const phone = () => `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

describe('contacts', () => {
  it('creates, reads, updates and logs every write', async () => {
    const number = phone();
    const created = await api('POST', '', {
      name: 'Ada Lovelace',
      phone: number,
      tags: ['vip', 'vip', 'uk'],
      customAttributes: { plan: 'gold' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json<Contact>();
    expect(c).toMatchObject({
      name: 'Ada Lovelace',
      phone: number,
      waId: null,
      userId: null,
      tags: ['vip', 'uk'],
      optedOut: false,
      customAttributes: { plan: 'gold' },
    });
    expect((await api('GET', `/${c.id}`)).json()).toEqual(c);
    const dup = await api('POST', '', { phone: number.slice(1) });
    expect([dup.statusCode, dup.json().error.code]).toEqual([409, 'conflict']);

    const patched = await api('PATCH', `/${c.id}`, { name: null, optedOut: true, tags: [] });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      name: null,
      optedOut: true,
      tags: [],
      customAttributes: { plan: 'gold' },
    });
    expect((await api('PATCH', `/${c.id}`, {})).statusCode).toBe(400);

    const log = await logFor(c.id);
    expect(log.map((l) => [l.entity, l.op])).toEqual([
      ['contact', 1],
      ['contact', 1],
    ]);
    const [row] = await t.database.db.select().from(contacts).where(eq(contacts.id, c.id));
    expect(row!.version).toBe(log[1]!.seq);
  });

  it('searches by name, number (any format), WhatsApp id and user id, with keyset pages', async () => {
    const tag = `s${Date.now()}`;
    const made: Contact[] = [];
    for (let i = 0; i < 5; i++)
      made.push((await api('POST', '', { name: `Search ${tag} ${i}`, phone: phone() })).json<Contact>());
    await t.database.db
      .update(contacts)
      .set({ waId: '5511912345678', bsuid: `BR.${tag}` })
      .where(eq(contacts.id, made[0]!.id));
    const ids = async (q: string) =>
      (await api('GET', `?q=${encodeURIComponent(q)}&limit=50`)).json<ContactPage>().data.map((x) => x.id);
    expect(await ids(`search ${tag}`)).toEqual(made.map((m) => m.id).reverse());
    expect(await ids(made[2]!.phone!)).toEqual([made[2]!.id]);
    expect(await ids(made[3]!.phone!.slice(4))).toEqual([made[3]!.id]);
    expect(await ids('5511912345678')).toEqual([made[0]!.id]);
    expect(await ids(`BR.${tag}`)).toEqual([made[0]!.id]);
    expect(await ids("%' or 1=1 --")).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const pageRes = await api('GET', `?q=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const p: ContactPage = pageRes.json();
      seen.push(...p.data.map((x) => x.id));
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((m) => m.id).reverse());
    expect((await api('GET', '?cursor=nope')).statusCode).toBe(400);
  });

  it('deletes only contacts no conversation references (managers and admins)', async () => {
    const free = (await api('POST', '', { phone: phone() })).json<Contact>();
    expect((await api('DELETE', `/${free.id}`)).statusCode).toBe(403);
    expect((await api('DELETE', `/${free.id}`, undefined, org.manager)).statusCode).toBe(204);
    expect((await api('GET', `/${free.id}`)).statusCode).toBe(404);
    expect((await logFor(free.id)).map((l) => l.op)).toEqual([1, 2]);

    const used = (await api('POST', '', { phone: phone() })).json<Contact>();
    const [account] = await t.database.db
      .insert(whatsappAccounts)
      .values({
        organizationId: org.organizationId,
        name: 'Line',
        phoneNumberId: String(Date.now()),
        businessAccountId: '1',
        accessTokenEnc: 'x',
        verifyTokenEnc: 'x',
        status: 'disconnected',
      })
      .returning();
    await t.database.db
      .insert(conversations)
      .values({ organizationId: org.organizationId, whatsappAccountId: account!.id, contactId: used.id });
    const refused = await api('DELETE', `/${used.id}`, undefined, org.admin);
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'conflict']);
    expect((await api('GET', `/${used.id}`, undefined, org.admin)).statusCode).toBe(200);
    // Its one conversation is in no team and unassigned: not the agent's (visibility module).
    expect((await api('GET', `/${used.id}`)).statusCode).toBe(404);
  });

  it('is tenant-scoped: other organizations see 404 and lists never mix', async () => {
    const mine = (await api('POST', '', { name: 'Tenant check', phone: phone() })).json<Contact>();
    for (const [method, payload] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const res = await api(method, `/${mine.id}`, payload, other.admin);
      expect(res.statusCode, `${method} ${res.body}`).toBe(404);
    }
    const list = await api('GET', '?limit=200', undefined, other.admin);
    expect(list.body).not.toContain(mine.id);
    expect((await api('GET', `/${mine.id}`)).json().name).toBe('Tenant check');
  });
});
