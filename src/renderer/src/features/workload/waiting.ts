/**
 * How long a customer has waited, short ("4 min", "2 h 5 min", "3 d"), from `waitingSince`
 * (ISO) to `now` (ms); null when nobody waits.
 */
export function waitingLabel(waitingSince: string | null | undefined, now: number): string | null {
  if (!waitingSince) return null;
  const ms = Math.max(0, now - Date.parse(waitingSince));
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** The same as a sentence part: "waiting 4 min"; null when nobody waits. */
export function waitingSentence(waitingSince: string | null | undefined, now: number): string | null {
  const label = waitingLabel(waitingSince, now);
  return label === null ? null : label === 'just now' ? 'waiting since just now' : `waiting ${label}`;
}
