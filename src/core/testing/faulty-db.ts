import type Database from 'better-sqlite3';

/** Thrown by an instrumented database at the statement chosen for a kill. */
export class Killed extends Error {
  constructor() {
    super('process killed (simulated)');
    this.name = 'Killed';
  }
}

const EXECUTES = new Set(['run', 'get', 'all', 'iterate']);

/** Controls kills on one instrumented database. */
export interface KillSwitch {
  /** Kill at the n-th statement executed from now (1 = the next one). */
  arm(n: number): void;
  disarm(): void;
  /** True once a kill fired: every later statement throws too (the process is gone). */
  readonly killed: boolean;
  /** Statements executed since instrumentation. */
  readonly executed: number;
  /** Forget a past kill (the restarted process opens the file again). */
  revive(): void;
  /** Prepares a statement that is never counted nor killed (for the harness's own reads). */
  raw(sql: string): Database.Statement;
}

/**
 * Instruments a connection so a "process kill" can happen between any two SQL statements: every
 * statement prepared after this call counts its executions, and the armed one throws {@link Killed}
 * instead of running. better-sqlite3's transaction wrapper then rolls back, exactly what SQLite
 * recovery does for a process that died mid-transaction; BEGIN and COMMIT are not counted (a
 * kill before COMMIT is a kill after the transaction's last statement).
 */
export function instrument(db: Database.Database): KillSwitch {
  let countdown = 0;
  let killed = false;
  let executed = 0;
  const before = (): void => {
    if (killed) throw new Killed();
    executed += 1;
    if (countdown > 0 && --countdown === 0) {
      killed = true;
      throw new Killed();
    }
  };
  const prepare = db.prepare.bind(db);
  const wrap = (st: Database.Statement): Database.Statement => {
    const proxy: Database.Statement = new Proxy(st, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (EXECUTES.has(String(prop))) before();
          const r = (v as (...a: unknown[]) => unknown).apply(target, args);
          return r === target ? proxy : r;
        };
      },
    });
    return proxy;
  };
  (db as { prepare: (sql: string) => Database.Statement }).prepare = (sql: string) => wrap(prepare(sql));
  const exec = db.exec.bind(db);
  (db as { exec: (sql: string) => Database.Database }).exec = (sql: string) => {
    before();
    return exec(sql);
  };
  return {
    arm: (n) => {
      countdown = n;
    },
    disarm: () => {
      countdown = 0;
    },
    get killed() {
      return killed;
    },
    get executed() {
      return executed;
    },
    revive: () => {
      killed = false;
      countdown = 0;
    },
    raw: (sql) => prepare(sql),
  };
}
