/**
 * The seams of the client core. Time, the network, secrets and logging come in as deps, so
 * the core runs the same in Electron's utility process, the browser harness and tests.
 */

/** Time and timers; tests pass a fake that advances on demand. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Schedules `fn` after `ms`; returns a handle for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. Timers are unref'd so a pending refresh never keeps a process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Structured logging. Never pass tokens or passwords in `fields`. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that writes one line per entry to stderr (stdout may be a protocol elsewhere). */
export function createConsoleLogger(scope: string): Logger {
  const line =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      console.error(`[${scope}] ${level} ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
    };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}

/** A logger that drops everything, for tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Where the refresh token is kept. Electron passes one backed by `safeStorage` (proxied from
 * the main process, since the utility process has no safeStorage); the harness and tests pass
 * `createMemoryTokenStore()`.
 */
export interface TokenStore {
  load(key: string): Promise<string | null>;
  save(key: string, value: string): Promise<void>;
  clear(key: string): Promise<void>;
  /** True when values survive a restart encrypted by the OS; false for memory only. */
  readonly isSecure: boolean;
}

/** A token store that forgets everything when the process ends. */
export function createMemoryTokenStore(): TokenStore {
  const values = new Map<string, string>();
  return {
    isSecure: false,
    load: async (k) => values.get(k) ?? null,
    save: async (k, v) => void values.set(k, v),
    clear: async (k) => void values.delete(k),
  };
}

/** The HTTP transport: the WHATWG `fetch` signature (global fetch in Node and Electron). */
export type HttpFetch = (input: string, init?: RequestInit) => Promise<Response>;

/** What the host knows about the app it runs in. */
export interface AppFacts {
  version: string;
  platform: string;
}
