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

// Issue 12, Templates: an admin creates a template in Settings, the Meta emulator reviews it and
// sends the status webhook, the list shows it Approved (webhook → server → sync → replica), and
// an agent sends it from the composer's template picker.

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
const LIVE = { timeout: 30_000 };

async function shoot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  const body = await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

const setScheme = (page: Page, scheme: 'light' | 'dark') =>
  page.evaluate((s) => document.documentElement.setAttribute('data-mantine-color-scheme', s), scheme);

test.describe('templates', () => {
  test.describe.configure({ timeout: 240_000 });

  test('an admin creates a template, Meta approves it, and an agent sends it', async ({
    signInPage,
    appFrame,
    account,
    server,
    emulator,
    whatsapp,
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signIn({ email: account.email, password: account.password });
    await appFrame.expectSignedIn(account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    await settings.section('Templates');
    const table = page.getByRole('table', { name: 'Templates' });
    await expect(table.getByRole('button', { name: 'Open template order_update (en_US)' })).toBeVisible(LIVE);

    const name = `pickup_ready_${Date.now() % 100000}`;
    await page.getByRole('button', { name: 'Create template' }).click();
    const form = settings.dialog('Create a template');
    await form.getByRole('textbox', { name: /^Name/ }).fill(name);
    await form.getByRole('combobox', { name: 'Header' }).click();
    await page.getByRole('option', { name: 'Text' }).click();
    await form.getByRole('textbox', { name: /^Header text/ }).fill('Your order is ready');
    await form.getByRole('textbox', { name: /^Body/ }).fill('Hi {{1}}, your cake is ready for pickup today.');
    await form.getByRole('textbox', { name: 'Example for {{1}}' }).fill('Maria');
    await form.getByRole('textbox', { name: /^Footer/ }).fill('Acme Bakery');
    await form.getByRole('button', { name: 'Add button' }).click();
    await page.getByRole('menuitem', { name: 'Quick reply' }).click();
    await form.getByRole('textbox', { name: 'Quick reply button 1 label' }).fill('On my way');
    const preview = form.getByRole('group', { name: 'Preview of the template' });
    await expect(preview).toContainText('Hi Maria, your cake is ready for pickup today.');
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the create form (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-create-${scheme}`);
    }
    await setScheme(page, 'light');
    await form.getByRole('button', { name: 'Submit for review' }).click();
    await expect(form).toBeHidden();

    // The emulator approves after its review delay and sends the signed status webhook.
    const row = table.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText(/Pending review|Approved/, LIVE);
    await expect(row).toContainText('Approved', LIVE);
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the list (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-list-${scheme}`);
    }
    await row.getByRole('button', { name: `Open template ${name} (en_US)` }).click();
    const details = settings.dialog(`Template ${name}`);
    await expect(details.getByRole('group', { name: `How ${name} looks to the customer` })).toContainText(
      'Your order is ready',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      await shoot(page, testInfo, `templates-details-${scheme}`);
    }
    await setScheme(page, 'light');
    await details.getByRole('button', { name: 'Close' }).click();

    // An agent, assigned the customer's conversation, sends the new template from the composer.
    const adminToken = await accessToken(server.url, account.email, account.password);
    const agent = await addMember(server.url, adminToken, {
      name: 'Tina Agent',
      email: `tina.${Date.now()}@example.com`,
      role: 'agent',
    });
    const customer = whatsapp.customers[0]!;
    await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: 'Is my cake ready?' });
    let conversationId: string | undefined;
    await expect
      .poll(async () => {
        const list = await api<{ data: { id: string }[] }>(server.url, adminToken, 'GET', '/conversations');
        conversationId = list.data[0]?.id;
        return conversationId;
      }, LIVE)
      .toBeTruthy();
    await api(server.url, adminToken, 'PATCH', `/conversations/${conversationId}`, { assigneeId: agent.id });
    await appFrame.signOut();
    await signInPage.signIn({ email: agent.email, password: agent.password });
    await appFrame.expectSignedIn(account.organizationName);
    await new InboxPage(page).row(customer.name).click(LIVE);
    const conversation = new ConversationPage(page);
    await conversation.templatesButton.click();
    const picker = conversation.templates;
    await picker.getByRole('textbox', { name: 'Search templates' }).fill('pickup');
    await picker.getByRole('button', { name: new RegExp(`${name}.*en_US`) }).click();
    await picker.getByRole('textbox', { name: /Body \{\{1\}\}/ }).fill('Maria');
    await picker.getByRole('button', { name: 'Send template' }).click();
    await expect(picker).toBeHidden();
    await expect(conversation.bubble('Hi Maria, your cake is ready for pickup today.')).toBeVisible(LIVE);
    const res = await fetch(`${emulator.url}/_e2e/outbound?phoneNumberId=${whatsapp.phoneNumberId}`);
    const sent = ((await res.json()) as { type: string; body: { template?: { name: string } } }[]).filter(
      (o) => o.type === 'template',
    );
    expect(sent.map((o) => o.body.template?.name)).toEqual([name]);
  });
});
