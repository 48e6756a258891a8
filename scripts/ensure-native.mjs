// Keeps better-sqlite3 built for the runtime about to load it. A build for Node's ABI does not
// load in Electron and the reverse (NODE_MODULE_VERSION differs), so each runtime's binary is
// cached under .parley-native/<runtime>-<abi>/ and copied into place when switching: `npm test`
// after `npm start` (or the reverse) costs a file copy, not a rebuild.
//
//   node scripts/ensure-native.mjs node|electron [--force]
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const runtime = process.argv[2];
const force = process.argv.includes('--force');
if (runtime !== 'node' && runtime !== 'electron') {
  console.error('usage: ensure-native.mjs node|electron [--force]');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const root = process.cwd();
const pkgDir = dirname(require.resolve('better-sqlite3/package.json'));
const binary = join(pkgDir, 'build', 'Release', 'better_sqlite3.node');

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

const key = runtime === 'node' ? `node-${process.versions.modules}` : `electron-${electronVersion()}`;
const cached = join(root, '.parley-native', key, 'better_sqlite3.node');

/** Does the current binary load in plain Node? (Electron's ABI cannot be probed without Electron.) */
function loadsInNode() {
  const probe = spawnSync(
    process.execPath,
    ['-e', "const D=require('better-sqlite3'); new D(':memory:').prepare('select 1').get()"],
    { cwd: root, encoding: 'utf8' },
  );
  return probe.status === 0;
}

/** Copies the installed binary into the cache slot `k` and records it as the current one. */
function saveAs(k) {
  const slot = join(root, '.parley-native', k, 'better_sqlite3.node');
  mkdirSync(dirname(slot), { recursive: true });
  copyFileSync(binary, slot);
  writeFileSync(join(root, '.parley-native', 'current'), k);
}
const save = () => saveAs(key);

function current() {
  try {
    return readFileSync(join(root, '.parley-native', 'current'), 'utf8').trim();
  } catch {
    return null;
  }
}

function rebuild(env) {
  console.log(`parley: building better-sqlite3 for ${key} (about a minute)…`);
  execFileSync('npm', ['rebuild', 'better-sqlite3', '--foreground-scripts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
}

if (runtime === 'node') {
  if (!force && loadsInNode()) {
    if (!existsSync(cached)) save();
    process.exit(0);
  }
  if (!force && existsSync(cached)) {
    copyFileSync(cached, binary);
    if (loadsInNode()) {
      save();
      process.exit(0);
    }
  }
  rebuild({});
  if (!loadsInNode()) {
    console.error('parley: better-sqlite3 still does not load in Node after a rebuild');
    process.exit(1);
  }
  save();
} else {
  const version = electronVersion();
  if (!version) {
    console.error('parley: the electron package is not installed; run npm install');
    process.exit(1);
  }
  // Cache the Node build before replacing it, so switching back is a copy.
  if (loadsInNode()) saveAs(`node-${process.versions.modules}`);
  if (!force && current() === key && existsSync(binary)) process.exit(0);
  if (!force && existsSync(cached)) {
    copyFileSync(cached, binary);
  } else {
    // node-gyp against Electron's headers (downloaded from electronjs.org by node-gyp).
    rebuild({
      npm_config_runtime: 'electron',
      npm_config_target: version,
      npm_config_disturl: 'https://electronjs.org/headers',
      npm_config_nodedir: '',
      npm_config_build_from_source: 'true',
    });
  }
  save();
}
