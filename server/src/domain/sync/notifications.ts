import pg from 'pg';
import type { Db } from '../../storage/db';
import { SESSION_REVOKED_CHANNEL } from '../../storage/queries/sessions';

// PostgreSQL LISTEN for the sync machinery, on both engines:
// - PGlite: its own `listen` API. A `pg_notify` inside a transaction is delivered when that
//   transaction commits, before the commit's promise resolves, in commit order; this process is
//   the database's only client, so nothing else can be missed.
// - PostgreSQL: one dedicated connection (not from the pool, which would hand it back), that
//   reconnects with backoff. After a reconnect, notifications sent while it was down are lost:
//   `onReconnect` listeners re-read what they follow (the tailer reads the clock).

/** The LISTEN channels of the sync machinery. */
export const SYNC_CHANNEL = 'sync';
/** Sessions revoked (payload: user id): open sockets of that user re-check their token. */
export const SESSION_CHANNEL = SESSION_REVOKED_CHANNEL;

/** Subscriptions to PostgreSQL notifications. */
export type Notifications = {
  /** Calls `cb` with each payload of `channel` (subscribe before `start`). */
  on: (channel: string, cb: (payload: string) => void) => void;
  /** Calls `cb` after the listening connection was re-established (notifications may be lost). */
  onReconnect: (cb: () => void) => void;
  start: () => Promise<void>;
  stop: () => Promise<void>;
};

type PgliteLike = {
  listen: (channel: string, cb: (payload: string) => void) => Promise<() => Promise<void>>;
};
type PoolLike = { options: pg.ClientConfig };

/** The driver client behind a drizzle handle (`$client`: PGlite or a node-postgres Pool). */
export const driverOf = (db: Db): unknown => (db as unknown as { $client: unknown }).$client;

/** Whether `db` is PGlite (one process, one connection). */
export const isPglite = (db: Db): boolean =>
  typeof (driverOf(db) as Partial<PgliteLike>).listen === 'function';

/** Creates the listener over the database behind `db`. */
export function createNotifications(
  db: Db,
  log?: (msg: string, err?: unknown) => void,
  /**
   * PostgreSQL: the listening connection's application_name. The sync listener names it after
   * the process's tailer lease holder, so leases end when the process does (storage/lease.ts).
   */
  applicationName?: string,
): Notifications {
  const handlers = new Map<string, ((payload: string) => void)[]>();
  const reconnects: (() => void)[] = [];
  const dispatch = (channel: string, payload: string) => {
    for (const cb of handlers.get(channel) ?? []) {
      try {
        cb(payload);
      } catch (e) {
        log?.(`sync notification handler failed on ${channel}`, e);
      }
    }
  };
  const driver = driverOf(db);
  let stopped = false;

  if (isPglite(db)) {
    const unlisten: (() => Promise<void>)[] = [];
    return {
      on: (channel, cb) => handlers.set(channel, [...(handlers.get(channel) ?? []), cb]),
      onReconnect: (cb) => reconnects.push(cb),
      start: async () => {
        for (const channel of handlers.keys())
          unlisten.push(await (driver as PgliteLike).listen(channel, (p) => dispatch(channel, p)));
      },
      stop: async () => {
        stopped = true;
        for (const u of unlisten.splice(0)) await u().catch(() => undefined);
      },
    };
  }

  const config = (driver as PoolLike).options;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;

  const connect = async (isReconnect: boolean): Promise<void> => {
    const c = new pg.Client({
      ...config,
      keepAlive: true,
      ...(applicationName !== undefined && { application_name: applicationName }),
    });
    c.on('notification', (n) => dispatch(n.channel, n.payload ?? ''));
    const lost = (e?: unknown) => {
      if (client !== c) return;
      client = null;
      log?.('sync listener connection lost; reconnecting', e);
      c.end().catch(() => undefined);
      schedule();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    await c.connect();
    for (const channel of handlers.keys()) await c.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    if (stopped) {
      await c.end();
      return;
    }
    client = c;
    attempt = 0;
    if (isReconnect) for (const cb of reconnects) cb();
  };
  const schedule = () => {
    if (stopped || retry) return;
    const delay = Math.min(5_000, 100 * 2 ** attempt++);
    retry = setTimeout(() => {
      retry = undefined;
      connect(true).catch((e) => {
        log?.('sync listener cannot connect; retrying', e);
        schedule();
      });
    }, delay);
    retry.unref();
  };

  return {
    on: (channel, cb) => handlers.set(channel, [...(handlers.get(channel) ?? []), cb]),
    onReconnect: (cb) => reconnects.push(cb),
    start: () => connect(false),
    stop: async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
