import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, api, customerSends } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';
import { SettingsPage } from './pages/SettingsPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

/** A screenshot attached to the report and written to test-results/screenshots/. */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  const body = await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

test.describe('labels and canned responses', () => {
  test.describe.configure({ timeout: 150_000 });

  test('an admin creates a label and sees it in the inbox filters; an agent inserts a canned response with "/"', async ({
    signInPage,
    appFrame,
    account,
    server,
    emulator,
    whatsapp,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signInAs(account, account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();

    // A label, with its colour.
    await settings.section('Labels');
    await page.getByRole('textbox', { name: 'New label name' }).fill('VIP');
    await page.getByRole('form', { name: 'Create a label' }).getByLabel('Colour').click();
    await page.getByRole('option', { name: 'Grape' }).click();
    await page.getByRole('button', { name: 'Create label' }).click();
    // It comes back through sync, as it reaches every device.
    await expect(page.getByRole('listitem', { name: 'Label VIP' })).toBeVisible(LIVE);

    // A canned response for the whole organization.
    await settings.section('Canned responses');
    const form = page.getByRole('form', { name: 'Create a canned response' });
    await form.getByRole('textbox', { name: /Shortcut/ }).fill('greet');
    await form.getByRole('textbox', { name: /Title/ }).fill('Greeting');
    await form
      .getByRole('textbox', { name: /Response/ })
      .fill('Hello {{contact.name}}, this is {{agent.name}} from {{organization.name}}.');
    await form.getByRole('button', { name: 'Create response' }).click();
    await expect(page.getByRole('article', { name: 'Canned response /greet' })).toBeVisible(LIVE);

    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      for (const [section, file] of [
        ['Labels', 'labels'],
        ['Canned responses', 'canned-responses'],
      ] as const) {
        await settings.section(section);
        expect(await axeViolations(page), `axe violations in ${section} (${scheme})`).toEqual([]);
        await shoot(page, testInfo, `settings-${file}-${scheme}`);
      }
    }
    await appFrame.chooseTheme('Light');

    // The inbox's filters offer the label, in its colour, before any conversation carries it.
    const inbox = new InboxPage(page);
    await inbox.goTo('All');
    const filters = page.getByRole('group', { name: 'Filters' });
    // (Mantine's chip hides its checkbox visually: the chip's text is what shows.)
    await expect(filters.getByRole('checkbox', { name: 'VIP' })).toBeAttached(LIVE);
    await expect(filters.getByText('VIP', { exact: true })).toBeVisible();
    await shoot(page, testInfo, 'inbox-label-filter-light');

    // An agent with a conversation assigned to them.
    const adminToken = await accessToken(server.url, account.email, account.password);
    const agent = await addMember(server.url, adminToken, {
      name: 'Alan Agent',
      email: `alan.${Date.now()}@example.com`,
      role: 'agent',
    });
    const customer = whatsapp.customers[0]!;
    await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: 'Hi, anyone there?' });
    await expect(inbox.row(customer.name)).toBeVisible(LIVE);
    const list = await api<{ data: { id: string }[] }>(server.url, adminToken, 'GET', '/conversations');
    await api(server.url, adminToken, 'PATCH', `/conversations/${list.data[0]!.id}`, {
      assigneeId: agent.id,
    });

    await appFrame.signOut();
    await signInPage.signInAs(agent, account.organizationName);
    await inbox.row(customer.name).click(LIVE);
    const conversation = new ConversationPage(page);
    await expect(conversation.view).toBeVisible();
    await conversation.messageBox.click();
    await conversation.messageBox.pressSequentially('/gr');
    const picker = page.getByRole('listbox', { name: 'Canned responses' });
    await expect(picker.getByRole('option', { name: /\/greet/ })).toHaveAttribute('aria-selected', 'true');
    await shoot(page, testInfo, 'composer-canned-picker-light');
    await conversation.messageBox.press('Enter');
    await expect(picker).toBeHidden();
    await expect(conversation.messageBox).toHaveValue(
      `Hello ${customer.name}, this is Alan Agent from ${account.organizationName}.`,
    );
    // Enter inserted; it did not send. A second Enter sends it.
    await conversation.messageBox.press('Enter');
    await expect(conversation.bubble(`this is Alan Agent`)).toBeVisible(LIVE);
  });
});
