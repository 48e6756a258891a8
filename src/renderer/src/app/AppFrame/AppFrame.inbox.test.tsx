import { describe, expect, it } from 'vitest';
import type { SessionState } from '#contract/ipc/contract';
import {
  conversationId,
  inboxIds,
  installFakeInbox,
  makeInboxConversations,
} from '../../test-utils/inbox-fixtures';
import { withElementSize } from '../../test-utils/layout';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
  within,
} from '../../test-utils/render';
import { AppFrame } from './AppFrame';

withElementSize(380, 720);

type SignedIn = Extract<SessionState, { status: 'signed_in' }>;

function setup(options: { role?: 'admin' | 'manager' | 'agent'; rows?: number } = {}) {
  const session: SignedIn = {
    ...signedInSession,
    user: { ...signedInSession.user, role: options.role ?? 'admin' },
  };
  const parley = createFakeParley({ session });
  const inbox = installFakeInbox(parley, makeInboxConversations(options.rows ?? 60));
  const result = render(<AppFrame session={session} />, { parley });
  return { ...result, parley, inbox };
}

const list = () => screen.getByRole('listbox', { name: 'Conversations' });
const options = () => within(list()).getAllByRole('option');
/** A row's accessible name: the visually hidden sentence it is named by. */
const nameOf = (o: HTMLElement) => o.querySelector('.pc-sr')?.textContent ?? '';
const selectedName = () => {
  const o = within(list()).queryByRole('option', { selected: true });
  return o ? nameOf(o) : undefined;
};

describe('AppFrame: the inbox', () => {
  it('offers Mine, Unassigned, All and every team to an admin, with counts', async () => {
    setup();
    const nav = screen.getByRole('navigation', { name: 'Views' });
    await waitFor(() =>
      expect(
        within(nav)
          .getAllByRole('button')
          .map((b) => b.textContent?.replace(/\d+/g, '')),
      ).toEqual(['Mine', 'Unassigned', 'All', 'Sales', 'Support']),
    );
    expect(within(nav).getByRole('button', { name: 'All' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() =>
      expect(within(nav).getByRole('button', { name: 'Mine' })).toHaveAccessibleDescription(
        '5 unread, 20 open',
      ),
    );
    await expectNoAxeViolations();
  });

  it('offers an agent Mine, Unassigned and only the agent’s own teams, starting in Mine', async () => {
    setup({ role: 'agent' });
    const nav = screen.getByRole('navigation', { name: 'Views' });
    await within(nav).findByRole('button', { name: 'Support' });
    expect(within(nav).queryByRole('button', { name: 'All' })).not.toBeInTheDocument();
    expect(within(nav).queryByRole('button', { name: 'Sales' })).not.toBeInTheDocument();
    expect(within(nav).getByRole('button', { name: 'Mine' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^Maria Souza, .*assigned to you/));
  });

  it('switches views and tabs, each showing its own list and counts', async () => {
    const { user, parley, inbox } = setup();
    inbox.rows = inbox.rows.map((c, i) => (i % 10 === 9 ? { ...c, status: 'resolved' } : c));
    parley.emit('replica:changed', { tables: ['conversations'] });
    await waitFor(() =>
      expect(screen.getByRole('tab', { name: 'Resolved' })).toHaveAccessibleDescription(
        '0 unread, 6 conversations',
      ),
    );

    await user.click(screen.getByRole('tab', { name: 'Resolved' }));
    expect(screen.getByRole('tab', { name: 'Resolved' })).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^Amara Souza/));
    expect(parley['conversations:list']).toHaveBeenLastCalledWith(
      expect.objectContaining({ view: 'all', tab: 'resolved' }),
    );

    await user.click(screen.getByRole('button', { name: 'Unassigned' }));
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(
        expect.objectContaining({ view: 'unassigned', tab: 'resolved' }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Support' }));
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(
        expect.objectContaining({ view: 'team', teamId: inboxIds.support, tab: 'resolved' }),
      ),
    );
    // No resolved conversation in Support: the tab says so.
    expect(await screen.findByText('No resolved conversations in Support')).toBeInTheDocument();
    await user.click(screen.getByRole('tab', { name: 'Open' }));
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^Maria Souza/));
    expect(options()[1]).toHaveAccessibleName(/^Aisha Souza/);
  });

  it('filters by Unread, Important and a label', async () => {
    const { user, parley } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.click(screen.getByRole('checkbox', { name: 'Unread' }));
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(
        expect.objectContaining({ unread: true }),
      ),
    );
    await waitFor(() => for_all_unread());
    await user.click(screen.getByRole('checkbox', { name: 'Unread' }));
    await user.click(screen.getByRole('checkbox', { name: 'Important' }));
    await waitFor(() => expect(options().every((o) => /important/.test(nameOf(o)))).toBe(true));
    await user.click(screen.getByRole('checkbox', { name: 'Important' }));
    await user.click(screen.getByRole('checkbox', { name: 'refund' }));
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(
        expect.objectContaining({ label: 'refund' }),
      ),
    );
    await waitFor(() => expect(options().every((o) => /labels refund/.test(nameOf(o)))).toBe(true));
  });

  it('searches as you type, highlights matches, and clears with Escape', async () => {
    const { user, parley } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.keyboard('/');
    const search = screen.getByRole('searchbox', { name: 'Search' });
    expect(search).toHaveFocus();
    await user.keyboard('aisha');
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(expect.objectContaining({ q: 'aisha' })),
    );
    await waitFor(() => expect(options().every((o) => /^Aisha/.test(nameOf(o)))).toBe(true));
    expect(list().querySelector('mark')).toHaveTextContent('Aisha');
    expect(screen.getByText(/matches for “aisha” in All · Open/)).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(search).toHaveValue('');
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^Maria Souza/));
    await user.keyboard('{Escape}');
    expect(list()).toHaveFocus();
  });

  it('moves with j/k and the arrows, opens with Enter, resolves with e and selects the next row', async () => {
    const { user, parley, inbox } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.keyboard('j');
    expect(selectedName()).toMatch(/^Maria Souza/);
    await user.keyboard('jj');
    expect(selectedName()).toMatch(/^Aisha Souza/);
    await user.keyboard('k');
    expect(selectedName()).toMatch(/^João Souza/);
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('region', { name: /Conversation with João Souza/ })).toBeInTheDocument();

    parley['conversation:setStatus'].mockImplementation(async ({ conversationId: id, status }) => {
      inbox.update(
        inbox.rows.map((c) => (c.id === id ? { ...c, status } : c)),
        [id],
      );
      return { ok: true, value: { mutationId: 7 } };
    });
    await user.keyboard('e');
    expect(parley['conversation:setStatus']).toHaveBeenCalledWith({
      conversationId: conversationId(1),
      status: 'resolved',
    });
    await waitFor(() => expect(selectedName()).toMatch(/^Aisha Souza/));
    expect(await screen.findByText('Resolved João Souza')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    expect(parley['conversation:setStatus']).toHaveBeenLastCalledWith({
      conversationId: conversationId(1),
      status: 'open',
    });
  });

  it('does not fire single-key shortcuts while typing', async () => {
    const { user, parley } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.click(screen.getByRole('searchbox', { name: 'Search' }));
    await user.keyboard('jke?');
    expect(selectedName()).toBeUndefined();
    expect(parley['conversation:setStatus']).not.toHaveBeenCalled();
    expect(screen.queryByRole('dialog', { name: 'Keyboard shortcuts' })).not.toBeInTheDocument();
  });

  it('lists every shortcut in a help dialog on ?', async () => {
    const { user } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.keyboard('?');
    const dialog = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(within(dialog).getByText('Resolve the selected conversation')).toBeInTheDocument();
    expect(within(dialog).getByText('Command palette')).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('opens the command palette with Ctrl+K even from the search box, and runs a command', async () => {
    const { user, parley } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.click(screen.getByRole('searchbox', { name: 'Search' }));
    await user.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Command palette' });
    const command = within(dialog).getByRole('combobox', { name: 'Command' });
    await waitFor(() => expect(command).toHaveFocus());
    await expectNoAxeViolations();
    await user.keyboard('go unass');
    expect(within(dialog).getAllByRole('option')[0]).toHaveTextContent('Go to Unassigned');
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(screen.queryByRole('dialog', { name: 'Command palette' })).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Unassigned' })).toHaveAttribute('aria-current', 'page');
    await waitFor(() =>
      expect(parley['conversations:list']).toHaveBeenLastCalledWith(
        expect.objectContaining({ view: 'unassigned' }),
      ),
    );
  });

  it('assigns the selected conversation from the palette', async () => {
    const { user, parley } = setup();
    await waitFor(() => expect(options().length).toBeGreaterThan(5));
    await user.keyboard('j{Control>}k{/Control}');
    await screen.findByRole('dialog', { name: 'Command palette' });
    await user.keyboard('assign sam{Enter}');
    expect(parley['conversation:assign']).toHaveBeenCalledWith({
      conversationId: conversationId(0),
      assigneeId: inboxIds.sam,
    });
    expect(await screen.findByText('Assigned Maria Souza to Sam Agent')).toBeInTheDocument();
  });

  it('switches the theme from the palette', async () => {
    const { user, parley } = setup();
    await user.keyboard('{Control>}k{/Control}');
    await screen.findByRole('dialog', { name: 'Command palette' });
    await user.keyboard('dark theme{Enter}');
    await waitFor(() => expect(parley['settings:set']).toHaveBeenCalledWith({ theme: 'dark' }));
  });

  it('drops a conversation reassigned away at once and says to whom', async () => {
    const { parley } = setup();
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^Maria Souza/));
    parley.emit('conversation:revoked', {
      conversationId: conversationId(0),
      reason: 'reassigned',
      reassignedTo: inboxIds.sam,
      reassignedToName: 'Sam Agent',
      pendingCount: 1,
    });
    expect(
      await screen.findByText(
        'Conversation with Maria Souza was reassigned to Sam Agent. 1 unsent change is in the Outbox.',
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(options()[0]).toHaveAccessibleName(/^João Souza/));
  });

  it('shows the unread count in the window title', async () => {
    setup();
    // Mine: 5 unread open; Unassigned: 5 (rows 4, 16, … of the fixture).
    await waitFor(() => expect(document.title).toMatch(/^\(\d+\) Parley$/));
  });
});

function for_all_unread() {
  expect(options().every((o) => /\d+ unread/.test(nameOf(o)))).toBe(true);
}
