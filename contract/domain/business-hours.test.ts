import { describe, expect, it } from 'vitest';
import type { BusinessHours } from '../api/organization';
import { isOpenAt, nextOpening } from './business-hours';

const weekdays: BusinessHours = [
  [
    { from: '09:00', to: '12:00' },
    { from: '14:00', to: '18:00' },
  ],
  [{ from: '09:00', to: '18:00' }],
  [{ from: '09:00', to: '18:00' }],
  [{ from: '09:00', to: '18:00' }],
  [{ from: '09:00', to: '18:00' }],
  [],
  [],
];
const lisbon = { timeZone: 'Europe/Lisbon', businessHours: weekdays };

describe('business hours', () => {
  it('is open inside an interval in the organization’s time zone, closed outside it', () => {
    // Monday 5 January 2026: Lisbon is on UTC in winter.
    expect(isOpenAt(lisbon, new Date('2026-01-05T10:00:00Z'))).toBe(true);
    expect(isOpenAt(lisbon, new Date('2026-01-05T12:30:00Z'))).toBe(false);
    expect(
      isOpenAt({ timeZone: 'Asia/Tokyo', businessHours: weekdays }, new Date('2026-01-05T10:00:00Z')),
    ).toBe(false);
    expect(isOpenAt({ timeZone: 'UTC', businessHours: null }, new Date('2026-01-10T03:00:00Z'))).toBe(true);
  });

  it('names the next opening: later today, tomorrow, or after the weekend', () => {
    expect(nextOpening(lisbon, new Date('2026-01-05T12:30:00Z'))).toEqual({
      weekday: 0,
      time: '14:00',
      inDays: 0,
    });
    expect(nextOpening(lisbon, new Date('2026-01-05T19:00:00Z'))).toEqual({
      weekday: 1,
      time: '09:00',
      inDays: 1,
    });
    // Friday evening → Monday.
    expect(nextOpening(lisbon, new Date('2026-01-09T19:00:00Z'))).toEqual({
      weekday: 0,
      time: '09:00',
      inDays: 3,
    });
    expect(nextOpening({ timeZone: 'UTC', businessHours: null }, new Date())).toBeNull();
    expect(
      nextOpening({ timeZone: 'UTC', businessHours: [[], [], [], [], [], [], []] }, new Date()),
    ).toBeNull();
  });
});
