import type { IntegrationsChannel } from '#contract/ipc/integrations';
import { integrationsIpc } from '#contract/ipc/integrations';
import type { Out, Parsed } from '#contract/ipc/contract';
import { ok, type Result } from '#contract/result';
import { ApiKeyList } from '#contract/api/api-keys';
import { createAdminRest, type AdminDeps } from './rest';

/** The integrator channels' handlers (API keys, outgoing webhooks). */
export type IntegrationsHandlers = {
  [C in IntegrationsChannel]: (input: Parsed<C>) => Promise<Result<Out<C>>>;
};

const spec = integrationsIpc;
const seg = encodeURIComponent;

/**
 * Settings > API keys and Settings > Webhooks over `/api/v1/api-keys` and `/api/v1/webhooks`.
 * Online-only like the rest of administration (an unreachable server answers at once and the
 * screen says so); the server decides who may (a non-admin's call answers `forbidden`).
 */
export function createIntegrationsHandlers(deps: AdminDeps): IntegrationsHandlers {
  const { call, all, remove } = createAdminRest(deps);
  const hook = (id: string) => `/api/v1/webhooks/${seg(id)}`;
  return {
    'admin:listApiKeys': async () => {
      // One unpaged list (`nextCursor` is always null): an organization holds a handful of keys.
      const r = await call(ApiKeyList, 'GET', '/api/v1/api-keys');
      return r.ok ? ok(r.value.data) : r;
    },
    'admin:createApiKey': (i) => call(spec['admin:createApiKey'].output, 'POST', '/api/v1/api-keys', i),
    'admin:revokeApiKey': (i) => remove(`/api/v1/api-keys/${seg(i.id)}`),
    'admin:listWebhooks': () => all(spec['admin:listWebhooks'].output.element, '/api/v1/webhooks'),
    'admin:createWebhook': (i) => call(spec['admin:createWebhook'].output, 'POST', '/api/v1/webhooks', i),
    'admin:updateWebhook': (i) => call(spec['admin:updateWebhook'].output, 'PATCH', hook(i.id), i.patch),
    'admin:deleteWebhook': (i) => remove(hook(i.id)),
    'admin:rotateWebhookSecret': (i) =>
      call(spec['admin:rotateWebhookSecret'].output, 'POST', `${hook(i.id)}/rotate-secret`),
    'admin:testWebhook': (i) => call(spec['admin:testWebhook'].output, 'POST', `${hook(i.id)}/test`),
    'admin:listWebhookDeliveries': (i) => {
      const q = new URLSearchParams({ limit: String(i.limit) });
      if (i.cursor) q.set('cursor', i.cursor);
      return call(spec['admin:listWebhookDeliveries'].output, 'GET', `${hook(i.id)}/deliveries?${q}`);
    },
    'admin:retryWebhookDelivery': (i) =>
      call(
        spec['admin:retryWebhookDelivery'].output,
        'POST',
        `${hook(i.id)}/deliveries/${seg(i.deliveryId)}/retry`,
      ),
    'admin:listIntakes': () => all(spec['admin:listIntakes'].output.element, '/api/v1/intakes'),
    'admin:createIntake': (i) => call(spec['admin:createIntake'].output, 'POST', '/api/v1/intakes', i),
    'admin:rotateIntakeSecret': (i) =>
      call(spec['admin:rotateIntakeSecret'].output, 'POST', `/api/v1/intakes/${seg(i.id)}/rotate-secret`),
    'admin:deleteIntake': (i) => remove(`/api/v1/intakes/${seg(i.id)}`),
  };
}
