import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '#contract/api/audit';
import { ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
} from '../../../test-utils/render';
import { AuditSection } from './AuditSection';

const event = (n: number, action = 'member.invited'): AuditEvent => ({
  id: `0190a1b2-0000-7000-8000-0000000001${String(n).padStart(2, '0')}`,
  occurredAt: '2026-03-01T10:00:00.000Z',
  actor: { kind: 'user', id: signedInSession.user.id, label: 'Ada Lovelace' },
  action,
  target: { type: 'member', id: 'x', label: `Member ${n}` },
  summary: `Invited member ${n}`,
  details: {},
  ip: null,
});

describe('AuditSection', () => {
  it('lists events, pages with the cursor and filters by subject', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['admin:listAuditEvents'].mockImplementation(async (input) =>
      input.cursor
        ? ok({ data: [event(2)], nextCursor: null })
        : input.action
          ? ok({ data: [event(3, 'team.created')], nextCursor: null })
          : ok({ data: [event(1)], nextCursor: 'c1' }),
    );
    const { user } = render(<AuditSection />, { parley });
    expect(await screen.findByText('Invited member 1')).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Audit log' })).toBeInTheDocument();
    await expectNoAxeViolations();
    await user.click(screen.getByRole('button', { name: 'Load older events' }));
    expect(await screen.findByText('Invited member 2')).toBeInTheDocument();
    expect(screen.getByText('Invited member 1')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load older events' })).not.toBeInTheDocument();
    expect(parley['admin:listAuditEvents']).toHaveBeenLastCalledWith({ limit: 50, cursor: 'c1' });

    await user.click(screen.getByRole('combobox', { name: 'Show' }));
    await user.click(await screen.findByRole('option', { name: 'Teams' }));
    expect(await screen.findByText('Invited member 3')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByText('Invited member 1')).not.toBeInTheDocument());
    expect(parley['admin:listAuditEvents']).toHaveBeenLastCalledWith({ limit: 50, action: 'team.*' });
  });
});
