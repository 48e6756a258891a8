import { describe, expect, it } from 'vitest';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
} from '../../test-utils/render';
import { AppFrame } from './AppFrame';

describe('AppFrame', () => {
  it('shows the organization, the connection and the user, without accessibility violations', async () => {
    render(<AppFrame session={signedInSession} />, {
      parley: createFakeParley({ session: signedInSession }),
    });
    expect(screen.getByRole('heading', { level: 1, name: 'Acme Bakery' })).toBeInTheDocument();
    expect(await screen.findByRole('status', { name: 'Connection: Online' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /User menu/ })).toHaveTextContent('Ada Lovelace');
    expect(await screen.findByText('No open conversations in All')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Views' })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Open', selected: true })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Outbox' })).toBeInTheDocument();
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('follows sync:status events', async () => {
    const parley = createFakeParley({ session: signedInSession });
    render(<AppFrame session={signedInSession} />, { parley });
    await screen.findByRole('status', { name: 'Connection: Online' });
    parley.emit('sync:status', {
      state: 'syncing',
      offlineSince: null,
      progress: { done: 40, total: 100 },
      outboxSize: 0,
      lastError: null,
    });
    expect(await screen.findByRole('status', { name: 'Connection: Syncing 40 of 100' })).toBeInTheDocument();
  });

  it('warns when the sign-in is kept in memory only', async () => {
    const session = { ...signedInSession, tokenStorage: 'memory' as const };
    render(<AppFrame session={session} />, { parley: createFakeParley({ session }) });
    await screen.findByText('No open conversations in All');
    expect(screen.getByRole('note')).toHaveTextContent(
      "Your sign-in is kept in memory only: this system has no secure key store, so you'll sign in again after a restart",
    );
    await expectNoAxeViolations();
  });

  it('offers Profile, notifications, help, availability, the three themes and Sign out in the user menu', async () => {
    const parley = createFakeParley({ session: signedInSession, settings: { theme: 'dark' } });
    const { user } = render(<AppFrame session={signedInSession} />, { parley });
    await user.click(screen.getByRole('button', { name: /User menu/ }));
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((i) => i.textContent)).toEqual([
      'Profile',
      'Notifications',
      'Command palette',
      'Keyboard shortcuts',
      'Available',
      'Away',
      'Light',
      'Dark',
      'System',
      'Sign out',
    ]);
    await waitFor(() =>
      expect(screen.getByRole('menuitem', { name: 'Dark' })).toHaveAttribute('aria-current', 'true'),
    );
    await expectNoAxeViolations();
  });

  it('switches the theme through settings:set and applies it to the document', async () => {
    const parley = createFakeParley({ session: signedInSession, settings: { theme: 'light' } });
    const { user } = render(<AppFrame session={signedInSession} />, { parley });
    await waitFor(() =>
      expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'light'),
    );

    await user.click(screen.getByRole('button', { name: /User menu/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Dark' }));

    expect(parley['settings:set']).toHaveBeenCalledWith({ theme: 'dark' });
    await waitFor(() =>
      expect(document.documentElement).toHaveAttribute('data-mantine-color-scheme', 'dark'),
    );
  });

  it('works by keyboard: opens the menu and signs out', async () => {
    const parley = createFakeParley({ session: signedInSession });
    const { user } = render(<AppFrame session={signedInSession} />, { parley });
    const trigger = screen.getByRole('button', { name: /User menu/ });
    trigger.focus();
    await user.keyboard('{Enter}');
    const signOut = await screen.findByRole('menuitem', { name: 'Sign out' });
    signOut.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(parley['session:signOut']).toHaveBeenCalledWith({ wipeReplica: false }));
  });

  it('opens the profile from the user menu', async () => {
    const { user } = render(<AppFrame session={signedInSession} />, {
      parley: createFakeParley({ session: signedInSession }),
    });
    await user.click(screen.getByRole('button', { name: /User menu/ }));
    await user.click(await screen.findByRole('menuitem', { name: 'Profile' }));
    expect(await screen.findByRole('dialog', { name: 'Profile' })).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toHaveValue('Ada Lovelace');
    await expectNoAxeViolations();
  });
});
