import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEntry } from '#contract/sync/protocol';
import { createOrg, type TestOrg } from '../../../test/factories';
import { pullAll, seedConversation } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';
import { auditEvents, conversations } from '../../storage/schema/index';

let w: WhatsAppWorld;
let org: TestOrg;
let accountId: string;

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Labels Org');
  accountId = (await w.connect(org.admin)).account.id;
});
afterAll(() => w.close());

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: object, payload?: object) =>
  w.t.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });

const labelsOf = async (id: string) =>
  (await w.t.database.db.select().from(conversations).where(eq(conversations.id, id)))[0]!.labels;

const setLabels = (id: string, labels: string[]) =>
  req('PATCH', `/api/v1/conversations/${id}`, org.admin.headers, { labels });

describe('labels', () => {
  it('admins and managers create, rename, recolour and delete; agents read only', async () => {
    const made = await req('POST', '/api/v1/labels', org.manager.headers, {
      name: 'Refund',
      color: 'orange',
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ name: 'Refund', color: 'orange' });
    const id: string = made.json().id;
    // Unique per organization, whatever the case.
    const dup = await req('POST', '/api/v1/labels', org.admin.headers, { name: 'refund' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('conflict');
    // Agents: refused, and nothing is written.
    for (const [method, url, body] of [
      ['POST', '/api/v1/labels', { name: 'Agent label' }],
      ['PATCH', `/api/v1/labels/${id}`, { color: 'red' }],
      ['DELETE', `/api/v1/labels/${id}`, undefined],
    ] as const) {
      const res = await req(method, url, org.agent.headers, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error.message).toMatch(/admins and managers/);
    }
    const list = await req('GET', '/api/v1/labels', org.agent.headers);
    expect(list.json().data).toEqual([expect.objectContaining({ id, name: 'Refund', color: 'orange' })]);
    // Not a colour of the palette: 400 naming the field.
    const bad = await req('PATCH', `/api/v1/labels/${id}`, org.admin.headers, { color: '#ff0000' });
    expect(bad.statusCode).toBe(400);
    const recoloured = await req('PATCH', `/api/v1/labels/${id}`, org.admin.headers, { color: 'grape' });
    expect(recoloured.json()).toMatchObject({ name: 'Refund', color: 'grape' });
    const actions = (
      await w.t.database.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.targetId, id))
    ).map((a) => a.action);
    expect(actions.sort()).toEqual(['label.created', 'label.recoloured']);
    expect((await req('DELETE', `/api/v1/labels/${id}`, org.manager.headers)).statusCode).toBe(204);
    expect((await req('GET', `/api/v1/labels/${id}`, org.agent.headers)).statusCode).toBe(404);
  });

  it('a rename renames the label on every conversation carrying it, in the same transaction, and syncs both', async () => {
    const a = await seedConversation(w.t.database.db, org.organizationId, accountId);
    const b = await seedConversation(w.t.database.db, org.organizationId, accountId);
    const c = await seedConversation(w.t.database.db, org.organizationId, accountId);
    const label = (
      await req('POST', '/api/v1/labels', org.admin.headers, { name: 'VIP', color: 'yellow' })
    ).json();
    await setLabels(a.conversationId, ['urgent', 'VIP', 'later']);
    // Another case of the same name, next to the new name: one label, no duplicate.
    await setLabels(b.conversationId, ['vip', 'Gold customer']);
    await setLabels(c.conversationId, ['other']);
    const clientId = randomUUID();
    const { last } = await pullAll(w.t.app, org.manager, clientId);

    const renamed = await req('PATCH', `/api/v1/labels/${label.id}`, org.admin.headers, {
      name: 'Gold customer',
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(await labelsOf(a.conversationId)).toEqual(['urgent', 'Gold customer', 'later']);
    expect(await labelsOf(b.conversationId)).toEqual(['Gold customer']);
    expect(await labelsOf(c.conversationId)).toEqual(['other']);

    // The replica learns the label and both conversations from the same pull.
    const { changes } = await pullAll(w.t.app, org.manager, clientId, last.nextCursor);
    const puts = changes.filter((x): x is Extract<ChangeEntry, { op: 'put' }> => x.op === 'put');
    expect(puts.find((x) => x.e === 'label')?.row).toMatchObject({ id: label.id, name: 'Gold customer' });
    const convs = new Map(puts.filter((x) => x.e === 'conversation').map((x) => [x.id, x.row]));
    expect([...convs.keys()].sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect((convs.get(a.conversationId) as { labels: string[] }).labels).toEqual([
      'urgent',
      'Gold customer',
      'later',
    ]);

    const [audit] = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'label.renamed'));
    expect(audit).toMatchObject({ summary: 'Renamed label "VIP" to "Gold customer" on 2 conversations' });

    // A rename onto another label's name is refused, changing nothing.
    await req('POST', '/api/v1/labels', org.admin.headers, { name: 'Other' });
    const clash = await req('PATCH', `/api/v1/labels/${label.id}`, org.admin.headers, { name: 'OTHER' });
    expect(clash.statusCode).toBe(409);
    expect(await labelsOf(a.conversationId)).toEqual(['urgent', 'Gold customer', 'later']);
  });

  it('a delete removes the label from its conversations, which keep working, and syncs a del', async () => {
    const a = await seedConversation(w.t.database.db, org.organizationId, accountId);
    const label = (await req('POST', '/api/v1/labels', org.admin.headers, { name: 'Churn risk' })).json();
    await setLabels(a.conversationId, ['Churn risk', 'keep']);
    const clientId = randomUUID();
    const { last } = await pullAll(w.t.app, org.agent, clientId);
    expect((await req('DELETE', `/api/v1/labels/${label.id}`, org.admin.headers)).statusCode).toBe(204);
    expect(await labelsOf(a.conversationId)).toEqual(['keep']);
    // The conversation still takes labels, including the deleted name as plain text.
    expect((await setLabels(a.conversationId, ['keep', 'Churn risk'])).statusCode).toBe(200);
    const { changes } = await pullAll(w.t.app, org.agent, clientId, last.nextCursor);
    expect(changes).toContainEqual({ e: 'label', id: label.id, v: expect.any(Number), op: 'del' });
    const [audit] = await w.t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'label.deleted'), eq(auditEvents.targetId, label.id)));
    expect(audit!.summary).toBe('Deleted label "Churn risk" (removed from 1 conversation)');
  });

  it('bootstraps labels in phase 0 for every role', async () => {
    const res = await req('GET', '/api/v1/sync/bootstrap?phase=0', org.agent.headers);
    expect(res.statusCode).toBe(200);
    const lines = res.body
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { e?: string; row?: { name: string } });
    expect(lines.filter((l) => l.e === 'label').map((l) => l.row!.name)).toEqual(
      expect.arrayContaining(['Gold customer', 'Other']),
    );
  });
});
