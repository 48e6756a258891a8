import pg from 'pg';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { rowsOf } from './change-log';
import type { Db } from './db';

// Named prepared statements for the hottest reads run outside transactions. PostgreSQL plans an
// unnamed statement every time it runs; a join of three tables under CTEs takes ~0.4 ms to plan
// and 0.05 ms to execute (EXPLAIN on the api-send database), so a statement run once per request
// spent most of its database time planning. A named statement is parsed once per connection and,
// after five executions, runs on a cached generic plan when that costs no more than the custom
// ones. node-postgres prepares it on each pooled connection the first time it sees the name.
//
// The text under one name must never change (node-postgres refuses a name reused with other
// text), so a query whose shape varies takes one name per shape. PGlite is one in-process
// session with nothing to gain from it: the statement runs as usual there.

const dialect = new PgDialect();

/** Runs `query` as the named prepared statement `name` (PostgreSQL), else as usual (PGlite). */
export async function executePrepared<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const driver = (db as unknown as { $client: unknown }).$client;
  if (!(driver instanceof pg.Pool)) return rowsOf<T>(await db.execute(query));
  const { sql: text, params } = dialect.sqlToQuery(query);
  const res = await driver.query<T & pg.QueryResultRow>({ name, text, values: params });
  return res.rows;
}
