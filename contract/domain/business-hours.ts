import type { BusinessHours } from '../api/organization';

// The one rule "is this instant inside business hours", shared by the server's away message and
// the app's "outside business hours" state (which must work offline, from the replica).

/** The local weekday (0 = Monday) and minutes since local midnight of `at` in `timeZone`. */
export function localClock(at: Date, timeZone: string): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday'));
  return { weekday, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `at` falls inside business hours (always, when the organization has none). */
export function isOpenAt(
  settings: { timeZone: string; businessHours: BusinessHours | null },
  at: Date,
): boolean {
  if (!settings.businessHours) return true;
  const { weekday, minutes } = localClock(at, settings.timeZone);
  return (settings.businessHours[weekday] ?? []).some(
    (iv) => minutes >= toMinutes(iv.from) && minutes < toMinutes(iv.to),
  );
}

/**
 * When business hours next begin after `at`: the local weekday (0 = Monday), the opening time
 * `HH:MM` and how many days ahead (0 = later today), in the organization's time zone. Null when
 * there are no business hours or no day has any.
 */
export function nextOpening(
  settings: { timeZone: string; businessHours: BusinessHours | null },
  at: Date,
): { weekday: number; time: string; inDays: number } | null {
  const hours = settings.businessHours;
  if (!hours) return null;
  const { weekday, minutes } = localClock(at, settings.timeZone);
  for (let inDays = 0; inDays <= 7; inDays++) {
    const day = (weekday + inDays) % 7;
    const starts = (hours[day] ?? [])
      .map((iv) => iv.from)
      .filter((from) => inDays > 0 || toMinutes(from) > minutes)
      .sort();
    if (starts[0]) return { weekday: day, time: starts[0], inDays };
  }
  return null;
}
