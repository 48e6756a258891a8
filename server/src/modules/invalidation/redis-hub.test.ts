import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, whyNotRunnable } from '../../../test/processes';
import { createRedisInvalidationHub, type InvalidationHub } from './redis-hub';

// The acknowledged invalidation bus on a real Redis (TEST_REDIS_URL, default 127.0.0.1:6379):
// three hubs stand for three processes. Skips, saying why, without Redis.

const skip = await whyNotRunnable({ redis: true });
if (skip) console.warn(`invalidation bus test skipped: ${skip}`);

describe.skipIf(skip !== null)('invalidation bus (Redis)', () => {
  const channel = `parley:test-invalidate:${randomUUID()}`;
  const hubs: InvalidationHub[] = [];
  const raw: Redis[] = [];
  const hub = (ackTimeoutMs = 5_000) => {
    const h = createRedisInvalidationHub({ url: REDIS_URL, channel, ackTimeoutMs });
    hubs.push(h);
    return h;
  };
  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await Promise.all(raw.map((r) => r.quit()));
  });
  const until = async (check: () => boolean) => {
    const start = Date.now();
    while (!check()) {
      if (Date.now() - start > 5_000) throw new Error('not connected within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('resolves a publish only once every subscribed process has dropped the id', async () => {
    const [a, b, c] = [hub(), hub(), hub()].map((h) => h.topic('sessions'));
    const seen = { a: [] as (string | null)[], b: [] as (string | null)[], c: [] as (string | null)[] };
    a!.subscribe((id) => seen.a.push(id));
    b!.subscribe((id) => seen.b.push(id));
    c!.subscribe((id) => seen.c.push(id));
    await until(() => a!.connected() && b!.connected() && c!.connected());
    for (let i = 0; i < 20; i += 1) {
      await a!.publish(`user-${i}`);
      // No waiting here: the publish itself must not have resolved earlier.
      expect(seen.b.at(-1)).toBe(`user-${i}`);
      expect(seen.c.at(-1)).toBe(`user-${i}`);
      expect(seen.a.at(-1)).toBe(`user-${i}`);
    }
  });

  it('keeps topics apart', async () => {
    const h = hub();
    const keys: (string | null)[] = [];
    const sessions: (string | null)[] = [];
    h.topic('api-keys').subscribe((id) => keys.push(id));
    h.topic('sessions').subscribe((id) => sessions.push(id));
    await until(() => h.topic('sessions').connected());
    await h.topic('api-keys').publish('key-1');
    expect(keys).toContain('key-1');
    expect(sessions).not.toContain('key-1');
  });

  it('gives up on a subscriber that never acknowledges after the ack timeout, not before', async () => {
    const h = hub(300);
    const t = h.topic('sessions');
    await until(() => t.connected());
    // A subscriber Redis counts as a receiver that never answers: a stuck or half-dead process.
    const silent = new Redis(REDIS_URL);
    raw.push(silent);
    await silent.subscribe(channel);
    const start = performance.now();
    await t.publish('user-x');
    const took = performance.now() - start;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
    await silent.unsubscribe(channel);
  });

  it('says it is not connected after its connection closed', async () => {
    const h = createRedisInvalidationHub({ url: REDIS_URL, channel, ackTimeoutMs: 1_000 });
    const t = h.topic('sessions');
    const dropped: (string | null)[] = [];
    t.subscribe((id) => dropped.push(id));
    await until(() => t.connected());
    await h.close();
    await until(() => !t.connected());
    // Losing the connection drops everything: invalidations may be missed from now on.
    expect(dropped.at(-1)).toBeNull();
  });
});
