import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/build-renderer';
import { axeViolations } from './fixtures/axe';
import { expect, test } from './fixtures/test';
import { accessToken, addMember, api, customerSends } from './fixtures/whatsapp';
import { SettingsPage } from './pages/SettingsPage';

const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

// Issue 10 in the admin console: a number given to a member, the organization's default number,
// and this month's messages against the monthly quota.
test('an admin gives a number to a member, makes it the default number and sees the month’s usage', async ({
  signInPage,
  appFrame,
  account,
  server,
  emulator,
  whatsapp,
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  mkdirSync(screenshotDir, { recursive: true });
  const adminToken = await accessToken(server.url, account.email, account.password);
  const olive = await addMember(server.url, adminToken, {
    name: 'Olive Owner',
    email: `olive.${Date.now()}@example.com`,
    role: 'agent',
  });
  // A quota, and one reply sent this month.
  await api(server.url, adminToken, 'PATCH', '/organization', { monthlyMessageQuota: 4 });
  const customer = whatsapp.customers[0]!;
  await customerSends(emulator, whatsapp, customer.phone, { type: 'text', body: 'Is my order ready?' });
  let conversationId: string | undefined;
  await expect
    .poll(async () => {
      const list = await api<{ data: { id: string }[] }>(server.url, adminToken, 'GET', '/conversations');
      conversationId = list.data[0]?.id;
      return conversationId;
    })
    .toBeTruthy();
  await api(server.url, adminToken, 'POST', `/conversations/${conversationId}/messages`, {
    type: 'text',
    text: 'Yes, come by any time.',
  });

  await signInPage.signInAs(account, account.organizationName);
  const settings = new SettingsPage(page);
  await settings.open();

  await settings.section('WhatsApp numbers');
  const card = page.getByRole('article', { name: 'Number Support line' });
  const owner = card.getByRole('combobox', { name: 'Owner of Support line' });
  await expect(owner).toHaveValue('The organization');
  await owner.click();
  await page.getByRole('option', { name: 'Olive Owner' }).click();
  await expect(owner).toHaveValue('Olive Owner');

  await settings.section('Organization');
  const sending = page.getByRole('region', { name: 'Sending' });
  const picker = sending.getByRole('combobox', { name: /Default number/ });
  await expect(picker).toHaveValue('None chosen');
  await picker.click();
  await page.getByRole('option', { name: /^Support line/ }).click();
  await expect(sending.getByRole('status')).toHaveText('Default number saved.');
  await expect(picker).toHaveValue(/^Support line/);
  await expect(sending).toContainText('1 of 4 messages this month');
  const bar = sending.getByRole('progressbar', {
    name: 'Messages sent this month against the monthly quota',
  });
  await expect(bar).toBeVisible();
  await expect(bar).toHaveAttribute('aria-valuenow', '25');

  // The admin raises the quota from the console; the usage line follows.
  const quotaForm = sending.getByRole('form', { name: 'Monthly message quota' });
  const quota = quotaForm.getByRole('textbox', { name: /Monthly message quota/ });
  await expect(quota).toHaveValue('4');
  await quota.fill('10');
  await quotaForm.getByRole('button', { name: 'Save quota' }).click();
  await expect(quotaForm.getByRole('status')).toHaveText('Quota saved.');
  await expect(sending).toContainText('1 of 10 messages this month');
  await expect(bar).toHaveAttribute('aria-valuenow', '10');

  // Stored on the server, not only shown.
  const number = await api<{ ownerUserId: string | null }>(
    server.url,
    adminToken,
    'GET',
    `/whatsapp-accounts/${whatsapp.accountId}`,
  );
  expect(number.ownerUserId).toBe(olive.id);
  const org = await api<{ defaultWhatsappAccountId: string | null; monthlyMessageQuota: number | null }>(
    server.url,
    adminToken,
    'GET',
    '/organization',
  );
  expect(org.defaultWhatsappAccountId).toBe(whatsapp.accountId);
  expect(org.monthlyMessageQuota).toBe(10);

  for (const [label, scheme] of [
    ['Light', 'light'],
    ['Dark', 'dark'],
  ] as const) {
    await appFrame.chooseTheme(label);
    await expect.poll(() => appFrame.colorScheme()).toBe(scheme);
    await expect(page.getByRole('menu')).toBeHidden();
    await settings.section('Organization');
    await expect(sending).toContainText('1 of 10 messages this month');
    await quotaForm.scrollIntoViewIfNeeded();
    expect(await axeViolations(page), `axe violations in Organization (${scheme})`).toEqual([]);
    const shotOrg = await page.screenshot();
    await testInfo.attach(`organization sending (${scheme})`, { body: shotOrg, contentType: 'image/png' });
    await page.screenshot({ path: join(screenshotDir, `settings-sending-${scheme}.png`) });
    await settings.section('WhatsApp numbers');
    await expect(card).toContainText('Default number');
    await expect(owner).toHaveValue('Olive Owner');
    expect(await axeViolations(page), `axe violations in WhatsApp numbers (${scheme})`).toEqual([]);
    await page.screenshot({ path: join(screenshotDir, `settings-number-owner-${scheme}.png`) });
  }
});
