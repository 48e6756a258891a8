// The dependency table (dependency-rules.js) is only as good as the lint that enforces it. This
// test plants, in temporary files inside the right folders, one import that breaks each rule
// of the table and one import that each row allows, runs ESLint through its Node API with the
// project's configuration, and checks every planted line: violations fail with the rule that
// forbids them, allowed imports pass. The plants are derived from the table, so a new row or
// package is covered without touching this file. It also checks the second line of defence
// (tsconfig.web.json refuses a renderer import of src/core, src/main or electron) and that
// README.md shows the table.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_GROUPS, expandPackages, rows } from '../dependency-rules.js';
import { README, renderReadme } from './dependency-table.mjs';

const root = path.resolve(import.meta.dirname, '..');
const PLANT = '__dependency_plant__';
const DEPENDENCIES = 'boundaries/dependencies';
const SYNTAX = 'no-restricted-syntax';
const UNKNOWN = 'boundaries/no-unknown-files';
/** The rules this test is about; an allowed line must draw none of them. */
const OURS = new Set([DEPENDENCIES, SYNTAX, UNKNOWN]);

type Row = (typeof rows)[number];
/** One planted line and the rule it must break (null: it must pass). */
interface Line {
  code: string;
  rule: string | null;
  what: string;
}
interface Plant {
  /** Repository-relative path of the planted file. */
  file: string;
  lines: Line[];
  /** Lint this text as `file` without writing it (the file exists and is not ours to touch). */
  virtual?: boolean;
}

/** A concrete name for each package pattern of the table (`@mantine/*` → `@mantine/core`). */
const CONCRETE: Record<string, string> = {
  '@mantine/*': '@mantine/core',
  '@testing-library/*': '@testing-library/react',
  '@fastify/*': '@fastify/multipart',
};
const concrete = (name: string) => CONCRETE[name] ?? name;
/** Every package the table names, plus two it does not: all of them are planted in every row. */
const PACKAGE_UNIVERSE = [
  ...new Set([
    ...rows.flatMap((row) => expandPackages([...row.packages, ...(row.tests?.packages ?? [])])),
    ...Object.values(PACKAGE_GROUPS).flat(),
    'electron',
    'left-pad',
  ]),
]
  .filter((name) => name !== '*')
  .map(concrete);

function allowsPackage(packages: string[], name: string): boolean {
  const names = expandPackages(packages);
  return names.includes('*') || names.map(concrete).includes(name);
}

/** The temporary target file a plant imports to reach an element (or the real file of a file row). */
function targetOf(row: Row): string {
  return row.file ?? `${row.folder}/${PLANT}_target.ts`;
}
const testTargetOf = (row: Row) => `${row.folder}/${PLANT}_target.test.ts`;

/** The import specifier from `fromFile` to `toFile`, as code writes it (no extension). */
function specifier(fromFile: string, toFile: string): string {
  const relative = path.posix.relative(path.posix.dirname(fromFile), toFile).replace(/(\.d)?\.ts$/, '');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

const folderRows = rows.filter((row) => row.folder);

/** The production plant of a row: every element, Node built-in and package, each way it can be reached. */
function productionPlant(row: Row): Plant {
  const file = row.file ?? `${row.folder}/${PLANT}.ts`;
  const lines: Line[] = [];
  const forbidden: string[] = [];
  for (const other of rows) {
    if (other === row) continue;
    const spec = specifier(file, targetOf(other));
    if (other.file?.startsWith(`${row.folder}/`)) {
      // A file row inside this row's folder is part of it (src/preload → src/preload/api.d.ts).
      lines.push({ code: `import '${spec}';`, rule: null, what: `${row.type} → its own ${other.type}` });
    } else if (row.may.includes(other.type)) {
      lines.push({ code: `import '${spec}';`, rule: null, what: `${row.type} → ${other.type}` });
    } else if (row.typesOnly?.includes(other.type)) {
      lines.push({
        code: `import type {} from '${spec}';`,
        rule: null,
        what: `${row.type} → types of ${other.type}`,
      });
      lines.push({
        code: `import '${spec}';`,
        rule: DEPENDENCIES,
        what: `${row.type} → ${other.type} (types only)`,
      });
    } else {
      lines.push({ code: `import '${spec}';`, rule: DEPENDENCIES, what: `${row.type} ↛ ${other.type}` });
      forbidden.push(spec);
    }
  }
  const builtins =
    row.node === true
      ? { ok: ['fs', 'node:fs'], no: [] }
      : row.node === false
        ? { ok: [], no: ['fs', 'node:fs'] }
        : {
            ok: ['fs', 'node:fs'],
            no: row.node.except.flatMap((name) => [name, `node:${name}`]),
          };
  for (const name of builtins.ok)
    lines.push({ code: `import '${name}';`, rule: null, what: `${row.type} → ${name}` });
  for (const name of builtins.no) {
    lines.push({ code: `import '${name}';`, rule: DEPENDENCIES, what: `${row.type} ↛ ${name}` });
    forbidden.push(name);
  }
  for (const name of PACKAGE_UNIVERSE) {
    const ok = allowsPackage(row.packages, name);
    lines.push({
      code: `import '${name}';`,
      rule: ok ? null : DEPENDENCIES,
      what: `${row.type} ${ok ? '→' : '↛'} ${name}`,
    });
    if (!ok) forbidden.push(name);
  }
  // Every other way of reaching a forbidden module: electron when the row forbids it.
  const escape = forbidden.includes('electron') ? 'electron' : forbidden[0];
  if (!escape) throw new Error(`${row.type} forbids nothing: the plant has nothing to check`);
  const routes: [string, string][] = [
    [`export * from '${escape}';`, 'export … from'],
    [`void import('${escape}');`, 'import()'],
    [`require('${escape}');`, 'require()'],
    [`export type T = import('${escape}');`, "import('…') type"],
  ];
  for (const [code, how] of routes) {
    lines.push({ code, rule: DEPENDENCIES, what: `${row.type} ↛ ${escape} by ${how}` });
  }
  // Escape hatches the table cannot see: forbidden in sealed rows, allowed elsewhere.
  const hatches: [string, string][] = [
    [`void import(String('${escape}'));`, 'computed import()'],
    [`require(String('${escape}'));`, 'computed require()'],
    [`process.getBuiltinModule('module');`, 'process.getBuiltinModule'],
  ];
  for (const [code, how] of hatches) {
    lines.push({ code, rule: row.sealed ? SYNTAX : null, what: `${row.type} ${how}` });
  }
  // A test file is no module, even in a folder the row may import.
  const allowedFolder = rows.find((other) => row.may.includes(other.type) && other.folder);
  if (allowedFolder) {
    lines.push({
      code: `import '${specifier(file, testTargetOf(allowedFolder))}';`,
      rule: DEPENDENCIES,
      what: `${row.type} ↛ a test file of ${allowedFolder.type}`,
    });
  }
  return { file, lines, virtual: Boolean(row.file) };
}

/** The test plant of a row with `tests`: its folder's list plus the extras, and nothing more. */
function testPlant(row: Row & { tests: NonNullable<Row['tests']> }): Plant {
  const file = `${row.folder}/${PLANT}.test.ts`;
  const lines: Line[] = [];
  const may = [...row.may, ...(row.tests.may ?? [])];
  for (const type of may) {
    const other = rows.find((r) => r.type === type)!;
    lines.push({
      code: `import '${specifier(file, targetOf(other))}';`,
      rule: null,
      what: `${row.type} test → ${type}`,
    });
  }
  for (const name of expandPackages(row.tests.packages ?? []).map(concrete)) {
    lines.push({ code: `import '${name}';`, rule: null, what: `${row.type} test → ${name}` });
  }
  const other = rows.find((r) => r !== row && !may.includes(r.type) && !row.typesOnly?.includes(r.type))!;
  lines.push({
    code: `import '${specifier(file, targetOf(other))}';`,
    rule: DEPENDENCIES,
    what: `${row.type} test ↛ ${other.type}`,
  });
  const packages = [...row.packages, ...(row.tests.packages ?? [])];
  const name = PACKAGE_UNIVERSE.find((p) => !allowsPackage(packages, p));
  if (name) lines.push({ code: `import '${name}';`, rule: DEPENDENCIES, what: `${row.type} test ↛ ${name}` });
  return { file, lines };
}

const plants: Plant[] = [
  ...rows.map(productionPlant),
  ...rows
    .filter((row): row is Row & { tests: NonNullable<Row['tests']> } => Boolean(row.tests))
    .map(testPlant),
  {
    file: `${PLANT}_unknown/file.ts`,
    lines: [{ code: 'export {};', rule: UNKNOWN, what: 'a file in a folder with no row' }],
  },
];
const violations = plants.flatMap((plant) => plant.lines.filter((line) => line.rule !== null));
const allowedLines = plants.flatMap((plant) => plant.lines.filter((line) => line.rule === null));

/** Files and folders this test created, removed afterwards whatever happens. */
const created: string[] = [];
async function plantFile(file: string, text: string) {
  const absolute = path.join(root, file);
  if (existsSync(absolute)) throw new Error(`${file} exists: a previous run did not clean up`);
  let dir = path.dirname(absolute);
  const missing: string[] = [];
  while (!existsSync(dir)) {
    missing.unshift(dir);
    dir = path.dirname(dir);
  }
  for (const folder of missing) {
    await mkdir(folder);
    created.push(folder);
  }
  await writeFile(absolute, text);
  created.push(absolute);
}
async function cleanUp() {
  for (const file of created.reverse()) await rm(file, { recursive: true, force: true });
  created.length = 0;
}

/** ESLint's messages, by repository-relative file and line. */
type Findings = Map<string, Map<number, { ruleId: string | null; message: string }[]>>;
async function lint(eslint: ESLint, list: Plant[]): Promise<Findings> {
  const results = [
    ...(await eslint.lintFiles(list.filter((p) => !p.virtual).map((p) => path.join(root, p.file)))),
    ...(
      await Promise.all(
        list
          .filter((p) => p.virtual)
          .map((p) =>
            eslint.lintText(p.lines.map((l) => l.code).join('\n') + '\n', {
              filePath: path.join(root, p.file),
            }),
          ),
      )
    ).flat(),
  ];
  const findings: Findings = new Map();
  for (const result of results) {
    const byLine = new Map<number, { ruleId: string | null; message: string }[]>();
    for (const m of result.messages) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
    findings.set(path.relative(root, result.filePath).split(path.sep).join('/'), byLine);
  }
  return findings;
}

describe('the dependency table (dependency-rules.js)', () => {
  let findings: Findings;

  beforeAll(async () => {
    try {
      for (const row of folderRows) {
        await plantFile(targetOf(row), 'export {};\n');
        await plantFile(testTargetOf(row), 'export {};\n');
      }
      for (const plant of plants) {
        if (!plant.virtual)
          await plantFile(plant.file, plant.lines.map((line) => line.code).join('\n') + '\n');
      }
      findings = await lint(new ESLint({ cwd: root }), plants);
    } finally {
      await cleanUp();
    }
  }, 600_000);
  afterAll(cleanUp);

  it(`lint fails on each of the ${violations.length} planted violations, with the rule that forbids it`, () => {
    const missed: string[] = [];
    for (const plant of plants) {
      plant.lines.forEach((line, index) => {
        if (line.rule === null) return;
        const messages = findings.get(plant.file)?.get(index + 1) ?? [];
        if (!messages.some((m) => m.ruleId === line.rule)) {
          missed.push(
            `${plant.file}:${index + 1} ${line.what}: expected ${line.rule}, got ${JSON.stringify(messages)}`,
          );
        }
      });
    }
    expect(missed).toEqual([]);
  });

  it(`lint passes each of the ${allowedLines.length} planted imports the table allows (no false positives)`, () => {
    const wrong: string[] = [];
    for (const plant of plants) {
      plant.lines.forEach((line, index) => {
        if (line.rule !== null) return;
        const ours = (findings.get(plant.file)?.get(index + 1) ?? []).filter((m) => OURS.has(m.ruleId ?? ''));
        if (ours.length)
          wrong.push(`${plant.file}:${index + 1} ${line.what}: ${ours.map((m) => m.message).join('; ')}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it('plants a violation in every row, for every element, built-in and package it forbids', () => {
    for (const row of rows) {
      const plant = plants.find((p) => p.file === (row.file ?? `${row.folder}/${PLANT}.ts`))!;
      const forbiddenElements = rows.filter((o) => o !== row && !row.may.includes(o.type)).length;
      expect(plant.lines.filter((l) => l.rule === DEPENDENCIES).length).toBeGreaterThanOrEqual(
        forbiddenElements,
      );
    }
    // The cases the old no-restricted-imports rules let through (issue 16) are among them.
    const has = (file: string, code: string) =>
      plants.find((p) => p.file === file)?.lines.some((l) => l.code === code && l.rule !== null);
    expect(has(`src/renderer/${PLANT}.ts`, "import 'fs';")).toBe(true);
    expect(has(`src/preload/${PLANT}.ts`, "import 'fs';")).toBe(true);
    expect(has(`contract/${PLANT}.ts`, "import 'fs';")).toBe(true);
    expect(has(`src/core/${PLANT}.ts`, "void import('electron');")).toBe(true);
    expect(has(`src/core/${PLANT}.ts`, "require('electron');")).toBe(true);
    expect(has(`src/core/${PLANT}.ts`, "import 'node:module';")).toBe(true);
    expect(has(`src/renderer/${PLANT}.ts`, "import 'socket.io-client';")).toBe(true);
    expect(has(`src/renderer/${PLANT}.ts`, "import 'drizzle-orm';")).toBe(true);
    expect(has(`server/src/domain/${PLANT}.ts`, "import 'fastify';")).toBe(true);
  });
});

describe('tsconfig.web.json (the second line of defence)', () => {
  const renderer = 'src/renderer/src';
  const plantsTs = {
    core: { file: `${renderer}/${PLANT}_core.ts`, code: "export { uuidv7 } from '../../core/uuid';\n" },
    main: {
      file: `${renderer}/${PLANT}_main.ts`,
      code: "export type { MainConfig } from '../../main/config';\n",
    },
    electron: { file: `${renderer}/${PLANT}_electron.ts`, code: "export type {} from 'electron';\n" },
    allowed: {
      file: `${renderer}/${PLANT}_allowed.ts`,
      code: "import type { Channel } from '#contract/ipc/contract';\nexport const channel: Channel | undefined = undefined;\nexport const api = window.parley;\n",
    },
  };
  const config = `tsconfig.${PLANT}.json`;

  it('refuses a renderer import of src/core, src/main or electron, and accepts the contract and window.parley', async () => {
    try {
      for (const plant of Object.values(plantsTs)) await plantFile(plant.file, plant.code);
      await plantFile(
        config,
        JSON.stringify({
          extends: './tsconfig.web.json',
          compilerOptions: { tsBuildInfoFile: path.join(tmpdir(), `${PLANT}-${process.pid}.tsbuildinfo`) },
          include: [...Object.values(plantsTs).map((p) => p.file), 'contract/**/*', 'src/preload/api.d.ts'],
        }),
      );
      const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
      const output = await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: root }).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      const errorsIn = (file: string) =>
        output.split('\n').filter((line) => line.startsWith(`${file}(`) && line.includes('error TS'));
      expect(errorsIn(plantsTs.core.file).join('\n')).toMatch(/^.*\(1,\d+\): error TS6307/);
      expect(errorsIn(plantsTs.main.file).join('\n')).toMatch(/^.*\(1,\d+\): error TS6307/);
      expect(errorsIn(plantsTs.electron.file).join('\n')).toMatch(/^.*\(1,\d+\): error TS6307/);
      expect(errorsIn(plantsTs.allowed.file)).toEqual([]);
    } finally {
      await cleanUp();
    }
  }, 600_000);
});

describe('README.md', () => {
  it('shows the table dependency-rules.js defines (node scripts/render-dependency-table.mjs)', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme).toBe(await renderReadme(readme));
  });
});
