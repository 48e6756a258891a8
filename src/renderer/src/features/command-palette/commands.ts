import type { ReactNode } from 'react';

/** One thing the palette can do. */
export interface Command {
  /** Unique within the palette. */
  id: string;
  /** What it says ("Go to Mine", "Resolve", "Assign to Alex Agent"). */
  label: string;
  /** The heading it is listed under. */
  group: string;
  /** More words it can be found by ("status", "theme"). */
  keywords?: string;
  /** Shown on the right (a shortcut). */
  hint?: string;
  /** A decorative icon. */
  icon?: ReactNode;
  run(): void;
}

const normalize = (s: string) =>
  s
    .toLocaleLowerCase()
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '');

/**
 * The commands matching `query`: every word of the query must start a word of the label,
 * group or keywords (or appear inside them, ranked lower). Order: label prefix matches first,
 * then the rest, each in the given order.
 */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = normalize(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...commands];
  const scored: { c: Command; score: number; at: number }[] = [];
  commands.forEach((c, at) => {
    const label = normalize(c.label);
    const hay = `${label} ${normalize(c.group)} ${normalize(c.keywords ?? '')}`;
    const tokens = hay.split(/[^\p{L}\p{N}]+/u);
    let score = 0;
    for (const w of words) {
      if (tokens.some((t) => t.startsWith(w))) score += 2;
      else if (hay.includes(w)) score += 1;
      else return;
    }
    if (label.startsWith(words[0]!)) score += 3;
    scored.push({ c, score, at });
  });
  return scored.sort((a, b) => b.score - a.score || a.at - b.at).map((s) => s.c);
}
