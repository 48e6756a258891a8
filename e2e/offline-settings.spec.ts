import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { startToggleProxy } from './fixtures/toggle-proxy';
import { accessToken, api } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { startHarness } from './harness/harness';
import { AppFramePage } from './pages/AppFramePage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';

// Issue 12: what an agent's work needs works offline. Business hours reach the replica, so the
// header says "Outside business hours" with the connection down; a canned response created
// offline is listed at once and reaches the server on reconnect.

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
const LIVE = { timeout: 20_000 };

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  const body = await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

test.describe('offline settings', () => {
  test.describe.configure({ timeout: 150_000 });

  test('business hours and canned responses work offline', async ({ page, server, account }, testInfo) => {
    const token = await accessToken(server.url, account.email, account.password);
    // Closed all of today (UTC), open 09:00–17:00 every other day: "Opens tomorrow at 09:00".
    const today = (new Date().getUTCDay() + 6) % 7;
    const businessHours = Array.from({ length: 7 }, (_, d) =>
      d === today ? [] : [{ from: '09:00', to: '17:00' }],
    );
    await api(server.url, token, 'PATCH', '/organization', {
      timeZone: 'UTC',
      businessHours,
      awayMessage: { enabled: true, text: 'We are closed today.', gapMinutes: 60 },
    });
    const proxy = await startToggleProxy(server.url);
    const harness = await startHarness({ port: 0, defaultServerUrl: proxy.url });
    try {
      await page.setViewportSize({ width: 1400, height: 860 });
      const signIn = new SignInPage(page);
      await signIn.goto(harness.url);
      await signIn.signIn({ email: account.email, password: account.password, serverUrl: proxy.url });
      const appFrame = new AppFramePage(page);
      await appFrame.expectSignedIn(account.organizationName);
      const hours = page.getByRole('status', { name: 'Business hours' });
      await expect(hours).toHaveText(
        'Outside business hours. Opens tomorrow at 09:00 (UTC). The away message answers customers who write now.',
        LIVE,
      );

      proxy.setOnline(false);
      await expect(appFrame.connection).toHaveAccessibleName(/Offline/, LIVE);
      // A fresh page reads everything from the replica again: the state holds offline.
      await page.reload();
      await appFrame.expectSignedIn(account.organizationName);
      await expect(hours).toContainText('Outside business hours');

      const settings = new SettingsPage(page);
      await settings.open();
      await settings.section('Canned responses');
      await expect(page.getByText('Changes are kept on this device')).toBeVisible();
      const form = page.getByRole('form', { name: 'Create a canned response' });
      await form.getByText('Only me').click();
      await form.getByRole('textbox', { name: /Shortcut/ }).fill('closed');
      await form.getByRole('textbox', { name: /Title/ }).fill('We are closed');
      await form
        .getByRole('textbox', { name: /Response/ })
        .fill('We open again tomorrow at 9, {{contact.name}}.');
      await form.getByRole('button', { name: 'Create response' }).click();
      await expect(page.getByRole('article', { name: 'Canned response /closed' })).toBeVisible();
      await expect(appFrame.connection).toHaveAccessibleName(/Offline/);

      for (const [label, scheme] of [
        ['Light', 'light'],
        ['Dark', 'dark'],
      ] as const) {
        await appFrame.chooseTheme(label);
        await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
        await expect(page.getByRole('menu')).toBeHidden();
        expect(await axeViolations(page), `axe violations offline (${scheme})`).toEqual([]);
        await shoot(page, testInfo, `offline-canned-and-hours-${scheme}`);
      }
      await appFrame.chooseTheme('Light');

      proxy.setOnline(true);
      await expect
        .poll(
          async () =>
            (
              await api<{ data: { shortcut: string }[] }>(server.url, token, 'GET', '/canned-responses')
            ).data.map((c) => c.shortcut),
          { timeout: 45_000 },
        )
        .toContain('closed');
    } finally {
      await harness.close();
      await proxy.close();
    }
  });
});
