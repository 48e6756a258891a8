import { describe, expect, it } from 'vitest';
import { err, ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  waitFor,
  within,
} from '../../../test-utils/render';
import { OrganizationSection } from './OrganizationSection';
import { quotaError } from './QuotaForm';

const month = { month: '2026-12', resetsAt: '2027-01-01T00:00:00.000Z' };

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  let quota: number | null = null;
  parley['admin:listNumbers'].mockResolvedValue(ok([]));
  parley['admin:getUsage'].mockImplementation(async () => ok({ ...month, sent: 40, quota }));
  parley['admin:updateOrganization'].mockImplementation(async (input) => {
    const base = await createFakeParley()['admin:getOrganization'](undefined);
    if (!base.ok) return base;
    quota = input.monthlyMessageQuota ?? null;
    return ok({ ...base.value, monthlyMessageQuota: quota });
  });
  return { ...render(<OrganizationSection />, { parley }), parley };
};

describe('QuotaForm', () => {
  it('sets the monthly quota, and the usage line follows; empty goes back to the default', async () => {
    const { user, parley } = setup();
    const section = await screen.findByRole('region', { name: 'Sending' });
    expect(await within(section).findByText('40 messages this month · no monthly quota')).toBeInTheDocument();
    const field = within(section).getByRole('textbox', { name: /Monthly message quota/ });
    expect(field).toHaveValue('');
    await user.type(field, '2500');
    await user.click(within(section).getByRole('button', { name: 'Save quota' }));
    expect(parley['admin:updateOrganization']).toHaveBeenLastCalledWith({ monthlyMessageQuota: 2500 });
    expect(await within(section).findByText('Quota saved.')).toBeInTheDocument();
    expect(await within(section).findByText('40 of 2,500 messages this month')).toBeInTheDocument();
    await expectNoAxeViolations();

    await user.clear(field);
    await user.click(within(section).getByRole('button', { name: 'Save quota' }));
    expect(parley['admin:updateOrganization']).toHaveBeenLastCalledWith({ monthlyMessageQuota: null });
    expect(await within(section).findByText('40 messages this month · no monthly quota')).toBeInTheDocument();
  });

  it('refuses a quota below 1 or with a fraction, naming the field, without calling the server', async () => {
    const { user, parley } = setup();
    const section = await screen.findByRole('region', { name: 'Sending' });
    const field = await within(section).findByRole('textbox', { name: /Monthly message quota/ });
    await user.type(field, '0');
    await user.click(within(section).getByRole('button', { name: 'Save quota' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription(/at least 1 message/));
    expect(field).toHaveAttribute('aria-invalid', 'true');

    await user.clear(field);
    await user.type(field, '12.5');
    await user.click(within(section).getByRole('button', { name: 'Save quota' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription(/whole number/));
    expect(parley['admin:updateOrganization']).not.toHaveBeenCalled();
  });

  it('says why the quota was not changed', async () => {
    const { user, parley } = setup();
    parley['admin:updateOrganization'].mockResolvedValue(
      err({ code: 'forbidden', message: 'Only admins can change the organization.' }),
    );
    const section = await screen.findByRole('region', { name: 'Sending' });
    await user.type(await within(section).findByRole('textbox', { name: /Monthly message quota/ }), '10');
    await user.click(within(section).getByRole('button', { name: 'Save quota' }));
    const alert = await within(section).findByRole('alert');
    expect(alert).toHaveTextContent('The quota was not changed');
  });

  it('accepts empty and whole numbers from 1 to a billion', () => {
    expect(quotaError('')).toBeNull();
    expect(quotaError(1)).toBeNull();
    expect(quotaError(1_000_000_000)).toBeNull();
    expect(quotaError(0)).toMatch(/at least 1/);
    expect(quotaError(-3)).toMatch(/at least 1/);
    expect(quotaError(2.5)).toMatch(/whole number/);
    expect(quotaError('-')).toMatch(/whole number/);
    expect(quotaError(1_000_000_001)).toMatch(/at most/);
  });
});
