import { describe, expect, it } from 'vitest';
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
import { ada, alan, supportNumber } from '../../../test-utils/settings-fixtures';
import { NumbersSection } from './NumbersSection';

const setup = (prepare?: (parley: ReturnType<typeof createFakeParley>) => void) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listNumbers'].mockResolvedValue(ok([supportNumber]));
  prepare?.(parley);
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
    const added = {
      ...supportNumber,
      id: '0190a1b2-0000-7000-8000-0000000000c2',
      name: 'Sales',
      webhookVerifiedAt: null,
    };
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
    // Live: waiting until Meta's handshake succeeded, which the dialog learns by re-reading.
    expect(within(done).getByRole('status')).toHaveTextContent('Waiting for Meta’s verification');
    parley['admin:listNumbers'].mockResolvedValue(
      ok([supportNumber, { ...added, webhookVerifiedAt: '2026-03-01T10:00:00.000Z' }]),
    );
    await waitFor(() => expect(within(done).getByRole('status')).toHaveTextContent('Verified by Meta'), {
      timeout: 5000,
    });
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

  it('shows whether Meta verified the webhook and sets the default team', async () => {
    const { user, parley } = setup((parley) => {
      parley['teams:list'].mockResolvedValue(
        ok([
          {
            id: '0190a1b2-0000-7000-8000-0000000000d1',
            name: 'Sales',
            memberIds: [],
            createdAt: supportNumber.createdAt,
          },
        ]),
      );
      parley['admin:setNumberDefaultTeam'].mockImplementation(async ({ teamId }) =>
        ok({ ...supportNumber, defaultTeamId: teamId }),
      );
    });
    const card = await screen.findByRole('article', { name: 'Number Support' });
    expect(card).toHaveTextContent('Webhook verified');
    await user.click(within(card).getByRole('combobox', { name: 'Default team of Support' }));
    await user.click(await screen.findByRole('option', { name: 'Sales' }));
    expect(parley['admin:setNumberDefaultTeam']).toHaveBeenCalledWith({
      id: supportNumber.id,
      teamId: '0190a1b2-0000-7000-8000-0000000000d1',
    });
    await waitFor(() =>
      expect(within(card).getByRole('combobox', { name: 'Default team of Support' })).toHaveValue('Sales'),
    );
    await expectNoAxeViolations();
  });

  it('gives a number to a member and back to the organization, and marks the default number', async () => {
    const { user, parley } = setup((p) => {
      p['members:list'].mockResolvedValue(
        ok([
          ada,
          alan,
          {
            ...alan,
            id: '0190a1b2-0000-7000-8000-0000000000b2',
            name: 'Gone Member',
            deactivatedAt: '2026-03-01T00:00:00.000Z',
          },
        ]),
      );
      p['admin:getOrganization'].mockImplementation(async () => {
        const base = await createFakeParley()['admin:getOrganization'](undefined);
        return base.ok ? ok({ ...base.value, defaultWhatsappAccountId: supportNumber.id }) : base;
      });
      p['admin:updateNumber'].mockImplementation(async ({ patch }) =>
        ok({ ...supportNumber, ownerUserId: patch.ownerUserId ?? null }),
      );
    });
    const card = await screen.findByRole('article', { name: 'Number Support' });
    await waitFor(() => expect(card).toHaveTextContent('Default number'));
    const owner = within(card).getByRole('combobox', { name: 'Owner of Support' });
    expect(owner).toHaveValue('The organization');
    await user.click(owner);
    // Deactivated members cannot be given a number.
    expect(screen.queryByRole('option', { name: 'Gone Member' })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'Alan Turing' }));
    expect(parley['admin:updateNumber']).toHaveBeenLastCalledWith({
      id: supportNumber.id,
      patch: { ownerUserId: alan.id },
    });
    await waitFor(() => expect(owner).toHaveValue('Alan Turing'));
    await expectNoAxeViolations();

    await user.click(owner);
    await user.click(await screen.findByRole('option', { name: 'The organization' }));
    expect(parley['admin:updateNumber']).toHaveBeenLastCalledWith({
      id: supportNumber.id,
      patch: { ownerUserId: null },
    });
    await waitFor(() => expect(owner).toHaveValue('The organization'));
  });

  it('says so when the owner was not changed', async () => {
    const { user, parley } = setup((p) => {
      p['members:list'].mockResolvedValue(ok([ada, alan]));
      p['admin:updateNumber'].mockResolvedValue(
        err({ code: 'invalid_input', message: 'The owner must be an active member of the organization.' }),
      );
    });
    const card = await screen.findByRole('article', { name: 'Number Support' });
    await user.click(within(card).getByRole('combobox', { name: 'Owner of Support' }));
    await user.click(await screen.findByRole('option', { name: 'Alan Turing' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The owner of Support was not changed');
    expect(alert).toHaveTextContent('active member');
    expect(parley['admin:updateNumber']).toHaveBeenCalledTimes(1);
  });
});
