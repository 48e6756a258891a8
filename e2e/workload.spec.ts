import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, customerSends } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';

// Issue 13: availability from the user menu reaches the dot (through the server and sync), and
// the Team workload view reassigns a conversation from a team's queue, its counts moving live.

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

test.describe('workload', () => {
  // The first test of a worker also pays for the server, the harness and the renderer build; on a
  // loaded machine that alone can take a minute.
  test.describe.configure({ timeout: 150_000 });
  test.beforeEach(async ({ signInPage, appFrame, account, page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
  });

  test('availability set from the user menu shows on the dot', async ({ appFrame, account, page }) => {
    // Connected: the server marks the member online, and the member row syncs back.
    await expect(page.getByRole('img', { name: `${account.name} — Available` })).toBeVisible(LIVE);
    await appFrame.userMenu.click();
    await page.getByRole('menuitem', { name: 'Away' }).click();
    await expect(page.getByRole('img', { name: `${account.name} — Away` })).toBeVisible(LIVE);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'availability-away.png') });
    // And back, from the command palette.
    await page.keyboard.press('Control+k');
    await page
      .getByRole('dialog', { name: 'Command palette' })
      .getByRole('combobox', { name: 'Command' })
      .fill('Available');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('img', { name: `${account.name} — Available` })).toBeVisible(LIVE);
  });

  test('the workload view reassigns a conversation from a queue', async ({
    account,
    server,
    emulator,
    whatsapp,
    inbox,
    appFrame,
    page,
  }) => {
    const token = await accessToken(server.url, account.email, account.password);
    const ana = await addMember(server.url, token, {
      name: 'Ana Agent',
      email: `ana.${Date.now()}@example.com`,
      role: 'agent',
    });
    await customerSends(emulator, whatsapp, whatsapp.customers[0]!.phone, {
      type: 'text',
      body: 'Is anyone there?',
    });
    const row = inbox.row('Maria Souza');
    await expect(row).toBeVisible(LIVE);
    // The row says how long the customer has waited for a reply.
    // The wait ends the row's sentence; the selection cell's name follows it.
    await expect(row).toHaveAccessibleName(
      /, customer waiting less than a minute( Select conversation with .*)?$/,
    );

    await page.getByRole('button', { name: 'Team workload' }).click();
    await expect(page.getByRole('heading', { name: 'Team workload' })).toBeVisible();
    const people = page.getByRole('table', { name: 'People' });
    await expect(people.getByRole('img', { name: 'Ana Agent — Offline' })).toBeVisible(LIVE);
    const queue = page.getByRole('region', { name: 'No team' });
    await expect(queue).toContainText('1 unassigned');
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'workload-before.png') });

    await queue.getByRole('button', { name: 'Assign Maria Souza' }).click();
    await page.getByRole('menuitem', { name: /Ana Agent/ }).click();
    await expect(queue).toContainText('0 unassigned', LIVE);
    const anaRow = people.getByRole('row').filter({ has: page.getByRole('img', { name: /^Ana Agent/ }) });
    await expect(anaRow.getByRole('cell').nth(2)).toHaveText('1', LIVE);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'workload-after.png') });
    await appFrame.userMenu.click();
    await page.getByRole('menuitem', { name: 'Dark' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'workload-dark.png') });

    // The server agrees: the conversation is Ana's.
    const list = await fetch(`${server.url}/api/v1/conversations?assignee=${ana.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(((await list.json()) as { data: unknown[] }).data).toHaveLength(1);
  });
});
