import { describe, expect, it } from 'vitest';
import { ok } from '#contract/result';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
} from '../../../test-utils/render';
import { OrganizationSection } from './OrganizationSection';

describe('OrganizationSection', () => {
  it('renames the organization and turns on team-wide visibility for agents', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['admin:updateOrganization'].mockImplementation(async (input) =>
      ok({
        id: signedInSession.user.organizationId,
        name: input.name ?? 'Acme Bakery',
        agentsSeeAllTeamConversations: input.agentsSeeAllTeamConversations ?? false,
        timeZone: 'UTC',
        businessHours: null,
        awayMessage: { enabled: false, text: null, gapMinutes: 720 },
        defaultWhatsappAccountId: null,
        monthlyMessageQuota: null,
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    const { user } = render(<OrganizationSection />, { parley });
    const name = await screen.findByRole('textbox', { name: /Organization name/ });
    await vi_waitValue(name, 'Acme Bakery');
    await expectNoAxeViolations();
    await user.clear(name);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Enter an organization name')).toBeInTheDocument();
    await user.type(name, 'Acme Bakery Ltd');
    await user.click(screen.getByRole('switch', { name: /Agents see all team conversations/ }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved.');
    expect(parley['admin:updateOrganization']).toHaveBeenCalledWith({
      name: 'Acme Bakery Ltd',
      agentsSeeAllTeamConversations: true,
    });
  });
});

async function vi_waitValue(el: HTMLElement, value: string) {
  const { waitFor } = await import('../../../test-utils/render');
  await waitFor(() => expect(el).toHaveValue(value));
}
