import { describe, expect, it, vi } from 'vitest';
import { err } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedOutSession,
} from '../../../test-utils/render';
import { inviteInLocation } from '../useInviteLink';
import { AcceptInviteScreen } from './AcceptInviteScreen';

const LINK = 'https://parley.example.com/invite#tok-123';

const setup = (parley = createFakeParley({ session: signedOutSession })) => {
  const onAccepted = vi.fn();
  const onCancel = vi.fn();
  const r = render(<AcceptInviteScreen initialLink={LINK} onAccepted={onAccepted} onCancel={onCancel} />, {
    parley,
  });
  return { ...r, onAccepted, onCancel };
};

describe('AcceptInviteScreen', () => {
  it('accepts with name and password, splitting the link into server and token', async () => {
    const { user, parley, onAccepted } = setup();
    expect(screen.getByRole('textbox', { name: /Invite link/ })).toHaveValue(LINK);
    await user.type(screen.getByRole('textbox', { name: /Your name/ }), 'Ivy Invitee');
    await user.type(screen.getByLabelText(/^Password/), 'a long enough password');
    await expectNoAxeViolations();
    await user.click(screen.getByRole('button', { name: 'Join and sign in' }));
    await vi.waitFor(() => expect(onAccepted).toHaveBeenCalled());
    expect(parley['session:acceptInvite']).toHaveBeenCalledWith({
      serverUrl: 'https://parley.example.com',
      token: 'tok-123',
      name: 'Ivy Invitee',
      password: 'a long enough password',
    });
  });

  it('says an expired or used link is, and who to ask', async () => {
    const parley = createFakeParley({ session: signedOutSession });
    parley['session:acceptInvite'].mockResolvedValue(
      err({ code: 'not_found', message: 'This invitation is invalid, already used or expired' }),
    );
    const { user, onAccepted } = setup(parley);
    await user.type(screen.getByRole('textbox', { name: /Your name/ }), 'Ivy');
    await user.type(screen.getByLabelText(/^Password/), 'a long enough password');
    await user.click(screen.getByRole('button', { name: 'Join and sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('already used or expired');
    expect(alert).toHaveTextContent('Ask the admin who invited you');
    expect(onAccepted).not.toHaveBeenCalled();
  });

  it('refuses a link that is not an invite and a short password without calling the app', async () => {
    const { user, parley } = setup();
    const link = screen.getByRole('textbox', { name: /Invite link/ });
    await user.clear(link);
    await user.type(link, 'https://parley.example.com/somewhere');
    await user.type(screen.getByLabelText(/^Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Join and sign in' }));
    expect(await screen.findByText(/Paste the whole invite link/)).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters')).toBeInTheDocument();
    expect(parley['session:acceptInvite']).not.toHaveBeenCalled();
  });

  it('goes back to sign in', async () => {
    const { user, onCancel } = setup();
    await user.click(screen.getByRole('button', { name: /I already have an account/ }));
    expect(onCancel).toHaveBeenCalled();
  });
});

describe('inviteInLocation', () => {
  it('finds an invite in the page address', () => {
    expect(inviteInLocation({ pathname: '/invite', search: '', hash: '#tok' })).toEqual({
      server: null,
      hash: '#tok',
    });
    expect(
      inviteInLocation({ pathname: '/invite', search: '?server=https%3A%2F%2Fx.example', hash: '#tok' }),
    ).toEqual({ server: 'https://x.example', hash: '#tok' });
    expect(inviteInLocation({ pathname: '/', search: '', hash: '#tok' })).toBeNull();
    expect(inviteInLocation({ pathname: '/invite', search: '', hash: '' })).toBeNull();
  });
});
