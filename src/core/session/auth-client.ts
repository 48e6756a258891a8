import type { z } from 'zod';
import {
  AuthResponse,
  MeResponse,
  SessionUser,
  type ChangePasswordBody,
  type LoginBody,
  type UpdateMeBody,
} from '#contract/api/auth';
import { ErrorBody } from '#contract/api/common';
import type { AcceptInvitationBody } from '#contract/api/invitations';
import { err, ok, type AppError, type Result } from '#contract/result';
import type { HttpFetch } from '../deps';

/** How long one request may take before the server counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Whether the server answered at all, for the connection status. */
export type Reachability = { reachable: true } | { reachable: false; message: string };

/** The server's REST auth and profile endpoints (contract/api/auth.ts), as Result values. */
export interface AuthClient {
  login(serverUrl: string, body: LoginBody): Promise<Result<AuthResponse>>;
  refresh(serverUrl: string, refreshToken: string): Promise<Result<AuthResponse>>;
  logout(serverUrl: string, refreshToken: string): Promise<Result<null>>;
  me(serverUrl: string, accessToken: string): Promise<Result<SessionUser>>;
  updateMe(serverUrl: string, accessToken: string, body: UpdateMeBody): Promise<Result<SessionUser>>;
  changePassword(
    serverUrl: string,
    accessToken: string,
    body: ChangePasswordBody,
  ): Promise<Result<AuthResponse | null>>;
  /** `POST /api/v1/invitations/accept`: a new member signed in to the inviting organization. */
  acceptInvitation(serverUrl: string, body: AcceptInvitationBody): Promise<Result<AuthResponse>>;
  /**
   * Any other REST call (the Settings area's administration): the raw JSON body on 2xx, the
   * same error mapping and reachability reporting otherwise. Callers validate the body.
   */
  send(
    serverUrl: string,
    method: string,
    path: string,
    opts: { body?: unknown; accessToken?: string },
  ): Promise<Result<unknown>>;
  /**
   * A REST call whose body is a file's bytes as they are (`contentType` its MIME type, the
   * length declared), streamed so `onProgress` hears the bytes handed to the connection;
   * `signal` stops it (answering `cancelled`). The JSON answer as {@link send}'s.
   */
  sendRaw(serverUrl: string, method: string, path: string, opts: RawBody): Promise<Result<unknown>>;
}

/** What {@link AuthClient.sendRaw} sends. */
export type RawBody = {
  bytes: Uint8Array;
  contentType: string;
  accessToken: string;
  signal?: AbortSignal;
  onProgress?: (sentBytes: number) => void;
};

/** Bytes handed to the connection per read of a raw body (a progress step). */
const RAW_CHUNK = 256 * 1024;
/**
 * A raw upload may take minutes, so it has no overall timeout: it fails when nothing moved for
 * this long (no bytes taken, or no answer after the last: the server is finishing with Meta).
 */
export const RAW_STALL_MS = 90_000;

/** The sentence shown when the server cannot be reached. */
export const unreachableMessage = (serverUrl: string): string =>
  `Cannot reach the server at ${serverUrl}. Check the address and your connection.`;

/** Seconds to wait after a 429, from Retry-After (seconds or HTTP date) or details.retryAfter. */
function retryAfterSeconds(res: Response, details: unknown, now: number): number | null {
  const header = res.headers.get('retry-after');
  if (header) {
    const n = Number(header);
    if (Number.isFinite(n)) return Math.max(1, Math.ceil(n));
    const date = Date.parse(header);
    if (Number.isFinite(date)) return Math.max(1, Math.ceil((date - now) / 1000));
  }
  const d = details as { retryAfter?: unknown } | undefined;
  if (d && typeof d.retryAfter === 'number' && Number.isFinite(d.retryAfter)) {
    return Math.max(1, Math.ceil(d.retryAfter));
  }
  return null;
}

/**
 * Maps a non-2xx response to the AppError the UI shows: one table for this boundary. A wrong
 * password and a rate limit get sentences of their own; other server codes pass through with
 * the server's message; a body that is not Parley's error shape gets a code from the status.
 */
function errorFromResponse(res: Response, body: unknown, serverUrl: string, now: number): AppError {
  const parsed = ErrorBody.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : null;
  const details = parsed.success ? parsed.data.error.details : undefined;
  if (res.status === 429 || code === 'rate_limited') {
    const s = retryAfterSeconds(res, details, now);
    return {
      code: 'rate_limited',
      message: s === null ? 'Too many attempts, try again later.' : `Too many attempts, try again in ${s} s.`,
      details: { retryAfter: s },
    };
  }
  if (code === 'invalid_credentials') {
    return { code: 'invalid_credentials', message: 'Wrong email or password.' };
  }
  if (parsed.success) return parsed.data.error;
  if (res.status === 401) return { code: 'unauthorized', message: 'Your session has ended. Sign in again.' };
  if (res.status === 404) {
    return {
      code: 'server_unreachable',
      message: `The server at ${serverUrl} does not look like a Parley server. Check the address.`,
    };
  }
  if (res.status >= 500) {
    return {
      code: 'service_unavailable',
      message: `The server at ${serverUrl} had a problem (${res.status}).`,
    };
  }
  return { code: 'bad_request', message: `The server refused the request (${res.status}).` };
}

/**
 * Creates the client. `observe` hears whether each request reached the server, which drives
 * the connection status; `now` dates Retry-After headers.
 */
export function createAuthClient(deps: {
  fetch: HttpFetch;
  now: () => number;
  observe: (r: Reachability) => void;
  timeoutMs?: number;
}): AuthClient {
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS;

  /** One request; the raw JSON body on 2xx, an AppError otherwise. */
  async function request(
    serverUrl: string,
    method: string,
    path: string,
    opts: { body?: unknown; accessToken?: string } = {},
  ): Promise<Result<unknown>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.accessToken) headers.authorization = `Bearer ${opts.accessToken}`;
    let res: Response;
    let text: string;
    try {
      res = await deps.fetch(`${serverUrl}${path}`, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      text = await res.text();
    } catch {
      const message = unreachableMessage(serverUrl);
      deps.observe({ reachable: false, message });
      return err({ code: 'server_unreachable', message });
    }
    deps.observe({ reachable: true });
    return answerOf(serverUrl, res, text);
  }

  /** The JSON answer of a response already received (reachability reported by the caller). */
  async function answerOf(serverUrl: string, res: Response, text: string): Promise<Result<unknown>> {
    let body: unknown = null;
    try {
      body = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      body = null;
    }
    return res.ok ? ok(body) : err(errorFromResponse(res, body, serverUrl, deps.now()));
  }

  /** {@link AuthClient.sendRaw}: the bytes as a stream of chunks, each reported as it is taken. */
  async function sendRaw(
    serverUrl: string,
    method: string,
    path: string,
    opts: RawBody,
  ): Promise<Result<unknown>> {
    const stall = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const moved = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stall.abort(), RAW_STALL_MS);
    };
    const { bytes } = opts;
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= bytes.length) {
          controller.close();
          return;
        }
        // A view, not a copy: the file's bytes are already in memory and are not changed.
        const chunk = bytes.subarray(offset, offset + RAW_CHUNK);
        offset += chunk.length;
        moved();
        controller.enqueue(chunk);
        opts.onProgress?.(offset);
      },
    });
    const signals = opts.signal ? [stall.signal, opts.signal] : [stall.signal];
    moved();
    try {
      const res = await deps.fetch(`${serverUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${opts.accessToken}`,
          'content-type': opts.contentType,
          // The server checks the declared length before reading (and Meta needs it up front);
          // a streamed body would otherwise go chunked.
          'content-length': String(bytes.length),
        },
        body,
        signal: AbortSignal.any(signals),
        redirect: 'error',
        // Node's fetch needs this for a streamed body; browsers' typings do not know it yet.
        ...({ duplex: 'half' } as object),
      });
      const text = await res.text();
      deps.observe({ reachable: true });
      return await answerOf(serverUrl, res, text);
    } catch {
      if (opts.signal?.aborted) return err({ code: 'cancelled', message: 'The upload was cancelled.' });
      const message = stall.signal.aborted
        ? `The upload to ${serverUrl} stalled for ${RAW_STALL_MS / 1000} s. Try again.`
        : unreachableMessage(serverUrl);
      if (!stall.signal.aborted) deps.observe({ reachable: false, message });
      return err({ code: 'server_unreachable', message });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Validates a 2xx body: the server is another process and maybe another version. */
  const parse = <S extends z.ZodType>(
    schema: S,
    r: Result<unknown>,
    serverUrl: string,
  ): Result<z.output<S>> => {
    if (!r.ok) return r;
    const parsed = schema.safeParse(r.value);
    return parsed.success
      ? ok(parsed.data)
      : err({
          code: 'server_unreachable',
          message: `The server at ${serverUrl} answered in an unexpected way. Is it a Parley server of a compatible version?`,
        });
  };

  // PATCH /me answers `{user}`; accept a bare user as well, the body is ours either way.
  const userOf = (r: Result<unknown>): Result<SessionUser> => {
    if (!r.ok) return r;
    const wrapped = MeResponse.safeParse(r.value);
    if (wrapped.success) return ok(wrapped.data.user);
    const bare = SessionUser.safeParse(r.value);
    return bare.success
      ? ok(bare.data)
      : err({ code: 'internal', message: 'The server sent a profile in an unexpected shape.' });
  };

  return {
    send: request,
    sendRaw,
    acceptInvitation: async (url, body) =>
      parse(AuthResponse, await request(url, 'POST', '/api/v1/invitations/accept', { body }), url),
    login: async (url, body) =>
      parse(AuthResponse, await request(url, 'POST', '/api/v1/auth/login', { body }), url),
    refresh: async (url, refreshToken) =>
      parse(
        AuthResponse,
        await request(url, 'POST', '/api/v1/auth/refresh', { body: { refreshToken } }),
        url,
      ),
    logout: async (url, refreshToken) => {
      const r = await request(url, 'POST', '/api/v1/auth/logout', { body: { refreshToken } });
      return r.ok ? ok(null) : r;
    },
    me: async (url, accessToken) => userOf(await request(url, 'GET', '/api/v1/me', { accessToken })),
    updateMe: async (url, accessToken, body) =>
      userOf(await request(url, 'PATCH', '/api/v1/me', { accessToken, body })),
    changePassword: async (url, accessToken, body) => {
      // The answer may carry fresh tokens (the server rotates the caller's session) or nothing.
      const r = await request(url, 'POST', '/api/v1/me/password', { accessToken, body });
      if (!r.ok) return r;
      const tokens = AuthResponse.safeParse(r.value);
      return ok(tokens.success ? tokens.data : null);
    },
  };
}
