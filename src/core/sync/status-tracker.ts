import type { SyncStatus } from '#contract/ipc/contract';
import type { Clock } from '../deps';

/**
 * The `sync:status` the UI shows. While a sync engine runs, its status is the truth (socket
 * state, catch-up progress, outbox size, failed writes). Without one (signed out, or a core
 * built without sync) the state follows the outcome of the session's HTTP requests: online after
 * a success, offline since the first failure, connecting while signing in.
 */
export interface StatusTracker {
  current(): SyncStatus;
  connecting(): void;
  succeeded(): void;
  failed(message: string): void;
  /** Not connected and not trying (signed out). Detaches the engine. */
  idle(): void;
  /** The engine's status from now on (null detaches it). */
  engine(s: SyncStatus | null): void;
}

/** Creates the tracker; `onChange` fires only when the status actually changes. */
export function createStatusTracker(clock: Clock, onChange: (s: SyncStatus) => void): StatusTracker {
  let status: SyncStatus = {
    state: 'offline',
    offlineSince: null,
    progress: null,
    outboxSize: 0,
    lastError: null,
  };
  let engineAttached = false;
  const set = (next: SyncStatus): void => {
    if (JSON.stringify(next) === JSON.stringify(status)) return;
    status = next;
    onChange(status);
  };
  /** HTTP observations only count while no engine speaks for the connection. */
  const http = (next: () => SyncStatus) => (): void => {
    if (!engineAttached) set(next());
  };
  return {
    current: () => status,
    connecting: http(() => ({ ...status, state: 'connecting', progress: null })),
    succeeded: http(() => ({ ...status, state: 'online', offlineSince: null, lastError: null })),
    failed: (message) =>
      http(() => ({
        ...status,
        state: 'offline',
        offlineSince: status.offlineSince ?? new Date(clock.now()).toISOString(),
        lastError: message,
      }))(),
    idle: () => {
      engineAttached = false;
      set({ state: 'offline', offlineSince: null, lastError: null, progress: null, outboxSize: 0 });
    },
    engine: (s) => {
      engineAttached = s !== null;
      if (s) set(s);
    },
  };
}
