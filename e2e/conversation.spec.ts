import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { startToggleProxy } from './fixtures/toggle-proxy';
import { customerSends, type ConnectedNumber, type MetaEmulator } from './fixtures/whatsapp';
import { repoRoot } from './harness/build-renderer';
import { startHarness } from './harness/harness';
import { AppFramePage } from './pages/AppFramePage';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';
import { SignInPage } from './pages/SignInPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/** Live updates travel emulator → webhook → server → sync socket → core → renderer. */
const LIVE = { timeout: 20_000 };

/** What the emulator's number sent through the Graph API, oldest first. */
async function outbound(emulator: MetaEmulator, number: ConnectedNumber) {
  const res = await fetch(`${emulator.url}/_e2e/outbound?phoneNumberId=${number.phoneNumberId}`);
  return (await res.json()) as {
    wamid: string;
    type: string;
    body: Record<string, unknown>;
    outcome: unknown;
  }[];
}

/** Injects Meta faults for the next sends (all numbers of the emulator). */
async function injectFault(emulator: MetaEmulator, fault: object) {
  const res = await fetch(`${emulator.url}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  expect(res.ok).toBe(true);
}

/** The text bodies of text sends, in order. */
const textsOf = (sent: Awaited<ReturnType<typeof outbound>>) =>
  sent.filter((o) => o.type === 'text').map((o) => (o.body.text as { body: string }).body);

/** A screenshot attached to the report and written to test-results/screenshots/. */
async function shoot(page: Page, testInfo: TestInfo, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  const body = await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** Opens the conversation with the first customer after they wrote `text`. */
async function openCustomerConversation(
  page: Page,
  emulator: MetaEmulator,
  whatsapp: ConnectedNumber,
  text: string,
  customer = whatsapp.customers[0]!,
) {
  const inbox = new InboxPage(page);
  const conversation = new ConversationPage(page);
  await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: text });
  await inbox.row(customer.name).click({ timeout: LIVE.timeout });
  await expect(conversation.view).toBeVisible();
  // The thread shows it formatted: match the words, not the markers.
  await expect(conversation.bubble(text.replace(/[*_~]/g, ''))).toBeVisible();
  return conversation;
}

test.describe('conversation', () => {
  // Live round trips (emulator → server → sync → replica) on a loaded machine take a while.
  test.describe.configure({ timeout: 150_000 });

  test.beforeEach(async ({ signInPage, account, page }) => {
    await page.setViewportSize({ width: 1400, height: 860 });
    await signInPage.signInAs(account, account.organizationName);
  });

  test('reply with text and see Sent → Delivered → Read', async ({ page, emulator, whatsapp }) => {
    const conversation = await openCustomerConversation(page, emulator, whatsapp, 'Is my *cake* ready?');
    await expect(conversation.countdown).toHaveText(/^Replies allowed for 2[34] h/);
    const reply = 'Yes! Pick it up any time after _3 pm_.';
    const recorder = await conversation.recordStates('Pick it up any time');
    await conversation.reply(reply);
    await expect(conversation.stateOf('Pick it up any time')).toHaveAccessibleName('Read', LIVE);
    const seen = await recorder.states();
    // Every state shown, in order (a state may flash by faster than a frame, never go backwards).
    expect(seen.filter((s) => s !== 'Queued')).toEqual(['Sent', 'Delivered', 'Read']);
    const sent = await outbound(emulator, whatsapp);
    expect(textsOf(sent)).toEqual([reply]);
  });

  test('every message type in the thread, in light and dark (screenshots, axe with contrast)', async ({
    page,
    emulator,
    whatsapp,
  }, testInfo) => {
    const customer = whatsapp.customers[1]!;
    const act = async (action: object) => {
      const res = await fetch(
        `${emulator.url}/_emulator/customers/${encodeURIComponent(customer.phone)}/messages`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ phoneNumberId: whatsapp.phoneNumberId, action }),
        },
      );
      expect(res.ok, await res.clone().text()).toBe(true);
    };
    const conversation = await openCustomerConversation(
      page,
      emulator,
      whatsapp,
      'Hi! I ordered the *lemon cake* for Saturday 🎂',
      customer,
    );
    await act({ type: 'image', caption: 'This one, with _extra_ icing' });
    await act({
      type: 'location',
      latitude: 51.5033,
      longitude: -0.1196,
      name: 'Acme Bakery',
      address: 'Waterloo Rd, London',
    });
    await act({
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Sam Baker', first_name: 'Sam' },
          phones: [{ phone: '+44 7700 900456', type: 'CELL' }],
        },
      ],
    });
    await act({
      type: 'interactive',
      reply: { type: 'list_reply', id: 'sat-am', title: 'Saturday morning', description: '9:00–12:00' },
    });
    await act({ type: 'unsupported', unsupportedType: 'poll_creation' });
    await expect(
      conversation.thread.getByText("This message type isn't supported by WhatsApp's API", { exact: false }),
    ).toBeVisible(LIVE);
    await conversation.reply('Got it — *lemon cake*, Saturday morning. See ~Friday~ you then!');
    await conversation.view.getByRole('button', { name: 'Note', exact: true }).click();
    await conversation.messageBox.fill('Customer asked for extra icing; check with the kitchen.');
    await conversation.view.getByRole('button', { name: 'Add note' }).click();
    await expect(conversation.thread.getByText('check with the kitchen')).toBeVisible();
    await conversation.view.getByRole('button', { name: 'Note', exact: true }).click();
    await expect(conversation.stateOf('See Friday you then')).toHaveAccessibleName(/Delivered|Read/, LIVE);
    // Tall enough for the whole thread in one picture, and no hover actions in it.
    await page.setViewportSize({ width: 1400, height: 1250 });
    await page.mouse.move(5, 845);

    const appFrame = new AppFramePage(page);
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await appFrame.chooseTheme(label);
      await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      await page.mouse.move(5, 845);
      expect(await axeViolations(page), `axe in the ${scheme} theme`).toEqual([]);
      await shoot(page, testInfo, `conversation-${scheme}`);
    }
  });

  test('send a template with parameters', async ({ page, emulator, whatsapp }, testInfo) => {
    const conversation = await openCustomerConversation(page, emulator, whatsapp, 'Where is my order?');
    await conversation.templatesButton.click();
    const dialog = conversation.templates;
    await expect(dialog).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Search templates' }).fill('order');
    await dialog.getByRole('button', { name: /order_update.*en_US/ }).click();
    await dialog.getByRole('button', { name: 'Send template' }).click();
    await expect(dialog.getByText('Fill in this value').first()).toBeVisible();
    await dialog.getByRole('textbox', { name: /Header \{\{1\}\}/ }).fill('#1042');
    await dialog.getByRole('textbox', { name: /Body \{\{1\}\}/ }).fill('Maria');
    await dialog.getByRole('textbox', { name: /Body \{\{2\}\}/ }).fill('#1042');
    await dialog.getByRole('textbox', { name: /Body \{\{3\}\}/ }).fill('Friday');
    await dialog.getByRole('textbox', { name: /End of the link for “Open”/ }).fill('1042');
    const preview = dialog.getByRole('region', { name: 'Preview' });
    await expect(preview).toContainText('Order #1042');
    await expect(preview).toContainText('Hi Maria, your order #1042 will arrive on Friday.');

    const appFrame = new AppFramePage(page);
    for (const scheme of ['light', 'dark'] as const) {
      await page.evaluate(
        (s) => document.documentElement.setAttribute('data-mantine-color-scheme', s),
        scheme,
      );
      expect(await axeViolations(page), `axe in the ${scheme} theme`).toEqual([]);
      await shoot(page, testInfo, `template-picker-${scheme}`);
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
    void appFrame;

    await dialog.getByRole('button', { name: 'Send template' }).click();
    await expect(dialog).toBeHidden();
    await expect(conversation.bubble('Hi Maria, your order #1042 will arrive on Friday.')).toBeVisible();
    await expect(conversation.stateOf('your order #1042')).toHaveAccessibleName(/Delivered|Read/, LIVE);
    const sent = (await outbound(emulator, whatsapp)).filter((o) => o.type === 'template');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.template).toMatchObject({
      name: 'order_update',
      language: { code: 'en_US' },
      components: expect.arrayContaining([
        expect.objectContaining({
          type: 'body',
          parameters: [
            expect.objectContaining({ text: 'Maria' }),
            expect.objectContaining({ text: '#1042' }),
            expect.objectContaining({ text: 'Friday' }),
          ],
        }),
      ]),
    });
  });

  test('send an image with a caption', async ({ page, emulator, whatsapp }, testInfo) => {
    const conversation = await openCustomerConversation(
      page,
      emulator,
      whatsapp,
      'Can you show me the cake?',
    );
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAFklEQVR4nGNk+M+AFTCOSoxKDEqJAQB0Jg8B7jXU9QAAAABJRU5ErkJggg==',
      'base64',
    );
    await conversation.view
      .locator('input[type="file"]')
      .first()
      .setInputFiles([
        { name: 'cake.png', mimeType: 'image/png', buffer: png },
        { name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(6 * 1024 * 1024) },
        { name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('PK') },
      ]);
    const dialog = conversation.mediaComposer;
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('img', { name: 'Preview of cake.png' })).toBeVisible();
    await expect(dialog.getByText('huge.png is 6 MB; WhatsApp allows images up to 5 MB.')).toBeVisible();
    await expect(dialog.getByText(/^notes\.zip: WhatsApp doesn't accept this type of file/)).toBeVisible();
    await dialog.getByRole('textbox', { name: 'Caption for cake.png' }).fill('Your *birthday* cake');
    for (const scheme of ['light', 'dark'] as const) {
      await page.evaluate(
        (s) => document.documentElement.setAttribute('data-mantine-color-scheme', s),
        scheme,
      );
      expect(await axeViolations(page), `axe in the ${scheme} theme`).toEqual([]);
      await shoot(page, testInfo, `media-composer-${scheme}`);
    }
    await page.evaluate(() => document.documentElement.setAttribute('data-mantine-color-scheme', 'light'));
    await dialog.getByRole('button', { name: 'Remove huge.png' }).click();
    await dialog.getByRole('button', { name: 'Remove notes.zip' }).click();
    await dialog.getByRole('button', { name: 'Send 1 file' }).click();
    await expect(dialog).toBeHidden();
    await expect(conversation.stateOf('birthday cake')).toHaveAccessibleName(/Delivered|Read/, LIVE);
    const images = (await outbound(emulator, whatsapp)).filter((o) => o.type === 'image');
    expect(images).toHaveLength(1);
    expect(images[0]!.body.image).toMatchObject({ caption: 'Your *birthday* cake' });
  });

  test('a failed send shows its reason and retries', async ({ page, emulator, whatsapp }) => {
    const conversation = await openCustomerConversation(page, emulator, whatsapp, 'Hello?');
    await injectFault(emulator, { send: { kind: 'error', code: 131026, count: 1 } });
    await conversation.reply('This one will fail first');
    const bubble = conversation.bubble('This one will fail first');
    await expect(conversation.stateOf('This one will fail first')).toHaveAccessibleName('Failed', LIVE);
    await expect(bubble.getByRole('alert')).toContainText('WhatsApp could not deliver this message');
    await bubble.getByRole('button', { name: 'Retry' }).click();
    await expect(
      conversation.thread
        .getByRole('article')
        .filter({ hasText: 'This one will fail first' })
        .getByRole('img', { name: /Delivered|Read/ }),
    ).toBeVisible(LIVE);
    const texts = textsOf(await outbound(emulator, whatsapp));
    expect(texts.filter((t) => t === 'This one will fail first').length).toBeGreaterThanOrEqual(1);
  });

  test('a closed window allows templates only', async ({ page, emulator, whatsapp }) => {
    await page.clock.install();
    await page.reload();
    await new AppFramePage(page).userMenu.waitFor();
    const conversation = await openCustomerConversation(page, emulator, whatsapp, 'Thanks, bye!');
    await expect(conversation.messageBox).toBeEnabled();
    // A day and a bit later on this machine: the countdown runs out locally, no server needed.
    await page.clock.fastForward('24:05:00');
    await expect(conversation.countdown).toHaveText('Window closed');
    await expect(conversation.messageBox).toBeDisabled();
    await expect(
      conversation.view.getByText(
        'The 24-hour reply window has closed. WhatsApp only allows approved templates until the customer writes again.',
      ),
    ).toBeVisible();
    await expect(conversation.send).toBeDisabled();
    await conversation.templatesButton.click();
    await conversation.templates.getByRole('button', { name: /hello_world/ }).click();
    await conversation.templates.getByRole('button', { name: 'Send template' }).click();
    await expect(conversation.bubble('Welcome and congratulations')).toBeVisible();
  });
});

test.describe('offline', () => {
  test.describe.configure({ timeout: 150_000 });

  test('two replies written offline are delivered once each, in order, on reconnect', async ({
    page,
    server,
    account,
    emulator,
    whatsapp,
  }) => {
    const proxy = await startToggleProxy(server.url);
    const harness = await startHarness({ port: 0, defaultServerUrl: proxy.url });
    try {
      await page.setViewportSize({ width: 1400, height: 860 });
      const signIn = new SignInPage(page);
      await signIn.goto(harness.url);
      await signIn.signInAs(
        { email: account.email, password: account.password, serverUrl: proxy.url },
        account.organizationName,
      );
      const appFrame = new AppFramePage(page);
      const conversation = await openCustomerConversation(
        page,
        emulator,
        whatsapp,
        'Are you open on Sunday?',
      );

      proxy.setOnline(false);
      await expect(appFrame.connection).toHaveAccessibleName(/Offline/, LIVE);
      await conversation.reply('First offline reply');
      await conversation.reply('Second offline reply');
      await expect(conversation.stateOf('First offline reply')).toHaveAccessibleName('Queued');
      await expect(conversation.stateOf('Second offline reply')).toHaveAccessibleName('Queued');
      // Nothing can have left while offline.
      expect(textsOf(await outbound(emulator, whatsapp))).toEqual([]);

      proxy.setOnline(true);
      await expect(conversation.stateOf('First offline reply')).toHaveAccessibleName(/Delivered|Read/, {
        timeout: 45_000,
      });
      await expect(conversation.stateOf('Second offline reply')).toHaveAccessibleName(/Delivered|Read/, LIVE);
      expect(textsOf(await outbound(emulator, whatsapp))).toEqual([
        'First offline reply',
        'Second offline reply',
      ]);
    } finally {
      await harness.close();
      await proxy.close();
    }
  });
});
