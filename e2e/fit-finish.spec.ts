import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures/test';
import {
  customerSends,
  customersSendInTurn,
  nextWhatsAppSecond,
  type MetaEmulator,
} from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { startHarness } from './harness/harness';
import { AppFramePage } from './pages/AppFramePage';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';

// Issue 14's states at the sizes people use, in both themes, as screenshots
// (test-results/screenshots/finish-*.png): the first run of the browser fallback, the send
// controls once only templates may go (with a refusal a retry cannot fix), and the calm list's
// "new updates" pill.

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
const LIVE = { timeout: 20_000 };
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
] as const;

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  const body = await page.screenshot({ path: join(screenshotDir, `finish-${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** Each size in each theme: `shot` runs with the page there. */
async function everywhere(page: Page, run: (label: string) => Promise<void>) {
  const frame = new AppFramePage(page);
  for (const theme of ['Light', 'Dark'] as const) {
    await frame.chooseTheme(theme);
    await expect.poll(() => frame.colorScheme()).toBe(theme.toLowerCase());
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.mouse.move(0, 0);
      await page.waitForTimeout(150);
      await run(`${size.width}x${size.height}-${theme.toLowerCase()}`);
    }
  }
}

type Customer = { name: string; phone: string };

/** Injects Meta faults for the next sends (all numbers of the emulator). */
async function injectFault(emulator: MetaEmulator, fault: object) {
  const res = await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(res.ok).toBe(true);
}

test.describe('fit and finish', () => {
  test.describe.configure({ timeout: 240_000 });

  test('first run: the browser fallback opens signed in, not on the sign-in form', async ({
    page,
    server,
    account,
  }, testInfo) => {
    // What `npm start` does where Electron is unavailable: the harness signs in at startup.
    const harness = await startHarness({
      port: 0,
      defaultServerUrl: server.url,
      coreLogs: false,
      autoSignIn: { email: account.email, password: account.password },
    });
    try {
      await page.setViewportSize(SIZES[0]);
      await page.goto(harness.url);
      await new AppFramePage(page).expectSignedIn(account.organizationName);
      await expect(page.getByRole('button', { name: 'Sign in' })).toHaveCount(0);
      await shoot(page, testInfo, 'first-run-1280x720-light');
    } finally {
      await harness.close();
    }
  });

  test.describe('signed in', () => {
    test.beforeEach(async ({ signInPage, account, page }) => {
      await page.setViewportSize(SIZES[1]);
      await signInPage.signInAs(account, account.organizationName);
    });

    test('templates only: every free-form path disabled with the reason; a refusal offers a template, not Retry', async ({
      page,
      emulator,
      whatsapp,
    }, testInfo) => {
      await page.clock.install();
      await page.reload();
      await new AppFramePage(page).userMenu.waitFor();
      const inbox = new InboxPage(page);
      const conversation = new ConversationPage(page);
      const customer = whatsapp.customers[0]!;
      await customerSends(emulator, whatsapp, customer.phone, {
        type: 'text',
        body: 'Is the cake ready? 🎂',
      });
      await inbox.row(customer.name).click({ timeout: LIVE.timeout });
      await expect(conversation.bubble('Is the cake ready?')).toBeVisible();
      // Meta refuses the reply as outside the window (131047, "re-engagement message").
      await injectFault(emulator, { send: { kind: 'error', code: 131047, count: 1 } });
      await conversation.reply('Yes, come by at four');
      const bubble = conversation.bubble('Yes, come by at four');
      await expect(conversation.stateOf('Yes, come by at four')).toHaveAccessibleName('Failed', LIVE);
      // A day and a bit later the window has closed here too.
      await page.clock.fastForward('24:05:00');
      await expect(conversation.countdown).toHaveText('Window closed');
      await expect(bubble.getByRole('button', { name: 'Retry' })).toHaveCount(0);
      await expect(bubble.getByRole('button', { name: 'Send a template' })).toBeVisible();
      await expect(conversation.messageBox).toBeDisabled();
      await expect(conversation.view.getByRole('button', { name: 'Attach files' })).toBeDisabled();
      await expect(conversation.view.getByRole('button', { name: /emoji/i })).toBeDisabled();
      await expect(conversation.view.getByRole('button', { name: 'Choose a template' })).toBeEnabled();
      await everywhere(page, async (label) => {
        await expect(bubble).toBeVisible();
        await shoot(page, testInfo, `templates-only-${label}`);
      });
      await bubble.getByRole('button', { name: 'Send a template' }).click();
      await expect(conversation.templates).toBeVisible();
    });

    test('a calm list: counts say what they count; rows hold still under the pointer and new activity waits in a pill', async ({
      page,
      emulator,
      whatsapp,
    }, testInfo) => {
      const inbox = new InboxPage(page);
      const [maria, oliver, sheena] = whatsapp.customers as [Customer, Customer, Customer];
      /** The customers' rows from top to bottom (the list is virtualized: by position, not DOM order). */
      const order = async () => {
        const tops = await Promise.all(
          [maria, oliver, sheena].map(async (c) => ({
            name: c.name,
            y: (await inbox.row(c.name).count()) ? (await inbox.row(c.name).boundingBox())?.y : undefined,
          })),
        );
        return tops
          .filter((t): t is { name: string; y: number } => t.y !== undefined)
          .sort((a, b) => a.y - b.y)
          .map((t) => t.name);
      };
      await customersSendInTurn(emulator, whatsapp, [
        { phone: maria.phone, action: { type: 'text', body: 'First!' } },
        { phone: oliver.phone, action: { type: 'text', body: 'Second' } },
      ]);
      // Each batch below must sort after the one before it: WhatsApp's stamps are whole seconds.
      let sentAt = Date.now();
      await expect.poll(order, LIVE).toEqual([oliver.name, maria.name]);

      // One number on screen; the sentence with both is the description and the tooltip.
      const all = inbox.view('All');
      await expect(all).toHaveAttribute('aria-current', 'page');
      await expect(all).toHaveAccessibleDescription('2 unread, 2 open', LIVE);
      await expect(inbox.tab('Open')).toHaveAccessibleDescription('2 unread, 2 conversations');
      const badge = all.getByText('2', { exact: true });
      await expect(badge).toBeVisible();
      await expect(all).not.toContainText('2 open');
      await badge.hover();
      await expect(page.getByRole('tooltip', { name: '2 unread, 2 open' })).toBeVisible();

      // The pointer rests on Maria's row while she writes again (her row would move to the top)
      // and Sheena writes for the first time.
      const mariaRow = inbox.row(maria.name);
      await mariaRow.hover();
      const rested = (await mariaRow.boundingBox())!.y;
      await nextWhatsAppSecond(sentAt);
      await customersSendInTurn(emulator, whatsapp, [
        { phone: maria.phone, action: { type: 'text', body: 'Are you there?' } },
        { phone: sheena.phone, action: { type: 'text', body: 'Hello from Sheena' } },
      ]);
      sentAt = Date.now();
      const pill = page.getByRole('button', { name: '2 new updates' });
      await expect(pill).toBeVisible(LIVE);
      // The pill hides no row: it sits above the list, in the summary line.
      const pillBox = (await pill.boundingBox())!;
      expect(pillBox.y + pillBox.height).toBeLessThanOrEqual((await inbox.list.boundingBox())!.y + 0.5);
      // Nothing moved under the pointer; the row itself is up to date.
      await expect(mariaRow).toContainText('Are you there?');
      expect(await order()).toEqual([oliver.name, maria.name]);
      expect((await mariaRow.boundingBox())!.y).toBe(rested);
      await expect(all).toHaveAccessibleDescription('3 unread, 3 open', LIVE);
      await shoot(page, testInfo, 'calm-list-1440x900-light');

      // The pill applies them (the pointer is still on the list).
      await pill.click();
      await expect(pill).toBeHidden();
      await expect.poll(order).toEqual([sheena.name, maria.name, oliver.name]);

      // More activity while the pointer stays: held again, and leaving the list applies it.
      await nextWhatsAppSecond(sentAt);
      await customerSends(emulator, whatsapp, oliver.phone, { type: 'text', body: 'Still waiting' });
      const one = page.getByRole('button', { name: '1 new update' });
      await expect(one).toBeVisible(LIVE);
      expect(await order()).toEqual([sheena.name, maria.name, oliver.name]);
      await page.mouse.move(0, 0);
      await expect(one).toBeHidden();
      await expect.poll(order).toEqual([oliver.name, sheena.name, maria.name]);
    });
  });
});
