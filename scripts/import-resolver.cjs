// An ESLint import resolver (eslint-module-utils interface v2) for eslint-plugin-boundaries: it
// resolves what our tsconfigs resolve — package.json "imports" aliases (`#contract/*`) and
// extensionless relative imports of .ts/.tsx files — so every local import lands on a file and
// therefore on an element of dependency-rules.js. Bare package names are left unresolved on
// purpose: the plugin then classifies them by name (Node built-in or npm package), which is
// all the rules need, without walking node_modules.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const imports = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).imports ?? {};
const extensions = ['', '.ts', '.tsx', '.d.ts', '.mts', '.js', '.mjs', '.cjs', '.json'];

/** The first existing file among `base` + each extension, then `base/index` + each. */
function probe(base) {
  for (const candidates of [
    extensions.map((e) => base + e),
    extensions.slice(1).map((e) => path.join(base, 'index' + e)),
  ]) {
    for (const candidate of candidates) {
      try {
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not this one
      }
    }
  }
  return null;
}

/** `#contract/ipc/contract` → `<root>/contract/ipc/contract.ts` through package.json "imports". */
function fromImportsField(source) {
  for (const [key, target] of Object.entries(imports)) {
    const star = key.indexOf('*');
    if (
      star < 0
        ? source !== key
        : !(source.startsWith(key.slice(0, star)) && source.endsWith(key.slice(star + 1)))
    )
      continue;
    const middle = star < 0 ? '' : source.slice(star, source.length - (key.length - star - 1));
    const file = path.join(root, String(target).replace('*', middle));
    return fs.existsSync(file) ? file : probe(file.replace(/\.ts$/, ''));
  }
  return null;
}

exports.interfaceVersion = 2;

/** @returns {{ found: boolean, path?: string | null }} */
exports.resolve = function resolve(source, file) {
  const bare = source.split('?')[0];
  let resolved = null;
  if (bare.startsWith('#')) resolved = fromImportsField(bare);
  else if (bare.startsWith('.') || path.isAbsolute(bare))
    resolved = probe(path.resolve(path.dirname(file), bare));
  return resolved ? { found: true, path: resolved } : { found: false };
};
