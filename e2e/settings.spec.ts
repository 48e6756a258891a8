import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, newBusiness } from './fixtures/whatsapp';
import { SettingsPage } from './pages/SettingsPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('settings', () => {
  test('an admin connects the emulator’s number, sees Meta verify it, and sets its default team', async ({
    signInPage,
    account,
    emulator,
    server,
    page,
  }) => {
    const business = await newBusiness(emulator);
    await signInPage.signInAs(account, account.organizationName);
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
    await expect(done.getByRole('status')).toContainText('Waiting for Meta’s verification');
    // What the admin does in Meta's App Dashboard: paste both, "Verify and save" (the emulator's
    // handshake against the server).
    const webhookUrl = new URL(await done.getByRole('textbox', { name: 'Webhook URL' }).inputValue());
    const verifyToken = await done.getByRole('textbox', { name: 'Verify token' }).inputValue();
    const hook = await fetch(`${emulator.url}/_emulator/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        phoneNumberId: business.phoneNumberId,
        callbackUrl: new URL(webhookUrl.pathname, server.url).toString(),
        appSecret: business.appSecret,
        verifyToken,
      }),
    });
    expect(await hook.json()).toEqual({ verified: true });
    await expect(done.getByRole('status')).toContainText('Verified by Meta', { timeout: 10_000 });
    await page.screenshot({ path: join(screenshotDir, 'settings-numbers-verified.png') });
    await done.getByRole('button', { name: 'Done' }).click();
    const card = page.getByRole('article', { name: 'Number Support line' });
    await expect(card).toContainText('Connected');
    await expect(card).toContainText('Webhook verified');

    // A default team: created in Teams, chosen on the number's card.
    await settings.section('Teams');
    await page.getByRole('textbox', { name: 'New team name' }).fill('Front desk');
    await page.getByRole('button', { name: 'Create team' }).click();
    await expect(page.getByRole('article', { name: 'Team Front desk' })).toBeVisible();
    await settings.section('WhatsApp numbers');
    await card.getByRole('combobox', { name: 'Default team of Support line' }).click();
    await page.getByRole('option', { name: 'Front desk' }).click();
    await expect(card.getByRole('combobox', { name: 'Default team of Support line' })).toHaveValue(
      'Front desk',
    );
    // Read back from the server: the choice was stored, not only shown.
    const token = await accessToken(server.url, account.email, account.password);
    const numbers = await fetch(`${server.url}/api/v1/whatsapp-accounts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed = ((await numbers.json()) as { data: { name: string; defaultTeamId: string | null }[] })
      .data;
    expect(listed.find((n) => n.name === 'Support line')?.defaultTeamId).toBeTruthy();
  });

  test('an admin resets an agent’s password: the agent is signed out and signs in with the new one', async ({
    signInPage,
    appFrame,
    account,
    server,
    page,
  }) => {
    mkdirSync(screenshotDir, { recursive: true });
    const adminToken = await accessToken(server.url, account.email, account.password);
    const agent = await addMember(server.url, adminToken, {
      name: 'Rita Reset',
      email: `rita.${Date.now()}@example.com`,
      role: 'agent',
    });
    const agentToken = await accessToken(server.url, agent.email, agent.password);
    await signInPage.signInAs(account, account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('Members');
    const row = page.getByRole('row').filter({ hasText: 'Rita Reset' });
    await expect(row).toContainText('Never');
    await expect(row.getByRole('textbox', { name: 'Capacity of Rita Reset' })).toBeVisible();
    await page.screenshot({ path: join(screenshotDir, 'settings-members-columns.png') });
    await row.getByRole('button', { name: 'Actions for Rita Reset' }).click();
    await page.getByRole('menuitem', { name: 'Reset password…' }).click();
    const ask = settings.dialog('Reset Rita Reset’s password?');
    await expect(ask).toContainText('signed out on every device');
    await ask.getByRole('button', { name: 'Reset password' }).click();
    const shown = settings.dialog('New password for Rita Reset');
    const temporary = await shown.getByRole('textbox', { name: 'Temporary password' }).inputValue();
    expect(temporary.length).toBeGreaterThanOrEqual(10);
    await expect(shown.getByRole('button', { name: 'Copy Temporary password' })).toBeVisible();
    await page.screenshot({ path: join(screenshotDir, 'settings-members-reset.png') });
    await shown.getByRole('button', { name: 'Done' }).click();
    // The agent's session ended; the old password no longer works, the temporary one does.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(me.status).toBe(401);
    await expect(accessToken(server.url, agent.email, agent.password)).rejects.toThrow();
    await appFrame.signOut();
    await signInPage.signInAs({ email: agent.email, password: temporary }, account.organizationName);
  });

  test('an admin invites an agent, who accepts the link and is signed in', async ({
    signInPage,
    appFrame,
    account,
    harness,
    page,
  }) => {
    await signInPage.signInAs(account, account.organizationName);
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

  test('an admin creates a team', async ({ signInPage, account, page }) => {
    await signInPage.signInAs(account, account.organizationName);
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
    await signInPage.signInAs(agent, account.organizationName);
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
      ['GET', '/intakes'],
      ['POST', '/intakes'],
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
    await signInPage.signInAs(account, account.organizationName);
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
        ['Lead intakes', 'intakes', page.getByRole('button', { name: 'New intake' })],
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
