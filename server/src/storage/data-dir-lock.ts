import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** Thrown when another live process holds the lock; its message is meant to be printed as is. */
export class DataDirLockedError extends Error {
  /** The pid recorded in the lock file. */
  readonly pid: number;
  constructor(path: string, pid: number) {
    super(
      `Another Parley server (pid ${pid}) is using this data directory (lock ${path}). ` +
        'Stop it, or set DATA_DIR to another directory.',
    );
    this.name = 'DataDirLockedError';
    this.pid = pid;
  }
}

/** A held lock; `release()` removes the file if it is still ours. */
export type DataDirLock = { path: string; release: () => void };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Takes an exclusive lock file holding this process's pid. PGlite is a single-process database:
 * two processes opening one data directory corrupt it, so a second server must stop at once. A
 * lock left by a dead process (crash, kill -9) is cleared with a warning.
 */
export function acquireDataDirLock(path: string, warn: (msg: string) => void = console.warn): DataDirLock {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // 'wx' fails when the file exists, so creation is the atomic test-and-set.
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return {
        path,
        release: () => {
          try {
            if (Number(readFileSync(path, 'utf8').trim()) === process.pid) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let pid = Number.NaN;
    try {
      pid = Number(readFileSync(path, 'utf8').trim());
    } catch {
      continue; // removed between our open and read: try again
    }
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new DataDirLockedError(path, pid);
    }
    warn(
      `Removing stale lock ${path} left by process ${Number.isNaN(pid) ? '(unreadable)' : pid}, which is gone.`,
    );
    try {
      unlinkSync(path);
    } catch {
      // Another process cleared it first; the next attempt decides.
    }
  }
  throw new Error(`Could not acquire lock ${path}`);
}
