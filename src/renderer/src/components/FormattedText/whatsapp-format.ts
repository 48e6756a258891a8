/**
 * WhatsApp's text formatting, parsed into a small tree that React renders as elements (never
 * as HTML). Rules follow WhatsApp's own: `*bold*`, `_italic_`, `~strike~`, ```` ```monospace``` ````
 * (may span lines, nothing inside is formatted) and `` `inline code` ``; an opening marker must
 * follow the start, a space or punctuation and be followed by a non-space; a closing marker must
 * follow a non-space, end the word, and sit on the same line. http(s) URLs become links whose
 * text is the URL itself, so a link can never pretend to go somewhere else.
 *
 * The parser is linear in the length of the text (closers are precomputed right to left and
 * nesting is at most three deep, one level per marker), so a hostile 100,000-character message
 * cannot freeze the window.
 */

/** A node of formatted text. */
export type FormatNode =
  | { type: 'text'; text: string }
  | { type: 'link'; url: string }
  | { type: 'bold' | 'italic' | 'strike'; children: FormatNode[] }
  | { type: 'mono'; text: string }
  | { type: 'code'; text: string };

const MARKERS = { '*': 'bold', _: 'italic', '~': 'strike' } as const;
type Marker = keyof typeof MARKERS;

const isSpace = (ch: string | undefined) => ch === undefined || /\s/u.test(ch);
const isWord = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}\p{M}]/u.test(ch);

/** Characters a URL may not end with (they usually close the sentence around it). */
const URL_TRAILING_CHARS = '.,;:!?\'"]}*_~>';
const URL_PATTERN = /https?:\/\/[^\s<>"'`[\]]+/giu;

/** Only http and https links are ever made clickable; anything else stays text. */
export function safeHttpUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    if (!url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** Finds URL ranges in `text` (absolute offsets), trailing punctuation trimmed. */
function findUrls(text: string): Array<{ start: number; end: number; url: string }> {
  const out: Array<{ start: number; end: number; url: string }> = [];
  for (const m of text.matchAll(URL_PATTERN)) {
    let candidate = m[0];
    // Keep a closing parenthesis that balances an opening one in the URL (Wikipedia links);
    // counts are kept as the candidate shrinks, so this stays linear.
    let opens = 0;
    let closes = 0;
    for (const ch of candidate) {
      if (ch === '(') opens += 1;
      else if (ch === ')') closes += 1;
    }
    while (candidate.length > 0) {
      const last = candidate[candidate.length - 1]!;
      if (last === ')') {
        if (closes <= opens) break;
        closes -= 1;
      } else if (!URL_TRAILING_CHARS.includes(last)) {
        break;
      }
      candidate = candidate.slice(0, -1);
    }
    const url = safeHttpUrl(candidate);
    if (url) out.push({ start: m.index, end: m.index + candidate.length, url });
  }
  return out;
}

/** Parses the inline styles (bold, italic, strike, links) of a plain segment. */
function parseInline(text: string): FormatNode[] {
  const n = text.length;
  const urls = findUrls(text);
  const urlEndAt = new Map<number, { end: number; url: string }>();
  const inUrl = new Uint8Array(n);
  for (const u of urls) {
    urlEndAt.set(u.start, u);
    inUrl.fill(1, u.start, u.end);
  }
  // lineEnd[i]: index of the first newline at or after i (or n).
  const lineEnd = new Int32Array(n + 1);
  lineEnd[n] = n;
  for (let i = n - 1; i >= 0; i--) lineEnd[i] = text[i] === '\n' ? i : lineEnd[i + 1]!;
  // nextCloser[m][i]: the first index j >= i where marker m may close a span, or n.
  const nextCloser = {} as Record<Marker, Int32Array>;
  for (const m of Object.keys(MARKERS) as Marker[]) {
    const arr = new Int32Array(n + 2).fill(n);
    for (let j = n - 1; j >= 0; j--) {
      const closes = text[j] === m && !inUrl[j] && !isSpace(text[j - 1]) && !isWord(text[j + 1]);
      arr[j] = closes ? j : arr[j + 1]!;
    }
    nextCloser[m] = arr;
  }

  const parseRange = (start: number, end: number, open: ReadonlySet<Marker>): FormatNode[] => {
    const nodes: FormatNode[] = [];
    let plainFrom = start;
    const flush = (to: number) => {
      if (to > plainFrom) nodes.push({ type: 'text', text: text.slice(plainFrom, to) });
    };
    let i = start;
    while (i < end) {
      const link = urlEndAt.get(i);
      if (link && link.end <= end) {
        flush(i);
        nodes.push({ type: 'link', url: link.url });
        i = link.end;
        plainFrom = i;
        continue;
      }
      const ch = text[i] as Marker;
      if (ch in MARKERS && !open.has(ch) && !inUrl[i] && !isWord(text[i - 1]) && !isSpace(text[i + 1])) {
        const j = i + 2 <= n ? nextCloser[ch][i + 2]! : n;
        if (j < end && j < lineEnd[i]!) {
          flush(i);
          const inner = new Set(open).add(ch);
          nodes.push({ type: MARKERS[ch], children: parseRange(i + 1, j, inner) });
          i = j + 1;
          plainFrom = i;
          continue;
        }
      }
      i += 1;
    }
    flush(end);
    return nodes;
  };
  return parseRange(0, n, new Set());
}

/** Splits out inline code spans (single backticks, one line, nothing formatted inside). */
function parseCode(text: string): FormatNode[] {
  const nodes: FormatNode[] = [];
  const pattern = /`([^`\n]+)`/gu;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) nodes.push(...parseInline(text.slice(last, m.index)));
    nodes.push({ type: 'code', text: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(...parseInline(text.slice(last)));
  return nodes;
}

/** Parses a WhatsApp message body into formatting nodes. */
export function parseWhatsAppFormat(text: string): FormatNode[] {
  const nodes: FormatNode[] = [];
  const pattern = /```([\s\S]+?)```/gu;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) nodes.push(...parseCode(text.slice(last, m.index)));
    nodes.push({ type: 'mono', text: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) nodes.push(...parseCode(text.slice(last)));
  return nodes;
}

/** The text without formatting markers (for previews, quotes and accessible names). */
export function plainText(nodes: FormatNode[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case 'text':
        case 'mono':
        case 'code':
          return node.text;
        case 'link':
          return node.url;
        default:
          return plainText(node.children);
      }
    })
    .join('');
}

/**
 * Bidirectional-override and isolate controls (U+202A–U+202E, U+2066–U+2069). In a file or
 * contact name they can disguise `invoice‮fdp.exe` as `invoiceexe.pdf`; names and file names
 * drop them, bodies are shown in an isolated `dir="auto"` element instead.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/gu;

/** A name or file name fit for display: bidi controls removed, whitespace runs collapsed, capped. */
export function safeLabel(raw: string | null | undefined, max = 200): string {
  if (!raw) return '';
  const clean = raw.replace(BIDI_CONTROLS, '').replace(/\s+/gu, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
