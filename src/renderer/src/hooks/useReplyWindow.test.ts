import { describe, expect, it } from 'vitest';
import { formatRemaining, replyWindow } from './useReplyWindow';

describe('replyWindow', () => {
  const now = Date.parse('2026-03-02T10:00:00.000Z');
  it('counts down in hours and minutes', () => {
    const at = new Date(now + (3 * 60 + 12) * 60_000 + 30_000).toISOString();
    expect(replyWindow(at, now)).toEqual({
      isOpen: true,
      remainingMs: (3 * 60 + 12) * 60_000 + 30_000,
      label: 'Replies allowed for 3 h 12 min',
    });
  });
  it('is closed after the expiry, and before the customer ever wrote', () => {
    expect(replyWindow(new Date(now - 1).toISOString(), now).label).toBe('Window closed');
    expect(replyWindow(null, now)).toEqual({ isOpen: false, remainingMs: 0, label: 'Window closed' });
    expect(replyWindow('garbage', now).isOpen).toBe(false);
  });
  it('formats short and round remainders', () => {
    expect(formatRemaining(30_000)).toBe('less than a minute');
    expect(formatRemaining(12 * 60_000)).toBe('12 min');
    expect(formatRemaining(2 * 3_600_000)).toBe('2 h');
  });
});
