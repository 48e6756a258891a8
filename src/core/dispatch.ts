import { ipc, isChannel, type IpcHandlers } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import { invalidInput, unknownChannel } from './host/protocol';

/** The answer when a handler throws instead of returning a Result (a bug): a sentence, no stack. */
export const handlerThrew: Result<never> = {
  ok: false,
  error: { code: 'internal', message: 'Something went wrong. Try again.' },
};

/**
 * The one way untrusted input reaches a handler: the channel must be in the contract and the
 * input must parse with its schema (`invalid_input` with field issues otherwise); the handler
 * then gets the parsed value, and a handler that throws answers `internal` (thrown errors lose
 * their class across the boundary). Used by the Electron IPC layer, the core host and the
 * browser harness, so every host derives its channels from the contract the same way.
 */
export async function dispatch(
  handlers: IpcHandlers,
  channel: string,
  raw: unknown,
  onThrow: (channel: string, e: unknown) => void = () => {},
): Promise<Result<unknown>> {
  if (!isChannel(channel)) return unknownChannel(channel);
  const parsed = ipc[channel].input.safeParse(raw);
  if (!parsed.success) return invalidInput(parsed.error);
  try {
    return await (handlers[channel] as (input: unknown) => Promise<Result<unknown>>)(parsed.data);
  } catch (e) {
    onThrow(channel, e);
    return handlerThrew;
  }
}
