import { describe, expect, it } from 'vitest';
import type { ApiKey } from '#contract/api/api-keys';
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
import { ada } from '../../../test-utils/settings-fixtures';
import { ApiKeysSection } from './ApiKeysSection';

const crm: ApiKey = {
  id: '0190a1b2-0000-7000-8000-0000000000a1',
  name: 'CRM sync',
  prefix: 'pk_live_Ab3d',
  scopes: ['messages:send', 'contacts:read'],
  allowedIps: ['203.0.113.0/24'],
  rateLimitPerMinute: null,
  expiresAt: null,
  createdAt: '2026-03-01T10:00:00.000Z',
  createdBy: ada.id,
  lastUsedAt: '2026-03-02T10:00:00.000Z',
  lastUsedIp: '203.0.113.7',
  revokedAt: null,
};
const old: ApiKey = {
  ...crm,
  id: '0190a1b2-0000-7000-8000-0000000000a2',
  name: 'Old shop',
  revokedAt: crm.createdAt,
};

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listApiKeys'].mockResolvedValue(ok([crm, old]));
  parley['members:list'].mockResolvedValue(ok([ada]));
  return render(<ApiKeysSection />, { parley });
};

describe('ApiKeysSection', () => {
  it('lists keys with prefix, scopes, allowed addresses, creator, last use and status', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'API keys' });
    const row = within(table).getByText('CRM sync').closest('tr')!;
    expect(within(row).getByText('pk_live_Ab3d…')).toBeInTheDocument();
    expect(within(row).getByText('messages:send, contacts:read')).toBeInTheDocument();
    expect(within(row).getByText('203.0.113.0/24')).toBeInTheDocument();
    expect(await within(row).findByText('Ada Lovelace')).toBeInTheDocument();
    expect(within(row).getByText('from 203.0.113.7')).toBeInTheDocument();
    expect(within(row).getByText('Active')).toBeInTheDocument();
    const revoked = within(table).getByText('Old shop').closest('tr')!;
    expect(within(revoked).getByText('Revoked')).toBeInTheDocument();
    expect(within(revoked).queryByRole('button', { name: /Revoke/ })).not.toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('validates with the shared schema, puts the server’s answer on its field, then shows the key once', async () => {
    const { parley, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Create API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create an API key' });
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(await within(dialog).findByText('Name the key (e.g. "CRM sync")')).toBeInTheDocument();
    expect(within(dialog).getByText('Give the key at least one scope')).toBeInTheDocument();
    expect(parley['admin:createApiKey']).not.toHaveBeenCalled();

    await user.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'Website');
    await user.click(within(dialog).getByRole('checkbox', { name: /messages:send/ }));
    const ips = within(dialog).getByRole('textbox', { name: 'Allowed addresses' });
    await user.type(ips, '10.0.0.0/8{enter}not an ip');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(
      await within(dialog).findByText(
        '"not an ip": Use an IPv4 or IPv6 address or CIDR, e.g. 203.0.113.0/24',
      ),
    ).toBeInTheDocument();

    // The server's stricter check (ipaddr.js) lands on the same field.
    parley['admin:createApiKey'].mockResolvedValueOnce(
      err({
        code: 'invalid_input',
        message: '"10.0.0.0/99" is not an IPv4 or IPv6 address or CIDR block',
        details: {
          fields: [{ path: 'body.allowedIps', message: '"10.0.0.0/99" is not an address or CIDR block' }],
        },
      }),
    );
    await user.clear(ips);
    await user.type(ips, '10.0.0.0/99');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(
      await within(dialog).findByText('"10.0.0.0/99" is not an address or CIDR block'),
    ).toBeInTheDocument();
    expect(parley['admin:createApiKey']).toHaveBeenLastCalledWith({
      name: 'Website',
      scopes: ['messages:send'],
      allowedIps: ['10.0.0.0/99'],
    });

    parley['admin:createApiKey'].mockResolvedValueOnce(
      ok({ ...crm, id: '0190a1b2-0000-7000-8000-0000000000a3', name: 'Website', key: 'pk_live_secretvalue' }),
    );
    await user.clear(ips);
    await user.type(ips, '10.0.0.0/8');
    await user.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const shown = await screen.findByRole('dialog', { name: 'API key Website' });
    expect(within(shown).getByRole('textbox', { name: 'API key' })).toHaveValue('pk_live_secretvalue');
    expect(within(shown).getByRole('button', { name: 'Copy API key' })).toBeInTheDocument();
    expect(within(shown).getByRole('note')).toHaveTextContent('nobody can show it again');
    await expectNoAxeViolations();
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByText('pk_live_secretvalue')).not.toBeInTheDocument());
  });

  it('revokes after a confirmation that says what happens', async () => {
    const { parley, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke CRM sync' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke CRM sync?' });
    expect(dialog).toHaveTextContent('refused within a second on every server');
    parley['admin:listApiKeys'].mockResolvedValue(
      ok([{ ...crm, revokedAt: '2026-03-03T00:00:00.000Z' }, old]),
    );
    await user.click(within(dialog).getByRole('button', { name: 'Revoke key' }));
    expect(parley['admin:revokeApiKey']).toHaveBeenCalledWith({ id: crm.id });
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Revoke CRM sync' })).not.toBeInTheDocument(),
    );
  });
});
