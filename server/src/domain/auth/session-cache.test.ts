import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../../test/build-test-app';
import { signup } from '../../../test/factories';
import { writeGenerationOf } from '../../storage/db';
import { sessions } from '../../storage/schema/index';
import { createGenerationCache, createNotifiedCache } from './session-cache';

describe('generation cache', () => {
  it('serves a value only while the generation has not moved', () => {
    let generation = 0;
    const cache = createGenerationCache<string>(() => generation);
    const mark = cache.mark();
    cache.store('k', 'v', mark);
    expect(cache.get('k')).toBe('v');
    generation += 1;
    expect(cache.get('k')).toBeUndefined();
    // Moving back cannot resurrect anything: the entries were dropped, not hidden.
    generation -= 1;
    expect(cache.get('k')).toBeUndefined();
  });

  it('does not keep a value read while a write started or finished', () => {
    let generation = 0;
    const cache = createGenerationCache<string>(() => generation);
    const mark = cache.mark();
    generation += 1; // a write starts while the read is in flight
    cache.store('k', 'stale', mark);
    expect(cache.get('k')).toBeUndefined();
    const later = cache.mark();
    cache.store('k', 'fresh', later);
    expect(cache.get('k')).toBe('fresh');
  });

  it('stays bounded', () => {
    const cache = createGenerationCache<number>(() => 0, 3);
    for (let i = 0; i < 10; i += 1) cache.store(`k${i}`, i, 0);
    const kept = Array.from({ length: 10 }, (_, i) => cache.get(`k${i}`)).filter((v) => v !== undefined);
    expect(kept.length).toBeLessThanOrEqual(3);
    expect(cache.get('k9')).toBe(9);
  });
});

describe('notified cache (PostgreSQL)', () => {
  const make = (inFlight = new Set<string>()) => {
    let now = 0;
    const link = { up: true };
    const cache = createNotifiedCache<string>({
      ttlMs: 1_000,
      now: () => now,
      inFlight: (u) => inFlight.has(u),
      connected: () => link.up,
    });
    return { cache, inFlight, link, advance: (ms: number) => (now += ms) };
  };

  it('serves an entry for less than its ttl', () => {
    const { cache, advance } = make();
    cache.store('k', 'u', 'v', cache.mark());
    advance(999);
    expect(cache.get('k', 'u')).toBe('v');
    advance(1);
    expect(cache.get('k', 'u')).toBeUndefined();
  });

  it('drops a user’s entries on their notification, and keeps no read that overlapped one', () => {
    const { cache } = make();
    cache.store('a1', 'a', 'va', cache.mark());
    cache.store('b1', 'b', 'vb', cache.mark());
    const mark = cache.mark();
    cache.invalidate('a');
    expect(cache.get('a1', 'a')).toBeUndefined();
    expect(cache.get('b1', 'b')).toBe('vb');
    cache.store('a1', 'a', 'stale', mark);
    expect(cache.get('a1', 'a')).toBeUndefined();
    cache.clear();
    expect(cache.get('b1', 'b')).toBeUndefined();
  });

  it('ages an entry from the start of its read, so none outlives a revoker waiting the ttl', () => {
    const { cache, advance } = make();
    const mark = cache.mark();
    advance(600); // a slow read: a revocation may have committed meanwhile, its signal lost
    cache.store('k', 'u', 'v', mark);
    advance(399);
    expect(cache.get('k', 'u')).toBe('v');
    advance(1);
    expect(cache.get('k', 'u')).toBeUndefined();
  });

  it('neither serves nor keeps an entry while invalidations cannot reach the process', () => {
    const { cache, link } = make();
    cache.store('k', 'u', 'v', cache.mark());
    link.up = false;
    expect(cache.get('k', 'u')).toBeUndefined();
    cache.store('k', 'u', 'v', cache.mark());
    link.up = true;
    expect(cache.get('k', 'u')).toBeUndefined();
  });

  it('neither serves nor keeps a user whose change written here is unconfirmed', () => {
    const { cache, inFlight } = make();
    cache.store('k', 'u', 'v', cache.mark());
    inFlight.add('u');
    expect(cache.get('k', 'u')).toBeUndefined();
    cache.store('k', 'u', 'v', cache.mark());
    inFlight.delete('u');
    expect(cache.get('k', 'u')).toBeUndefined();
  });
});

describe('session check cache (PGlite) against writes that bypass the repositories', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(() => t.app.close());
  // Exact against raw writes only where this process is the database's only client; on
  // PostgreSQL raw writes send no NOTIFY and apply within the bound (session-cache-pg.test.ts).
  beforeEach((ctx) => {
    if (!writeGenerationOf(t.database.db)) ctx.skip();
  });

  const me = (headers: object) =>
    t.app.inject({ method: 'GET', url: '/api/v1/me', headers: headers as Record<string, string> });

  it('moves the write generation around writes and not around reads', async (ctx) => {
    const generation = writeGenerationOf(t.database.db);
    if (!generation) return ctx.skip(); // PostgreSQL: no cache, nothing to track
    const { db } = t.database;
    let g = generation();
    await db.execute(sql`select 1`);
    await db.select().from(sessions).limit(1);
    expect(generation()).toBe(g);
    await db.execute(sql`update sessions set revoked_reason = revoked_reason where false`);
    expect(generation()).toBeGreaterThan(g);
    g = generation();
    await db.transaction(async (tx) => {
      await tx.select().from(sessions).limit(1);
    });
    expect(generation()).toBeGreaterThan(g);
    g = generation();
    await db.execute(sql`with x as (select 1) select * from x`);
    expect(generation()).toBeGreaterThan(g); // conservative: only plain SELECTs count as reads
  });

  it('rejects a session revoked by a raw UPDATE on the very next request', async () => {
    const admin = await signup(t.app, 'Cache Org');
    // Warm the cache: repeated checks of the same live session.
    for (let i = 0; i < 3; i += 1) expect((await me(admin.headers)).statusCode).toBe(200);
    await t.database.db.execute(
      sql`update sessions set revoked_at = now(), revoked_reason = 'test' where user_id = ${admin.id}`,
    );
    const res = await me(admin.headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('session_revoked');
  });

  it('applies a role change and a deactivation made inside a transaction at once', async () => {
    const admin = await signup(t.app, 'Cache Org 2');
    // The principal's role (from the cached check) decides who may create teams.
    const createTeam = (name: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin.headers, payload: { name } });
    expect((await createTeam('Allowed')).statusCode).toBe(201);
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`update memberships set role = 'agent' where user_id = ${admin.id}`);
    });
    expect((await createTeam('Refused')).statusCode).toBe(403);
    await t.database.db.execute(
      sql`update memberships set deactivated_at = now() where user_id = ${admin.id}`,
    );
    expect((await me(admin.headers)).statusCode).toBe(401);
  });

  it('never keeps a check that overlapped a revocation', async () => {
    const admin = await signup(t.app, 'Cache Org 3');
    // Fire checks and the revocation together; whatever order they ran in, every check that
    // starts after the revocation has finished must fail.
    const inFlight = Array.from({ length: 10 }, () => me(admin.headers));
    const revoke = t.database.db.execute(
      sql`update sessions set revoked_at = now(), revoked_reason = 'test' where user_id = ${admin.id}`,
    );
    await Promise.all([...inFlight, revoke]);
    for (let i = 0; i < 3; i += 1) expect((await me(admin.headers)).statusCode).toBe(401);
  });
});
