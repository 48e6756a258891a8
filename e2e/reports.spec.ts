import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, customerSends } from './fixtures/whatsapp';
import { SettingsPage } from './pages/SettingsPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('reports', () => {
  // The harness builds and boots its own core; on a loaded 2-core machine that alone can take a minute.
  test.describe.configure({ timeout: 300_000 });
  test('a manager opens Reports, picks a range, sees the numbers and exports a table as CSV', async ({
    signInPage,
    appFrame,
    account,
    server,
    emulator,
    whatsapp,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    mkdirSync(screenshotDir, { recursive: true });
    for (const [i, c] of whatsapp.customers.slice(0, 2).entries())
      await customerSends(emulator, whatsapp, c.phone, { type: 'text', body: `Hello ${i}` });
    const token = await accessToken(server.url, account.email, account.password);
    const manager = await addMember(server.url, token, {
      name: 'Maya Manager',
      email: `maya.${Date.now()}@example.com`,
      role: 'manager',
    });
    await signInPage.signInAs(manager, account.organizationName);

    await page.getByRole('navigation', { name: 'Reports' }).getByRole('button', { name: 'Reports' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Reports' })).toBeVisible();
    await page.getByRole('button', { name: 'Date range' }).click();
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    // Both customers' messages, counted on the server from its stored events.
    await expect(page.getByRole('group', { name: 'Messages in' })).toContainText('2');
    await expect(page.getByRole('group', { name: 'Conversations opened' })).toContainText('2');
    await expect(page.getByRole('table', { name: 'WhatsApp numbers' })).toContainText('Support line');

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV: Days' }).click();
    const file = await downloading;
    expect(file.suggestedFilename()).toMatch(/^parley-days-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('date,opened,resolved,messages_in,messages_out');
    expect(csv.filter((l) => l !== '')).toHaveLength(8);
    expect(csv.some((l) => /,2,0,2,0$/.test(l))).toBe(true);

    await page.getByRole('heading', { level: 2, name: 'Reports' }).scrollIntoViewIfNeeded();
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      expect(await axeViolations(page), `axe violations in Reports (${scheme})`).toEqual([]);
      const body = await page.screenshot();
      await testInfo.attach(`reports (${scheme})`, { body, contentType: 'image/png' });
      await page.screenshot({ path: join(screenshotDir, `reports-${scheme}.png`) });
    }
  });

  test('an admin sets business hours and the away message; agents see no Reports', async ({
    signInPage,
    account,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    mkdirSync(screenshotDir, { recursive: true });
    await signInPage.signInAs(account, account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('Organization');
    await page.getByRole('switch', { name: /Set business hours/ }).click();
    await page.getByRole('button', { name: 'Add hours on Wednesday' }).click();
    await page.getByRole('textbox', { name: 'Wednesday closes', exact: true }).fill('12:00');
    await page.getByRole('switch', { name: /Send an away message/ }).click();
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect(page.getByRole('textbox', { name: /^Away message/ })).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    await page.getByRole('textbox', { name: /^Away message/ }).fill('We are closed; we answer from 9:00.');
    await page.getByRole('button', { name: 'Save business hours' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Business hours saved.' })).toBeVisible();
    await page.getByRole('button', { name: 'Save business hours' }).scrollIntoViewIfNeeded();
    const body = await page.screenshot();
    await testInfo.attach('business hours', { body, contentType: 'image/png' });
    await page.screenshot({ path: join(screenshotDir, 'settings-business-hours-light.png') });
    await page.reload();
    await settings.open();
    await settings.section('Organization');
    await expect(page.getByRole('textbox', { name: 'Wednesday opens (2)' })).toHaveValue('13:00');
    await expect(page.getByRole('textbox', { name: 'Wednesday closes', exact: true })).toHaveValue('12:00');
    // An admin has Reports; an agent would not (the role check in AppFrame; the server refuses).
    await expect(page.getByRole('navigation', { name: 'Reports' })).toBeVisible();
  });
});
