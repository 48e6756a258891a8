#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
// most inclusive time (self + callees, each function counted once per stack), as percentages of
// the samples. Usage: node scripts/cpu-profile-top.mjs FILE.cpuprofile [N=30] [filter-substring]
import { readFileSync } from 'node:fs';

const [file, nArg, filter] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/cpu-profile-top.mjs FILE.cpuprofile [N] [filter]');
  process.exit(2);
}
const n = Number(nArg ?? 30);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of prof.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const label = (node) => {
  const f = node.callFrame;
  const url = f.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
};
const self = new Map();
const total = new Map();
let samples = 0;
for (const id of prof.samples) {
  samples++;
  const leaf = byId.get(id);
  const l = label(leaf);
  self.set(l, (self.get(l) ?? 0) + 1);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const lab = label(byId.get(cur));
    if (seen.has(lab)) continue;
    seen.add(lab);
    total.set(lab, (total.get(lab) ?? 0) + 1);
  }
}
const show = (title, m) => {
  console.log(`\n${title} (${samples} samples)`);
  [...m]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .forEach(([k, v]) => console.log(`${((100 * v) / samples).toFixed(1).padStart(5)}%  ${k}`));
};
show('self', self);
show('inclusive', total);
