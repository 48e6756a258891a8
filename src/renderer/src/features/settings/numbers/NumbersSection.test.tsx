import { describe, expect, it } from 'vitest';
import { err, ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  within,
} from '../../../test-utils/render';
import { supportNumber } from '../../../test-utils/settings-fixtures';
import { NumbersSection } from './NumbersSection';

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listNumbers'].mockResolvedValue(ok([supportNumber]));
  return render(<NumbersSection />, { parley });
};

const fillConnectForm = async (user: ReturnType<typeof setup>['user'], dialog: HTMLElement) => {
  await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Sales');
  await user.type(within(dialog).getByRole('textbox', { name: /Phone number ID/ }), '111222333');
  await user.type(within(dialog).getByRole('textbox', { name: /WhatsApp Business Account ID/ }), '444555666');
  await user.type(within(dialog).getByLabelText(/^Access token/), 'EAAG-a-long-token');
  await user.type(within(dialog).getByLabelText(/^App secret/), 'app-secret-123');
};

describe('NumbersSection', () => {
  it('lists numbers with status, quality and throughput', async () => {
    setup();
    const card = await screen.findByRole('article', { name: 'Number Support' });
    expect(card).toHaveTextContent('Connected');
    expect(card).toHaveTextContent('+1 631-555-5555');
    expect(card).toHaveTextContent('Quality: GREEN · Throughput: 80 messages/s');
    expect(within(card).getByRole('button', { name: 'Copy Webhook URL of Support' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('connects a number, then shows the webhook URL and verify token with copy buttons', async () => {
    const { user, parley } = setup();
    const added = { ...supportNumber, id: '0190a1b2-0000-7000-8000-0000000000c2', name: 'Sales' };
    parley['admin:connectNumber'].mockResolvedValue(ok(added));
    await user.click(await screen.findByRole('button', { name: 'Connect number' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a WhatsApp number' });
    const verifyToken = within(dialog).getByRole('textbox', { name: /Verify token/ });
    expect((verifyToken as HTMLInputElement).value.length).toBeGreaterThanOrEqual(16);
    await fillConnectForm(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Verify and connect' }));
    const done = await screen.findByRole('dialog', { name: 'Number connected' });
    expect(within(done).getByRole('textbox', { name: 'Webhook URL' })).toHaveValue(added.webhookUrl);
    expect(within(done).getByRole('button', { name: 'Copy Verify token' })).toBeInTheDocument();
    expect(parley['admin:connectNumber']).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Sales', phoneNumberId: '111222333', businessAccountId: '444555666' }),
    );
    await user.click(within(done).getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('article', { name: 'Number Sales' })).toBeInTheDocument();
  });

  it('explains Meta’s refusal in words and checks ids before sending', async () => {
    const { user, parley } = setup();
    parley['admin:connectNumber'].mockResolvedValue(
      err({ code: 'meta_token_invalid', message: 'Error validating access token: Session has expired.' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Connect number' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect a WhatsApp number' });
    await user.type(within(dialog).getByRole('textbox', { name: /Phone number ID/ }), 'abc');
    await user.click(within(dialog).getByRole('button', { name: 'Verify and connect' }));
    expect(await within(dialog).findByText(/Phone number ID is the numeric id/)).toBeInTheDocument();
    expect(parley['admin:connectNumber']).not.toHaveBeenCalled();
    await user.clear(within(dialog).getByRole('textbox', { name: /Phone number ID/ }));
    await fillConnectForm(user, dialog);
    await user.click(within(dialog).getByRole('button', { name: 'Verify and connect' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Meta refused the access token: Error validating access token');
    expect(alert).toHaveTextContent('system-user token');
  });

  it('syncs templates and disconnects after confirming', async () => {
    const { user, parley } = setup();
    parley['admin:syncTemplates'].mockResolvedValue(ok({ synced: 12, changed: 3, markedDeleted: 1 }));
    await user.click(await screen.findByRole('button', { name: 'Sync templates of Support' }));
    expect(
      await screen.findByText(/Synced 12 templates \(3 new or changed, 1 removed\)/),
    ).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Disconnect Support' }));
    const dialog = await screen.findByRole('dialog', { name: 'Disconnect Support?' });
    expect(dialog).toHaveTextContent('conversations and history are kept');
    parley['admin:listNumbers'].mockResolvedValue(ok([{ ...supportNumber, status: 'disconnected' }]));
    await user.click(within(dialog).getByRole('button', { name: 'Disconnect' }));
    expect(parley['admin:disconnectNumber']).toHaveBeenCalledWith({ id: supportNumber.id });
    expect(await screen.findByText('Disconnected')).toBeInTheDocument();
  });
});
