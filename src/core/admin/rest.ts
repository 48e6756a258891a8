import type { z } from 'zod';
import { page } from '#contract/api/common';
import { err, ok, type Result } from '#contract/result';
import type { AuthClient } from '../session/auth-client';
import type { SessionManager } from '../session/session-manager';

/** What the Settings area's handlers need: the session's token and the REST client. */
export interface AdminDeps {
  session: Pick<SessionManager, 'withToken'>;
  auth: Pick<AuthClient, 'send'>;
}

/** Lists are read whole (an organization's members, teams, numbers, endpoints): at most this many pages. */
const MAX_PAGES = 50;

/**
 * The REST calls of the Settings area's handlers, with the session's token. Every 2xx body is
 * parsed with the channel's output schema, since the server may be another version; a refusal
 * passes through unchanged (the server decides who may do what).
 */
export function createAdminRest({ session, auth }: AdminDeps) {
  /** One call: parse the 2xx body with `schema`, or turn a mismatch into a clear error. */
  const call = <S extends z.ZodType>(
    schema: S,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Result<z.output<S>>> =>
    session.withToken(async (serverUrl, accessToken) => {
      const r = await auth.send(serverUrl, method, path, { body, accessToken });
      if (!r.ok) return r;
      const parsed = schema.safeParse(r.value);
      return parsed.success
        ? ok(parsed.data)
        : err({ code: 'internal', message: 'The server answered in an unexpected way. Is it up to date?' });
    });

  /** Every page of a keyset-paged list. */
  const all = async <S extends z.ZodType>(item: S, path: string): Promise<Result<z.output<S>[]>> => {
    const Page = page(item);
    const items: z.output<S>[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < MAX_PAGES; i += 1) {
      const q = new URLSearchParams({ limit: '200' });
      if (cursor) q.set('cursor', cursor);
      const r: Result<z.output<typeof Page>> = await call(Page, 'GET', `${path}?${q}`);
      if (!r.ok) return r;
      items.push(...(r.value.data as z.output<S>[]));
      cursor = r.value.nextCursor;
      if (!cursor) break;
    }
    return ok(items);
  };

  /** A DELETE whose answer is empty (204): `done` once the server accepted it. */
  const remove = async (path: string): Promise<Result<{ done: true }>> => {
    const r = await session.withToken((url, token) => auth.send(url, 'DELETE', path, { accessToken: token }));
    return r.ok ? ok({ done: true as const }) : r;
  };

  return { call, all, remove };
}
