/**
 * How the inbox's search box becomes FTS5 queries: words as prefixes over `messages_fts`, names
 * and numbers as trigram substrings over `contacts_fts` (indexed as `sync/apply/search-text.ts`
 * writes them).
 */

/** FTS5 query for message words: each word a quoted prefix. Null when nothing is searchable. */
export function messageMatch(q: string): string | null {
  const words = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((w) => `"${w}"*`).join(' ') : null;
}

/**
 * FTS5 trigram query for names and numbers: each token of 3+ characters as a quoted substring.
 * A number typed with punctuation ("+1 415-555") is searched as its digits, as it is indexed.
 */
export function contactMatch(q: string): string | null {
  const phoneLike = /^[+\d\s().-]+$/;
  const tokens = (phoneLike.test(q) ? [q.replace(/\D/g, '')] : q.split(/\s+/))
    .map((t) => (phoneLike.test(t) ? t.replace(/\D/g, '') : t.replace(/"/g, '')))
    .filter((t) => [...t].length >= 3);
  return tokens.length ? tokens.map((t) => `"${t}"`).join(' AND ') : null;
}
