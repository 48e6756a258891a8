import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, customersSendInTurn } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { startHarness, type Harness } from './harness/harness';
import { AppFramePage } from './pages/AppFramePage';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';
import { SignInPage } from './pages/SignInPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

/** A second person in their own harness (own client core) and browser context. */
async function signInAs(
  browser: Browser,
  serverUrl: string,
  who: { email: string; password: string },
): Promise<{ page: Page; inbox: InboxPage; close(): Promise<void> }> {
  const harness: Harness = await startHarness({ port: 0, defaultServerUrl: serverUrl, coreLogs: false });
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto(harness.url);
  await signIn.signIn(who);
  await expect(new AppFramePage(page).userMenu).toBeVisible();
  return {
    page,
    inbox: new InboxPage(page),
    async close() {
      await context.close();
      await harness.close();
    },
  };
}

/**
 * Clicks Send in the collision prompt if it comes (a teammate typed in the last seconds: timing
 * on a loaded machine decides whether that window is still open).
 */
async function sendAnyway(page: Page, who: string): Promise<void> {
  const ask = page.getByRole('dialog', { name: `${who} is also replying — send anyway?` });
  const asked = await ask.waitFor({ state: 'visible', timeout: 3_000 }).then(
    () => true,
    () => false,
  );
  if (asked) await ask.getByRole('button', { name: 'Send' }).click();
}

const checkbox = (page: Page, name: string) =>
  page.getByRole('checkbox', { name: `Select conversation with ${name}` });

test.describe('bulk actions', () => {
  test('select rows with the checkbox and Shift-click, assign them, see the progress and the result', async ({
    signInPage,
    appFrame,
    account,
    server,
    emulator,
    whatsapp,
    inbox,
    page,
  }) => {
    test.setTimeout(120_000);
    const token = await accessToken(server.url, account.email, account.password);
    await addMember(server.url, token, {
      name: 'Ben Okafor',
      email: `ben.${Date.now()}@example.com`,
      role: 'agent',
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signInAs(account, account.organizationName);
    const customers = whatsapp.customers.slice(0, 4);
    await customersSendInTurn(
      emulator,
      whatsapp,
      customers.map((c, i) => ({
        phone: c.phone,
        action: { type: 'text', body: `Question number ${i + 1}` },
      })),
    );
    await expect(inbox.rows()).toHaveCount(4, LIVE);
    // Newest first: the last customer is on top.
    const names = [...customers].reverse().map((c) => c.name);
    await expect(inbox.rows().first()).toHaveAccessibleName(new RegExp(`^${names[0]},`));

    await checkbox(page, names[0]!).click();
    await checkbox(page, names[2]!).click({ modifiers: ['Shift'] });
    for (const [i, name] of names.entries())
      await expect(checkbox(page, name)).toHaveAttribute('aria-checked', i <= 2 ? 'true' : 'false');
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await expect(bar.getByText('3 selected')).toBeVisible();
    // Clicking a cell never opens the conversation.
    await expect(page.getByRole('region', { name: /^Conversation with / })).toHaveCount(0);
    mkdirSync(screenshotDir, { recursive: true });
    await page.screenshot({ path: join(screenshotDir, 'bulk-selected-light.png') });
    expect(await axeViolations(page)).toEqual([]);

    await bar.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('menuitem', { name: 'Ben Okafor' }).click();
    const notice = page.getByRole('status', { name: 'Bulk action progress' });
    await expect(notice).toContainText('Assign to Ben Okafor');
    await expect(notice).toContainText('Updated 3 conversations', LIVE);
    await expect(bar).toHaveCount(0);
    for (const name of names.slice(0, 3))
      await expect(inbox.row(name)).toHaveAccessibleName(/assigned to Ben Okafor/, LIVE);
    await expect(inbox.row(names[3]!)).toHaveAccessibleName(/unassigned/);
    await page.screenshot({ path: join(screenshotDir, 'bulk-done-light.png') });

    // Ctrl-A takes the filtered list; Escape clears it; x toggles the keyboard row.
    await inbox.list.focus();
    await page.keyboard.press('Control+a');
    await expect(bar.getByText('4 selected')).toBeVisible();
    // The bar and the notice in the dark theme (screenshot and axe, contrast included).
    await appFrame.chooseTheme('Dark');
    await expect.poll(() => appFrame.colorScheme()).toBe('dark');
    await expect(page.getByRole('menu')).toBeHidden();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(screenshotDir, 'bulk-selected-dark.png') });
    expect.soft(await axeViolations(page), 'axe violations in the dark theme').toEqual([]);
    await appFrame.chooseTheme('Light');
    await inbox.list.focus();
    await page.keyboard.press('Escape');
    await expect(bar).toHaveCount(0);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('x');
    await expect(bar.getByText('1 selected')).toBeVisible();
    await bar.getByRole('button', { name: 'Mark unread' }).click();
    await expect(notice).toContainText('Mark unread');
  });
});

test.describe('collision', () => {
  test('two signed-in members: presence in the header and "also replying" before sending', async ({
    browser,
    signInPage,
    account,
    server,
    emulator,
    whatsapp,
    inbox,
    page,
  }) => {
    test.setTimeout(180_000);
    const token = await accessToken(server.url, account.email, account.password);
    const ben = await addMember(server.url, token, {
      name: 'Ben Okafor',
      email: `ben.${Date.now()}@example.com`,
      role: 'manager',
    });
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signInAs(account, account.organizationName);
    const maria = whatsapp.customers[0]!;
    await customersSendInTurn(emulator, whatsapp, [
      { phone: maria.phone, action: { type: 'text', body: 'Is my cake ready?' } },
    ]);
    await expect(inbox.row(maria.name)).toBeVisible(LIVE);

    const benScreen = await signInAs(browser, server.url, ben);
    try {
      // Ada (the admin) opens the conversation first; Ben opens it after: Ada sees him viewing.
      await inbox.row(maria.name).click();
      const mine = new ConversationPage(page);
      await expect(mine.messageBox).toBeVisible();
      await benScreen.inbox.goTo('All');
      await benScreen.inbox.row(maria.name).click({ timeout: LIVE.timeout });
      const his = new ConversationPage(benScreen.page);
      await expect(mine.view.getByText('Ben Okafor is viewing')).toBeVisible(LIVE);
      // The roster: everyone else here, as avatars with their availability.
      await expect(mine.view.getByRole('group', { name: 'Also here: Ben Okafor' })).toBeVisible();

      // Ada starts a reply; Ben types too: Ada's header says so.
      await mine.messageBox.fill('Yes, it is ready');
      await his.messageBox.pressSequentially('Ready at 5', { delay: 30 });
      await expect(mine.view.getByText('Ben Okafor is typing…')).toBeVisible(LIVE);
      await page.screenshot({ path: join(screenshotDir, 'collision-typing-light.png') });

      // Ada sends: asked once. Review keeps the draft.
      await mine.send.click();
      const ask = page.getByRole('dialog', { name: 'Ben Okafor is also replying — send anyway?' });
      await expect(ask).toBeVisible();
      await page.screenshot({ path: join(screenshotDir, 'collision-prompt-light.png') });
      await ask.getByRole('button', { name: 'Review' }).click();
      await expect(ask).toHaveCount(0);
      await expect(mine.messageBox).toHaveValue('Yes, it is ready');

      // Ben sends his reply; it lands in Ada's thread. Her next Send (same draft) is not asked again.
      await his.send.click();
      await sendAnyway(benScreen.page, 'Ada Lovelace');
      await expect(mine.bubble('Ready at 5')).toBeVisible(LIVE);
      await mine.send.click();
      await expect(mine.bubble('Yes, it is ready')).toBeVisible();
      await expect(ask).toHaveCount(0);

      // A fresh draft after Ben's newer reply asks again, for the reply this time; Send sends.
      await mine.messageBox.fill('Anything else?');
      await his.messageBox.fill('See you soon');
      await his.send.click();
      // Ben is asked too when Ada typed a moment ago; he sends anyway.
      await sendAnyway(benScreen.page, 'Ada Lovelace');
      await expect(mine.bubble('See you soon')).toBeVisible(LIVE);
      await mine.send.click();
      await expect(ask).toBeVisible();
      await expect(ask).toContainText(
        'Ben Okafor sent a reply in this conversation after you started writing.',
      );
      await ask.getByRole('button', { name: 'Send' }).click();
      await expect(mine.bubble('Anything else?')).toBeVisible();
    } finally {
      await benScreen.close();
    }
  });
});
