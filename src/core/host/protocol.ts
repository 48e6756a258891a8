import { z } from 'zod';
import { AppError, type Result } from '#contract/result';

/**
 * The wire protocol between the Electron main process and the core host (a utility process),
 * or any other host of the core. Both ends parse what they receive: the two sides are separate
 * processes and, during an update, possibly separate builds.
 */

/** How the host builds the core; sent once, first. */
export const HostConfig = z.object({
  dataDir: z.string().min(1),
  defaultServerUrl: z.string(),
  appInfo: z.object({ version: z.string(), platform: z.string() }),
  /** Whether the main process keeps tokens encrypted on disk (`secure`) or in memory. */
  tokenStorage: z.enum(['secure', 'memory']),
  migrationsDir: z.string().optional(),
  autoSignIn: z
    .object({ serverUrl: z.string(), email: z.string(), password: z.string() })
    .nullable()
    .optional(),
});
export type HostConfig = z.infer<typeof HostConfig>;

/** Messages from the main process to the host. */
export const MainToHost = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('init'), config: HostConfig }),
  z.object({ kind: z.literal('request'), id: z.number().int(), channel: z.string(), input: z.unknown() }),
  z.object({
    kind: z.literal('token-reply'),
    id: z.number().int(),
    ok: z.boolean(),
    value: z.string().nullable(),
  }),
  z.object({ kind: z.literal('shutdown') }),
]);
export type MainToHost = z.infer<typeof MainToHost>;

/** Messages from the host to the main process. */
export const HostToMain = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready') }),
  z.object({
    kind: z.literal('response'),
    id: z.number().int(),
    result: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: AppError }),
    ]),
  }),
  z.object({ kind: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({
    kind: z.literal('token-request'),
    id: z.number().int(),
    op: z.enum(['load', 'save', 'clear']),
    key: z.string(),
    value: z.string().optional(),
  }),
  z.object({ kind: z.literal('closed') }),
]);
export type HostToMain = z.infer<typeof HostToMain>;

/** One end of a message channel, whatever carries it (Electron parentPort, worker MessagePort). */
export interface HostPort {
  post(msg: HostToMain): void;
  onMessage(cb: (msg: unknown) => void): void;
}

/** The `invalid_input` error for a failed contract parse, with one issue per field. */
export function invalidInput(error: z.ZodError): { ok: false; error: AppError } {
  const fields = error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
  const first = fields[0];
  return {
    ok: false,
    error: {
      code: 'invalid_input',
      message: first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'Invalid input.',
      details: { fields },
    },
  };
}

/** A Result that says the request named no known channel. */
export const unknownChannel = (channel: string): Result<never> => ({
  ok: false,
  error: { code: 'bad_request', message: `Unknown channel: ${channel.slice(0, 64)}` },
});
