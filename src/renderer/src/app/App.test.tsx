import { describe, expect, it } from 'vitest';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
} from '../test-utils/render';
import { App } from './App';

describe('App', () => {
  it('shows the sign-in screen when signed out, then the frame after signing in', async () => {
    const { user } = render(<App />, { parley: createFakeParley() });
    expect(await screen.findByRole('heading', { name: 'Sign in to Parley' })).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'correct horse{Enter}');
    expect(await screen.findByRole('heading', { level: 1, name: 'Acme Bakery' })).toBeInTheDocument();
  });

  it('returns to the sign-in screen on a session:changed event', async () => {
    const parley = createFakeParley({ session: signedInSession });
    render(<App />, { parley });
    await screen.findByRole('heading', { level: 1, name: 'Acme Bakery' });
    parley.emit('session:changed', { status: 'signed_out', lastServerUrl: 'https://parley.example.com' });
    expect(await screen.findByLabelText(/Server URL/)).toHaveValue('https://parley.example.com');
  });

  it('says why it cannot start when the session cannot be read', async () => {
    const parley = createFakeParley();
    parley['session:get'].mockResolvedValue({
      ok: false,
      error: { code: 'internal', message: 'The replica is locked.' },
    });
    render(<App />, { parley });
    expect(await screen.findByRole('alert')).toHaveTextContent('The replica is locked.');
  });
});
