import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { connectSync, pullAll, until, type TestSocket } from '../../../test/sync';
import { startWhatsAppWorld, type WhatsAppWorld } from '../../../test/whatsapp';

let w: WhatsAppWorld;
let org: TestOrg;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Canned Org');
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await w.close();
});

const req = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: object, payload?: object) =>
  w.t.app.inject({ method, url, headers: headers as Record<string, string>, ...(payload && { payload }) });

const create = (headers: object, body: object) => req('POST', '/api/v1/canned-responses', headers, body);
const shortcutsSeenBy = async (headers: object) =>
  (await req('GET', '/api/v1/canned-responses', headers))
    .json()
    .data.map((c: { shortcut: string }) => c.shortcut);

describe('canned responses', () => {
  it("lets admins and managers write the organization's, and anyone their own", async () => {
    const org1 = await create(org.manager.headers, {
      scope: 'organization',
      shortcut: 'Greet',
      title: 'Greeting',
      body: 'Hello {{contact.name}}, this is {{agent.name}}.',
    });
    expect(org1.statusCode, org1.body).toBe(201);
    // Shortcuts are lower-cased; the owner is null for the organization's.
    expect(org1.json()).toMatchObject({ scope: 'organization', ownerId: null, shortcut: 'greet' });
    const refused = await create(org.agent.headers, {
      scope: 'organization',
      shortcut: 'x',
      title: 'X',
      body: 'X',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toMatch(/admins and managers/);
    const dup = await create(org.admin.headers, {
      scope: 'organization',
      shortcut: 'GREET',
      title: 'G',
      body: 'G',
    });
    expect(dup.statusCode).toBe(409);
    // An agent's own, with the same shortcut as the organization's: their own list, their own namespace.
    const mine = await create(org.agent.headers, { shortcut: 'greet', title: 'My greeting', body: 'Hi!' });
    expect(mine.statusCode, mine.body).toBe(201);
    expect(mine.json()).toMatchObject({ scope: 'personal', ownerId: org.agent.id });
    // The agent cannot edit or delete the organization's.
    const id = org1.json().id;
    expect(
      (await req('PATCH', `/api/v1/canned-responses/${id}`, org.agent.headers, { title: 'Mine now' }))
        .statusCode,
    ).toBe(403);
    expect((await req('DELETE', `/api/v1/canned-responses/${id}`, org.agent.headers)).statusCode).toBe(403);
    const edited = await req('PATCH', `/api/v1/canned-responses/${id}`, org.admin.headers, {
      title: 'Hello',
    });
    expect(edited.json()).toMatchObject({ title: 'Hello', shortcut: 'greet' });
    const badShortcut = await create(org.agent.headers, { shortcut: 'two words', title: 'T', body: 'B' });
    expect(badShortcut.statusCode).toBe(400);
  });

  it('keeps a personal response invisible to everyone but its owner, over REST', async () => {
    const secret = await create(org.manager.headers, {
      shortcut: 'mgr',
      title: 'Manager only',
      body: 'secret wording',
    });
    const id: string = secret.json().id;
    expect(await shortcutsSeenBy(org.manager.headers)).toContain('mgr');
    for (const other of [org.agent, org.admin]) {
      expect(await shortcutsSeenBy(other.headers)).not.toContain('mgr');
      const one = await req('GET', `/api/v1/canned-responses/${id}`, other.headers);
      expect(one.statusCode).toBe(404);
      expect(one.body).not.toContain('secret wording');
      expect(
        (await req('PATCH', `/api/v1/canned-responses/${id}`, other.headers, { body: 'x' })).statusCode,
      ).toBe(404);
      expect((await req('DELETE', `/api/v1/canned-responses/${id}`, other.headers)).statusCode).toBe(404);
    }
    const personalOnly = await req('GET', '/api/v1/canned-responses?scope=personal', org.agent.headers);
    expect(personalOnly.json().data.map((c: { ownerId: string }) => c.ownerId)).toEqual([org.agent.id]);
  });

  it('keeps a personal response invisible to everyone but its owner, over sync (bootstrap, pull, live)', async () => {
    const admin = await connectSync(w.parleyUrl, org.admin);
    const agent = await connectSync(w.parleyUrl, org.agent);
    sockets.push(admin, agent);
    const adminPull = randomUUID();
    const agentPull = randomUUID();
    const start = {
      admin: (await pullAll(w.t.app, org.admin, adminPull)).last.nextCursor,
      agent: (await pullAll(w.t.app, org.agent, agentPull)).last.nextCursor,
    };

    const personal = (
      await create(org.agent.headers, { shortcut: 'sig', title: 'Signature', body: 'private sig' })
    ).json();
    const shared = (
      await create(org.admin.headers, {
        scope: 'organization',
        shortcut: 'bye',
        title: 'Bye',
        body: 'Goodbye',
      })
    ).json();
    await req('PATCH', `/api/v1/canned-responses/${personal.id}`, org.agent.headers, {
      body: 'private sig v2',
    });
    await req('DELETE', `/api/v1/canned-responses/${personal.id}`, org.agent.headers);

    // Live: the owner hears of the put and the del; the admin hears of the shared one only.
    await until(
      () => agent.changes().some((c) => c.e === 'canned_response' && c.op === 'del'),
      5_000,
      'agent del',
    );
    await until(
      () => admin.changes().some((c) => c.e === 'canned_response' && c.id === shared.id),
      5_000,
      'admin put',
    );
    expect(
      agent
        .changes()
        .filter((c) => c.e === 'canned_response')
        .map((c) => c.id),
    ).toEqual(expect.arrayContaining([personal.id, shared.id]));
    expect(JSON.stringify(admin.changes())).not.toContain(personal.id);
    expect(JSON.stringify(admin.changes())).not.toContain('private sig');

    // Pull: the same.
    const adminChanges = (await pullAll(w.t.app, org.admin, adminPull, start.admin)).changes;
    expect(adminChanges.filter((c) => c.e === 'canned_response').map((c) => c.id)).toEqual([shared.id]);
    expect(JSON.stringify(adminChanges)).not.toContain(personal.id);
    const agentChanges = (await pullAll(w.t.app, org.agent, agentPull, start.agent)).changes;
    expect(agentChanges).toContainEqual({
      e: 'canned_response',
      id: personal.id,
      v: expect.any(Number),
      op: 'del',
    });

    // Bootstrap: the manager's personal one (previous test) is in the manager's phase 0 only.
    const phase0 = async (headers: object) =>
      (await req('GET', '/api/v1/sync/bootstrap?phase=0', headers)).body
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { e?: string; row?: { shortcut: string } })
        .filter((l) => l.e === 'canned_response')
        .map((l) => l.row!.shortcut);
    expect(await phase0(org.manager.headers)).toContain('mgr');
    for (const other of [org.admin, org.agent]) expect(await phase0(other.headers)).not.toContain('mgr');
    expect(await phase0(org.agent.headers)).toEqual(expect.arrayContaining(['greet', 'bye']));
  });
});
