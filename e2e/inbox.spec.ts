import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import type { TestAccount } from './fixtures/accounts';
import { expect, test } from './fixtures/test';
import {
  accessToken,
  addMember,
  customerSends,
  customersSendInTurn,
  nextWhatsAppSecond,
} from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { startHarness, type Harness } from './harness/harness';
import { AppFramePage } from './pages/AppFramePage';
import { InboxPage } from './pages/InboxPage';
import { SignInPage } from './pages/SignInPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

test.describe('inbox', () => {
  test.beforeEach(async ({ signInPage, account, page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await signInPage.signInAs(account, account.organizationName);
  });

  test('a customer message appears live; views and tabs switch', async ({ inbox, emulator, whatsapp }) => {
    await expect(inbox.view('All')).toHaveAttribute('aria-current', 'page');
    await customerSends(emulator, whatsapp, whatsapp.customers[0]!.phone, {
      type: 'text',
      body: 'Hi, is my order ready?',
    });
    const firstSentAt = Date.now();
    const row = inbox.row('Maria Souza');
    await expect(row).toBeVisible(LIVE);
    await expect(row).toHaveAccessibleName(
      /^Maria Souza, 1 unread, Hi, is my order ready\?, .*window open for 2\d h, unassigned/,
    );
    await expect(inbox.tab('Open')).toHaveAccessibleDescription(/^1 unread, 1 conversations?$/, LIVE);

    await inbox.goTo('Unassigned');
    await expect(inbox.row('Maria Souza')).toBeVisible();
    await inbox.goTo('Mine');
    await expect(inbox.page.getByText('No open conversations in Mine')).toBeVisible();

    await inbox.goTo('All');
    await inbox.tab('Resolved').click();
    await expect(inbox.page.getByText('No resolved conversations in All')).toBeVisible();
    await inbox.tab('Open').click();
    await expect(inbox.row('Maria Souza')).toBeVisible();

    // A second customer, in a later second than the first: the newest activity goes on top.
    await nextWhatsAppSecond(firstSentAt);
    await customerSends(emulator, whatsapp, whatsapp.customers[1]!.phone, {
      type: 'text',
      body: 'Hello there',
    });
    await expect(inbox.rows().first()).toHaveAccessibleName(/^Oliver Smith, 1 unread/, LIVE);
    await expect(inbox.rows()).toHaveCount(2);
  });

  test('search finds contacts, numbers and message text as you type', async ({
    inbox,
    emulator,
    whatsapp,
    page,
  }) => {
    const [maria, oliver] = whatsapp.customers;
    await customerSends(emulator, whatsapp, maria!.phone, { type: 'text', body: 'The blue cake was lovely' });
    await customerSends(emulator, whatsapp, oliver!.phone, { type: 'text', body: 'Where is my parcel?' });
    await expect(inbox.rows()).toHaveCount(2, LIVE);

    await page.keyboard.press('/');
    await expect(inbox.search).toBeFocused();
    await page.keyboard.type('parcel');
    await expect(inbox.rows()).toHaveCount(1);
    await expect(inbox.rows().first()).toHaveAccessibleName(/^Oliver Smith/);
    await expect(inbox.list.locator('mark')).toHaveText('parcel');

    await inbox.search.fill('souza');
    await expect(inbox.rows()).toHaveCount(1);
    await expect(inbox.rows().first()).toHaveAccessibleName(/^Maria Souza/);

    await inbox.search.fill('7700');
    await expect(inbox.rows()).toHaveCount(1);
    await expect(inbox.rows().first()).toHaveAccessibleName(/^Oliver Smith/);

    await inbox.search.fill('zebra');
    await expect(page.getByText('No open conversations match “zebra”')).toBeVisible();

    await page.keyboard.press('Escape');
    await expect(inbox.search).toHaveValue('');
    await expect(inbox.rows()).toHaveCount(2);
  });

  test('keyboard: move, open, resolve, help and the command palette', async ({
    inbox,
    emulator,
    whatsapp,
    page,
  }) => {
    const [maria, oliver, sheena] = whatsapp.customers;
    // In turn: Sheena writes last, so she is on top, then Oliver, then Maria.
    await customersSendInTurn(
      emulator,
      whatsapp,
      [maria!, oliver!, sheena!].map((c) => ({
        phone: c.phone,
        action: { type: 'text', body: `Hello from ${c.name}` },
      })),
    );
    await expect(inbox.rows()).toHaveCount(3, LIVE);
    await expect(inbox.rows().first()).toHaveAccessibleName(/^Sheena Nelson/, LIVE);

    await page.keyboard.press('j');
    await expect(inbox.selected()).toHaveAccessibleName(/^Sheena Nelson/);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect(inbox.selected()).toHaveAccessibleName(/^Maria Souza/);
    await page.keyboard.press('k');
    await expect(inbox.selected()).toHaveAccessibleName(/^Oliver Smith/);
    await page.keyboard.press('Enter');
    await expect(page.getByRole('region', { name: /Conversation with Oliver Smith/ })).toBeVisible();

    // Resolve with e: the row leaves Open and the selection moves to its neighbour.
    await inbox.list.focus();
    await page.keyboard.press('e');
    await expect(inbox.row('Oliver Smith')).toHaveCount(0);
    await expect(inbox.selected()).toHaveAccessibleName(/^Maria Souza/);
    await expect(page.getByText('Resolved Oliver Smith')).toBeVisible();
    await inbox.tab('Resolved').click();
    await expect(inbox.row('Oliver Smith')).toBeVisible();
    await inbox.tab('Open').click();

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await expect(help.getByText('Resolve the selected conversation')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();

    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
    await page.keyboard.type('go unassigned');
    await page.keyboard.press('Enter');
    await expect(palette).toBeHidden();
    await expect(inbox.view('Unassigned')).toHaveAttribute('aria-current', 'page');
  });

  test('the inbox in both themes: screenshots and accessibility (with contrast)', async ({
    inbox,
    emulator,
    whatsapp,
    appFrame,
    page,
  }, testInfo) => {
    const [maria, oliver, sheena, kenji] = whatsapp.customers;
    await customerSends(emulator, whatsapp, kenji!.phone, {
      type: 'image',
      caption: 'The cake arrived like this',
    });
    await customerSends(emulator, whatsapp, sheena!.phone, {
      type: 'text',
      body: 'Can I change the delivery address?',
    });
    await customerSends(emulator, whatsapp, oliver!.phone, { type: 'text', body: 'Thanks, that worked!' });
    await customerSends(emulator, whatsapp, maria!.phone, {
      type: 'text',
      body: 'Do you deliver on Sundays?',
    });
    await expect(inbox.rows()).toHaveCount(4, LIVE);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('region', { name: /Conversation with/ })).toBeVisible();
    mkdirSync(screenshotDir, { recursive: true });
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      await page.mouse.move(0, 0);
      const body = await page.screenshot();
      await testInfo.attach(`inbox (${scheme})`, { body, contentType: 'image/png' });
      await page.screenshot({ path: join(screenshotDir, `inbox-${scheme}.png`) });
      // Soft, so both themes are pictured and checked even when one has a finding.
      expect.soft(await axeViolations(page), `axe violations in the ${scheme} theme`).toEqual([]);
    }
    await page.keyboard.press('Control+k');
    await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible();
    await page.screenshot({ path: join(screenshotDir, 'command-palette-dark.png') });
    await testInfo.attach('command palette (dark)', {
      body: await page.screenshot(),
      contentType: 'image/png',
    });
  });
});

/** A second person in their own harness (own client core) and browser context. */
async function signInAs(
  browser: Browser,
  serverUrl: string,
  who: { email: string; password: string },
): Promise<{ page: Page; inbox: InboxPage; harness: Harness; close(): Promise<void> }> {
  const harness = await startHarness({ port: 0, defaultServerUrl: serverUrl, coreLogs: false });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const signIn = new SignInPage(page);
  await signIn.goto(harness.url);
  await signIn.signIn(who);
  await expect(new AppFramePage(page).userMenu).toBeVisible();
  return {
    page,
    inbox: new InboxPage(page),
    harness,
    async close() {
      await context.close();
      await harness.close();
    },
  };
}

test.describe('reassignment', () => {
  test('a manager reassigns a conversation from one agent to another; both screens follow', async ({
    browser,
    server,
    emulator,
    account,
    whatsapp,
    signInPage,
    inbox,
    page,
  }) => {
    // Three people, each with their own client core and browser context.
    test.setTimeout(180_000);
    const admin: TestAccount = account;
    const token = await accessToken(server.url, admin.email, admin.password);
    const alex = await addMember(server.url, token, {
      name: 'Alex Agent',
      email: `alex.${Date.now()}@example.com`,
      role: 'agent',
    });
    const sam = await addMember(server.url, token, {
      name: 'Sam Agent',
      email: `sam.${Date.now()}@example.com`,
      role: 'agent',
    });

    await page.setViewportSize({ width: 1280, height: 800 });
    await signInPage.signInAs(admin, admin.organizationName);
    await customerSends(emulator, whatsapp, whatsapp.customers[0]!.phone, {
      type: 'text',
      body: 'I need help with my order',
    });
    await expect(inbox.row('Maria Souza')).toBeVisible(LIVE);

    const alexScreen = await signInAs(browser, server.url, alex);
    const samScreen = await signInAs(browser, server.url, sam);
    try {
      await expect(alexScreen.inbox.view('Mine')).toHaveAttribute('aria-current', 'page');
      await expect(alexScreen.page.getByText('No open conversations in Mine')).toBeVisible(LIVE);

      // The manager assigns it to Alex through the command palette.
      await inbox.row('Maria Souza').click();
      await page.keyboard.press('Control+k');
      await page.keyboard.type('assign to alex');
      await page.keyboard.press('Enter');
      await expect(page.getByText('Assigned Maria Souza to Alex Agent')).toBeVisible();
      await expect(alexScreen.inbox.row('Maria Souza')).toBeVisible(LIVE);
      await expect(alexScreen.inbox.row('Maria Souza')).toHaveAccessibleName(/assigned to you/);

      // …then reassigns it to Sam: it leaves Alex's list at once with a notice, and lands in Sam's.
      await inbox.list.focus();
      await page.keyboard.press('Control+k');
      await page.keyboard.type('assign to sam');
      await page.keyboard.press('Enter');
      await expect(samScreen.inbox.row('Maria Souza')).toBeVisible(LIVE);
      await expect(alexScreen.inbox.row('Maria Souza')).toHaveCount(0, LIVE);
      await expect(
        alexScreen.page.getByText('Conversation with Maria Souza was reassigned to Sam Agent'),
      ).toBeVisible(LIVE);
      await expect(inbox.row('Maria Souza')).toHaveAccessibleName(/assigned to Sam Agent/, LIVE);
    } finally {
      await alexScreen.close();
      await samScreen.close();
    }
  });
});
