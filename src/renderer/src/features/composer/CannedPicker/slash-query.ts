import type { CannedResponse } from '#contract/api/canned-responses';

/**
 * The "/" word the caret is in: a `/` at the start of the text or after whitespace, then the
 * characters up to the caret (no whitespace). `start` is the index of the `/`. Null otherwise:
 * a URL's `https://` or `and/or` never opens the picker.
 */
export function slashQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([^\s/]*)$/u.exec(before);
  if (!m) return null;
  return { start: before.length - m[2]!.length - 1, query: m[2]! };
}

/** How many options the picker lists at most. */
export const CANNED_PICKER_MAX = 8;

/**
 * The responses matching a query: shortcuts that start with it first, then shortcuts or titles
 * that contain it; each group by shortcut. Empty query = all (up to the cap).
 */
export function matchCanned(all: readonly CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const starts = all.filter((c) => c.shortcut.startsWith(q));
  const contains = all.filter(
    (c) => !c.shortcut.startsWith(q) && (c.shortcut.includes(q) || c.title.toLowerCase().includes(q)),
  );
  const byShortcut = (a: CannedResponse, b: CannedResponse) =>
    a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : a.scope === 'personal' ? -1 : 1;
  return [...starts.sort(byShortcut), ...contains.sort(byShortcut)].slice(0, CANNED_PICKER_MAX);
}
