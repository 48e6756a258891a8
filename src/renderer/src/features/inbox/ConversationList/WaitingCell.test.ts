import { describe, expect, it } from 'vitest';
import { waitingOf } from './WaitingCell';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const at = (minAgo: number) => new Date(NOW - minAgo * 60_000).toISOString();

describe('waitingOf', () => {
  it('says how long an open or pending conversation’s customer has waited', () => {
    expect(waitingOf({ status: 'open', waitingSince: at(0.5) }, NOW)).toEqual({
      label: 'now',
      sentence: 'customer waiting less than a minute',
      long: false,
    });
    expect(waitingOf({ status: 'pending', waitingSince: at(12) }, NOW)?.label).toBe('12m');
    expect(waitingOf({ status: 'open', waitingSince: at(125) }, NOW)).toEqual({
      label: '2h 5m',
      sentence: 'customer waiting 2 hours 5 minutes',
      long: true,
    });
    expect(waitingOf({ status: 'open', waitingSince: at(3 * 24 * 60) }, NOW)?.label).toBe('3d');
  });

  it('is nothing when nobody waits or the conversation is closed', () => {
    expect(waitingOf({ status: 'open', waitingSince: null }, NOW)).toBeNull();
    expect(waitingOf({ status: 'resolved', waitingSince: at(5) }, NOW)).toBeNull();
    expect(waitingOf({ status: 'snoozed', waitingSince: at(5) }, NOW)).toBeNull();
  });
});
