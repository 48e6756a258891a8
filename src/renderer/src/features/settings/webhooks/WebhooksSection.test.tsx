import { describe, expect, it } from 'vitest';
import type { WebhookDelivery, WebhookEndpoint } from '#contract/api/webhooks';
import { err, ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
  within,
} from '../../../test-utils/render';
import { WebhooksSection } from './WebhooksSection';

const URL_A = 'https://crm.example.com/parley';
const crm: WebhookEndpoint = {
  id: '0190a1b2-0000-7000-8000-0000000000f1',
  url: URL_A,
  events: ['message.received', 'contact.created'],
  description: 'CRM',
  enabled: true,
  disabledReason: null,
  previousSecretExpiresAt: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
};
const delivery = (n: number, over: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: `0190a1b2-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`,
  eventId: '0190a1b2-0000-7000-8000-000000000200',
  eventType: 'message.received',
  state: 'failed',
  attempts: [
    {
      at: '2026-03-01T10:00:00.000Z',
      durationMs: 31,
      responseStatus: 500,
      responseBody: 'oops',
      error: null,
    },
  ],
  nextAttemptAt: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  ...over,
});

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listWebhooks'].mockResolvedValue(ok([crm]));
  parley['admin:listWebhookDeliveries'].mockResolvedValue(ok({ data: [delivery(1)], nextCursor: null }));
  return render(<WebhooksSection />, { parley });
};

describe('WebhooksSection', () => {
  it('lists endpoints with events, state and last delivery', async () => {
    setup();
    const card = await screen.findByRole('article', { name: URL_A });
    expect(within(card).getByText('Events: message.received, contact.created')).toBeInTheDocument();
    expect(within(card).getByText('Enabled')).toBeInTheDocument();
    expect(
      await within(card).findByText(/Last delivery: message.received, failed \(500 in 31 ms\)/),
    ).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('sends a test event and shows the answer: status, duration and the start of the body', async () => {
    const { parley, user } = setup();
    parley['admin:testWebhook'].mockResolvedValue(
      ok(
        delivery(2, {
          eventType: 'webhook.test',
          state: 'succeeded',
          attempts: [
            {
              at: '2026-03-01T11:00:00.000Z',
              durationMs: 12,
              responseStatus: 200,
              responseBody: '{"received":true}',
              error: null,
            },
          ],
        }),
      ),
    );
    await user.click(await screen.findByRole('button', { name: `Send test event to ${URL_A}` }));
    expect(await screen.findByText('Test event delivered')).toBeInTheDocument();
    expect(screen.getByText('The endpoint answered 200 in 12 ms.')).toBeInTheDocument();
    expect(screen.getByText('{"received":true}')).toBeInTheDocument();
    expect(parley['admin:testWebhook']).toHaveBeenCalledWith({ id: crm.id });
    await expectNoAxeViolations();
  });

  it('shows the delivery log and retries a delivery', async () => {
    const { parley, user } = setup();
    parley['admin:retryWebhookDelivery'].mockResolvedValue(
      ok(delivery(1, { state: 'pending', nextAttemptAt: '2026-03-01T12:00:00.000Z' })),
    );
    await user.click(await screen.findByRole('button', { name: `Show delivery log of ${URL_A}` }));
    const log = await screen.findByRole('table', { name: `Deliveries to ${URL_A}` });
    const row = within(log).getByText('Failed').closest('tr')!;
    expect(within(row).getByText('500 in 31 ms')).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: /^Retry message.received delivery/ }));
    expect(await within(log).findByText('Retrying')).toBeInTheDocument();
    expect(parley['admin:retryWebhookDelivery']).toHaveBeenCalledWith({
      id: crm.id,
      deliveryId: delivery(1).id,
    });
  });

  it('adds an endpoint (URL checked by the shared schema) and shows its secret once', async () => {
    const { parley, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Add endpoint' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a webhook endpoint' });
    await user.type(within(dialog).getByRole('textbox', { name: 'Endpoint URL' }), 'not a url');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(await within(dialog).findByText('Enter an absolute https:// URL')).toBeInTheDocument();
    expect(within(dialog).getByText('Subscribe to at least one event type (or "*")')).toBeInTheDocument();

    parley['admin:createWebhook'].mockResolvedValueOnce(
      err({
        code: 'invalid_input',
        message: 'The URL points at a private address',
        details: { fields: [{ path: 'body.url', message: 'The URL points at a private address' }] },
      }),
    );
    const url = within(dialog).getByRole('textbox', { name: 'Endpoint URL' });
    await user.clear(url);
    await user.type(url, 'https://10.0.0.1/hook');
    await user.click(within(dialog).getByRole('checkbox', { name: /All events/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(await within(dialog).findByText('The URL points at a private address')).toBeInTheDocument();

    const added = {
      ...crm,
      id: '0190a1b2-0000-7000-8000-0000000000f2',
      url: 'https://erp.example.com/h',
      events: ['*'],
    };
    parley['admin:createWebhook'].mockResolvedValueOnce(ok({ ...added, secret: 'whsec_c2VjcmV0' }));
    await user.clear(url);
    await user.type(url, 'https://erp.example.com/h');
    await user.click(within(dialog).getByRole('button', { name: 'Add endpoint' }));
    expect(parley['admin:createWebhook']).toHaveBeenLastCalledWith({
      url: 'https://erp.example.com/h',
      events: ['*'],
      enabled: true,
    });
    const shown = await screen.findByRole('dialog', { name: 'Webhook endpoint added' });
    const secret = within(shown).getByLabelText('Signing secret');
    expect(secret).toHaveAttribute('type', 'password');
    await user.click(within(shown).getByRole('button', { name: 'Reveal signing secret' }));
    expect(secret).toHaveAttribute('type', 'text');
    expect(secret).toHaveValue('whsec_c2VjcmV0');
    expect(within(shown).getByRole('button', { name: 'Copy signing secret' })).toBeInTheDocument();
    expect(within(shown).getByRole('note')).toHaveTextContent('cannot show this secret again');
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('article', { name: 'https://erp.example.com/h' })).toBeInTheDocument();
  });

  it('rotates, disables and deletes only after confirmations that say what happens', async () => {
    const { parley, user } = setup();
    parley['admin:rotateWebhookSecret'].mockResolvedValue(
      ok({ ...crm, previousSecretExpiresAt: '2026-03-02T10:00:00.000Z', secret: 'whsec_bmV3' }),
    );
    parley['admin:updateWebhook'].mockResolvedValue(ok({ ...crm, enabled: false }));

    await user.click(await screen.findByRole('button', { name: `Rotate secret of ${URL_A}` }));
    let dialog = await screen.findByRole('dialog', { name: 'Rotate the signing secret?' });
    expect(dialog).toHaveTextContent('keeps signing every delivery beside the new one for 24 hours');
    await user.click(within(dialog).getByRole('button', { name: 'Rotate secret' }));
    const shown = await screen.findByRole('dialog', { name: 'New signing secret' });
    expect(within(shown).getByLabelText('Signing secret')).toHaveValue('whsec_bmV3');
    await user.click(within(shown).getByRole('button', { name: 'Done' }));

    await user.click(screen.getByRole('button', { name: `Disable ${URL_A}` }));
    dialog = await screen.findByRole('dialog', { name: `Disable ${URL_A}?` });
    expect(dialog).toHaveTextContent('not sent to it later');
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));
    expect(parley['admin:updateWebhook']).toHaveBeenCalledWith({ id: crm.id, patch: { enabled: false } });
    expect(await screen.findByRole('button', { name: `Enable ${URL_A}` })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: `Delete ${URL_A}` }));
    dialog = await screen.findByRole('dialog', { name: `Delete ${URL_A}?` });
    expect(dialog).toHaveTextContent('deletes its delivery log');
    await user.click(within(dialog).getByRole('button', { name: 'Delete endpoint' }));
    expect(parley['admin:deleteWebhook']).toHaveBeenCalledWith({ id: crm.id });
    await waitFor(() => expect(screen.queryByRole('article', { name: URL_A })).not.toBeInTheDocument());
  });
});
