import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('theme', () => {
  test.beforeEach(async ({ signInPage, account }) => {
    await signInPage.signInAs(account, account.organizationName);
  });

  test('switches between light and dark and keeps the choice across a reload', async ({ appFrame, page }) => {
    await appFrame.chooseTheme('Light');
    await expect.poll(() => appFrame.colorScheme()).toBe('light');

    await appFrame.chooseTheme('Dark');
    await expect.poll(() => appFrame.colorScheme()).toBe('dark');

    await page.reload();
    await expect(appFrame.userMenu).toBeVisible();
    await expect.poll(() => appFrame.colorScheme()).toBe('dark');
  });

  test('System follows the operating system preference', async ({ appFrame, page }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await appFrame.chooseTheme('System');
    await expect.poll(() => appFrame.colorScheme()).toBe('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => appFrame.colorScheme()).toBe('light');
  });

  test('the signed-in frame in both themes: screenshots and accessibility (with contrast)', async ({
    appFrame,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    mkdirSync(screenshotDir, { recursive: true });
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      // The menu closes on click; wait until it is gone so it is not in the picture.
      await expect(page.getByRole('menu')).toBeHidden();
      await expect(appFrame.connection).toBeVisible();
      expect(await axeViolations(page), `axe violations in the ${scheme} theme`).toEqual([]);
      const body = await page.screenshot({ fullPage: true });
      await testInfo.attach(`signed-in frame (${scheme})`, { body, contentType: 'image/png' });
      await page.screenshot({ path: join(screenshotDir, `frame-${scheme}.png`), fullPage: true });
    }
  });
});
