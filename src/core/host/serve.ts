import { eventNames, type CoreApi } from '#contract/ipc/contract';
import type { Result } from '#contract/result';
import type { TokenStore } from '../deps';
import { dispatch } from '../dispatch';
import { HostConfig, MainToHost, type HostPort } from './protocol';

/** How long the host waits for the main process to answer a token-store call. */
const TOKEN_TIMEOUT_MS = 10_000;

/** Builds the core once the host knows its configuration. */
export type CoreFactory = (config: HostConfig, tokenStore: TokenStore) => CoreApi;

/**
 * Binds a core to a port: builds it on `init`, answers each `request` with a `response` of the
 * same id, forwards every contract event, and proxies the token store to the main process
 * (safeStorage exists only there). Each request is parsed with the contract before the handler
 * runs, even though main parsed it too: the host trusts no one.
 */
export function serveCore(port: HostPort, createCore: CoreFactory, onClosed: () => void = () => {}): void {
  let core: CoreApi | null = null;
  let tokenSeq = 0;
  const tokenCalls = new Map<number, (r: { ok: boolean; value: string | null }) => void>();

  const tokenCall = (op: 'load' | 'save' | 'clear', key: string, value?: string): Promise<string | null> =>
    new Promise((resolve, reject) => {
      tokenSeq += 1;
      const id = tokenSeq;
      const timer = setTimeout(() => {
        tokenCalls.delete(id);
        reject(new Error(`token store ${op} timed out`));
      }, TOKEN_TIMEOUT_MS);
      tokenCalls.set(id, (r) => {
        clearTimeout(timer);
        if (r.ok) resolve(r.value);
        else reject(new Error(`token store ${op} failed`));
      });
      port.post({ kind: 'token-request', id, op, key, value });
    });

  const proxyTokenStore = (isSecure: boolean): TokenStore => ({
    isSecure,
    load: (key) => tokenCall('load', key),
    save: async (key, value) => void (await tokenCall('save', key, value)),
    clear: async (key) => void (await tokenCall('clear', key)),
  });

  const handle = async (channel: string, input: unknown): Promise<Result<unknown>> =>
    core
      ? dispatch(core.handlers, channel, input)
      : { ok: false, error: { code: 'service_unavailable', message: 'The core is starting.' } };

  port.onMessage((raw) => {
    const msg = MainToHost.safeParse(raw);
    if (!msg.success) return;
    const m = msg.data;
    switch (m.kind) {
      case 'init': {
        if (core) return;
        const config = HostConfig.parse(m.config);
        core = createCore(config, proxyTokenStore(config.tokenStorage === 'secure'));
        for (const event of eventNames)
          core.on(event, (payload) => port.post({ kind: 'event', event, payload }));
        port.post({ kind: 'ready' });
        return;
      }
      case 'request':
        // dispatch never rejects: a throwing handler answers `internal`.
        void handle(m.channel, m.input).then((result) => port.post({ kind: 'response', id: m.id, result }));
        return;
      case 'token-reply':
        tokenCalls.get(m.id)?.({ ok: m.ok, value: m.value });
        tokenCalls.delete(m.id);
        return;
      case 'shutdown':
        void (core?.close() ?? Promise.resolve()).finally(() => {
          port.post({ kind: 'closed' });
          onClosed();
        });
        return;
    }
  });
}
