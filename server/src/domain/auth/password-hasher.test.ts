import { describe, expect, it } from 'vitest';
import { createPasswordHasher, HasherBusyError } from './password-hasher';

const deferredImpl = () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const impl = {
    hash: async (p: string) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return `h:${p}`;
    },
    verify: async (phc: string, p: string) => phc === `h:${p}`,
  };
  return { impl, max: () => maxInFlight };
};

describe('password hasher', () => {
  it('caps hashes in flight', async () => {
    const fake = deferredImpl();
    const hasher = createPasswordHasher({ concurrency: 2, impl: fake.impl });
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => hasher.hash(`p${i}`)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => `h:p${i}`));
    expect(fake.max()).toBe(2);
  });

  it('refuses work when the queue is full instead of piling it up', async () => {
    const fake = deferredImpl();
    const hasher = createPasswordHasher({ concurrency: 1, maxQueue: 2, impl: fake.impl });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => hasher.hash('x')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(2);
    expect((rejected[0] as PromiseRejectedResult).reason).toBeInstanceOf(HasherBusyError);
  });

  it('verifies real argon2id hashes and spends a hash on unknown users', async () => {
    const hasher = createPasswordHasher();
    const phc = await hasher.hash('correct horse battery');
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(phc, 'correct horse battery')).toBe(true);
    expect(await hasher.verify(phc, 'wrong')).toBe(false);
    expect(await hasher.verify(null, 'anything')).toBe(false);
    expect(await hasher.verify('not a phc', 'anything')).toBe(false);
  });
});
