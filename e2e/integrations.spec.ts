import { mkdirSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { startServer, type TestServer } from './fixtures/server';
import { expect, test as base } from './fixtures/test';
import { accessToken, addMember } from './fixtures/whatsapp';
import { SettingsPage } from './pages/SettingsPage';

// Settings > API keys and Settings > Webhooks against a real server. The worker's server allows
// private webhook URLs (WEBHOOK_ALLOW_PRIVATE_URLS=1, as in development) so deliveries can reach
// the receiver this spec starts on 127.0.0.1.

const test = base.extend<object, { server: TestServer }>({
  server: [
    async ({ emulator }, use) => {
      const server = await startServer({
        env: { META_GRAPH_URL: emulator.url, WEBHOOK_ALLOW_PRIVATE_URLS: '1' },
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
});

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

type Received = { headers: IncomingHttpHeaders; body: string };

/** A local webhook receiver answering 200 with a small JSON body. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.setHeader('content-type', 'application/json');
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/parley-hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test.describe('integrations', () => {
  test('an admin creates an API key and a webhook endpoint, and sees a test delivery succeed', async ({
    signInPage,
    appFrame,
    account,
    server,
    page,
    context,
  }, testInfo) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const receiver = await startReceiver();
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await signInPage.signInAs(account, account.organizationName);
      const settings = new SettingsPage(page);
      await settings.open();

      // --- an API key, shown once and copied
      await settings.section('API keys');
      await page.getByRole('button', { name: 'Create API key' }).click();
      const form = settings.dialog('Create an API key');
      await form.getByRole('textbox', { name: /^Name/ }).fill('CRM sync');
      const scope = form.getByRole('checkbox', { name: /messages:read/ });
      await scope.click();
      await expect(scope).toBeChecked();
      await form.getByRole('textbox', { name: /Allowed addresses/ }).fill('not-an-address');
      await form.getByRole('button', { name: 'Create key' }).click();
      await expect(form.getByText(/"not-an-address": Use an IPv4 or IPv6 address/)).toBeVisible();
      await form.getByRole('textbox', { name: /Allowed addresses/ }).fill('127.0.0.1\n::1');
      await form.getByRole('button', { name: 'Create key' }).click();
      const shown = settings.dialog('API key CRM sync');
      const key = await shown.getByRole('textbox', { name: 'API key' }).inputValue();
      expect(key).toMatch(/^pk_live_[0-9A-Za-z]{40,}$/);
      await expect(shown.getByRole('note')).toContainText('nobody can show it again');
      await shown.getByRole('button', { name: 'Copy API key' }).click();
      await expect(shown.getByRole('button', { name: 'API key copied' })).toBeVisible();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      await shown.getByRole('button', { name: 'Done' }).click();
      const keys = page.getByRole('table', { name: 'API keys' });
      await expect(keys.getByRole('row', { name: /CRM sync/ })).toContainText('Active');
      await expect(keys).not.toContainText(key);
      // The key works against the API with its scope.
      const listed = await fetch(`${server.url}/api/v1/messages?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(listed.status).toBe(200);

      // --- a webhook endpoint at the local receiver, tested from the screen
      await settings.section('Webhooks');
      await page.getByRole('button', { name: 'Add endpoint' }).click();
      const hook = settings.dialog('Add a webhook endpoint');
      await hook.getByRole('textbox', { name: /Endpoint URL/ }).fill(receiver.url);
      const all = hook.getByRole('checkbox', { name: /All events/ });
      await all.click();
      await expect(all).toBeChecked();
      await hook.getByRole('textbox', { name: 'Description' }).fill('Local receiver');
      await hook.getByRole('button', { name: 'Add endpoint' }).click();
      const added = settings.dialog('Webhook endpoint added');
      await added.getByRole('button', { name: 'Reveal signing secret' }).click();
      const secret = await added.getByRole('textbox', { name: 'Signing secret' }).inputValue();
      expect(secret).toMatch(/^whsec_/);
      await added.getByRole('button', { name: 'Done' }).click();

      const card = page.getByRole('article', { name: receiver.url });
      await expect(card).toContainText('Last delivery: none yet');
      await card.getByRole('button', { name: `Send test event to ${receiver.url}` }).click();
      await expect(card.getByText('Test event delivered')).toBeVisible();
      await expect(card).toContainText(/The endpoint answered 200 in \d+ ms\./);
      await expect(card).toContainText('{"received":true}');
      await card.getByRole('button', { name: `Show delivery log of ${receiver.url}` }).click();
      const log = card.getByRole('table', { name: `Deliveries to ${receiver.url}` });
      const row = log.getByRole('row', { name: /webhook\.test/ });
      await expect(row).toContainText('Delivered');
      await expect(row).toContainText(/200 in \d+ ms/);
      await expect(card).toContainText(/Last delivery: webhook\.test, delivered/);
      // The receiver got it, signed with the secret the screen showed (Standard Webhooks).
      expect(receiver.received).toHaveLength(1);
      const r = receiver.received[0]!;
      const payload = new Webhook(secret).verify(r.body, {
        'webhook-id': String(r.headers['webhook-id']),
        'webhook-timestamp': String(r.headers['webhook-timestamp']),
        'webhook-signature': String(r.headers['webhook-signature']),
      }) as { type: string };
      expect(payload.type).toBe('webhook.test');
      // Retry from the log: a second attempt of the same delivery reaches the receiver.
      await row.getByRole('button', { name: /^Retry webhook\.test delivery/ }).click();
      await expect.poll(() => receiver.received.length).toBe(2);
      expect(receiver.received[1]!.headers['webhook-id']).toBe(r.headers['webhook-id']);

      // --- the audit log shows both
      await settings.section('Audit log');
      await page.getByRole('combobox', { name: 'Show' }).click();
      await page.getByRole('option', { name: 'Webhook endpoints' }).click();
      await expect(page.getByRole('table', { name: 'Audit log' })).toContainText(
        `Registered webhook endpoint ${receiver.url}`,
      );
      await page.getByRole('combobox', { name: 'Show' }).click();
      await page.getByRole('option', { name: 'API keys' }).click();
      await expect(page.getByRole('table', { name: 'Audit log' })).toContainText('Created API key CRM sync');

      // --- both sections in both themes: screenshots and accessibility
      mkdirSync(screenshotDir, { recursive: true });
      for (const [label, scheme] of [
        ['Light', 'light'],
        ['Dark', 'dark'],
      ] as const) {
        await appFrame.chooseTheme(label);
        await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
        await expect(page.getByRole('menu')).toBeHidden();
        await settings.section('API keys');
        await expect(page.getByRole('table', { name: 'API keys' })).toBeVisible();
        expect(await axeViolations(page), `axe violations in API keys (${scheme})`).toEqual([]);
        await page.screenshot({ path: join(screenshotDir, `settings-api-keys-${scheme}.png`) });
        await settings.section('Webhooks');
        const c = page.getByRole('article', { name: receiver.url });
        await c.getByRole('button', { name: `Send test event to ${receiver.url}` }).click();
        await expect(c.getByText('Test event delivered')).toBeVisible();
        await c.getByRole('button', { name: `Show delivery log of ${receiver.url}` }).click();
        await expect(c.getByRole('table', { name: `Deliveries to ${receiver.url}` })).toBeVisible();
        expect(await axeViolations(page), `axe violations in Webhooks (${scheme})`).toEqual([]);
        const body = await page.screenshot();
        await testInfo.attach(`settings webhooks (${scheme})`, { body, contentType: 'image/png' });
        await page.screenshot({ path: join(screenshotDir, `settings-webhooks-${scheme}.png`) });
      }
    } finally {
      await receiver.close();
    }
  });

  test('an agent sees neither section, and the server refuses the routes', async ({
    signInPage,
    account,
    server,
    page,
  }) => {
    const adminToken = await accessToken(server.url, account.email, account.password);
    const agent = await addMember(server.url, adminToken, {
      name: 'Alan Agent',
      email: `alan.${Date.now()}@example.com`,
      role: 'agent',
    });
    await signInPage.signInAs(agent, account.organizationName);
    const settings = new SettingsPage(page);
    await settings.open();
    const names = await settings.sectionNames();
    expect(names).not.toContain('API keys');
    expect(names).not.toContain('Webhooks');

    const agentToken = await accessToken(server.url, agent.email, agent.password);
    for (const [method, path, body] of [
      ['GET', '/api-keys'],
      ['POST', '/api-keys', { name: 'Mine', scopes: ['messages:read'] }],
      ['GET', '/webhooks'],
      ['POST', '/webhooks', { url: 'http://127.0.0.1:9/x', events: ['*'] }],
    ] as const) {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'application/json' },
        ...(body && { body: JSON.stringify(body) }),
      });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
  });
});
