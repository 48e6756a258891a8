// @ts-check
/**
 * THE dependency table of the repository, in one place: which folder may import which folder,
 * which npm packages and whether Node built-ins. The table is total: an import that no row
 * allows is an ESLint error.
 *
 * Derived from it, never written by hand:
 * - eslint.config.js → `dependencyLintConfig()`: eslint-plugin-boundaries settings and one
 *   block of policies per row, plus `no-restricted-syntax` for imports a table cannot see;
 * - README.md "Dependency rules" → `node scripts/render-dependency-table.mjs`;
 * - scripts/dependency-rules.test.ts plants a violation of every rule and a correct import of
 *   every element, and checks that README.md shows this table.
 *
 * To change what a folder may import, edit its row here and run the render script.
 *
 * Over ~400 lines on purpose: the table and the few functions deriving lint config and README
 * from it belong together (the derivations are the table's meaning).
 */

/** `*.test.ts(x)` files: they may import what their folder may, plus their row's `tests`. */
const TEST_FILES = '**/*.test.{ts,tsx}';

/** Named package lists; a row's `packages` may name a group (`#db`) instead of its members. */
export const PACKAGE_GROUPS = {
  /** for test code only: tests, test support, tooling */
  '#test': ['vitest', 'fast-check', '@testing-library/*', 'axe-core'],
  '#db': ['drizzle-orm', 'pg', '@electric-sql/pglite'],
  '#fastify': ['fastify', 'fastify-plugin', 'fastify-type-provider-zod', '@fastify/*'],
  '#socket': ['socket.io', '@socket.io/redis-adapter', 'ioredis'],
  '#ui': [
    'react',
    'react-dom',
    '@mantine/*',
    '@tabler/icons-react',
    '@tanstack/react-virtual',
    'dayjs',
    'recharts',
  ],
  '#replica': ['better-sqlite3', 'drizzle-orm', 'socket.io-client'],
};

/** The server's layers below the composition roots (with the contract). */
const SERVER_BASE = [
  'server-domain',
  'server-storage',
  'server-meta',
  'server-config',
  'server-lib',
  'contract',
];
/** The server's layers up to the composition roots. */
const SERVER_LAYERS = [
  'server-modules',
  'server-jobs',
  'server-sync-gateway',
  'server-http',
  'server-plugins',
  ...SERVER_BASE,
];
/** All of server/: what the tooling folders may import from it. */
const SERVER_ALL = ['server-app', 'server-demo', 'server-meta-emulator', 'server-test', ...SERVER_LAYERS];
/** What a server test may add to its folder's row. */
const SERVER_TESTS = { may: ['server-test', 'server-meta-emulator'], packages: ['#test', '#db'] };

/**
 * @typedef {object} Row
 * @property {string} type element type (what the lint configuration calls it)
 * @property {string} [folder] the folder it governs, minus the folders of rows nested inside it
 * @property {string} [file] or: the one file it governs (a file inside another row's folder)
 * @property {string} name its short name in the table's cells
 * @property {string} what one line: what lives there
 * @property {string[]} may element types it may import (besides its own folder)
 * @property {string[]} [typesOnly] element types it may import with `import type` only
 * @property {string[]} packages npm packages (micromatch) or `#groups` it may import; '*' = any
 * @property {boolean | { except: string[] }} node Node built-ins (`fs` and `node:fs` alike)
 * @property {boolean} sealed no computed `import(x)`, no `require`, no
 *   `process.getBuiltinModule`: every import is a literal the table checks
 * @property {{ may?: string[], packages?: string[] }} [tests] what its `*.test.ts(x)` may add
 */

/** @type {Row[]} */
export const rows = [
  {
    type: 'contract-names',
    file: 'contract/ipc/names.ts',
    name: 'contract/ipc/names.ts',
    what: 'the IPC channel and event names as plain data (no zod), for the sandboxed preload',
    may: [],
    packages: [],
    node: false,
    sealed: true,
  },
  {
    type: 'contract',
    folder: 'contract',
    name: 'contract',
    what: 'zod schemas for REST, IPC and sync',
    may: ['contract-names'],
    packages: ['zod'],
    node: false,
    sealed: true,
    tests: { packages: ['#test'] },
  },
  {
    type: 'core-testing',
    folder: 'src/core/testing',
    name: 'core/testing',
    what: "the core's test support: fakes, fixtures, a stub auth server",
    may: ['core', 'contract'],
    packages: ['#replica', 'zod', 'fastify', '#test'],
    node: { except: ['module'] },
    sealed: true,
  },
  {
    type: 'core',
    folder: 'src/core',
    name: 'core',
    what: 'client core: replica, session, sync engine; plain Node',
    may: ['contract'],
    packages: ['#replica', 'zod'],
    node: { except: ['module'] },
    sealed: true,
    tests: { may: ['core-testing'], packages: ['#test', 'socket.io'] },
  },
  {
    type: 'main',
    folder: 'src/main',
    name: 'main',
    what: 'Electron shell: windows, IPC guards, the core host',
    may: ['core', 'contract'],
    packages: ['electron', 'zod'],
    node: true,
    sealed: true,
    tests: { may: ['core-testing'], packages: ['#test'] },
  },
  {
    type: 'preload',
    folder: 'src/preload',
    name: 'preload',
    what: 'exposes window.parley, one function per channel',
    may: ['contract-names'],
    typesOnly: ['contract'],
    packages: ['electron'],
    node: false,
    sealed: true,
    tests: { may: ['contract'], packages: ['#test'] },
  },
  {
    type: 'preload-api',
    file: 'src/preload/api.d.ts',
    name: 'preload/api.d.ts',
    what: "window.parley's type: the renderer's view of the preload",
    may: [],
    typesOnly: ['contract'],
    packages: [],
    node: false,
    sealed: true,
  },
  {
    type: 'renderer-testing',
    folder: 'src/renderer/src/test-utils',
    name: 'renderer test-utils',
    what: "the renderer's test support: render(), fixtures, a fake window.parley",
    may: ['renderer', 'contract'],
    typesOnly: ['preload-api'],
    packages: ['#ui', 'zod', '#test'],
    node: false,
    sealed: true,
  },
  {
    type: 'renderer',
    folder: 'src/renderer',
    name: 'renderer',
    what: 'React + Mantine UI; reaches the app only through window.parley',
    may: ['contract'],
    typesOnly: ['preload-api'],
    packages: ['#ui', 'zod'],
    node: false,
    sealed: true,
    tests: { may: ['renderer-testing'], packages: ['#test'] },
  },
  {
    type: 'server-lib',
    folder: 'server/src/lib',
    name: 'lib',
    what: 'helpers that need nothing else of the server (the clock)',
    may: ['contract'],
    packages: ['zod'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-config',
    folder: 'server/src/config',
    name: 'config',
    what: 'zod env schema → typed Config',
    may: ['server-lib', 'contract'],
    packages: ['zod', 'ipaddr.js'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-storage',
    folder: 'server/src/storage',
    name: 'storage',
    what: 'drizzle schema, migrations, shared statements (queries/), job queue, leases',
    may: ['server-lib', 'contract'],
    packages: ['zod', '#db'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-meta',
    folder: 'server/src/meta',
    name: 'meta',
    what: 'WhatsApp Cloud API building blocks: signature, payloads, Graph client',
    may: ['server-lib', 'contract'],
    packages: ['zod', 'secure-json-parse'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-domain',
    folder: 'server/src/domain',
    name: 'domain',
    what: 'services per aggregate: factories over explicit deps',
    may: ['server-storage', 'server-meta', 'server-config', 'server-lib', 'contract'],
    packages: [
      'zod',
      '#db',
      '@node-rs/argon2',
      'fast-jwt',
      'secure-json-parse',
      'standardwebhooks',
      'ipaddr.js',
      '@zxcvbn-ts/*',
    ],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-jobs',
    folder: 'server/src/jobs',
    name: 'jobs',
    what: 'workers over the job queue',
    may: SERVER_BASE,
    packages: ['zod', '#db'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-sync-gateway',
    folder: 'server/src/sync-gateway',
    name: 'sync-gateway',
    what: 'the Socket.IO gateway and presence',
    may: SERVER_BASE,
    packages: ['zod', '#db', 'fastify', '#socket'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-http',
    folder: 'server/src/http',
    name: 'http',
    what: 'REST routes, one folder per resource',
    may: ['server-plugins', ...SERVER_BASE],
    packages: ['zod', '#fastify'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-plugins',
    folder: 'server/src/plugins',
    name: 'plugins',
    what: 'fastify-plugin infrastructure: auth, errors, OpenAPI, logger, security headers and rate limits',
    may: SERVER_BASE,
    packages: ['zod', '#fastify', 'ioredis', 'prom-client'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-modules',
    folder: 'server/src/modules',
    name: 'modules',
    what: 'composition roots: inbound, outbound, sync',
    may: ['server-jobs', 'server-sync-gateway', 'server-http', 'server-plugins', ...SERVER_BASE],
    packages: ['zod', '#db', '#fastify', '#socket'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-meta-emulator',
    folder: 'server/src/meta-emulator',
    name: 'meta-emulator',
    what: 'the Meta Graph API emulator, for tests, benchmarks and the demo',
    may: ['server-meta', 'server-lib', 'contract'],
    packages: ['zod', '#fastify', 'secure-json-parse'],
    node: true,
    sealed: true,
    tests: { packages: ['#test'] },
  },
  {
    type: 'server-demo',
    folder: 'server/src/demo',
    name: 'demo',
    what: 'the demo organization (`DEMO=1`), wired to the emulator',
    may: ['server-meta-emulator', ...SERVER_LAYERS],
    packages: ['zod', '#db', '#fastify'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-app',
    folder: 'server/src',
    name: 'app.ts, main.ts',
    what: '`buildApp()` and the process entry (the rest of `server/src`)',
    may: ['server-demo', ...SERVER_LAYERS],
    packages: ['zod', '#db', '#fastify', '#socket', 'pino'],
    node: true,
    sealed: true,
    tests: SERVER_TESTS,
  },
  {
    type: 'server-test',
    folder: 'server/test',
    name: 'server/test',
    what: 'the server test harness',
    may: ['server-app', 'server-demo', 'server-meta-emulator', ...SERVER_LAYERS],
    packages: ['zod', '#db', '#fastify', 'socket.io-client', 'standardwebhooks', 'openapi-fetch', '#test'],
    node: true,
    sealed: true,
  },
  {
    type: 'integration',
    folder: 'integration',
    name: 'integration',
    what: 'the real client core against the real server',
    may: ['core', 'core-testing', 'e2e', ...SERVER_ALL],
    packages: ['*'],
    node: true,
    sealed: false,
  },
  {
    type: 'e2e',
    folder: 'e2e',
    name: 'e2e',
    what: 'the browser harness and Playwright specs',
    may: ['core', 'core-testing', ...SERVER_ALL],
    packages: ['*'],
    node: true,
    sealed: false,
  },
  {
    type: 'bench',
    folder: 'bench',
    name: 'bench',
    what: 'scenario benchmarks',
    may: ['core', 'core-testing', 'renderer', 'e2e', ...SERVER_ALL],
    packages: ['*'],
    node: true,
    sealed: false,
  },
  {
    type: 'build',
    folder: 'build',
    name: 'build',
    what: 'packaging-only assets and the icon generator',
    may: [],
    packages: [],
    node: true,
    sealed: false,
  },
  {
    type: 'scripts',
    folder: 'scripts',
    name: 'scripts',
    what: "start, native rebuilds, CI helpers, this table's test",
    may: [],
    packages: ['*'],
    node: true,
    sealed: false,
  },
];

// `contract/ipc/names.ts` is part of the contract (its own element only so that the preload may
// load it at run time): whoever may import the contract may import it too.
for (const row of rows) {
  for (const list of [row.may, row.tests?.may]) {
    if (list?.includes('contract') && !list.includes('contract-names')) list.push('contract-names');
  }
}

// ---------------------------------------------------------------------------------------------
// Derivations
// ---------------------------------------------------------------------------------------------

/** @typedef {import('eslint-plugin-boundaries').DependenciesPolicy} DependenciesPolicy */
/** @typedef {{ element?: { types: string }, file?: { categories?: string, path?: string } }} EntitySelector */

const byType = new Map(rows.map((row) => [row.type, row]));

/** @param {string} type */
function rowOf(type) {
  const row = byType.get(type);
  if (!row) throw new Error(`dependency-rules.js: unknown element type "${type}"`);
  return row;
}

/**
 * The entity selector for an element type (a folder element or a file category).
 * @param {string} type
 * @returns {EntitySelector}
 */
function target(type) {
  const row = rowOf(type);
  return row.file ? { file: { categories: type } } : { element: { types: type } };
}

/**
 * The entity selector for the files a row governs.
 * @param {Row} row
 * @returns {EntitySelector}
 */
function source(row) {
  return row.file ? { file: { categories: row.type } } : { element: { types: row.type } };
}

/** Matches every dependency: local files, npm packages and Node built-ins. */
const ANYTHING = { to: { module: { origin: ['local', 'external', 'core'] } } };

/** A row's package list with its `#groups` expanded. */
export function expandPackages(/** @type {string[]} */ packages) {
  return packages.flatMap((name) => {
    if (!name.startsWith('#')) return [name];
    const members = PACKAGE_GROUPS[/** @type {keyof typeof PACKAGE_GROUPS} */ (name)];
    if (!members) throw new Error(`dependency-rules.js: unknown package group "${name}"`);
    return members;
  });
}

/** @param {string[]} packages */
function packageTargets(packages) {
  if (packages.length === 0) return [];
  // '*' in the table means any package; micromatch needs '**' to cross the '/' of '@scope/name'.
  const names = expandPackages(packages).map((name) => (name === '*' ? '**' : name));
  return [{ to: { module: { origin: 'external', source: names } } }];
}

/** Node built-in names as the plugin reports them: `fs` and `node:fs`. */
function builtins(/** @type {string[]} */ names) {
  return names.flatMap((name) => [name, `node:${name}`]);
}

/**
 * The allow list of a row (or of its tests' extras).
 * @param {{ may?: string[], typesOnly?: string[], packages?: string[], node?: Row['node'] }} spec
 */
function allowed(spec) {
  return [
    ...(spec.may ?? []).map((type) => ({ to: target(type) })),
    ...(spec.typesOnly ?? []).map((type) => ({ to: target(type), dependency: { kind: 'type' } })),
    ...packageTargets(spec.packages ?? []),
    ...(spec.node ? [{ to: { module: { origin: 'core' } } }] : []),
  ];
}

/** The message of a violation: the row, so the fix is one look away. */
function message(/** @type {Row} */ row) {
  const may = typesText(row.may, row.typesOnly, row.type);
  return (
    `${label(row)} may not import '{{dependency.source}}' (dependency-rules.js: besides itself it ` +
    `may import ${may === '—' ? 'nothing' : may}; packages: ${packagesText(row.packages)}; ` +
    `Node built-ins: ${nodeText(row.node)})`
  );
}

/**
 * The `boundaries/dependencies` policies for the files of one row. The last policy that matches
 * decides: everything is disallowed first (so a violation carries the row's message), then the
 * row's list is allowed; narrower policies (a Node exception, tests, test files) come after.
 * The table has no per-file exceptions: the issue-16 re-cut removed the last one.
 * @param {Row} row
 * @returns {DependenciesPolicy[]}
 */
function policiesFor(row) {
  const from = source(row);
  /** @type {DependenciesPolicy[]} */
  const result = [
    { from, disallow: [ANYTHING], message: message(row) },
    { from, allow: allowed(row), message: message(row) },
  ];
  if (typeof row.node === 'object') {
    result.push({
      from,
      disallow: [{ to: { module: { origin: 'core', source: builtins(row.node.except) } } }],
      message:
        `${label(row)} may not import '{{dependency.source}}': Node's ` +
        `${row.node.except.join(', ')} can load any module (createRequire), electron included`,
    });
  }
  if (row.tests) {
    result.push({
      from: { ...from, file: { categories: 'test' } },
      allow: allowed(row.tests),
      message: message(row),
    });
  }
  result.push({
    disallow: [{ to: { file: { categories: 'test' } } }],
    message: "'{{dependency.source}}' is a test file, not a module: move what both need into test support",
  });
  return result;
}

/** The paths of the rows nested inside a folder row (they govern their own files). */
function nestedIn(/** @type {Row} */ row) {
  if (row.file) return [];
  return rows
    .filter((other) => other !== row)
    .map((other) => other.file ?? `${other.folder}/`)
    .filter((path) => path.startsWith(`${row.folder}/`));
}

/** The files a row governs, as ESLint `files`/`ignores` globs. */
function filesOf(/** @type {Row} */ row) {
  return {
    files: [row.file ?? `${row.folder}/**`],
    ignores: nestedIn(row).map((nested) => (nested.endsWith('/') ? `${nested}**` : nested)),
  };
}

/** Syntax a table of literal imports cannot check; forbidden in sealed rows. */
const ESCAPE_HATCHES = [
  {
    selector: 'ImportExpression[source.type!="Literal"]',
    message:
      'import() of a computed specifier escapes the dependency rules (dependency-rules.js): use a literal',
  },
  {
    selector: 'CallExpression[callee.name="require"]',
    message: 'require() escapes the dependency rules (dependency-rules.js): use import',
  },
  {
    selector: 'MemberExpression[object.name="process"][property.name="getBuiltinModule"]',
    message: 'process.getBuiltinModule escapes the dependency rules (dependency-rules.js): use import',
  },
];

/**
 * The ESLint block of one row: its files, its policies, and the escape hatches if sealed.
 * @param {Row} row
 * @returns {import('eslint').Linter.Config}
 */
function rowConfig(row) {
  /** @type {import('eslint').Linter.RulesRecord} */
  const rules = {
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkAllOrigins: true,
        // A file row shares its folder's element: its imports of that folder count too.
        checkInternals: Boolean(row.file),
        policies: policiesFor(row),
      },
    ],
  };
  if (row.sealed) rules['no-restricted-syntax'] = ['error', ...ESCAPE_HATCHES];
  return { name: `dependency-rules/${row.type}`, ...filesOf(row), rules };
}

/**
 * The ESLint flat-config blocks of the table: the plugin's settings, then one block per row
 * (each file is checked against its own row's few policies, which keeps lint fast).
 * @param {object} deps
 * @param {import('eslint').ESLint.Plugin} deps.boundaries eslint-plugin-boundaries
 * @param {string} deps.resolver the path of scripts/import-resolver.cjs
 * @returns {import('eslint').Linter.Config[]}
 */
export function dependencyLintConfig({ boundaries, resolver }) {
  return [
    {
      plugins: { boundaries },
      settings: {
        'boundaries/elements': rows
          .filter((row) => row.folder)
          .map((row) => ({ type: row.type, pattern: row.folder, partialMatch: false })),
        'boundaries/files': [
          { category: 'test', pattern: TEST_FILES },
          ...rows.filter((row) => row.file).map((row) => ({ category: row.type, pattern: row.file })),
        ],
        'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import', 'require'],
        'boundaries/additional-dependency-nodes': [
          // `type X = import('electron').App` reaches a module as surely as an import statement.
          { selector: 'TSImportType > Literal.source', kind: 'type', name: 'type-import' },
        ],
        'boundaries/legacy-templates': false,
        'import/resolver': { [resolver]: {} },
      },
    },
    {
      // Every file of a code folder belongs to a row: a new folder needs its row first.
      files: ['**/*.{js,mjs,cjs,ts,tsx,mts}'],
      ignores: ['*.*', 'server/*.*'],
      rules: { 'boundaries/no-unknown-files': 'error' },
    },
    ...rows.map((row) => rowConfig(row)),
  ];
}

// ---------------------------------------------------------------------------------------------
// README table
// ---------------------------------------------------------------------------------------------

function code(/** @type {string} */ text) {
  return `\`${text}\``;
}

/** A row's folder (or file) as the table's first cell shows it. */
function label(/** @type {Row} */ row) {
  if (row.type === 'server-app') return code('server/src/*.ts');
  return code(row.file ?? `${row.folder}/`);
}

/**
 * Element types as a cell: short names, or "all of server/" when they cover it.
 * @param {string[]} types
 * @param {string[]} [typesOnly]
 * @param {string} [self] the row's own type (it counts as covered)
 */
function typesText(types, typesOnly = [], self = '') {
  let names = types;
  const parts = [];
  if (SERVER_ALL.every((type) => type === self || names.includes(type))) {
    parts.push('all of `server/`');
    names = names.filter((type) => !SERVER_ALL.includes(type));
  }
  parts.push(...names.map((type) => rowOf(type).name));
  parts.push(...typesOnly.map((type) => `${rowOf(type).name} (types)`));
  return parts.length ? parts.join(', ') : '—';
}

function packagesText(/** @type {string[]} */ packages) {
  if (packages.includes('*')) return 'any';
  return packages.length ? packages.map(code).join(', ') : '—';
}

function nodeText(/** @type {Row['node']} */ node) {
  if (node === true) return 'yes';
  if (node === false) return 'no';
  return `yes, but not ${node.except.map(code).join(', ')}`;
}

function testsText(/** @type {Row} */ row) {
  if (!row.tests) return '—';
  const may = row.tests.may ?? [];
  return [...(may.length ? [typesText(may)] : []), ...(row.tests.packages ?? []).map(code)].join(', ');
}

/** README's "Dependency rules" table and its legend (Markdown, before Prettier pads it). */
export function markdownTable() {
  const lines = [
    '| code in … | what lives there | may import (besides itself) | npm packages | Node built-ins | sealed | its `*.test.ts(x)` may add |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const row of rows) {
    const cells = [
      label(row),
      row.what,
      typesText(row.may, row.typesOnly, row.type),
      packagesText(row.packages),
      nodeText(row.node),
      row.sealed ? 'yes' : '—',
      testsText(row),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const groups = Object.entries(PACKAGE_GROUPS).map(
    ([group, names]) => `${code(group)} = ${names.map(code).join(', ')}`,
  );
  lines.push('', `Package groups: ${groups.join('; ')}.`);
  return lines.join('\n') + '\n';
}
