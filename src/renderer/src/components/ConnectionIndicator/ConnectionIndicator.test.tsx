import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '#contract/ipc/contract';
import { expectNoAxeViolations, render, screen } from '../../test-utils/render';
import { ConnectionIndicator } from './ConnectionIndicator';
import { formatTimeOfDay } from './connection-label';

const base: SyncStatus = {
  state: 'online',
  offlineSince: null,
  progress: null,
  outboxSize: 0,
  lastError: null,
};

describe('ConnectionIndicator', () => {
  it.each([
    [base, 'Connection: Online'],
    [{ ...base, state: 'connecting' }, 'Connection: Connecting'],
    [{ ...base, state: 'syncing', progress: { done: 40, total: 100 } }, 'Connection: Syncing 40 of 100'],
    [{ ...base, state: 'offline' }, 'Connection: Offline'],
  ] as [SyncStatus, string][])('names the state in words (%o)', async (status, name) => {
    render(<ConnectionIndicator status={status} />);
    expect(screen.getByRole('status', { name })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('says since when it is offline, and what is waiting', () => {
    const since = '2025-01-02T10:42:00';
    render(
      <ConnectionIndicator
        status={{ ...base, state: 'offline', offlineSince: since, outboxSize: 3, lastError: 'Network down' }}
      />,
    );
    const status = screen.getByRole('status', {
      name: `Connection: Offline since ${formatTimeOfDay(since)}`,
    });
    expect(status).toHaveTextContent(/10:42/);
    expect(status).toHaveAttribute('title', '3 changes waiting to send. Network down');
  });
});
