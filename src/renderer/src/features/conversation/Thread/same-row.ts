import type { ThreadRow } from './thread-rows';

// Whether a thread row would render the same as before. Every replica change re-reads the thread
// over the bridge, so each message arrives as a new object even when nothing in it changed;
// comparing by value lets the bubbles that did not change skip rendering (issue 15: a new message
// re-rendered every bubble of the thread before it painted).

/** Structural equality of JSON-like values (what crosses the bridge). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/**
 * Whether `next` renders like `prev`. A message quoting another always renders again: its quote
 * reads the quoted message from the thread's context, which may have loaded or changed since.
 */
export function sameRow(prev: ThreadRow, next: ThreadRow): boolean {
  if (prev.kind !== next.kind || prev.key !== next.key) return false;
  switch (next.kind) {
    case 'message': {
      const p = prev as typeof next;
      if (next.message.replyToMessageId) return false;
      return sameValue(p.message, next.message) && sameValue(p.reactions, next.reactions);
    }
    case 'note':
      return sameValue((prev as typeof next).note, next.note);
    case 'day':
      return (prev as typeof next).label === next.label;
    case 'unread':
      return (prev as typeof next).count === next.count;
    case 'history':
      return true;
  }
}
