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
import { ada, alan, userAs } from '../../../test-utils/settings-fixtures';
import { TeamsSection } from './TeamsSection';

const sales = {
  id: '0190a1b2-0000-7000-8000-0000000000d1',
  name: 'Sales',
  memberIds: [alan.id],
  createdAt: ada.joinedAt,
};

const setup = (role: 'admin' | 'manager', online = true) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['teams:list'].mockResolvedValue(ok([sales]));
  parley['members:list'].mockResolvedValue(ok([ada, alan]));
  return render(<TeamsSection user={userAs(role)} online={online} />, { parley });
};

describe('TeamsSection', () => {
  it('lets admins create, rename, delete teams and change members', async () => {
    const { user, parley } = setup('admin');
    const card = await screen.findByRole('article', { name: 'Team Sales' });
    expect(within(card).getByText('Alan Turing')).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.type(screen.getByRole('textbox', { name: 'New team name' }), 'Support');
    await user.click(screen.getByRole('button', { name: 'Create team' }));
    expect(parley['admin:createTeam']).toHaveBeenCalledWith({ name: 'Support', memberIds: [] });

    await user.click(within(card).getByRole('button', { name: 'Remove Alan Turing from Sales' }));
    expect(parley['admin:setTeamMember']).toHaveBeenCalledWith({
      teamId: sales.id,
      userId: alan.id,
      member: false,
    });

    parley['admin:renameTeam'].mockResolvedValue(ok({ ...sales, name: 'Sales EU' }));
    await user.click(within(card).getByRole('button', { name: 'Rename team Sales' }));
    const name = within(card).getByRole('textbox', { name: 'Team name' });
    await user.clear(name);
    await user.type(name, 'Sales EU{Enter}');
    expect(parley['admin:renameTeam']).toHaveBeenCalledWith({ id: sales.id, name: 'Sales EU' });

    await user.click(within(card).getByRole('button', { name: 'Delete team Sales' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete team Sales?' });
    expect(dialog).toHaveTextContent('Its conversations stay');
    await user.click(within(dialog).getByRole('button', { name: 'Delete team' }));
    expect(parley['admin:deleteTeam']).toHaveBeenCalledWith({ id: sales.id });
  });

  it('shows a duplicate name on the name field', async () => {
    const { user, parley } = setup('admin');
    parley['admin:createTeam'].mockResolvedValue(
      err({ code: 'conflict', message: 'A team named Sales exists' }),
    );
    await user.type(await screen.findByRole('textbox', { name: 'New team name' }), 'Sales');
    await user.click(screen.getByRole('button', { name: 'Create team' }));
    expect(await screen.findByText('A team named Sales exists')).toBeInTheDocument();
  });

  it('shows managers the teams read-only', async () => {
    setup('manager');
    expect(await screen.findByRole('article', { name: 'Team Sales' })).toBeInTheDocument();
    expect(screen.getByText('Only admins can change teams.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Create team' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Delete team/ })).not.toBeInTheDocument();
  });

  it('still lists teams offline, and says changes need a connection', async () => {
    setup('admin', false);
    expect(await screen.findByRole('article', { name: 'Team Sales' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Connect to change teams.');
    expect(screen.queryByRole('button', { name: 'Create team' })).not.toBeInTheDocument();
  });
});
