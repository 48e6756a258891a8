import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveMigrationsDir } from './migrate';
import { openReplicaDb } from './open-db';
import { schemaSnapshot } from './schema-snapshot';

const migrationsDir = resolveMigrationsDir({});
const snapshotFile = join(import.meta.dirname, 'schema.snapshot.sql');

describe('replica migrations', () => {
  it('build a fresh database equal to the committed snapshot (UPDATE_SNAPSHOT=1 rewrites it)', () => {
    const { sqlite, close } = openReplicaDb(':memory:', migrationsDir);
    const actual = schemaSnapshot(sqlite);
    close();
    if (process.env.UPDATE_SNAPSHOT === '1') writeFileSync(snapshotFile, actual);
    expect(actual).toBe(readFileSync(snapshotFile, 'utf8'));
  });

  it('are additive only: no DROP, RENAME or column retyping in any migration', () => {
    const files = readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const sql = readFileSync(join(migrationsDir, f), 'utf8')
        .replace(/--.*$/gm, '')
        .replace(/\s+/g, ' ')
        .toUpperCase();
      expect(sql, f).not.toMatch(/\bDROP\b/);
      expect(sql, f).not.toMatch(/\bRENAME\b/);
      expect(sql, f).not.toMatch(/\bALTER\s+TABLE\b[^;]*\bALTER\b/);
      // SQLite cannot retype a column in place; drizzle-kit does it by copying into a new
      // table (`__new_x`), which is a drop in disguise.
      expect(sql, f).not.toMatch(/__NEW_/);
    }
  });

  it('are journaled in order, one SQL file per journal entry', () => {
    const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as {
      dialect: string;
      entries: { idx: number; tag: string; when: number }[];
    };
    expect(journal.dialect).toBe('sqlite');
    journal.entries.forEach((e, i) => {
      expect(e.idx).toBe(i);
      expect(existsSync(join(migrationsDir, `${e.tag}.sql`))).toBe(true);
      if (i > 0) expect(e.when).toBeGreaterThan(journal.entries[i - 1]!.when);
    });
  });

  it('are applied once: reopening a replica file runs nothing twice and keeps the data', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-replica-')), 'r.sqlite');
    const first = openReplicaDb(file, migrationsDir);
    first.sqlite.prepare(`INSERT INTO meta (key, value) VALUES ('k', 'v')`).run();
    const applied = first.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get();
    first.close();
    const second = openReplicaDb(file, migrationsDir);
    expect(second.sqlite.prepare('SELECT count(*) AS n FROM __drizzle_migrations').get()).toEqual(applied);
    expect(second.sqlite.prepare(`SELECT value FROM meta WHERE key = 'k'`).get()).toEqual({ value: 'v' });
    expect(second.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(second.sqlite.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    second.close();
  });
});
