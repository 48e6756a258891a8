import { describe, expect, it } from 'vitest';
import { err } from '#contract/result';
import { createFakeParley, expectNoAxeViolations, render, screen, waitFor } from '../../../test-utils/render';
import { SignInScreen } from './SignInScreen';

describe('SignInScreen', () => {
  it('pre-fills the server URL from app:info and has no accessibility violations', async () => {
    render(<SignInScreen lastServerUrl={null} />);
    expect(await screen.findByDisplayValue('http://127.0.0.1:8787')).toBe(
      screen.getByLabelText(/Server URL/),
    );
    expect(screen.getByLabelText(/^Email/)).toBeInTheDocument();
    expect(screen.getByLabelText(/^Password/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    await expectNoAxeViolations();
  });

  it('prefers the last used server URL', async () => {
    render(<SignInScreen lastServerUrl="https://chat.acme.test" />);
    expect(screen.getByLabelText(/Server URL/)).toHaveValue('https://chat.acme.test');
  });

  it('shows validation messages beside the fields and does not call the app', async () => {
    const { user, parley } = render(<SignInScreen lastServerUrl={null} />);
    const url = screen.getByLabelText(/Server URL/);
    await user.clear(url);
    await user.type(url, 'ftp://nope');
    await user.type(screen.getByLabelText(/^Email/), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Enter an http:// or https:// URL')).toBeInTheDocument();
    expect(screen.getByText('Enter a valid e-mail address')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(screen.getByLabelText(/Server URL/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText(/Server URL/)).toHaveFocus();
    expect(parley['session:signIn']).not.toHaveBeenCalled();
    await expectNoAxeViolations();
  });

  it('submits with Enter, shows progress, and sends the normalised input', async () => {
    const parley = createFakeParley();
    let finish: (value: Awaited<ReturnType<(typeof parley)['session:signIn']>>) => void = () => {};
    parley['session:signIn'].mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const { user } = render(<SignInScreen lastServerUrl={null} />, { parley });
    await screen.findByDisplayValue('http://127.0.0.1:8787');

    await user.type(screen.getByLabelText(/^Email/), '  Ada@Example.com ');
    await user.type(screen.getByLabelText(/^Password/), 'correct horse{Enter}');

    expect(await screen.findByRole('status')).toHaveTextContent('Signing in');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
    expect(parley['session:signIn']).toHaveBeenCalledWith({
      serverUrl: 'http://127.0.0.1:8787',
      email: 'ada@example.com',
      password: 'correct horse',
    });
    finish(err({ code: 'invalid_credentials', message: 'The email or password is not right.' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled());
  });

  it.each([
    ['invalid_credentials', 'Wrong email or password', 'The email or password is not right.'],
    ['server_unreachable', "Can't reach the server", 'No answer from http://127.0.0.1:8787.'],
    ['rate_limited', 'Too many attempts', 'Wait a minute before trying again.'],
  ] as const)('shows a %s error in an alert next to the form', async (code, title, message) => {
    const parley = createFakeParley();
    parley['session:signIn'].mockResolvedValue(err({ code, message }));
    const { user } = render(<SignInScreen lastServerUrl={null} />, { parley });
    await screen.findByDisplayValue('http://127.0.0.1:8787');
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(title);
    expect(alert).toHaveTextContent(message);
    await expectNoAxeViolations();
  });

  it('does not repeat a message that only restates the headline', async () => {
    const parley = createFakeParley();
    parley['session:signIn'].mockResolvedValue(
      err({ code: 'invalid_credentials', message: 'Wrong email or password.' }),
    );
    const { user } = render(<SignInScreen lastServerUrl={null} />, { parley });
    await screen.findByDisplayValue('http://127.0.0.1:8787');
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'wrong{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Wrong email or password');
    expect(alert).toHaveTextContent('Check your email address and password, then try again.');
  });

  it('puts server-side field errors beside the fields', async () => {
    const parley = createFakeParley();
    parley['session:signIn'].mockResolvedValue(
      err({
        code: 'invalid_input',
        message: 'Some fields are not valid',
        details: { fields: [{ path: 'body.email', message: 'This address is not allowed' }] },
      }),
    );
    const { user } = render(<SignInScreen lastServerUrl={null} />, { parley });
    await screen.findByDisplayValue('http://127.0.0.1:8787');
    await user.type(screen.getByLabelText(/^Email/), 'ada@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'secret{Enter}');
    expect(await screen.findByText('This address is not allowed')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
