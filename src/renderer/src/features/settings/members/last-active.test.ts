import { describe, expect, it } from 'vitest';
import { lastActiveLabel } from './last-active';

const now = Date.parse('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('lastActiveLabel', () => {
  it('reads never, now, minutes, hours, yesterday, then a date', () => {
    expect(lastActiveLabel(null, now)).toBe('Never');
    expect(lastActiveLabel(ago(30_000), now)).toBe('Now');
    expect(lastActiveLabel(ago(5 * 60_000), now)).toBe('5 min ago');
    expect(lastActiveLabel(ago(3 * 3600_000), now)).toBe('3 h ago');
    expect(lastActiveLabel(ago(30 * 3600_000), now)).toBe('Yesterday');
    expect(lastActiveLabel(ago(5 * 24 * 3600_000), now)).toBe(
      new Date(ago(5 * 24 * 3600_000)).toLocaleDateString(),
    );
  });
});
