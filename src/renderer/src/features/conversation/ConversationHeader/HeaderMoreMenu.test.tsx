import { fireEvent } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeConversation } from '../../../test-utils/conversation-fixtures';
import { expectNoAxeViolations, render, screen } from '../../../test-utils/render';
import type { ConversationActions } from '../useConversationActions';
import { HEADER_FIT_STEPS, HeaderMoreMenu, headerFit } from './HeaderMoreMenu';

function fakeActions(): ConversationActions {
  return {
    setStatus: vi.fn(async () => {}),
    assign: vi.fn(async () => {}),
    claim: vi.fn(async () => {}),
    setImportant: vi.fn(async () => {}),
    setLabels: vi.fn(async () => {}),
    actionError: null,
    clearActionError: vi.fn(),
    rejections: [],
    retryRejection: vi.fn(async () => {}),
    dismissRejection: vi.fn(async () => {}),
  };
}

const member = (id: string, name: string) =>
  ({ id, name, email: `${id}@example.test`, role: 'agent', deactivatedAt: null }) as never;

describe('headerFit', () => {
  it('moves the least needed controls first and only shortens the chip at the end', () => {
    expect(headerFit(0)).toEqual({
      labels: false,
      important: false,
      snooze: false,
      assignText: false,
      assign: false,
      status: false,
      chip: 'full',
    });
    expect(headerFit(1)).toMatchObject({ labels: true, important: false });
    expect(headerFit(5)).toMatchObject({ snooze: true, assignText: true, assign: false, chip: 'short' });
    expect(headerFit(HEADER_FIT_STEPS)).toEqual({
      labels: true,
      important: true,
      snooze: true,
      assignText: true,
      assign: true,
      status: true,
      chip: 'icon',
    });
  });
});

describe('HeaderMoreMenu', () => {
  it('offers every moved control from the keyboard: assign, resolve, snooze, important, labels', async () => {
    const actions = fakeActions();
    const conversation = makeConversation({ status: 'open', important: false, labels: ['vip'] });
    const { user } = render(
      <HeaderMoreMenu
        conversation={conversation}
        fit={headerFit(HEADER_FIT_STEPS)}
        actions={actions}
        assign={{
          assigneeId: null,
          teamId: null,
          members: [member('u1', 'Ada'), member('u2', 'Grace')],
          teams: [],
          myUserId: 'u1',
          canAssign: true,
          onAssign: (assigneeId) => void actions.assign(assigneeId),
          onClaim: () => void actions.claim(),
        }}
      />,
    );
    const more = screen.getByRole('button', { name: 'More actions' });
    // Axe on the closed menu and on the labels dialog: an open Mantine menu starts with its own
    // focus sentinel (role=presentation, tabindex=-1), which axe's aria-required-children flags.
    await expectNoAxeViolations();
    more.focus();
    await user.keyboard('{Enter}');
    const menu = await screen.findByRole('menu');
    expect(menu).toHaveTextContent('Unassigned');
    for (const name of ['Assign to', 'Resolve', 'Snooze', 'Mark important', 'Labels (1)…'])
      expect(screen.getByRole('menuitem', { name })).toBeInTheDocument();

    await user.click(screen.getByRole('menuitem', { name: 'Resolve' }));
    expect(actions.setStatus).toHaveBeenCalledWith('resolved');

    await user.click(more);
    await user.click(await screen.findByRole('menuitem', { name: 'Assign to' }));
    // The submenu closes when the pointer leaves its item in jsdom; a direct click on the option.
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Grace' }));
    expect(actions.assign).toHaveBeenCalledWith('u2');

    await user.click(more);
    await user.click(await screen.findByRole('menuitem', { name: 'Labels (1)…' }));
    await screen.findByRole('dialog', { name: 'Labels' });
    await expectNoAxeViolations();
    await user.click(screen.getByRole('button', { name: 'Save labels' }));
    expect(actions.setLabels).toHaveBeenCalledWith(['vip']);
  });

  it('offers only what moved', async () => {
    const actions = fakeActions();
    const { user } = render(
      <HeaderMoreMenu
        conversation={makeConversation({ status: 'resolved', important: true })}
        fit={headerFit(2)}
        actions={actions}
        assign={{
          assigneeId: null,
          teamId: null,
          members: [],
          teams: [],
          myUserId: 'u1',
          canAssign: true,
          onAssign: vi.fn(),
          onClaim: vi.fn(),
        }}
      />,
    );
    await user.click(screen.getByRole('button', { name: 'More actions' }));
    await screen.findByRole('menu');
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual([
      'Remove the important mark',
      'Labels…',
    ]);
    await user.click(screen.getByRole('menuitem', { name: 'Remove the important mark' }));
    expect(actions.setImportant).toHaveBeenCalledWith(false);
  });
});
