import { describe, expect, it, vi } from 'vitest';
import type { Member } from '#contract/api/users';
import type { Workload } from '#contract/ipc/assignment';
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
  members: [{ userId: ana.id, open: 2, pending: 1, oldestWaitingSince: '2026-03-01T11:48:00.000Z' }],
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
});
