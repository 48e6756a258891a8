import type { Channel, EventName, EventPayload, In, Out, ParleyApi } from '#contract/ipc/contract';
import { err, type Result } from '#contract/result';
import { mediaSourceOf, type MediaSource } from './media-channels';

/**
 * What `call` takes after the channel name: nothing for channels whose input may be left out
 * (`app:info`, `members:list`, `templates:list`…), the channel's input otherwise.
 */
export type CallArgs<C extends Channel> = undefined extends In<C> ? [input?: In<C>] : [input: In<C>];

/**
 * The renderer's typed door to the app, derived from the contract: `call(channel, input)` for
 * every channel (a new channel needs nothing here), plus the few helpers that add logic. Every
 * call resolves to a `Result`: a rejected promise (the bridge to the app's background service
 * broke) becomes an `internal` error value, so components only ever branch on `result.ok`.
 */
export interface ParleyClient {
  /** Calls a contract channel with its input; resolves to the channel's `Result`. */
  call<C extends Channel>(channel: C, ...args: CallArgs<C>): Promise<Result<Out<C>>>;
  /** `media:get`, with the URL the page may load checked (null when the app gave none). */
  getMediaSource(input: In<'media:get'>): Promise<Result<MediaSource>>;
  /** Subscribes to an app event; returns the unsubscribe function. */
  subscribe<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
}

/** The sentence shown when the bridge itself fails, which is a bug or a crashed background service. */
export const BRIDGE_FAILURE_MESSAGE =
  'Parley could not reach its background service. Restart the app and try again.';

/** Builds the typed client over a `ParleyApi` (the preload's, the harness bridge's or a test fake). */
export function createParleyClient(api: ParleyApi): ParleyClient {
  const call = async <C extends Channel>(channel: C, ...args: CallArgs<C>): Promise<Result<Out<C>>> => {
    // The mapped type cannot be indexed generically without widening; `call`'s signature types
    // each call site.
    const fn = api[channel] as (input: In<C> | undefined) => Promise<Result<Out<C>>>;
    try {
      return await fn(args[0]);
    } catch (cause) {
      console.error(`parley: ${channel} failed`, cause);
      return err({ code: 'internal', message: BRIDGE_FAILURE_MESSAGE });
    }
  };
  return {
    call,
    getMediaSource: async (input) => {
      const r = await call('media:get', input);
      return r.ok ? { ok: true, value: mediaSourceOf(r.value) } : r;
    },
    subscribe: (event, cb) => api.on(event, cb),
  };
}
