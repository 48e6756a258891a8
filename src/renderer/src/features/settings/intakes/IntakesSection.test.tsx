import { describe, expect, it } from 'vitest';
import type { Intake } from '#contract/api/intakes';
import type { Template } from '#contract/api/templates';
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
import { IntakesSection } from './IntakesSection';

const sales = {
  id: '0190a1b2-0000-7000-8000-0000000000d1',
  name: 'Sales',
  memberIds: [],
  createdAt: supportNumber.createdAt,
};
const website: Intake = {
  id: '0190a1b2-0000-7000-8000-0000000000f1',
  name: 'Website form',
  whatsappAccountId: supportNumber.id,
  teamId: sales.id,
  labels: ['lead'],
  template: { name: 'welcome', language: 'en_US', body: ['name'] },
  enabled: true,
  url: 'https://parley.example.com/api/v1/intakes/0190a1b2-0000-7000-8000-0000000000f1/leads',
  createdAt: '2026-03-01T10:00:00.000Z',
  updatedAt: '2026-03-01T10:00:00.000Z',
};
const welcome: Template = {
  id: '0190a1b2-0000-7000-8000-0000000000e9',
  whatsappAccountId: supportNumber.id,
  metaTemplateId: '42',
  name: 'welcome',
  language: 'en_US',
  category: 'MARKETING',
  status: 'APPROVED',
  parameterFormat: 'POSITIONAL',
  components: [{ type: 'BODY', text: 'Hi {{1}}, thanks for your interest in {{2}}.' }],
  statusReason: null,
  updatedAt: '2026-03-01T10:00:00.000Z',
};

const setup = () => {
  const parley = createFakeParley({ session: signedInSession });
  parley['admin:listIntakes'].mockResolvedValue(ok([website]));
  parley['admin:listNumbers'].mockResolvedValue(ok([supportNumber]));
  parley['teams:list'].mockResolvedValue(ok([sales]));
  parley['labels:list'].mockResolvedValue(ok([]));
  parley['templates:list'].mockResolvedValue(ok([welcome]));
  return render(<IntakesSection />, { parley });
};

describe('IntakesSection', () => {
  it('lists intakes with number, team, greeting and the lead URL with a copy button', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'Lead intakes' });
    const row = within(table).getByText('Website form').closest('tr')!;
    expect(await within(row).findByText('Support')).toBeInTheDocument();
    expect(await within(row).findByText('Sales')).toBeInTheDocument();
    expect(row).toHaveTextContent('welcome (en_US)');
    expect(within(row).getByRole('button', { name: 'Copy Lead URL of Website form' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('creates an intake with a template mapping and shows the URL and secret once', async () => {
    const { parley, user } = setup();
    parley['admin:createIntake'].mockResolvedValue(ok({ ...website, name: 'Ads', secret: 'whsec_abc123' }));
    await user.click(await screen.findByRole('button', { name: 'New intake' }));
    const dialog = await screen.findByRole('dialog', { name: 'New lead intake' });
    await user.click(within(dialog).getByRole('button', { name: 'Create intake' }));
    expect(await within(dialog).findByText('Choose the number leads are greeted from')).toBeInTheDocument();
    await user.type(within(dialog).getByRole('textbox', { name: /^Name/ }), 'Ads');
    await user.click(within(dialog).getByRole('combobox', { name: /WhatsApp number/ }));
    await user.click(await screen.findByRole('option', { name: /Support/ }));
    await user.click(within(dialog).getByRole('combobox', { name: /Greeting template/ }));
    await user.click(await screen.findByRole('option', { name: 'welcome (en_US)' }));
    await user.type(
      await within(dialog).findByRole('textbox', { name: /Lead field for \{\{2\}\}/ }),
      'product',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Create intake' }));
    await waitFor(() =>
      expect(parley['admin:createIntake']).toHaveBeenCalledWith({
        name: 'Ads',
        whatsappAccountId: supportNumber.id,
        labels: [],
        enabled: true,
        template: { name: 'welcome', language: 'en_US', body: ['name', 'product'] },
      }),
    );
    const done = await screen.findByRole('dialog', { name: 'Intake created' });
    expect(within(done).getByRole('textbox', { name: 'Signing secret' })).toHaveValue('whsec_abc123');
    expect(within(done).getByRole('button', { name: 'Copy Lead URL' })).toBeInTheDocument();
    expect(within(done).getByRole('note')).toHaveTextContent('Shown only once');
    // A whole form typed key by key: time on a loaded machine.
  }, 90_000);

  it('rotates a secret and deletes after confirming, and says why the server refused', async () => {
    const { parley, user } = setup();
    parley['admin:rotateIntakeSecret'].mockResolvedValue(ok({ ...website, secret: 'whsec_new' }));
    await user.click(await screen.findByRole('button', { name: 'Rotate secret of Website form' }));
    const ask = await screen.findByRole('dialog', { name: 'Rotate the secret of Website form?' });
    expect(ask).toHaveTextContent('stops verifying at once');
    await user.click(within(ask).getByRole('button', { name: 'Rotate secret' }));
    const shown = await screen.findByRole('dialog', { name: 'New signing secret' });
    expect(within(shown).getByRole('textbox', { name: 'Signing secret' })).toHaveValue('whsec_new');
    await user.click(within(shown).getByRole('button', { name: 'Done' }));

    parley['admin:deleteIntake'].mockResolvedValue(
      err({ code: 'forbidden', message: 'Only admins can manage intakes' }),
    );
    await user.click(screen.getByRole('button', { name: 'Delete Website form' }));
    const del = await screen.findByRole('dialog', { name: 'Delete Website form?' });
    expect(del).toHaveTextContent('refused from now on');
    await user.click(within(del).getByRole('button', { name: 'Delete' }));
    expect(parley['admin:deleteIntake']).toHaveBeenCalledWith({ id: website.id });
    expect(await screen.findByRole('alert')).toHaveTextContent('Website form was not deleted');
  });
});
