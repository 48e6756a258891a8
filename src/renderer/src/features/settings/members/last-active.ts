/** Under this, "last active" reads "Now": the server answers a connected member's time as now. */
const NOW_MS = 2 * 60_000;

/** "Now", "5 min ago", "3 h ago", "Yesterday", a date, or "Never" for a member's last activity. */
export function lastActiveLabel(iso: string | null | undefined, now: number): string {
  if (!iso) return 'Never';
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return 'Never';
  if (ms < NOW_MS) return 'Now';
  const min = Math.floor(ms / 60_000);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  if (h < 48) return 'Yesterday';
  return new Date(iso).toLocaleDateString();
}
