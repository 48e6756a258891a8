import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uuidv7 } from './uuid';

describe('uuidv7', () => {
  it('is a valid version-7 UUID carrying the millisecond timestamp', () => {
    const at = Date.parse('2026-01-02T03:04:05.678Z');
    const id = uuidv7(at);
    expect(z.uuid({ version: 'v7' }).safeParse(id).success).toBe(true);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts by creation time', () => {
    const ids = [3, 1, 2].map((n) => uuidv7(1_700_000_000_000 + n));
    expect([...ids].sort()).toEqual([ids[1], ids[2], ids[0]]);
  });
});
