import { MESSAGE_TYPE_LABEL } from '#contract/domain/messaging';
import type { InboxConversation } from '#contract/ipc/contract';
import type { Availability } from '#contract/api/users';

/** The name a conversation goes by: the contact's name, else the number, else the WhatsApp id. */
export function contactLabel(c: Pick<InboxConversation, 'contact'>): string {
  return c.contact.name?.trim() || c.contact.phone || c.contact.waId || 'Unknown contact';
}

/** Up to two initials of a name ("Maria Souza" → "MS"); digits for a bare number. */
export function initials(name: string): string {
  const words = name.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return '?';
  if (/^\+?\d/.test(name.trim())) return name.replace(/\D/g, '').slice(-2) || '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/**
 * The last message as one line: its type label and preview without repeating one in the
 * other ("Photo", "Photo: the cake", "Hello"), prefixed "You: " when the business sent it.
 */
export function previewText(c: Pick<InboxConversation, 'lastMessage'>): string {
  const m = c.lastMessage;
  if (!m) return 'No messages yet';
  // Plain text goes without a label; everything else says what it is (the contract's table).
  const label = m.type === 'text' ? null : MESSAGE_TYPE_LABEL[m.type];
  const preview = m.preview.trim();
  // The preview may already start with the label ("Photo: the cake"); never say it twice.
  const body = !label
    ? preview
    : !preview
      ? label
      : preview.startsWith(label)
        ? preview
        : `${label}: ${preview}`;
  return m.direction === 'outbound' ? `You: ${body}` : body;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Date formatters, built once per locale and options: `toLocale*String` builds a new
 * Intl.DateTimeFormat on every call, which is most of a row's render cost.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function format(ms: number, locale: string | undefined, options: Intl.DateTimeFormatOptions): string {
  const key = `${locale ?? ''}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f.format(ms);
}

/** The option sets {@link relativeTime} formats with. */
const RELATIVE_FORMATS: Intl.DateTimeFormatOptions[] = [
  { hour: '2-digit', minute: '2-digit' },
  { weekday: 'short' },
  { day: 'numeric', month: 'short' },
  { day: 'numeric', month: 'short', year: 'numeric' },
];

let collator: Intl.Collator | undefined;
/** `a.localeCompare(b)` through one cached collator (localeCompare builds one per call). */
export function compareText(a: string, b: string): number {
  return (collator ??= new Intl.Collator()).compare(a, b);
}

/**
 * Builds the list's date formatters and collator ahead of time. The first Intl object of a
 * page loads the locale's data (~10 ms each on a desktop); done while idle before the first
 * page of conversations arrives, the first list paint does not pay for it.
 */
export function warmFormatters(locale?: string): void {
  const t = Date.now();
  for (const options of RELATIVE_FORMATS) format(t, locale, options);
  compareText('a', 'b');
}

function startOfDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * A short time for a list row: "now", "5 min", the time of day today ("10:42"), "Yesterday",
 * the weekday within a week, else the date.
 */
export function relativeTime(iso: string | null, now: number, locale?: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const ago = now - t;
  if (ago < MINUTE) return 'now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min`;
  const today = startOfDay(now);
  if (t >= today) return format(t, locale, { hour: '2-digit', minute: '2-digit' });
  if (t >= today - DAY) return 'Yesterday';
  if (t >= today - 6 * DAY) return format(t, locale, { weekday: 'short' });
  const sameYear = new Date(t).getFullYear() === new Date(now).getFullYear();
  return format(t, locale, {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
}

/** The full date and time, for a tooltip. */
export function absoluteTime(iso: string | null, locale?: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return format(t, locale, { dateStyle: 'full', timeStyle: 'short' });
}

/** Under this much time left, the 24-hour window is "closing soon". */
export const WINDOW_CLOSING_SOON_MS = 2 * HOUR;

/** The 24-hour customer-service window, computed locally (works offline). */
export type WindowState =
  { kind: 'open'; msLeft: number } | { kind: 'closing'; msLeft: number } | { kind: 'closed' };

/** The window's state at `now`; no window yet (the customer never wrote) counts as closed. */
export function windowState(expiresAt: string | null, now: number): WindowState {
  const t = expiresAt ? Date.parse(expiresAt) : Number.NaN;
  if (Number.isNaN(t) || t <= now) return { kind: 'closed' };
  const msLeft = t - now;
  return msLeft <= WINDOW_CLOSING_SOON_MS ? { kind: 'closing', msLeft } : { kind: 'open', msLeft };
}

/** "3 h", "42 min", "1 h 5 min" for time left. */
export function formatDuration(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / MINUTE));
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h >= 3 || m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** The short words in a row ("14 h", "42 min", "Closed"). */
export function windowShortLabel(w: WindowState): string {
  return w.kind === 'closed' ? 'Closed' : formatDuration(w.msLeft);
}

/** The words a screen reader hears ("window open for 14 h", "window closes in 42 min", "window closed"). */
export function windowSpokenLabel(w: WindowState): string {
  switch (w.kind) {
    case 'open':
      return `window open for ${formatDuration(w.msLeft)}`;
    case 'closing':
      return `window closes in ${formatDuration(w.msLeft)}`;
    case 'closed':
      return 'window closed';
  }
}

/** The parts of a row computed once per render and shared by its sentence and its visuals. */
export interface RowText {
  name: string;
  preview: string;
  time: string;
  window: WindowState;
}

/** Computes a row's texts once. */
export function rowText(c: InboxConversation, now: number, locale?: string): RowText {
  return {
    name: contactLabel(c),
    preview: previewText(c),
    time: relativeTime(c.lastMessageAt ?? c.lastMessage?.at ?? null, now, locale),
    window: windowState(c.windowExpiresAt, now),
  };
}

/**
 * A row's accessible name, starting with the contact: "Maria Souza, 2 unread, important,
 * Photo, 10:42, window closed, assigned to Alex Agent, labels vip, refund".
 */
export function rowAccessibleName(
  c: InboxConversation,
  opts: {
    now: number;
    assigneeName: string | null;
    /** Said after the assignee's name ("assigned to Ana, away") when known. */
    assigneeAvailability?: Availability | null;
    isMine: boolean;
    locale?: string;
    text?: RowText;
  },
): string {
  const t = opts.text ?? rowText(c, opts.now, opts.locale);
  const parts = [t.name];
  if (c.unreadCount > 0) parts.push(`${c.unreadCount} unread`);
  if (c.important) parts.push('important');
  parts.push(t.preview);
  if (t.time) parts.push(t.time);
  parts.push(windowSpokenLabel(t.window));
  if (c.assigneeId) {
    parts.push(opts.isMine ? 'assigned to you' : `assigned to ${opts.assigneeName ?? 'a teammate'}`);
    if (opts.assigneeAvailability) parts.push(opts.assigneeAvailability);
  } else parts.push('unassigned');
  if (c.labels.length) parts.push(`labels ${c.labels.join(', ')}`);
  if (c.hasPendingChanges) parts.push('changes not synced yet');
  return parts.join(', ');
}

/**
 * Splits `text` around case-insensitive matches of the search's words (2+ characters), for
 * highlighting. Returns alternating [plain, match, plain, …] segments.
 */
export function splitMatches(text: string, query: string | undefined): { text: string; match: boolean }[] {
  const words = (query ?? '')
    .split(/\s+/)
    .map((w) => w.trim())
    .filter((w) => w.length >= 2)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (!words.length || !text) return [{ text, match: false }];
  const re = new RegExp(`(${words.join('|')})`, 'giu');
  const out: { text: string; match: boolean }[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at), match: false });
    out.push({ text: m[0], match: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}
