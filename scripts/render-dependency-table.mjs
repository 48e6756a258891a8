// Writes README.md's "Dependency rules" table from dependency-rules.js:
//   node scripts/render-dependency-table.mjs           rewrite README.md
//   node scripts/render-dependency-table.mjs --check   exit 1 if README.md is out of date
import { readFile, writeFile } from 'node:fs/promises';
import { README, renderReadme } from './dependency-table.mjs';

const current = await readFile(README, 'utf8');
const wanted = await renderReadme(current);
if (process.argv.includes('--check')) {
  if (current !== wanted) {
    console.error(
      'README.md does not show dependency-rules.js: run node scripts/render-dependency-table.mjs',
    );
    process.exit(1);
  }
} else if (current !== wanted) {
  await writeFile(README, wanted);
  console.log('README.md: dependency table updated');
}
