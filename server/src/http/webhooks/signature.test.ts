import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { signWebhookBody } from '../../meta/webhook-signature';
import { rowsOf } from '../../storage/change-log';
import { webhookReceipts, whatsappAccounts } from '../../storage/schema/index';

// Quality bar 5.1.1–5.1.3: signatures over the raw bytes, refusals store nothing, the handshake.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
let other: ConnectedNumber;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Signatures');
  [n, other] = [await w.connect(org.admin), await w.connect(org.admin)];
});
afterAll(() => w.close());

const url = (accountId = n.account.id) => `${w.parleyUrl}/webhooks/whatsapp/${accountId}`;
const post = (body: Buffer | string, headers: Record<string, string>, accountId?: string) =>
  fetch(url(accountId), {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
const receipts = async (accountId = n.account.id) =>
  w.t.database.db.select().from(webhookReceipts).where(eq(webhookReceipts.whatsappAccountId, accountId));

/** A statuses-only payload for an unknown wamid: valid, and harmless to process. */
const payload = (text: string) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: n.wabaId,
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: n.phoneNumberId },
              statuses: [
                { id: `wamid.${text}`, status: 'sent', timestamp: '1700000000', recipient_id: '1555' },
              ],
            },
          },
        ],
      },
    ],
  });

describe('webhook signature', () => {
  it('accepts bodies with raw emoji, RTL text and escaped unicode, stored byte for byte', async () => {
    const raw = payload('raw-😀-مرحبا');
    // Meta's own form: non-ASCII escaped as \uXXXX and "/" as "\/".
    const escaped = raw
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/\//g, '\\/');
    expect(escaped).not.toBe(raw);
    for (const body of [raw, escaped]) {
      const before = (await receipts()).length;
      const res = await post(body, { 'x-hub-signature-256': signWebhookBody(body, n.appSecret) });
      expect(res.status).toBe(200);
      const after = await receipts();
      expect(after).toHaveLength(before + 1);
      expect(after.some((r) => Buffer.compare(r.body, Buffer.from(body)) === 0)).toBe(true);
    }
    // A signature over the re-serialised JSON does not verify: only the bytes as sent count.
    const reserialised = JSON.stringify(JSON.parse(escaped));
    const res = await post(escaped, { 'x-hub-signature-256': signWebhookBody(reserialised, n.appSecret) });
    expect(res.status).toBe(401);
  });

  it('stores each of many concurrent POSTs exactly once (receipts written in groups)', async () => {
    const before = (await receipts()).length;
    const bodies = Array.from({ length: 60 }, (_, i) => payload(`concurrent-${i}`));
    const answers = await Promise.all(
      bodies.map((b) => post(b, { 'x-hub-signature-256': signWebhookBody(b, n.appSecret) })),
    );
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    const after = await receipts();
    expect(after).toHaveLength(before + 60);
    const stored = new Set(after.map((r) => r.body.toString('utf8')));
    expect(bodies.every((b) => stored.has(b))).toBe(true);
  });

  it('accepts the header in any case and upper-case hex', async () => {
    const body = payload('case');
    const sig = signWebhookBody(body, n.appSecret);
    expect((await post(body, { 'X-HUB-SIGNATURE-256': sig })).status).toBe(200);
    expect((await post(body, { 'x-hub-signature-256': `sha256=${sig.slice(7).toUpperCase()}` })).status).toBe(
      200,
    );
  });

  it('refuses missing, malformed, wrong, sha1, truncated, tampered and other-account signatures, storing nothing', async () => {
    const body = payload('refused');
    const good = signWebhookBody(body, n.appSecret);
    const before = (await receipts()).length;
    const cases: Array<[string, Buffer | string, Record<string, string>]> = [
      ['missing', body, {}],
      ['empty', body, { 'x-hub-signature-256': '' }],
      ['no prefix', body, { 'x-hub-signature-256': good.slice(7) }],
      ['sha1', body, { 'x-hub-signature-256': `sha1=${good.slice(7, 47)}` }],
      ['sha1 header only', body, { 'x-hub-signature': `sha1=${good.slice(7, 47)}` }],
      ['truncated', body, { 'x-hub-signature-256': good.slice(0, -2) }],
      ['wrong', body, { 'x-hub-signature-256': signWebhookBody(body, 'not-the-secret') }],
      ['other account secret', body, { 'x-hub-signature-256': signWebhookBody(body, other.appSecret) }],
      ['one byte changed', body.replace('refused', 'refusee'), { 'x-hub-signature-256': good }],
      ['two signatures', body, { 'x-hub-signature-256': `${good}, ${good}` }],
    ];
    for (const [label, b, headers] of cases) {
      const res = await post(b, headers);
      expect(res.status, label).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code, label).toBe('unauthorized');
    }
    expect(await receipts()).toHaveLength(before);
  });

  it('answers an unknown account like a bad signature (no oracle), and never stores', async () => {
    const body = payload('unknown');
    const res = await post(
      body,
      { 'x-hub-signature-256': signWebhookBody(body, n.appSecret) },
      '00000000-0000-4000-8000-000000000001',
    );
    expect(res.status).toBe(401);
    const count = rowsOf<{ n: string }>(
      await w.t.database.db.execute(
        sql`select count(*) as n from webhook_receipts where whatsapp_account_id is null`,
      ),
    );
    expect(Number(count[0]!.n)).toBe(0);
  });

  it('fails closed with 503 when the account has no app secret', async () => {
    const lonely = await w.connect(org.admin);
    await w.t.database.db
      .update(whatsappAccounts)
      .set({ appSecretEnc: null })
      .where(eq(whatsappAccounts.id, lonely.account.id));
    w.t.clock.advance(10_000); // past the webhook account cache
    const body = payload('no-secret');
    for (const headers of [{}, { 'x-hub-signature-256': signWebhookBody(body, lonely.appSecret) }] as Record<
      string,
      string
    >[]) {
      const res = await post(body, headers, lonely.account.id);
      expect(res.status).toBe(503);
    }
    expect(await receipts(lonely.account.id)).toEqual([]);
  });

  it('takes bodies up to 4 MB (above Meta’s 3 MB) and answers 413 beyond, storing nothing', async () => {
    const big = `{"object":"whatsapp_business_account","entry":[],"pad":"${'x'.repeat(3.5 * 1024 * 1024)}"}`;
    const ok = await post(big, { 'x-hub-signature-256': signWebhookBody(big, n.appSecret) });
    expect(ok.status).toBe(200);
    const before = (await receipts()).length;
    const huge = `{"pad":"${'x'.repeat(4 * 1024 * 1024 + 10)}"}`;
    const res = await post(huge, { 'x-hub-signature-256': signWebhookBody(huge, n.appSecret) });
    expect(res.status).toBe(413);
    expect(await receipts()).toHaveLength(before);
    const form = await fetch(url(), {
      method: 'POST',
      body: 'a=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });

  it('acknowledges a disconnected number’s webhooks without storing them', async () => {
    const gone = await w.connect(org.admin);
    const del = await w.t.app.inject({
      method: 'DELETE',
      url: `/api/v1/whatsapp-accounts/${gone.account.id}`,
      headers: org.admin.headers,
    });
    expect(del.statusCode).toBe(204);
    const body = payload('gone');
    const res = await post(
      body,
      { 'x-hub-signature-256': signWebhookBody(body, gone.appSecret) },
      gone.account.id,
    );
    expect(res.status).toBe(200);
    expect(await receipts(gone.account.id)).toEqual([]);
  });
});

describe('webhook verification handshake', () => {
  const get = (params: Record<string, string>, accountId = n.account.id) =>
    fetch(`${url(accountId)}?${new URLSearchParams(params).toString()}`);

  it('echoes the challenge as the body for subscribe with the right token', async () => {
    const res = await get({
      'hub.mode': 'subscribe',
      'hub.verify_token': n.verifyToken,
      'hub.challenge': '1158201444',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
    expect(await w.emu.control.verifyWebhook(n.phoneNumberId)).toBe(true);
  });

  it('answers 403 to a wrong token, another mode, missing parts and unknown accounts', async () => {
    const cases: Array<[Record<string, string>, string | undefined]> = [
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' }, undefined],
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': other.verifyToken, 'hub.challenge': '1' }, undefined],
      [{ 'hub.mode': 'unsubscribe', 'hub.verify_token': n.verifyToken, 'hub.challenge': '1' }, undefined],
      [{ 'hub.mode': 'subscribe', 'hub.challenge': '1' }, undefined],
      [{ 'hub.mode': 'subscribe', 'hub.verify_token': n.verifyToken }, undefined],
      [
        { 'hub.mode': 'subscribe', 'hub.verify_token': n.verifyToken, 'hub.challenge': '1' },
        '00000000-0000-4000-8000-000000000002',
      ],
    ];
    for (const [params, accountId] of cases) {
      const res = await get(params, accountId);
      expect(res.status, JSON.stringify(params)).toBe(403);
    }
  });
});
