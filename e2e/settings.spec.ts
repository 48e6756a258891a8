import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, newBusiness } from './fixtures/whatsapp';
import { SettingsPage } from './pages/SettingsPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('settings', () => {
  test('an admin connects the emulator’s number and sees it listed', async ({
    signInPage,
    appFrame,
    account,
    emulator,
    page,
  }) => {
    const business = await newBusiness(emulator);
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('WhatsApp numbers');
    await page.getByRole('button', { name: 'Connect number' }).click();
    const form = settings.dialog('Connect a WhatsApp number');
    await form.getByRole('textbox', { name: /^Name/ }).fill('Support line');
    await form.getByRole('textbox', { name: /Phone number ID/ }).fill(business.phoneNumberId);
    await form.getByRole('textbox', { name: /WhatsApp Business Account ID/ }).fill(business.wabaId);
    // A wrong token first: the server asks the emulator, and Meta's refusal is explained.
    await form.getByLabel(/^Access token/).fill('EAAG-not-the-right-token');
    await form.getByLabel(/^App secret/).fill(business.appSecret);
    await form.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(form.getByRole('alert')).toContainText('The number was not connected');
    await form.getByLabel(/^Access token/).fill(business.accessToken);
    await form.getByRole('button', { name: 'Verify and connect' }).click();
    const done = settings.dialog('Number connected');
    await expect(done.getByRole('textbox', { name: 'Webhook URL' })).toHaveValue(/\/webhooks\/whatsapp\//);
    await expect(done.getByRole('button', { name: 'Copy Verify token' })).toBeVisible();
    await done.getByRole('button', { name: 'Done' }).click();
    const card = page.getByRole('article', { name: 'Number Support line' });
    await expect(card).toContainText('Connected');
  });

  test('an admin invites an agent, who accepts the link and is signed in', async ({
    signInPage,
    appFrame,
    account,
    harness,
    page,
  }) => {
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('Members');
    await page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = settings.dialog('Invite a member');
    const email = `grace.${Date.now()}@example.com`;
    await dialog.getByRole('textbox', { name: /E-mail/ }).fill(email);
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('Grace Hopper');
    await dialog.getByRole('button', { name: 'Invite' }).click();
    const link = await dialog.getByRole('textbox', { name: 'Invite link' }).inputValue();
    expect(link).toMatch(/\/invite#.+/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await appFrame.signOut();
    await expect(signInPage.heading).toBeVisible();

    // The link's path and fragment opened in the harness show the accept screen.
    const url = new URL(link);
    await page.goto(new URL(`${url.pathname}${url.hash}`, harness.url).toString());
    await expect(page.getByRole('heading', { name: 'Join your team on Parley' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: /Invite link/ })).toHaveValue(link);
    await page.getByRole('textbox', { name: /Your name/ }).fill('Grace Hopper');
    await page.getByLabel(/^Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await appFrame.expectSignedIn(account.organizationName);
    await expect(appFrame.userMenu).toContainText('Grace Hopper');

    // The link works once.
    await appFrame.signOut();
    await page.goto(new URL(`${url.pathname}${url.hash}`, harness.url).toString());
    await page.getByRole('textbox', { name: /Your name/ }).fill('Grace Hopper');
    await page.getByLabel(/^Password/).fill('a long enough password');
    await page.getByRole('button', { name: 'Join and sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('already used or expired');
  });

  test('an admin creates a team', async ({ signInPage, appFrame, account, page }) => {
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('Teams');
    await page.getByRole('textbox', { name: 'New team name' }).fill('Night shift');
    await page.getByRole('button', { name: 'Create team' }).click();
    // The team comes back through sync, as it reaches every device.
    await expect(page.getByRole('article', { name: 'Team Night shift' })).toBeVisible();
    await expect(
      page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Night shift' }),
    ).toBeVisible();
  });

  test('an agent sees only their profile and canned responses, and the server refuses the admin routes', async ({
    signInPage,
    appFrame,
    account,
    server,
    page,
  }) => {
    const adminToken = await accessToken(server.url, account.email, account.password);
    const agent = await addMember(server.url, adminToken, {
      name: 'Alan Agent',
      email: `alan.${Date.now()}@example.com`,
      role: 'agent',
    });
    await signInPage.signIn({ email: agent.email, password: agent.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    expect(await settings.sectionNames()).toEqual(['Profile', 'Canned responses']);
    await expect(page.getByRole('button', { name: 'Notification settings' })).toBeVisible();

    const agentToken = await accessToken(server.url, agent.email, agent.password);
    for (const [method, path] of [
      ['GET', '/audit-events'],
      ['GET', '/organization'],
      ['POST', '/teams'],
      ['POST', '/users'],
      ['POST', '/whatsapp-accounts'],
      ['POST', '/labels'],
    ] as const) {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      // 403 (or 400 for a body checked before the role): never 2xx.
      expect([400, 403], `${method} ${path}`).toContain(res.status);
    }
  });

  test('every section in both themes: screenshots and accessibility', async ({
    signInPage,
    appFrame,
    account,
    whatsapp,
    page,
  }, testInfo) => {
    expect(whatsapp.accountId).toBeTruthy();
    await page.setViewportSize({ width: 1280, height: 800 });
    mkdirSync(screenshotDir, { recursive: true });
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      for (const [section, file, ready] of [
        ['Profile', 'profile', page.getByRole('button', { name: 'Change password' })],
        ['Members', 'members', page.getByRole('table', { name: 'Members' })],
        ['Teams', 'teams', page.getByRole('button', { name: 'Create team' })],
        ['WhatsApp numbers', 'numbers', page.getByRole('article', { name: 'Number Support line' })],
        ['Templates', 'templates', page.getByRole('table', { name: 'Templates' })],
        ['Organization', 'organization', page.getByRole('switch', { name: /Agents see all/ })],
        ['Audit log', 'audit', page.getByRole('table', { name: 'Audit log' })],
      ] as const) {
        await settings.section(section);
        await expect(ready).toBeVisible();
        expect(await axeViolations(page), `axe violations in ${section} (${scheme})`).toEqual([]);
        const body = await page.screenshot();
        await testInfo.attach(`settings ${file} (${scheme})`, { body, contentType: 'image/png' });
        await page.screenshot({ path: join(screenshotDir, `settings-${file}-${scheme}.png`) });
      }
    }
  });
});
