import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, err, ok, resultSchema } from '#contract/result';
import { atLeast } from '#contract/domain/roles';

describe('Result', () => {
  it('round-trips through its schema', () => {
    const schema = resultSchema(z.object({ n: z.number() }));
    expect(schema.parse(ok({ n: 1 }))).toEqual({ ok: true, value: { n: 1 } });
    expect(schema.parse(err({ code: 'not_found', message: 'No such thing' }))).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No such thing' },
    });
  });

  it('refuses error codes outside the closed union', () => {
    expect(AppError.safeParse({ code: 'made_up', message: 'x' }).success).toBe(false);
  });

  it('orders roles by privilege', () => {
    expect(atLeast('admin', 'manager')).toBe(true);
    expect(atLeast('manager', 'manager')).toBe(true);
    expect(atLeast('agent', 'manager')).toBe(false);
  });
});
