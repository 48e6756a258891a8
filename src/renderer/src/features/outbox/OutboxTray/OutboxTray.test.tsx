import { describe, expect, it, vi } from 'vitest';
import type { OutboxItem, SyncStatus } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
  within,
} from '../../../test-utils/render';
import { OutboxTray } from './OutboxTray';

const status: SyncStatus = {
  state: 'offline',
  offlineSince: null,
  progress: null,
  outboxSize: 2,
  lastError: null,
  failedCount: 1,
};

const items: OutboxItem[] = [
  {
    mutationId: 11,
    name: 'message.send',
    state: 'queued',
    conversationId: '0190c000-0000-7000-8000-000000000001',
    summary: 'Message to Maria Souza: On my way',
    text: 'On my way',
    error: null,
    createdAt: '2026-03-04T10:00:00.000Z',
    canRetry: false,
    canDiscard: true,
  },
  {
    mutationId: 12,
    name: 'message.send',
    state: 'failed',
    conversationId: '0190c000-0000-7000-8000-000000000002',
    summary: 'Message to João Silva: Your refund',
    text: 'Your refund',
    error: { code: 'rate_limited', message: 'Too many messages at once; wait a minute.' },
    createdAt: '2026-03-04T10:01:00.000Z',
    canRetry: true,
    canDiscard: true,
  },
] as OutboxItem[];

function setup(list: OutboxItem[] = items, onOpenConversation = vi.fn()) {
  const parley = createFakeParley({ session: signedInSession });
  parley['outbox:list'].mockResolvedValue(ok(list));
  return {
    ...render(<OutboxTray status={status} onOpenConversation={onOpenConversation} />, { parley }),
    onOpenConversation,
  };
}

describe('OutboxTray', () => {
  it('names the button with what waits and what failed', async () => {
    setup();
    expect(screen.getByRole('button', { name: 'Outbox, 1 failed, 2 waiting' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('lists pending and failed writes with the reason, and retries, discards and copies', async () => {
    const { user, parley } = setup();
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await user.click(screen.getByRole('button', { name: /^Outbox/ }));
    const tray = await screen.findByRole('dialog', { name: /^Outbox/ });
    const rows = await within(tray).findAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByText('Queued')).toBeInTheDocument();
    expect(within(rows[0]!).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    expect(within(rows[1]!).getByText('Failed')).toBeInTheDocument();
    expect(within(rows[1]!).getByText('Too many messages at once; wait a minute.')).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.click(within(rows[1]!).getByRole('button', { name: 'Retry' }));
    expect(parley['outbox:retry']).toHaveBeenCalledWith({ mutationId: 12 });
    await user.click(within(rows[0]!).getByRole('button', { name: 'Discard' }));
    expect(parley['outbox:discard']).toHaveBeenCalledWith({ mutationId: 11 });
    await user.click(within(rows[1]!).getByRole('button', { name: 'Copy text' }));
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('Your refund'));
  });

  it('offers Send a template, not Retry, for a message refused after the window closed', async () => {
    const closed: OutboxItem = {
      ...items[1]!,
      error: {
        code: 'window_closed',
        message: 'The 24-hour reply window closed at 2026-12-05T19:35:01Z; send an approved template.',
      },
      canRetry: false,
    };
    const { user, onOpenConversation } = setup([closed]);
    await user.click(screen.getByRole('button', { name: /^Outbox/ }));
    const [row] = await screen.findAllByRole('listitem');
    expect(row).not.toHaveTextContent('2026-12-05T19:35:01Z');
    expect(
      within(row!).getByText(/^The 24-hour reply window closed at .+; send an approved template\.$/),
    ).toBeVisible();
    expect(within(row!).getByText('Details').closest('details')).toHaveTextContent('window_closed');
    expect(within(row!).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
    await user.click(within(row!).getByRole('button', { name: 'Send a template' }));
    expect(onOpenConversation).toHaveBeenCalledWith(closed.conversationId);
  });

  it('reads the list again when the outbox changes', async () => {
    const { user, parley } = setup();
    await user.click(screen.getByRole('button', { name: /^Outbox/ }));
    await screen.findAllByRole('listitem');
    parley['outbox:list'].mockResolvedValue(ok([]));
    parley.emit('replica:changed', { tables: ['outbox'] });
    expect(await screen.findByText('Nothing waiting to send.')).toBeInTheDocument();
  });
});
