import { channels, ipc, type Channel, type IpcHandlers } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { invalidInput, unknownChannel } from './host/protocol';

/**
 * The one way untrusted input reaches a handler: the channel must be in the contract and the
 * input must parse with its schema (`invalid_input` with field issues otherwise); the handler
 * then gets the parsed value. Used by the Electron IPC layer, the core host and the harness.
 */
export function dispatch(handlers: IpcHandlers, channel: string, raw: unknown): Promise<Result<unknown>> {
  if (!(channels as string[]).includes(channel)) return Promise.resolve(unknownChannel(channel));
  const c = channel as Channel;
  const parsed = ipc[c].input.safeParse(raw);
  if (!parsed.success) return Promise.resolve(invalidInput(parsed.error));
  return (handlers[c] as (input: unknown) => Promise<Result<unknown>>)(parsed.data);
}
