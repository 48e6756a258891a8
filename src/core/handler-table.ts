import { channels, type Channel, type IpcHandlers, type Out, type Parsed } from '#contract/ipc/contract';
import { err, type Result } from '#contract/result';
import type { Logger } from './deps';

/** What a handler returns, at once or later. */
type Answer<C extends Channel> = Result<Out<C>> | Promise<Result<Out<C>>>;

/** A handler that needs the signed-in replica's parts `S` (see {@link withReplica}). */
export interface ReplicaHandler<S, C extends Channel> {
  readonly needsReplica: true;
  run(s: S, input: Parsed<C>): Answer<C>;
}

/** One channel's entry: a plain handler, or one that needs the open replica. */
export type HandlerEntry<S, C extends Channel> = ((input: Parsed<C>) => Answer<C>) | ReplicaHandler<S, C>;

/** The core's handler table: the mapped type forces an entry for every contract channel. */
export type HandlerTable<S> = { [C in Channel]: HandlerEntry<S, C> };

/** Marks a handler as needing the open replica: signed out, it answers `unauthorized`. */
export const withReplica = <S, I, T>(
  run: (s: S, input: I) => Result<T> | Promise<Result<T>>,
): { readonly needsReplica: true; run: (s: S, input: I) => Result<T> | Promise<Result<T>> } => ({
  needsReplica: true,
  run,
});

/** What {@link wrapHandlers} needs from the core. */
export interface WrapDeps<S> {
  /** Startup (session restore); every handler waits for it, so the first answer is truthful. */
  ready: Promise<unknown>;
  logger: Logger;
  /** The open replica's parts, or null when signed out; called once per replica handler call. */
  replica(): S | null;
}

/**
 * Wraps the table once, the same way for every channel: wait for startup, give replica
 * handlers the open replica (or answer `unauthorized`), and turn a thrown bug into an
 * `internal` Result for the boundary (logged with its stack here, where it still has one).
 */
export function wrapHandlers<S>(table: HandlerTable<S>, deps: WrapDeps<S>): IpcHandlers {
  const wrapped: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  for (const channel of channels) {
    const entry = table[channel] as HandlerEntry<S, Channel>;
    wrapped[channel] = async (input) => {
      await deps.ready;
      try {
        if (typeof entry === 'function') return await entry(input as never);
        const s = deps.replica();
        if (!s) return err({ code: 'unauthorized', message: 'Sign in first.' });
        return await entry.run(s, input as never);
      } catch (e) {
        deps.logger.error(`core: ${channel} failed`, { error: e instanceof Error ? e.stack : String(e) });
        return err({ code: 'internal', message: 'Something went wrong. Try again.' });
      }
    };
  }
  return wrapped as unknown as IpcHandlers;
}
