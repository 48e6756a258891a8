import { describe, expect, it } from 'vitest';
import type { Label } from '#contract/api/labels';
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
import { userAs } from '../../../test-utils/settings-fixtures';
import { LabelsSection } from './LabelsSection';

const vip: Label = {
  id: '0190a1b2-0000-7000-8000-0000000000e1',
  name: 'VIP',
  color: 'yellow',
  createdAt: '2026-01-01T00:00:00.000Z',
};

const setup = (role: 'admin' | 'manager' | 'agent', online = true) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['labels:list'].mockResolvedValue(ok([vip]));
  return render(<LabelsSection user={userAs(role)} online={online} />, { parley });
};

describe('LabelsSection', () => {
  it('lets managers create, rename, recolour and delete labels', async () => {
    const { user, parley } = setup('manager');
    const row = await screen.findByRole('listitem', { name: 'Label VIP' });
    await expectNoAxeViolations();

    parley['admin:createLabel'].mockResolvedValue(
      ok({ ...vip, id: '0190a1b2-0000-7000-8000-0000000000e2', name: 'Refund', color: 'blue' }),
    );
    await user.type(screen.getByRole('textbox', { name: 'New label name' }), 'Refund');
    await user.click(screen.getByRole('button', { name: 'Create label' }));
    expect(parley['admin:createLabel']).toHaveBeenCalledWith({ name: 'Refund', color: 'blue' });
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'New label name' })).toHaveValue(''));

    // A name already taken: the server's sentence lands on the field.
    parley['admin:createLabel'].mockResolvedValue(
      err({ code: 'conflict', message: 'A label with this name already exists' }),
    );
    await user.type(screen.getByRole('textbox', { name: 'New label name' }), 'vip');
    await user.click(screen.getByRole('button', { name: 'Create label' }));
    expect(await screen.findByText('A label with this name already exists')).toBeInTheDocument();

    parley['admin:updateLabel'].mockResolvedValue(ok({ ...vip, name: 'Gold' }));
    await user.click(within(row).getByRole('button', { name: 'Edit label VIP' }));
    const name = within(row).getByRole('textbox', { name: 'Label name' });
    await user.clear(name);
    await user.type(name, 'Gold');
    await user.click(within(row).getByRole('button', { name: 'Save' }));
    expect(parley['admin:updateLabel']).toHaveBeenCalledWith({ id: vip.id, patch: { name: 'Gold' } });

    await user.click(within(row).getByRole('button', { name: 'Delete label VIP' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete label VIP?' });
    expect(dialog).toHaveTextContent('removed from every conversation');
    await user.click(within(dialog).getByRole('button', { name: 'Delete label' }));
    expect(parley['admin:deleteLabel']).toHaveBeenCalledWith({ id: vip.id });
  });

  it('shows agents the labels without any control, and says offline what needs a connection', async () => {
    const { unmount } = setup('agent');
    expect(await screen.findByRole('listitem', { name: 'Label VIP' })).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Edit label|Delete label|Create label/ }),
    ).not.toBeInTheDocument();
    unmount();
    setup('admin', false);
    expect(await screen.findByRole('listitem', { name: 'Label VIP' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Connect to change labels.');
    expect(screen.queryByRole('button', { name: 'Create label' })).not.toBeInTheDocument();
  });
});
