import { describe, expect, it, vi } from 'vitest';
import {
  createFakeParley,
  expectNoAxeViolations,
  render,
  screen,
  signedInSession,
  within,
} from '../../../test-utils/render';
import { ada, userAs } from '../../../test-utils/settings-fixtures';
import { SettingsArea } from './SettingsArea';

const sectionNames = () =>
  within(screen.getByRole('navigation', { name: 'Settings sections' }))
    .getAllByRole('button')
    .map((b) => b.textContent);

describe('SettingsArea', () => {
  it('shows admins every section, without accessibility violations', async () => {
    const parley = createFakeParley({ session: signedInSession });
    parley['admin:listMembers'].mockResolvedValue({ ok: true, value: [ada] });
    const { user } = render(<SettingsArea user={userAs('admin')} online onOpenNotifications={vi.fn()} />, {
      parley,
    });
    expect(sectionNames()).toEqual([
      'Profile',
      'Members',
      'Teams',
      'Labels',
      'Canned responses',
      'WhatsApp numbers',
      'Templates',
      'Organization',
      'API keys',
      'Webhooks',
      'Lead intakes',
      'Audit log',
    ]);
    expect(screen.getByRole('heading', { level: 2, name: 'Profile' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Members' }));
    expect(screen.getByRole('heading', { level: 2, name: 'Members' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Members' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findByRole('table', { name: 'Members' })).toBeInTheDocument();
    await expectNoAxeViolations();
  });

  it('shows managers Teams and Templates (read-only), Labels and Canned responses; agents their profile and canned responses', async () => {
    const { unmount } = render(
      <SettingsArea user={userAs('manager')} online onOpenNotifications={vi.fn()} />,
      {
        parley: createFakeParley({ session: signedInSession }),
      },
    );
    expect(sectionNames()).toEqual(['Profile', 'Teams', 'Labels', 'Canned responses', 'Templates']);
    unmount();
    render(<SettingsArea user={userAs('agent')} online onOpenNotifications={vi.fn()} />, {
      parley: createFakeParley({ session: signedInSession }),
    });
    expect(sectionNames()).toEqual(['Profile', 'Canned responses']);
    expect(screen.getByRole('button', { name: 'Notification settings' })).toBeInTheDocument();
  });

  it('says plainly that an online-only section needs a connection, and never calls the server', async () => {
    const parley = createFakeParley({ session: signedInSession });
    render(
      <SettingsArea
        user={userAs('admin')}
        online={false}
        onOpenNotifications={vi.fn()}
        initialSection="numbers"
      />,
      { parley },
    );
    expect(screen.getByRole('status')).toHaveTextContent('Connect to change WhatsApp numbers.');
    expect(screen.queryByRole('status', { name: /Loading/ })).not.toBeInTheDocument();
    expect(parley['admin:listNumbers']).not.toHaveBeenCalled();
    await expectNoAxeViolations();
  });

  it('says API keys, webhooks and lead intakes need a connection while offline, without calling the server', async () => {
    const parley = createFakeParley({ session: signedInSession });
    const { user } = render(
      <SettingsArea
        user={userAs('admin')}
        online={false}
        onOpenNotifications={vi.fn()}
        initialSection="api-keys"
      />,
      { parley },
    );
    expect(screen.getByRole('status')).toHaveTextContent('Connect to manage API keys.');
    await user.click(screen.getByRole('button', { name: 'Webhooks' }));
    expect(screen.getByRole('status')).toHaveTextContent('Connect to manage webhook endpoints.');
    await user.click(screen.getByRole('button', { name: 'Lead intakes' }));
    expect(screen.getByRole('status')).toHaveTextContent('Connect to manage lead intakes.');
    expect(parley['admin:listApiKeys']).not.toHaveBeenCalled();
    expect(parley['admin:listWebhooks']).not.toHaveBeenCalled();
    expect(parley['admin:listIntakes']).not.toHaveBeenCalled();
  });

  it('opens the notification settings from the profile section', async () => {
    const onOpenNotifications = vi.fn();
    const { user } = render(
      <SettingsArea user={userAs('agent')} online onOpenNotifications={onOpenNotifications} />,
      { parley: createFakeParley({ session: signedInSession }) },
    );
    await user.click(screen.getByRole('button', { name: 'Notification settings' }));
    expect(onOpenNotifications).toHaveBeenCalled();
  });
});
