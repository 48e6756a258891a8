/**
 * Snapshots of tables read without ORDER BY, for "nothing changed" assertions. PostgreSQL returns
 * such rows in whatever order its plan gives (an index scan one time, the heap's order another), so
 * two reads of unchanged tables can differ in order alone — a CI run once failed on exactly that.
 * Sorts every array of `tables` by its rows' JSON: by content, so a row that did change still
 * makes the snapshots differ.
 */
export function inAnyOrder<T extends Record<string, unknown>>(tables: T): T {
  const key = (row: unknown) =>
    JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return Object.fromEntries(
    Object.entries(tables).map(([name, rows]) => [
      name,
      Array.isArray(rows) ? [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) : rows,
    ]),
  ) as T;
}
