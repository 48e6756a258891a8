import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, api, customerSends } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { generateJpeg } from '../server/src/meta-emulator/media-samples';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';
import { SettingsPage } from './pages/SettingsPage';
import type { SignInPage } from './pages/SignInPage';
import type { TestAccount } from './fixtures/accounts';

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

/** Signs in at 1280 × 720, opens Settings › Templates once the synced ones show, and opens Create. */
async function openCreateTemplate(page: Page, signInPage: SignInPage, account: TestAccount) {
  await page.setViewportSize({ width: 1280, height: 720 });
  await signInPage.signInAs(account, account.organizationName);
  const settings = new SettingsPage(page);
  await settings.open();
  await settings.section('Templates');
  const table = page.getByRole('table', { name: 'Templates' });
  await expect(table.getByRole('button', { name: 'Open template order_update (en_US)' })).toBeVisible(LIVE);
  await page.getByRole('button', { name: 'Create template' }).click();
  return { settings, table, form: settings.dialog('Create a template') };
}

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
    const { settings, table, form } = await openCreateTemplate(page, signInPage, account);
    const name = `pickup_ready_${Date.now() % 100000}`;
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
    await signInPage.signInAs(agent, account.organizationName);
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

test.describe('a template with an image header', () => {
  test.describe.configure({ timeout: 240_000 });

  test('an admin picks the header sample file, it is uploaded to Meta, and Meta approves the template', async ({
    signInPage,
    account,
    whatsapp,
    page,
  }, testInfo) => {
    // The connected number (the `whatsapp` fixture) the template is for.
    expect(whatsapp.phoneNumberId).toBeTruthy();
    const { table, form } = await openCreateTemplate(page, signInPage, account);
    const name = `new_menu_${Date.now() % 100000}`;
    await form.getByRole('textbox', { name: /^Name/ }).fill(name);
    await form.getByRole('combobox', { name: 'Header' }).click();
    await page.getByRole('option', { name: 'Image' }).click();
    await expect(form.getByRole('button', { name: /^Header sample file/ })).toBeVisible();
    // Every value the upload's progress bar takes, recorded as the DOM changes (the bar may be
    // gone before a poll would see it on a fast machine).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Uploading menu.jpg to Meta"]');
        const now = bar?.getAttribute('aria-valuenow');
        if (now != null && seen.at(-1) !== now) seen.push(now);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    // 4.5 MB (a JPEG padded after its end marker; Meta's image limit is 5 MB): a real upload of
    // several pieces, so the bar moves through bytes sent.
    const jpeg = Buffer.concat([generateJpeg(), Buffer.alloc(4.5 * 1024 * 1024)]);
    await form
      .locator('input[type="file"]')
      .setInputFiles({ name: 'menu.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    const bar = form.getByRole('progressbar', { name: 'Uploading menu.jpg to Meta' });
    const caught = await bar
      .waitFor({ state: 'visible', timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (caught) await shoot(page, testInfo, 'templates-upload-progress-light');
    await expect(form.getByText('Uploaded menu.jpg')).toBeVisible(LIVE);
    await expect(bar).toBeHidden();
    const values = (
      await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress)
    ).map(Number);
    expect(values[0], `progress values: ${values.join(', ')}`).toBe(0);
    expect(
      values.some((v) => v > 0 && v < 100),
      `progress values: ${values.join(', ')}`,
    ).toBe(true);
    expect(values, 'the bar only moves forward').toEqual([...values].sort((a, b) => a - b));
    await form.getByRole('textbox', { name: /^Body/ }).fill('Our spring menu is here. Come and taste it!');
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the create form with a media header (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-create-image-${scheme}`);
    }
    await setScheme(page, 'light');
    await form.getByRole('button', { name: 'Submit for review' }).click();
    await expect(form).toBeHidden();
    // The emulator only approves a header_handle its Resumable Upload API issued.
    const row = table.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText('Approved', LIVE);
  });
});

test.describe('templates Meta’s users create', () => {
  test.describe.configure({ timeout: 300_000 });

  test('named variables, an authentication code and an edit, each reviewed by Meta and sent', async ({
    signInPage,
    appFrame,
    account,
    server,
    emulator,
    whatsapp,
    page,
  }, testInfo) => {
    const opened = await openCreateTemplate(page, signInPage, account);
    const { settings, table } = opened;
    const suffix = Date.now() % 100000;

    // Named variables: the examples are asked by name and the preview fills them in.
    const named = `cake_named_${suffix}`;
    let form = opened.form;
    await form.getByRole('textbox', { name: /^Name/ }).fill(named);
    await form.getByText('Named {{first_name}}').click();
    await form
      .getByRole('textbox', { name: /^Body/ })
      .fill('Hi {{first_name}}, your {{cake}} is ready for pickup today.');
    await form.getByRole('textbox', { name: 'Example for {{first_name}}' }).fill('Maria');
    await form.getByRole('textbox', { name: 'Example for {{cake}}' }).fill('carrot cake');
    await expect(form.getByRole('group', { name: 'Preview of the template' })).toContainText(
      'Hi Maria, your carrot cake is ready for pickup today.',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the named form (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-named-${scheme}`);
    }
    await setScheme(page, 'light');
    await form.getByRole('button', { name: 'Submit for review' }).click();
    await expect(form).toBeHidden();

    // Authentication: Meta's fixed text, the options, the copy-code button.
    const otp = `login_code_${suffix}`;
    await page.getByRole('button', { name: 'Create template' }).click();
    form = settings.dialog('Create a template');
    await form.getByRole('textbox', { name: /^Name/ }).fill(otp);
    await form.getByRole('combobox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Authentication (one-time code)' }).click();
    await form.getByRole('textbox', { name: /Code expires after/ }).fill('10');
    await expect(form.getByRole('group', { name: 'Preview of the template' })).toContainText(
      '123456 is your verification code. For your security, do not share this code.',
    );
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the authentication form (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-authentication-${scheme}`);
    }
    await setScheme(page, 'light');
    await form.getByRole('button', { name: 'Submit for review' }).click();
    await expect(form).toBeHidden();
    for (const n of [named, otp])
      await expect(table.getByRole('row').filter({ hasText: n })).toContainText('Approved', LIVE);

    // Edit the approved named template: Meta reviews it again.
    const namedRow = table.getByRole('row').filter({ hasText: named });
    await namedRow.getByRole('button', { name: `Open template ${named} (en_US)` }).click();
    await settings.dialog(`Template ${named}`).getByRole('button', { name: 'Edit template' }).click();
    form = settings.dialog(`Edit template ${named}`);
    await form
      .getByRole('textbox', { name: /^Body/ })
      .fill('Hi {{first_name}}, your {{cake}} is ready. See you today!');
    await form.getByRole('textbox', { name: 'Example for {{first_name}}' }).fill('Maria');
    await form.getByRole('textbox', { name: 'Example for {{cake}}' }).fill('carrot cake');
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      expect(await axeViolations(page), `axe in the edit form (${scheme})`).toEqual([]);
      await shoot(page, testInfo, `templates-edit-${scheme}`);
    }
    await setScheme(page, 'light');
    await form.getByRole('button', { name: 'Submit changes for review' }).click();
    await expect(form).toBeHidden();
    await expect(namedRow).toContainText('Approved', LIVE);

    // The admin sends both from the composer: named values by name, the code once.
    const adminToken = await accessToken(server.url, account.email, account.password);
    const customer = whatsapp.customers[0]!;
    await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: 'Can I log in?' });
    await expect
      .poll(async () => {
        const list = await api<{ data: { id: string }[] }>(server.url, adminToken, 'GET', '/conversations');
        return list.data.length;
      }, LIVE)
      .toBeGreaterThan(0);
    // Back to the inbox the way a person switches accounts: sign out and in again.
    await appFrame.signOut();
    await signInPage.signInAs(account, account.organizationName);
    await new InboxPage(page).row(customer.name).click(LIVE);
    const conversation = new ConversationPage(page);
    await conversation.templatesButton.click();
    let picker = conversation.templates;
    await picker.getByRole('textbox', { name: 'Search templates' }).fill('cake_named');
    await picker.getByRole('button', { name: new RegExp(`${named}.*en_US`) }).click();
    await picker.getByRole('textbox', { name: /first_name/ }).fill('Ana');
    await picker.getByRole('textbox', { name: /cake/ }).fill('lemon tart');
    await picker.getByRole('button', { name: 'Send template' }).click();
    await expect(picker).toBeHidden();
    await expect(conversation.bubble('Hi Ana, your lemon tart is ready. See you today!')).toBeVisible(LIVE);

    await conversation.templatesButton.click();
    picker = conversation.templates;
    await picker.getByRole('textbox', { name: 'Search templates' }).fill('login_code');
    await picker.getByRole('button', { name: new RegExp(`${otp}.*en_US`) }).click();
    await picker.getByRole('textbox', { name: 'One-time code' }).fill('482913');
    for (const scheme of ['light', 'dark'] as const) {
      await setScheme(page, scheme);
      await shoot(page, testInfo, `templates-send-code-${scheme}`);
    }
    await setScheme(page, 'light');
    await picker.getByRole('button', { name: 'Send template' }).click();
    await expect(picker).toBeHidden();
    const res = await fetch(`${emulator.url}/_e2e/outbound?phoneNumberId=${whatsapp.phoneNumberId}`);
    type Sent = { type: string; body: { template?: { name: string; components?: unknown[] } } };
    const sent = ((await res.json()) as Sent[]).filter((o) => o.type === 'template');
    expect(sent.map((o) => o.body.template?.name)).toEqual([named, otp]);
    expect(sent[1]!.body.template?.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] },
    ]);
  });
});
