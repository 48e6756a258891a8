import pg from 'pg';

/** The machine's PostgreSQL maintenance database (trust auth), overridable for other hosts. */
export const pgAdminUrl = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a throwaway database named `<prefix>_<time>` on the machine's PostgreSQL, or returns
 * null when none answers (the benchmark then reports its PGlite lines only).
 */
export async function freshPostgres(
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
    await admin.query(`create database ${name}`);
  } catch {
    return null;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * The database `name` on the machine's PostgreSQL, created when missing (`created`), or null when
 * none answers. Never dropped here: a benchmark keeps it to reuse its seeded data on the next run.
 */
export async function namedPostgres(name: string): Promise<{ url: string; created: boolean } | null> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 2000 });
  let created = false;
  try {
    await admin.connect();
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`create database ${name}`);
      created = true;
    }
  } catch {
    return null;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), created };
}
