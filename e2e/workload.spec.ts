import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import type { TestAccount } from './fixtures/accounts';
import type { TestServer } from './fixtures/server';
import {
  accessToken,
  addMember,
  customerSends,
  type ConnectedNumber,
  type MetaEmulator,
} from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';

// Issue 13: availability from the user menu reaches the dot (through the server and sync), and
// the Team workload view assigns a conversation from a team's queue and reassigns one from a
// member's list (menu and drag), its counts moving live.

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

/** A new agent `name` and a customer's message `body` waiting in the inbox, unassigned. */
async function agentAndWaitingCustomer(
  {
    server,
    account,
    emulator,
    whatsapp,
  }: { server: TestServer; account: TestAccount; emulator: MetaEmulator; whatsapp: ConnectedNumber },
  name: string,
  body: string,
) {
  const token = await accessToken(server.url, account.email, account.password);
  const agent = await addMember(server.url, token, {
    name,
    email: `${name.split(' ')[0]!.toLowerCase()}.${Date.now()}@example.com`,
    role: 'agent',
  });
  await customerSends(emulator, whatsapp, whatsapp.customers[0]!.phone, { type: 'text', body });
  return { token, agent };
}

/** How many conversations the server has assigned to `userId`. */
async function assignedOnServer(serverUrl: string, token: string, userId: string): Promise<number> {
  const list = await fetch(`${serverUrl}/api/v1/conversations?assignee=${userId}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await list.json()) as { data: unknown[] }).data.length;
}

test.describe('workload', () => {
  // The first test of a worker also pays for the server, the harness and the renderer build; on a
  // loaded machine that alone can take a minute.
  test.describe.configure({ timeout: 150_000 });
  test.beforeEach(async ({ signInPage, account, page }) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signInAs(account, account.organizationName);
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
    const { token, agent: ana } = await agentAndWaitingCustomer(
      { server, account, emulator, whatsapp },
      'Ana Agent',
      'Is anyone there?',
    );
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
    expect(await assignedOnServer(server.url, token, ana.id)).toBe(1);
  });

  test('the workload view assigns a conversation dragged onto a member', async ({
    account,
    server,
    emulator,
    whatsapp,
    inbox,
    appFrame,
    page,
  }) => {
    const { token, agent: ben } = await agentAndWaitingCustomer(
      { server, account, emulator, whatsapp },
      'Ben Agent',
      'Can someone help?',
    );
    await expect(inbox.row('Maria Souza')).toBeVisible(LIVE);

    await page.getByRole('button', { name: 'Team workload' }).click();
    const people = page.getByRole('table', { name: 'People' });
    const benRow = people.getByRole('row').filter({ has: page.getByRole('img', { name: /^Ben Agent/ }) });
    await expect(benRow).toBeVisible(LIVE);
    const queue = page.getByRole('region', { name: 'No team' });
    await expect(queue).toContainText('1 unassigned', LIVE);
    const card = queue.getByRole('row').filter({ hasText: 'Maria Souza' });

    // Mid-drag: the people who may take it are outlined, the one under the pointer filled.
    await card.hover();
    await page.mouse.down();
    await benRow.hover();
    await benRow.hover({ position: { x: 20, y: 10 } });
    await expect(benRow).toHaveAttribute('data-drop-target', 'true');
    await expect(benRow).toHaveAttribute('data-drop-over', 'true');
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'workload-drag.png') });
    await page.mouse.up();
    await expect(queue).toContainText('0 unassigned', LIVE);
    await expect(benRow.getByRole('cell').nth(2)).toHaveText('1', LIVE);

    // The same with Playwright's drag: a second customer's conversation, dropped on the signed-in
    // manager, in the dark theme.
    await appFrame.userMenu.click();
    await page.getByRole('menuitem', { name: 'Dark' }).click();
    await customerSends(emulator, whatsapp, whatsapp.customers[1]!.phone, { type: 'text', body: 'Hello?' });
    await expect(queue).toContainText('1 unassigned', LIVE);
    const meRow = people
      .getByRole('row')
      .filter({ has: page.getByRole('img', { name: new RegExp(`^${account.name}`) }) });
    await queue.getByRole('row').first().dragTo(meRow);
    await expect(queue).toContainText('0 unassigned', LIVE);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'workload-drag-dark.png') });

    // The server agrees: the first conversation is Ben's.
    const assignedTo = (userId: string) => assignedOnServer(server.url, token, userId);
    expect(await assignedTo(ben.id)).toBe(1);

    // Reassigning: Ben's row opens onto his conversations, and Maria's is dragged onto the manager.
    await people.getByRole('button', { name: 'Show Ben Agent’s conversations' }).click();
    const bens = people.getByRole('table', { name: 'Ben Agent’s conversations' });
    await expect(bens.getByRole('row')).toHaveCount(1);
    await expect(bens.getByRole('row').first()).toContainText('Maria Souza');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, 'workload-member-open-dark.png') });
    await bens.getByRole('row').first().dragTo(meRow);
    await expect(benRow.getByRole('cell').nth(2)).toHaveText('0', LIVE);
    await expect(meRow.getByRole('cell').nth(2)).toHaveText('2', LIVE);
    // The server agrees: Ben has none left (the manager's two are counted above, from the replica).
    await expect.poll(() => assignedTo(ben.id), LIVE).toBe(0);
  });
});
