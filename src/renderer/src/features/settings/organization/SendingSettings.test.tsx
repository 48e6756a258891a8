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
import { supportNumber } from '../../../test-utils/settings-fixtures';
import { OrganizationSection } from './OrganizationSection';
import { usageLine } from './SendingSettings';

const sales = {
  ...supportNumber,
  id: '0190a1b2-0000-7000-8000-0000000000c2',
  name: 'Sales',
  displayPhoneNumber: '+1 555-0100',
};
const gone = {
  ...supportNumber,
  id: '0190a1b2-0000-7000-8000-0000000000c3',
  name: 'Old line',
  status: 'disconnected' as const,
};

const setup = (
  usage = { month: '2026-12', sent: 1234, quota: 10_000, resetsAt: '2027-01-01T00:00:00.000Z' },
) => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listNumbers'].mockResolvedValue(ok([supportNumber, sales, gone]));
  parley['admin:getUsage'].mockResolvedValue(ok(usage));
  parley['admin:updateOrganization'].mockImplementation(async (input) => {
    const base = await createFakeParley()['admin:getOrganization'](undefined);
    if (!base.ok) return base;
    return ok({ ...base.value, defaultWhatsappAccountId: input.defaultWhatsappAccountId ?? null });
  });
  return { ...render(<OrganizationSection />, { parley }), parley };
};

describe('SendingSettings', () => {
  it('shows this month’s usage against the quota with a bar', async () => {
    setup();
    const section = await screen.findByRole('region', { name: 'Sending' });
    expect(await within(section).findByText('1,234 of 10,000 messages this month')).toBeInTheDocument();
    const bar = within(section).getByRole('progressbar', {
      name: 'Messages sent this month against the monthly quota',
    });
    expect(bar).toHaveAttribute('aria-valuenow', '12');
    expect(bar).toHaveAttribute('aria-valuetext', '12%');
    expect(section).toHaveTextContent('The count starts again on 1 January 2027 (UTC).');
    await expectNoAxeViolations();
  });

  it('chooses the default number among the connected ones, then clears it', async () => {
    const { user, parley } = setup();
    const picker = await screen.findByRole('combobox', { name: /Default number/ });
    await waitFor(() => expect(picker).toHaveValue('None chosen'));
    await user.click(picker);
    // A disconnected number cannot be the default.
    expect(screen.queryByRole('option', { name: /Old line/ })).not.toBeInTheDocument();
    await user.click(await screen.findByRole('option', { name: 'Sales (+1 555-0100)' }));
    expect(parley['admin:updateOrganization']).toHaveBeenLastCalledWith({
      defaultWhatsappAccountId: sales.id,
    });
    expect(await screen.findByText('Default number saved.')).toBeInTheDocument();
    await waitFor(() => expect(picker).toHaveValue('Sales (+1 555-0100)'));

    await user.click(picker);
    await user.click(await screen.findByRole('option', { name: 'None chosen' }));
    expect(parley['admin:updateOrganization']).toHaveBeenLastCalledWith({ defaultWhatsappAccountId: null });
    await waitFor(() => expect(picker).toHaveValue('None chosen'));
  });

  it('says why the default number was not changed', async () => {
    const { user, parley } = setup();
    parley['admin:updateOrganization'].mockResolvedValue(
      err({ code: 'forbidden', message: 'Only admins can change the organization.' }),
    );
    const picker = await screen.findByRole('combobox', { name: /Default number/ });
    await waitFor(() => expect(picker).toHaveValue('None chosen'));
    await user.click(picker);
    await user.click(await screen.findByRole('option', { name: /Support/ }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The default number was not changed');
    expect(alert).toHaveTextContent('Only admins');
  });

  it('words usage with no quota, one message, and a used-up quota', () => {
    const at = { month: '2026-12', resetsAt: '2027-01-01T00:00:00.000Z' };
    expect(usageLine({ ...at, sent: 1, quota: null })).toBe('1 message this month · no monthly quota');
    expect(usageLine({ ...at, sent: 12_000, quota: null })).toBe(
      '12,000 messages this month · no monthly quota',
    );
    expect(usageLine({ ...at, sent: 10_000, quota: 10_000 })).toBe('10,000 of 10,000 messages this month');
  });

  it('says sending is paused when the quota is used up', async () => {
    setup({ month: '2026-12', sent: 500, quota: 500, resetsAt: '2027-01-01T00:00:00.000Z' });
    const section = await screen.findByRole('region', { name: 'Sending' });
    expect(await within(section).findByText(/Sending is paused until 1 January 2027/)).toBeInTheDocument();
    expect(within(section).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  });
});
