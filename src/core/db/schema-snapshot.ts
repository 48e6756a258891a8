import type Database from 'better-sqlite3';

/**
 * The schema of a database as comparable text: every table, index, view and trigger from
 * sqlite_master (SQLite's own objects excluded), whitespace collapsed, sorted by type and name.
 */
export function schemaSnapshot(sqlite: Database.Database): string {
  const rows = sqlite
    .prepare(
      `SELECT type, name, sql FROM sqlite_master
       WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL ORDER BY type, name`,
    )
    .all() as { type: string; name: string; sql: string }[];
  return `${rows.map((r) => `-- ${r.type} ${r.name}\n${r.sql.replace(/\s+/g, ' ').trim()};`).join('\n\n')}\n`;
}
