import { describe, expect, it } from 'vitest';
import { isTransientConflict, isUniqueViolation, retryTransientConflicts } from './errors';

/** What drizzle throws: its own error wrapping the driver's, which carries the SQLSTATE. */
const dbError = (code: string) => Object.assign(new Error('Failed query'), { cause: { code } });

describe('database errors', () => {
  it('reads the SQLSTATE through drizzle’s wrapper', () => {
    expect(isUniqueViolation(dbError('23505'))).toBe(true);
    expect(isTransientConflict(dbError('40P01'))).toBe(true);
    expect(isTransientConflict(dbError('40001'))).toBe(true);
    expect(isTransientConflict(dbError('23505'))).toBe(false);
    expect(isTransientConflict(new Error('plain'))).toBe(false);
  });

  it('runs a deadlock victim again and returns its result', async () => {
    let calls = 0;
    const result = await retryTransientConflicts(async () => {
      calls += 1;
      if (calls < 3) throw dbError('40P01');
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(calls).toBe(3);
  });

  it('throws other errors at once, and the last conflict after its attempts', async () => {
    let calls = 0;
    await expect(
      retryTransientConflicts(async () => {
        calls += 1;
        throw dbError('23505');
      }),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retryTransientConflicts(async () => {
        calls += 1;
        throw dbError('40P01');
      }, 2),
    ).rejects.toThrow('Failed query');
    expect(calls).toBe(2);
  });
});
