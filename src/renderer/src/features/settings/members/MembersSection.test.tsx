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
import { ada, alan, userAs } from '../../../test-utils/settings-fixtures';
import { MembersSection } from './MembersSection';

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listMembers'].mockResolvedValue(
    ok([
      { ...ada, lastActiveAt: new Date().toISOString() },
      { ...alan, availability: 'away', lastActiveAt: null },
    ]),
  );
  parley['teams:list'].mockResolvedValue(
    ok([
      {
        id: '0190a1b2-0000-7000-8000-0000000000d1',
        name: 'Sales',
        memberIds: [alan.id],
        createdAt: ada.joinedAt,
      },
    ]),
  );
  return render(<MembersSection user={userAs('admin')} />, { parley });
};

describe('MembersSection', () => {
  it('lists members with role, status, last active, capacity and teams', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'Members' });
    const row = within(table).getByText('Alan Turing').closest('tr')!;
    expect(within(row).getByDisplayValue('Agent')).toHaveAccessibleName('Role of Alan Turing');
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(within(row).getByText('Never')).toBeInTheDocument();
    expect(within(row).getByRole('textbox', { name: 'Capacity of Alan Turing' })).toHaveValue('');
    const adaRow = within(table).getByText('Ada Lovelace (you)').closest('tr')!;
    expect(within(adaRow).getByText('Now')).toBeInTheDocument();
    // Your own password is changed in Profile, not reset here.
    expect(within(adaRow).queryByRole('button', { name: /Reset password/ })).toBeNull();
    expect(await within(row).findByText('Sales')).toBeInTheDocument();
    expect(within(table).getByText('Ada Lovelace (you)')).toBeInTheDocument();
    expect(within(row).getByRole('img', { name: 'Alan Turing — Away' })).toHaveAttribute(
      'data-availability',
      'away',
    );
    await expectNoAxeViolations();
  });

  it('invites by link and shows the link once with a copy button', async () => {
    const { parley, user } = setup();
    parley['admin:inviteMember'].mockResolvedValue(
      ok({
        mode: 'link',
        invitation: {
          id: '0190a1b2-0000-7000-8000-0000000000e1',
          email: 'grace@example.com',
          name: 'Grace Hopper',
          role: 'agent',
          expiresAt: '2026-12-14T00:00:00.000Z',
        },
        inviteUrl: 'https://parley.example.com/invite#secret-token',
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Invite member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite a member' });
    await user.click(within(dialog).getByRole('button', { name: 'Invite' }));
    expect(await within(dialog).findByText('Enter a valid e-mail address')).toBeInTheDocument();
    expect(parley['admin:inviteMember']).not.toHaveBeenCalled();
    await user.type(within(dialog).getByRole('textbox', { name: /E-mail/ }), 'Grace@Example.com');
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Grace Hopper');
    await user.click(within(dialog).getByRole('button', { name: 'Invite' }));
    expect(await within(dialog).findByRole('textbox', { name: 'Invite link' })).toHaveValue(
      'https://parley.example.com/invite#secret-token',
    );
    expect(within(dialog).getByRole('button', { name: 'Copy Invite link' })).toBeInTheDocument();
    expect(within(dialog).getByRole('note')).toHaveTextContent('Shown only once');
    expect(parley['admin:inviteMember']).toHaveBeenCalledWith({
      email: 'grace@example.com',
      name: 'Grace Hopper',
      role: 'agent',
      mode: 'link',
    });
    await expectNoAxeViolations();
  });

  it('puts the server’s field error on the field it names', async () => {
    const { parley, user } = setup();
    parley['admin:inviteMember'].mockResolvedValue(
      err({
        code: 'invalid_input',
        message: 'Invalid input',
        details: { fields: [{ path: 'body.name', message: 'That name is too long for us' }] },
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Invite member' }));
    const dialog = await screen.findByRole('dialog', { name: 'Invite a member' });
    await user.type(within(dialog).getByRole('textbox', { name: /E-mail/ }), 'grace@example.com');
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Grace');
    await user.click(within(dialog).getByRole('button', { name: 'Invite' }));
    expect(await within(dialog).findByText('That name is too long for us')).toBeInTheDocument();
  });

  it('confirms before deactivating, says what happens, and explains the last-admin guard', async () => {
    const { parley, user } = setup();
    parley['admin:updateMember'].mockResolvedValue(
      err({ code: 'conflict', message: 'An organization needs at least one active admin' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Actions for Ada Lovelace' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Deactivate…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Deactivate Ada Lovelace?' });
    expect(dialog).toHaveTextContent('signed out on every device');
    await user.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect(parley['admin:updateMember']).toHaveBeenCalledWith({ id: ada.id, patch: { deactivated: true } });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Ada Lovelace was not deactivated');
    expect(alert).toHaveTextContent('at least one active admin');
    expect(screen.getByText(/the last admin cannot be demoted or deactivated/)).toBeInTheDocument();
  });

  it('deactivates and reactivates a member', async () => {
    const { parley, user } = setup();
    parley['admin:updateMember'].mockImplementation(async ({ patch }) =>
      ok({ ...alan, deactivatedAt: patch.deactivated ? '2026-03-01T00:00:00.000Z' : null }),
    );
    await user.click(await screen.findByRole('button', { name: 'Actions for Alan Turing' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Deactivate…' }));
    await user.click(
      within(await screen.findByRole('dialog', { name: 'Deactivate Alan Turing?' })).getByRole('button', {
        name: 'Deactivate',
      }),
    );
    await user.click(await screen.findByRole('button', { name: 'Actions for Alan Turing' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reactivate' }));
    await waitFor(() =>
      expect(
        within(screen.getByRole('row', { name: /Alan Turing/ })).getByText('Active'),
      ).toBeInTheDocument(),
    );
    expect(parley['admin:updateMember']).toHaveBeenLastCalledWith({
      id: alan.id,
      patch: { deactivated: false },
    });
  });

  it('resets a password after saying what happens, and shows it once with a copy button', async () => {
    const { parley, user } = setup();
    parley['admin:resetPassword'].mockResolvedValue(ok({ temporaryPassword: 'Tmp-Pass-123456' }));
    await user.click(await screen.findByRole('button', { name: 'Actions for Alan Turing' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reset password…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset Alan Turing’s password?' });
    expect(dialog).toHaveTextContent('signed out on every device');
    expect(parley['admin:resetPassword']).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    expect(parley['admin:resetPassword']).toHaveBeenCalledWith({ id: alan.id });
    const done = await screen.findByRole('dialog', { name: 'New password for Alan Turing' });
    expect(within(done).getByRole('textbox', { name: 'Temporary password' })).toHaveValue('Tmp-Pass-123456');
    expect(within(done).getByRole('button', { name: 'Copy Temporary password' })).toBeInTheDocument();
    expect(within(done).getByRole('note')).toHaveTextContent('Shown only once');
    await expectNoAxeViolations();
  });

  it('says why a reset was refused', async () => {
    const { parley, user } = setup();
    parley['admin:resetPassword'].mockResolvedValue(
      err({ code: 'conflict', message: 'Alan Turing’s account also belongs to another organization' }),
    );
    await user.click(await screen.findByRole('button', { name: 'Actions for Alan Turing' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Reset password…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset Alan Turing’s password?' });
    await user.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('password was not reset');
    expect(alert).toHaveTextContent('another organization');
  });

  it('changes capacity through the workload’s channel', async () => {
    const { parley, user } = setup();
    parley['members:setCapacity'].mockResolvedValue(ok({ ...alan, capacity: 4 }));
    const field = await screen.findByRole('textbox', { name: 'Capacity of Alan Turing' });
    await user.type(field, '4{Enter}');
    expect(parley['members:setCapacity']).toHaveBeenCalledWith({ id: alan.id, capacity: 4 });
    await waitFor(() => expect(field).toHaveValue('4'));
  });
});
