// @ts-check
// README.md's "Dependency rules" table, rendered from dependency-rules.js. Used by
// scripts/render-dependency-table.mjs (writes it) and scripts/dependency-rules.test.ts (checks
// that README shows the table ESLint enforces).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import { markdownTable } from '../dependency-rules.js';

export const README = fileURLToPath(new URL('../README.md', import.meta.url));
export const START =
  '<!-- dependency-table:start (generated from dependency-rules.js by `node scripts/render-dependency-table.mjs`; do not edit) -->';
export const END = '<!-- dependency-table:end -->';

/**
 * README.md as it should read: its current text with the table between the markers replaced by
 * the one dependency-rules.js renders, formatted by Prettier with the project's settings.
 * @param {string} [readme] the current text (default: README.md from disk)
 * @returns {Promise<string>}
 */
export async function renderReadme(readme) {
  const text = readme ?? (await readFile(README, 'utf8'));
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start)
    throw new Error(`README.md has no dependency table markers (${START} … ${END})`);
  const replaced = `${text.slice(0, start + START.length)}\n\n${markdownTable()}\n${text.slice(end)}`;
  const options = (await prettier.resolveConfig(README)) ?? {};
  return prettier.format(replaced, { ...options, filepath: README });
}
