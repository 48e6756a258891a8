import { describe, expect, it, vi } from 'vitest';
import { err } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
} from '../../../test-utils/render';
import { ProfileModal } from './ProfileModal';

const renderModal = (parley = createFakeParley({ session: signedInSession })) =>
  render(<ProfileModal opened onClose={vi.fn()} user={signedInSession.user} />, { parley });

describe('ProfileModal', () => {
  it('shows both forms with labelled fields and no accessibility violations', async () => {
    renderModal();
    expect(screen.getByRole('dialog', { name: 'Profile' })).toBeInTheDocument();
    expect(screen.getByLabelText(/^Name/)).toHaveValue('Ada Lovelace');
    expect(screen.getByLabelText(/^Current password/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^New password/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Change password' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('rejects an empty name without calling the app', async () => {
    const { user, parley } = renderModal();
    await user.clear(screen.getByLabelText(/^Name/));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter a name')).toBeInTheDocument();
    expect(parley['profile:update']).not.toHaveBeenCalled();
  });

  it('saves a new name and says so', async () => {
    const { user, parley } = renderModal();
    const name = screen.getByLabelText(/^Name/);
    await user.clear(name);
    await user.type(name, 'Ada King{Enter}');
    expect(await screen.findByRole('status')).toHaveTextContent('Your name is saved.');
    expect(parley['profile:update']).toHaveBeenCalledWith({ name: 'Ada King' });
    expect(parley['session:get']).toHaveBeenCalledTimes(2);
    await expectNoAxeViolations();
  });

  it('reports a failed save in an alert', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['profile:update'].mockResolvedValue(err({ code: 'offline', message: 'You are offline.' }));
    const { user } = renderModal(parley);
    await user.type(screen.getByLabelText(/^Name/), ' Jr{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Your name was not saved');
    expect(alert).toHaveTextContent('You are offline.');
  });

  it('validates the password fields', async () => {
    const { user, parley } = renderModal();
    await user.type(screen.getByLabelText(/^New password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Enter your current password')).toBeInTheDocument();
    expect(screen.getByText('Use at least 10 characters')).toBeInTheDocument();
    expect(parley['profile:changePassword']).not.toHaveBeenCalled();
    await expectNoAxeViolations();
  });

  it('marks a wrong current password', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['profile:changePassword'].mockResolvedValue(
      err({ code: 'invalid_credentials', message: 'The current password is not right.' }),
    );
    const { user } = renderModal(parley);
    await user.type(screen.getByLabelText(/^Current password/), 'guess');
    await user.type(screen.getByLabelText(/^New password/), 'a much longer one{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('The current password is not right.');
    expect(screen.getByLabelText(/^Current password/)).toHaveAttribute('aria-invalid', 'true');
  });

  it('changes the password, clears the fields and confirms', async () => {
    const { user, parley } = renderModal();
    await user.type(screen.getByLabelText(/^Current password/), 'old password 1');
    await user.type(screen.getByLabelText(/^New password/), 'new password 22');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Your password is changed.');
    expect(parley['profile:changePassword']).toHaveBeenCalledWith({
      currentPassword: 'old password 1',
      newPassword: 'new password 22',
    });
    expect(screen.getByLabelText(/^Current password/)).toHaveValue('');
  });
});
