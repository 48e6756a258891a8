import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generatePng } from '../server/src/meta-emulator/media-samples';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { startServer, type TestServer } from './fixtures/server';
import { expect, test as base } from './fixtures/test';
import { accessToken, api, customerSends } from './fixtures/whatsapp';
import { AppFramePage } from './pages/AppFramePage';
import { ConversationPage } from './pages/ConversationPage';
import { InboxPage } from './pages/InboxPage';

// What an integrator's key sends, as agents see it in the thread: the key's name on each
// message, reply buttons, a list, a link button and a photo sent by URL (Parley's copy). The
// worker's server may fetch media from 127.0.0.1 (ALLOW_PRIVATE_MEDIA_URLS=1, as in development)
// so the photo can come from the file server this spec starts.

const test = base.extend<object, { server: TestServer }>({
  server: [
    async ({ emulator }, use) => {
      const server = await startServer({
        env: { META_GRAPH_URL: emulator.url, ALLOW_PRIVATE_MEDIA_URLS: '1' },
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');
const LIVE = { timeout: 20_000 };

test('messages sent by an API key: its name, interactive messages and media by URL, light and dark', async ({
  signInPage,
  account,
  server,
  emulator,
  whatsapp,
  page,
}, testInfo) => {
  test.setTimeout(150_000);
  const png = generatePng(320, 200, [230, 160, 60]);
  const files: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  const fileUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}/cake.png`;
  try {
    await page.setViewportSize({ width: 1280, height: 720 });
    await signInPage.signInAs(account, account.organizationName);
    const customer = whatsapp.customers[0]!;
    await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: 'Where is my order?' });

    const token = await accessToken(server.url, account.email, account.password);
    const { key } = await api<{ key: string }>(server.url, token, 'POST', '/api-keys', {
      name: 'Order system',
      scopes: ['messages:send'],
    });
    const send = async (body: object) => {
      const res = await fetch(`${server.url}/api/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: `+${customer.phone.replace(/\D/g, '')}`, ...body }),
      });
      expect(res.status, await res.clone().text()).toBe(202);
    };
    await send({
      message: {
        type: 'interactive',
        interactive: {
          kind: 'buttons',
          header: 'Delivery',
          body: 'When should we deliver order #1042?',
          footer: 'Tap one',
          buttons: [
            { id: 'today', title: 'Today' },
            { id: 'tomorrow', title: 'Tomorrow' },
          ],
        },
      },
    });
    await send({
      message: {
        type: 'interactive',
        interactive: {
          kind: 'list',
          body: 'Pick a delivery slot',
          button: 'Slots',
          sections: [
            { title: 'Morning', rows: [{ id: 'am', title: '8–12', description: 'Before noon' }] },
            { title: 'Afternoon', rows: [{ id: 'pm', title: '12–18' }] },
          ],
        },
      },
    });
    await send({
      message: {
        type: 'interactive',
        interactive: {
          kind: 'cta_url',
          body: 'Your parcel is on its way.',
          displayText: 'Track parcel',
          url: 'https://shop.example.com/track/1042',
        },
      },
    });
    await send({ media: { url: fileUrl, type: 'image', caption: 'Your cake, packed' } });

    await new InboxPage(page).row(customer.name).click(LIVE);
    const conversation = new ConversationPage(page);
    await expect(conversation.view).toBeVisible();
    const buttons = conversation.bubble('When should we deliver order #1042?');
    await expect(buttons).toBeVisible(LIVE);
    await expect(buttons.getByText('Via API key “Order system”')).toBeVisible();
    await expect(buttons.getByRole('list', { name: 'Reply buttons' }).getByRole('listitem')).toHaveText([
      'Today',
      'Tomorrow',
    ]);
    await expect(
      conversation.bubble('Pick a delivery slot').getByRole('list', { name: 'Rows: Morning' }),
    ).toContainText('8–12');
    await expect(conversation.thread.getByRole('link', { name: 'Track parcel' })).toHaveAttribute(
      'href',
      'https://shop.example.com/track/1042',
    );
    const photo = conversation.bubble('Your cake, packed');
    await expect(photo.getByRole('img').first()).toBeVisible(LIVE);
    await expect(conversation.stateOf('Your cake, packed')).toHaveAccessibleName(/Delivered|Read/, LIVE);

    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.mouse.move(5, 700);
    const frame = new AppFramePage(page);
    mkdirSync(screenshotDir, { recursive: true });
    for (const [label, scheme] of [
      ['Light', 'light'],
      ['Dark', 'dark'],
    ] as const) {
      await frame.chooseTheme(label);
      await expect.poll(() => frame.colorScheme()).toBe(scheme);
      await expect(page.getByRole('menu')).toBeHidden();
      await page.mouse.move(5, 700);
      expect(await axeViolations(page), `axe in the ${scheme} theme`).toEqual([]);
      const body = await page.screenshot({ path: join(screenshotDir, `integrator-thread-${scheme}.png`) });
      await testInfo.attach(`integrator-thread-${scheme}`, { body, contentType: 'image/png' });
    }
  } finally {
    files.closeAllConnections();
    files.close();
  }
});
