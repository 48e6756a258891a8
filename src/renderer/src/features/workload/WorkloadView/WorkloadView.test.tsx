import { describe, expect, it, vi } from 'vitest';
import type { Member } from '#contract/api/users';
import type { Workload } from '#contract/ipc/assignment';
import { fireEvent } from '@testing-library/react';
import { expectNoAxeViolations, render, screen, within } from '../../../test-utils/render';
import { WorkloadView, type WorkloadViewProps } from './WorkloadView';

const U = (n: number) => `0190a1b2-0000-7000-8000-${String(n).padStart(12, '0')}`;
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const member = (n: number, name: string, over: Partial<Member> = {}): Member => ({
  id: U(n),
  email: `${name.toLowerCase()}@x.test`,
  name,
  role: 'agent',
  deactivatedAt: null,
  joinedAt: '2026-01-01T00:00:00.000Z',
  availability: 'available',
  capacity: null,
  ...over,
});
const ana = member(1, 'Ana', { capacity: 2 });
const ben = member(2, 'Ben', { availability: 'away' });
const workload: Workload = {
  members: [
    {
      userId: ana.id,
      open: 2,
      pending: 1,
      oldestWaitingSince: '2026-03-01T11:48:00.000Z',
      conversations: [
        {
          id: U(30),
          status: 'open',
          contactName: 'Hana',
          contactPhone: null,
          waitingSince: '2026-03-01T11:48:00.000Z',
          teamId: U(10),
        },
        {
          id: U(31),
          status: 'pending',
          contactName: null,
          contactPhone: '+4915100',
          waitingSince: null,
          teamId: null,
        },
      ],
    },
  ],
  queues: [
    {
      teamId: U(10),
      unassigned: 1,
      oldestWaitingSince: '2026-03-01T11:00:00.000Z',
      conversations: [
        {
          id: U(20),
          status: 'open',
          contactName: 'Grace',
          contactPhone: null,
          waitingSince: '2026-03-01T11:00:00.000Z',
        },
      ],
    },
  ],
};

const setup = (over: Partial<WorkloadViewProps> = {}) => {
  const props: WorkloadViewProps = {
    workload,
    members: [ana, ben],
    teams: [
      { id: U(10), name: 'Support', memberIds: [ana.id, ben.id], createdAt: '2026-01-01T00:00:00.000Z' },
    ],
    autoAssign: { teamIds: [U(10)], whatsappAccountIds: [] },
    numbers: [],
    isAdmin: true,
    now: NOW,
    onAssign: vi.fn(),
    onSetCapacity: vi.fn(),
    onSetAutoAssign: vi.fn(),
    ...over,
  };
  return { props, ...render(<WorkloadView {...props} />) };
};

describe('WorkloadView', () => {
  it('shows each member with availability, load, capacity and the oldest wait', async () => {
    setup();
    const people = screen.getByRole('table', { name: 'People' });
    const anaRow = within(people).getByRole('img', { name: 'Ana — Available' }).closest('tr')!;
    expect(anaRow).toHaveTextContent('2 (full)');
    expect(anaRow).toHaveTextContent('12 min');
    expect(within(anaRow).getByRole('textbox', { name: 'Capacity of Ana' })).toHaveValue('2');
    const benRow = within(people).getByRole('img', { name: 'Ben — Away' }).closest('tr')!;
    expect(benRow).toHaveTextContent('No one');
    await expectNoAxeViolations();
  });

  it("lists a team's unassigned queue and assigns from its menu", async () => {
    const { props, user } = setup();
    const queue = screen.getByRole('region', { name: 'Support' });
    expect(queue).toHaveTextContent('1 unassigned · oldest waiting 1 h');
    await user.click(within(queue).getByRole('button', { name: 'Assign Grace' }));
    await user.click(await screen.findByRole('menuitem', { name: /Ben/ }));
    expect(props.onAssign).toHaveBeenCalledWith(U(20), ben.id);
  });

  it('commits a capacity on Enter, and an empty one as unlimited', async () => {
    const { props, user } = setup();
    const field = screen.getByRole('textbox', { name: 'Capacity of Ana' });
    await user.clear(field);
    await user.type(field, '5{Enter}');
    expect(props.onSetCapacity).toHaveBeenLastCalledWith(ana.id, 5);
    await user.clear(field);
    await user.tab();
    expect(props.onSetCapacity).toHaveBeenLastCalledWith(ana.id, null);
  });

  it('turns auto-assignment of a team on or off for admins only', async () => {
    const { props, user } = setup();
    await user.click(screen.getByRole('switch', { name: 'Auto-assign Support' }));
    expect(props.onSetAutoAssign).toHaveBeenCalledWith('team', U(10), false);
  });

  it('disables the switch for managers', () => {
    setup({ isAdmin: false });
    expect(screen.getByRole('switch', { name: 'Auto-assign Support' })).toBeDisabled();
  });

  it('assigns a queue row dropped on a member of its team, and offers only them', () => {
    const cy = member(3, 'Cy');
    const { props } = setup({ members: [ana, ben, cy] });
    const row = within(screen.getByRole('table', { name: 'Support queue' }))
      .getByText('Grace')
      .closest('tr')!;
    const people = screen.getByRole('table', { name: 'People' });
    const rowOf = (name: string) => within(people).getByText(name).closest('tr')!;
    const dataTransfer = { setData: vi.fn(), effectAllowed: '', dropEffect: '' };
    fireEvent.dragStart(row, { dataTransfer });
    expect(dataTransfer.setData).toHaveBeenCalledWith('application/x-parley-conversation', U(20));
    expect(rowOf('Ben')).toHaveAttribute('data-drop-target');
    expect(rowOf('Cy')).not.toHaveAttribute('data-drop-target');
    // Cy is not in Support: a drop there does nothing.
    fireEvent.dragOver(rowOf('Cy'), { dataTransfer });
    fireEvent.drop(rowOf('Cy'), { dataTransfer });
    expect(props.onAssign).not.toHaveBeenCalled();
    fireEvent.dragOver(rowOf('Ben'), { dataTransfer });
    fireEvent.drop(rowOf('Ben'), { dataTransfer });
    expect(props.onAssign).toHaveBeenCalledWith(U(20), ben.id);
    fireEvent.dragEnd(row, { dataTransfer });
    expect(rowOf('Ben')).not.toHaveAttribute('data-drop-target');
  });

  it("opens a member's conversations and reassigns one from its menu", async () => {
    const { props, user } = setup();
    expect(screen.getByRole('button', { name: 'Show Ben’s conversations' })).toBeDisabled();
    const show = screen.getByRole('button', { name: 'Show Ana’s conversations' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    await user.click(show);
    const list = screen.getByRole('table', { name: 'Ana’s conversations' });
    expect(
      within(list)
        .getAllByRole('row')
        .map((r) => r.textContent),
    ).toEqual([expect.stringContaining('Hana'), expect.stringContaining('+4915100')]);
    expect(screen.getByRole('button', { name: 'Hide Ana’s conversations' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    await user.click(within(list).getByRole('button', { name: 'Reassign Hana' }));
    // Only Support's other member: never Ana herself.
    expect((await screen.findAllByRole('menuitem')).map((m) => m.textContent)).toEqual([
      expect.stringContaining('Ben'),
    ]);
    await user.click(screen.getByRole('menuitem', { name: /Ben/ }));
    expect(props.onAssign).toHaveBeenCalledWith(U(30), ben.id);
    await expectNoAxeViolations();
  });

  it("reassigns a member's conversation dropped on a teammate, never on its holder", async () => {
    const cy = member(3, 'Cy');
    const { props, user } = setup({ members: [ana, ben, cy] });
    await user.click(screen.getByRole('button', { name: 'Show Ana’s conversations' }));
    const people = screen.getByRole('table', { name: 'People' });
    const rowOf = (name: string) =>
      within(people)
        .getByRole('img', { name: new RegExp(`^${name} —`) })
        .closest('tr')!;
    const list = screen.getByRole('table', { name: 'Ana’s conversations' });
    const dataTransfer = { setData: vi.fn(), effectAllowed: '', dropEffect: '' };
    // Hana's conversation is Support's: Ben may take it; Ana holds it; Cy is not in Support.
    fireEvent.dragStart(within(list).getByText('Hana').closest('tr')!, { dataTransfer });
    expect(rowOf('Ben')).toHaveAttribute('data-drop-target');
    expect(rowOf('Ana')).not.toHaveAttribute('data-drop-target');
    expect(rowOf('Cy')).not.toHaveAttribute('data-drop-target');
    fireEvent.drop(rowOf('Ana'), { dataTransfer });
    expect(props.onAssign).not.toHaveBeenCalled();
    fireEvent.dragOver(rowOf('Ben'), { dataTransfer });
    fireEvent.drop(rowOf('Ben'), { dataTransfer });
    expect(props.onAssign).toHaveBeenCalledWith(U(30), ben.id);
    // A conversation without a team may go to anyone but its holder.
    const noTeam = within(list).getByText('+4915100').closest('tr')!;
    fireEvent.dragStart(noTeam, { dataTransfer });
    expect(rowOf('Cy')).toHaveAttribute('data-drop-target');
    expect(rowOf('Ana')).not.toHaveAttribute('data-drop-target');
    fireEvent.dragEnd(noTeam, { dataTransfer });
  });
});
