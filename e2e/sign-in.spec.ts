import { join } from 'node:path';
import { axeViolations } from './fixtures/axe';
import { freePort } from './fixtures/ports';
import { expect, test } from './fixtures/test';
import { repoRoot } from './harness/build-renderer';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

test.describe('sign-in', () => {
  test('pre-fills the server URL and signs in to the frame showing the organization', async ({
    signInPage,
    appFrame,
    account,
    server,
  }) => {
    await expect(signInPage.serverUrl).toHaveValue(server.url);
    await signInPage.signInAs(account, account.organizationName);
    await expect(appFrame.userMenu).toContainText(account.name);
    await expect(appFrame.emptyState).toBeVisible();
    // The harness keeps the refresh token in memory, so the frame says so.
    await expect(appFrame.page.getByRole('note')).toContainText('Your sign-in is kept in memory only');
  });

  test('works with the keyboard alone: Tab through the fields, Enter submits', async ({
    signInPage,
    appFrame,
    account,
  }) => {
    const { page } = signInPage;
    await signInPage.email.focus();
    await page.keyboard.type(account.email);
    await page.keyboard.press('Tab');
    await expect(signInPage.password).toBeFocused();
    await page.keyboard.type(account.password);
    await page.keyboard.press('Enter');
    await appFrame.expectSignedIn(account.organizationName);
  });

  test('shows client-side validation beside the fields', async ({ signInPage }) => {
    await signInPage.serverUrl.fill('ftp://example.com');
    await signInPage.email.fill('not-an-email');
    await signInPage.submit.click();
    await expect(signInPage.page.getByText('Enter an http:// or https:// URL')).toBeVisible();
    await expect(signInPage.page.getByText('Enter a valid e-mail address')).toBeVisible();
    await expect(signInPage.page.getByText('Enter your password')).toBeVisible();
    await expect(signInPage.serverUrl).toBeFocused();
    expect(await axeViolations(signInPage.page)).toEqual([]);
  });

  test('says the password is wrong', async ({ signInPage, account }, testInfo) => {
    await signInPage.signIn({ email: account.email, password: 'not the password' });
    await expect(signInPage.alert).toContainText('Wrong email or password');
    await expect(signInPage.submit).toBeEnabled();
    await expect(signInPage.heading).toBeVisible();
    expect(await axeViolations(signInPage.page)).toEqual([]);
    const body = await signInPage.page.screenshot();
    await testInfo.attach('sign-in with a server error', { body, contentType: 'image/png' });
    await signInPage.page.screenshot({ path: join(screenshotDir, 'sign-in-error.png') });
  });

  test('says when the server cannot be reached', async ({ signInPage, account }) => {
    const closedPort = await freePort();
    await signInPage.signIn({
      serverUrl: `http://127.0.0.1:${closedPort}`,
      email: account.email,
      password: account.password,
    });
    await expect(signInPage.alert).toContainText("Can't reach the server");
    await expect(signInPage.submit).toBeEnabled();
  });

  test('signs out back to the sign-in screen, keeping the server URL', async ({
    signInPage,
    appFrame,
    account,
    server,
  }) => {
    await signInPage.signInAs(account, account.organizationName);
    await appFrame.signOut();
    await expect(signInPage.heading).toBeVisible();
    await expect(signInPage.serverUrl).toHaveValue(server.url);
  });
});
