import {
  channels,
  ipcEvents,
  outputResult,
  type Channel,
  type CoreApi,
  type EventName,
  type EventPayload,
  type IpcHandlers,
  type SyncStatus,
} from '#contract/ipc/contract';
import type { AppError, Result } from '#contract/result';
import type { Clock, Logger, TokenStore } from '../../core/deps';
import { createCoreEvents } from '../../core/events';
import { HostToMain, type HostConfig, type MainToHost } from '../../core/host/protocol';

/** A running core host process, as the bridge sees it (a fake in tests). */
export interface HostChild {
  post(msg: MainToHost): void;
  onMessage(cb: (msg: unknown) => void): void;
  onExit(cb: (code: number | null) => void): void;
  kill(): void;
}

/** When and how often a dead host is restarted. */
export interface RestartPolicy {
  /** Delay before the n-th consecutive restart (the last entry repeats). */
  backoffMs: readonly number[];
  /** Give up after this many restarts within `windowMs`. */
  maxRestarts: number;
  windowMs: number;
}

/** Defaults: quick first retry, then slower; five crashes in a minute means something is broken. */
export const defaultRestartPolicy: RestartPolicy = {
  backoffMs: [250, 1_000, 3_000, 10_000],
  maxRestarts: 5,
  windowMs: 60_000,
};

/** The bridge: the CoreApi the IPC layer calls, plus start. */
export interface CoreHostBridge extends CoreApi {
  start(): void;
}

const unavailable = (message: string): { ok: false; error: AppError } => ({
  ok: false,
  error: { code: 'service_unavailable', message },
});

/**
 * Drives the core in a separate process over messages: each call gets an id and a timeout,
 * answers are matched by id and validated against the channel's output schema, events are
 * validated and re-emitted, and token-store calls from the host are served from `tokenStore`
 * (safeStorage lives in the main process). If the host dies it is restarted with backoff (a
 * bounded number of times); calls made meanwhile wait for it, and a `sync:status` error tells
 * the UI what is going on.
 */
export function createCoreHostBridge(deps: {
  spawn: () => HostChild;
  config: HostConfig;
  tokenStore: TokenStore;
  clock: Clock;
  logger: Logger;
  requestTimeoutMs?: number;
  restart?: RestartPolicy;
}): CoreHostBridge {
  const timeoutMs = deps.requestTimeoutMs ?? 30_000;
  const policy = deps.restart ?? defaultRestartPolicy;
  const events = createCoreEvents((e) =>
    deps.logger.error('core-host: listener threw', { error: String(e) }),
  );
  const pending = new Map<
    number,
    { channel: Channel; resolve: (r: Result<unknown>) => void; timer: unknown }
  >();
  /** Calls waiting for a (re)started host to say `ready`. */
  let queued: { id: number; channel: Channel; input: unknown }[] = [];
  let child: HostChild | null = null;
  let isReady = false;
  let closing = false;
  let gaveUp = false;
  let seq = 0;
  let restarts: number[] = [];
  let onClosed: (() => void) | null = null;

  const emit = events.emit;
  const statusError = (lastError: string): SyncStatus => ({
    state: 'offline',
    offlineSince: new Date(deps.clock.now()).toISOString(),
    progress: null,
    outboxSize: 0,
    lastError,
  });

  const settle = (id: number, r: Result<unknown>): void => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    deps.clock.clearTimeout(p.timer);
    p.resolve(r);
  };

  const onMessage = (c: HostChild, raw: unknown): void => {
    if (c !== child) return;
    const parsed = HostToMain.safeParse(raw);
    if (!parsed.success) {
      deps.logger.warn('core-host: malformed message ignored');
      return;
    }
    const m = parsed.data;
    switch (m.kind) {
      case 'ready': {
        isReady = true;
        const q = queued;
        queued = [];
        for (const r of q) c.post({ kind: 'request', ...r });
        return;
      }
      case 'response': {
        const p = pending.get(m.id);
        if (!p) return;
        const checked = outputResult(p.channel).safeParse(m.result);
        settle(
          m.id,
          checked.success
            ? (checked.data as Result<unknown>)
            : {
                ok: false,
                error: {
                  code: 'internal',
                  message: 'The background service answered in an unexpected shape.',
                },
              },
        );
        return;
      }
      case 'event': {
        if (!(m.event in ipcEvents)) return;
        const event = m.event as EventName;
        const payload = ipcEvents[event].safeParse(m.payload);
        if (payload.success) emit(event, payload.data as EventPayload<typeof event>);
        return;
      }
      case 'token-request': {
        const op =
          m.op === 'load'
            ? deps.tokenStore.load(m.key)
            : m.op === 'save'
              ? deps.tokenStore.save(m.key, m.value ?? '').then(() => null)
              : deps.tokenStore.clear(m.key).then(() => null);
        void op.then(
          (value) => c.post({ kind: 'token-reply', id: m.id, ok: true, value }),
          (e: unknown) => {
            deps.logger.error('core-host: token store failed', { op: m.op, error: String(e) });
            c.post({ kind: 'token-reply', id: m.id, ok: false, value: null });
          },
        );
        return;
      }
      case 'closed':
        onClosed?.();
        return;
    }
  };

  const spawn = (): void => {
    isReady = false;
    const c = deps.spawn();
    child = c;
    c.onMessage((raw) => onMessage(c, raw));
    c.onExit((code) => onExit(c, code));
    c.post({ kind: 'init', config: deps.config });
  };

  const onExit = (c: HostChild, code: number | null): void => {
    if (c !== child) return;
    child = null;
    isReady = false;
    if (closing) {
      onClosed?.();
      return;
    }
    deps.logger.error('core-host: exited unexpectedly', { code });
    // In-flight calls may or may not have run; their callers get an error, not a retry.
    for (const id of [...pending.keys()]) {
      if (!queued.some((q) => q.id === id)) {
        settle(id, unavailable('The background service stopped while handling this. Try again.'));
      }
    }
    const now = deps.clock.now();
    restarts = restarts.filter((t) => now - t < policy.windowMs);
    if (restarts.length >= policy.maxRestarts) {
      gaveUp = true;
      for (const q of queued)
        settle(q.id, unavailable('The background service keeps stopping. Restart Parley.'));
      queued = [];
      emit('sync:status', statusError('The background service keeps stopping. Restart Parley.'));
      return;
    }
    const delay = policy.backoffMs[Math.min(restarts.length, policy.backoffMs.length - 1)] ?? 1_000;
    restarts.push(now);
    emit('sync:status', statusError('The background service stopped; restarting it.'));
    deps.clock.setTimeout(() => {
      if (!closing) spawn();
    }, delay);
  };

  const call = (channel: Channel, input: unknown): Promise<Result<unknown>> => {
    if (closing) return Promise.resolve(unavailable('Parley is shutting down.'));
    if (gaveUp) return Promise.resolve(unavailable('The background service keeps stopping. Restart Parley.'));
    seq += 1;
    const id = seq;
    return new Promise((resolve) => {
      const timer = deps.clock.setTimeout(() => {
        queued = queued.filter((q) => q.id !== id);
        settle(id, unavailable('The background service did not answer in time. Try again.'));
      }, timeoutMs);
      pending.set(id, { channel, resolve, timer });
      if (child && isReady) child.post({ kind: 'request', id, channel, input });
      else queued.push({ id, channel, input });
    });
  };

  const handlers = Object.fromEntries(
    channels.map((c) => [c, (input: unknown) => call(c, input)]),
  ) as unknown as IpcHandlers;

  return {
    handlers,
    start: () => {
      if (!child && !closing) spawn();
    },
    on: events.on,
    async close() {
      if (closing) return;
      closing = true;
      for (const id of [...pending.keys()]) settle(id, unavailable('Parley is shutting down.'));
      queued = [];
      const c = child;
      if (!c) return;
      await new Promise<void>((resolve) => {
        const timer = deps.clock.setTimeout(() => {
          c.kill();
          resolve();
        }, 3_000);
        onClosed = () => {
          deps.clock.clearTimeout(timer);
          resolve();
        };
        c.post({ kind: 'shutdown' });
      });
      child = null;
    },
  };
}
