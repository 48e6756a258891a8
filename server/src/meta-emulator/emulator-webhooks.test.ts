import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonsMessage,
  createGraphClient,
  listMessage,
  templateMessage,
  textMessage,
  type GraphClient,
} from '../meta/graph-client';
import type { InboundMessageEvent, WebhookEvent } from '../meta/normalize';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type CustomerAction, type MetaEmulator } from './emulator';
import type { InboundDecorations } from './inbound-builders';
import { startTestReceiver, type TestReceiver } from './test-receiver';

let emu: MetaEmulator;
let seed: DemoSeed;
let receiver: TestReceiver;
let graph: GraphClient;
const SHEENA = '16505551234';
const LAYLA = '971501234567';
const ANA = '4915123456789';

beforeAll(async () => {
  receiver = await startTestReceiver('demo-app-secret', 'demo-verify-token');
  emu = buildMetaEmulator({
    statusDelays: { sent: 0, delivered: 2, read: 4 },
    webhookRetry: { baseMs: 2 },
    replyDelayMs: 0,
  });
  seed = seedDemo(emu.control, { callbackUrl: receiver.url });
  const url = await emu.listen();
  graph = createGraphClient({ baseUrl: url, version: 'v25.0' });
});

afterAll(async () => {
  await emu.close();
  await receiver.close();
});

beforeEach(async () => {
  await emu.control.idle();
  emu.control.setStatusFaults({});
  emu.control.setPairRate({ enabled: false });
  receiver.posts.length = 0;
});

async function inbound(
  customer: string,
  action: CustomerAction,
  decorations?: InboundDecorations,
): Promise<InboundMessageEvent> {
  const { wamid, delivery } = emu.control.customerSends(seed.phoneNumberId, customer, action, decorations);
  const rec = await delivery;
  expect(rec?.state).toBe('delivered');
  const e = receiver
    .events()
    .find((x): x is InboundMessageEvent => x.kind === 'message' && x.wamid === wamid);
  if (!e) throw new Error('message not received');
  return e;
}

describe('inbound messages through signature, schema and normalisation', () => {
  const cases: [string, CustomerAction, Partial<InboundMessageEvent['content']>][] = [
    [
      'text',
      { type: 'text', body: 'Où est ma commande ? 📦' },
      { type: 'text', body: 'Où est ma commande ? 📦' },
    ],
    ['image', { type: 'image', caption: 'broken' }, { type: 'image', caption: 'broken' }],
    ['video', { type: 'video' }, { type: 'video', mimeType: 'video/mp4' }],
    [
      'voice note',
      { type: 'audio', voice: true },
      { type: 'audio', voice: true, mimeType: 'audio/ogg; codecs=opus' },
    ],
    [
      'document',
      { type: 'document', filename: 'factura.pdf' },
      { type: 'document', fileName: 'factura.pdf', mimeType: 'application/pdf' },
    ],
    [
      'sticker',
      { type: 'sticker', animated: true },
      { type: 'sticker', animated: true, mimeType: 'image/webp' },
    ],
    [
      'location',
      { type: 'location', latitude: 1.5, longitude: 2.5, name: 'Here' },
      { type: 'location', latitude: 1.5, name: 'Here' },
    ],
    [
      'contacts',
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Bob' }, phones: [{ phone: '+1 555' }] }] },
      { type: 'contacts' },
    ],
    [
      'order',
      {
        type: 'order',
        catalogId: 'c1',
        items: [{ productRetailerId: 'p1', quantity: 1, itemPrice: 9.5, currency: 'EUR' }],
      },
      { type: 'order', catalogId: 'c1' },
    ],
    [
      'system',
      { type: 'system', systemType: 'user_changed_number', newWaId: '16505550000', body: 'changed' },
      { type: 'system', newWaId: '16505550000' },
    ],
    [
      'unsupported',
      { type: 'unsupported', unsupportedType: 'poll_creation' },
      { type: 'unsupported', reason: 'poll_creation', code: 131051 },
    ],
    ['legacy unknown', { type: 'unknown' }, { type: 'unsupported', originalType: 'unknown' }],
    [
      'revoke',
      { type: 'revoke', originalMessageId: 'wamid.X' },
      { type: 'revoke', originalWamid: 'wamid.X' },
    ],
    [
      'future type',
      { type: 'future', futureType: 'hologram', payload: {} },
      { type: 'unsupported', originalType: 'hologram' },
    ],
    ['reaction removal', { type: 'reaction', messageId: 'wamid.Y' }, { type: 'reaction', emoji: null }],
    [
      'flow reply',
      { type: 'interactive', reply: { type: 'nfm_reply', name: 'flow', body: 'Sent', responseJson: '{}' } },
      { type: 'interactive', kind: 'nfm_reply' },
    ],
  ];
  for (const [name, action, content] of cases) {
    it(name, async () => {
      const e = await inbound(LAYLA, action);
      expect(e.content).toMatchObject(content);
      expect(e).toMatchObject({ phoneNumberId: seed.phoneNumberId, waId: LAYLA, wabaId: seed.wabaId });
      expect(e.profileName).toBe(action.type === 'system' ? null : 'ليلى أحمد');
    });
  }

  it('signs Meta-escaped bytes: no raw non-ASCII on the wire, escaped slashes', async () => {
    await inbound(LAYLA, { type: 'text', body: 'مرحبا 👋 https://example.com/a' });
    const raw = receiver.posts.at(-1)!.raw.toString('latin1');
    expect([...raw].every((ch) => ch.charCodeAt(0) < 0x80)).toBe(true);
    expect(raw).toContain('\\u0645');
    expect(raw).toContain('\\ud83d\\udc4b');
    expect(raw).toContain('https:\\/\\/example.com\\/a');
    expect(receiver.posts.at(-1)!.signatureOk).toBe(true);
  });

  it('downloads the generated media through the webhook url and through GET /<media-id>', async () => {
    const e = await inbound(SHEENA, { type: 'image' });
    if (e.content.type !== 'image') throw new Error('not an image');
    const direct = await graph.downloadMedia(e.content.url!, seed.accessToken);
    const info = await graph.getMedia(e.content.mediaId, seed.accessToken, seed.phoneNumberId);
    if (!direct.ok || !info.ok) throw new Error('download failed');
    expect(direct.value.contentType).toBe(e.content.mimeType);
    expect(direct.value.bytes.subarray(0, 2).toString('hex')).toMatch(/^(ffd8|8950)$/);
    expect(info.value.fileSize).toBe(direct.value.bytes.length);
  });

  it('a username user arrives without phone, with BSUID and username', async () => {
    const e = await inbound(ANA, { type: 'text', body: 'hallo' });
    expect(e).toMatchObject({
      waId: null,
      userId: 'DE.77120033445566778899',
      from: 'DE.77120033445566778899',
      username: 'ana.b',
    });
  });

  it('carries reply context, forwarding and referral', async () => {
    const e = await inbound(
      SHEENA,
      { type: 'text', body: 'this one' },
      {
        replyTo: { from: '15550783881', id: 'wamid.PREV' },
        forwarded: true,
        referral: { sourceUrl: 'https://fb.me/x', sourceId: '1', sourceType: 'ad', ctwaClid: 'clid' },
      },
    );
    expect(e.context).toMatchObject({ replyToWamid: 'wamid.PREV', forwarded: true });
    expect(e.referral).toMatchObject({ sourceType: 'ad', ctwaClid: 'clid' });
  });
});

describe('batching', () => {
  it('delivers several messages and statuses for two numbers in one signed POST', async () => {
    const second = emu.control.addPhoneNumber(seed.wabaId, { displayPhoneNumber: '+1 555-000-0002' });
    emu.control.configureWebhook(second.id, { callbackUrl: receiver.url, appSecret: 'demo-app-secret' });
    const recs = await emu.control.deliverBatch([
      {
        kind: 'message',
        phoneNumberId: seed.phoneNumberId,
        customer: SHEENA,
        action: { type: 'text', body: 'one' },
      },
      {
        kind: 'message',
        phoneNumberId: seed.phoneNumberId,
        customer: LAYLA,
        action: { type: 'text', body: 'two' },
      },
      {
        kind: 'message',
        phoneNumberId: second.id,
        customer: SHEENA,
        action: { type: 'location', latitude: 1, longitude: 2 },
      },
      {
        kind: 'status',
        phoneNumberId: second.id,
        status: { wamid: 'wamid.S', status: 'delivered', timestampSeconds: 5, recipientId: SHEENA },
      },
    ]);
    expect(recs).toHaveLength(1);
    expect(receiver.posts).toHaveLength(1);
    const events = receiver.posts[0]!.events;
    expect(events.map((e) => [e.kind, 'phoneNumberId' in e ? e.phoneNumberId : ''])).toEqual([
      ['message', seed.phoneNumberId],
      ['message', seed.phoneNumberId],
      ['message', second.id],
      ['status', second.id],
    ]);
    const first = events[0] as InboundMessageEvent;
    const secondMsg = events[1] as InboundMessageEvent;
    expect([first.profileName, secondMsg.profileName]).toEqual(['Sheena Nelson', 'ليلى أحمد']);
  });
});

describe('webhook delivery like Meta', () => {
  it('retries with backoff until the receiver answers 2xx', async () => {
    receiver.failNext(3, 503);
    const { delivery } = emu.control.customerSends(seed.phoneNumberId, SHEENA, {
      type: 'text',
      body: 'retry me',
    });
    const rec = await delivery;
    expect(rec).toMatchObject({ state: 'delivered', attempts: 4, responses: [503, 503, 503, 200] });
    // Every attempt carried the same bytes and signature.
    const bodies = new Set(receiver.posts.map((p) => p.raw.toString()));
    expect(bodies.size).toBe(1);
  });

  it('gives up after the maximum age', async () => {
    // The age that decides expiry is emulator time, and here each attempt costs exactly 10 ms of
    // it, however long a loaded machine takes to schedule and refuse the connection. (On the
    // wall clock, one slow attempt used up the whole 30 ms and left no room for a retry.)
    let clock = Date.now();
    const short = buildMetaEmulator({
      now: () => clock,
      fetch: (input, init) => {
        clock += 10;
        return fetch(input, init);
      },
      webhookRetry: { baseMs: 5, maxAgeMs: 30 },
    });
    try {
      const s = seedDemo(short.control, { callbackUrl: 'http://127.0.0.1:1/nowhere' });
      const { delivery } = short.control.customerSends(s.phoneNumberId, SHEENA, { type: 'text', body: 'x' });
      const rec = await delivery;
      // Refused at ages 10, 20 and 30 ms; retries wait 5 then 10 ms; the next wait (20 ms) would
      // end past the 30 ms maximum age, so the delivery expires after the third attempt.
      expect(rec).toMatchObject({ state: 'expired', attempts: 3, responses: [0, 0, 0] });
    } finally {
      await short.close();
    }
  });

  it('answers the GET verification handshake', async () => {
    expect(await emu.control.verifyWebhook(seed.phoneNumberId)).toBe(true);
  });

  it('duplicates, reorders and skips delivered on request', async () => {
    emu.control.setLastInbound(seed.phoneNumberId, SHEENA, Date.now());
    emu.control.setStatusFaults({ duplicate: true, reorder: true, skipDelivered: true });
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      seed.accessToken,
      textMessage(SHEENA, { body: 'chaos' }),
    );
    if (!r.ok) throw new Error(r.error.message);
    await emu.control.idle();
    const statuses = receiver
      .events()
      .filter(
        (e): e is Extract<WebhookEvent, { kind: 'status' }> =>
          e.kind === 'status' && e.wamid === r.value.wamid,
      )
      .map((e) => e.status);
    // Arrival order is up to the network, as with Meta; the multiset and schedule order are not.
    expect([...statuses].sort()).toEqual(['read', 'read', 'sent', 'sent']);
    const scheduled = emu.control
      .deliveries()
      .filter((d) => d.body.includes(r.value.wamid.replace(/\//g, '\\/')))
      .map((d) => (d.body.includes('"status":"read"') ? 'read' : 'sent'));
    expect(scheduled).toEqual(['read', 'read', 'sent', 'sent']);
  });

  it('sends message_template_status_update when a template changes', async () => {
    const tpl = seed.templates.find((t) => t.status === 'PENDING')!;
    await emu.control.setTemplateStatus(seed.wabaId, tpl.id, 'APPROVED');
    expect(receiver.events().at(-1)).toMatchObject({
      kind: 'template_status',
      templateId: tpl.id,
      event: 'APPROVED',
      language: 'en-US',
    });
  });
});

describe('simulated customers', () => {
  beforeEach(() => {
    for (const c of emu.control.state.customers.values()) c.autoReply = true;
    emu.control.setLastInbound(seed.phoneNumberId, SHEENA, Date.now());
  });

  async function replyTo(wamid: string): Promise<InboundMessageEvent> {
    for (let i = 0; i < 100; i++) {
      await emu.control.idle();
      const e = receiver
        .events()
        .find((x): x is InboundMessageEvent => x.kind === 'message' && x.context?.replyToWamid === wamid);
      if (e) return e;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no reply');
  }

  it('taps one of our reply buttons', async () => {
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      seed.accessToken,
      buttonsMessage(SHEENA, {
        body: 'Ship now?',
        buttons: [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
      }),
    );
    if (!r.ok) throw new Error(r.error.message);
    const e = await replyTo(r.value.wamid);
    expect(e.content).toMatchObject({ type: 'interactive', kind: 'button_reply' });
    expect(['yes', 'no']).toContain((e.content as { id: string }).id);
  });

  it('picks a list row', async () => {
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      seed.accessToken,
      listMessage(SHEENA, {
        body: 'When?',
        button: 'Slots',
        sections: [{ rows: [{ id: 'mon', title: 'Monday', description: 'AM' }] }],
      }),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect((await replyTo(r.value.wamid)).content).toMatchObject({
      kind: 'list_reply',
      id: 'mon',
      title: 'Monday',
      description: 'AM',
    });
  });

  it('taps a template quick reply and returns our payload', async () => {
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      seed.accessToken,
      templateMessage(SHEENA, {
        name: 'spring_promo',
        language: 'en_US',
        header: [{ type: 'image', image: { link: 'https://example.com/p.jpg' } }],
        body: [
          { type: 'text', name: 'first_name', text: 'Sheena' },
          { type: 'text', name: 'discount', text: '10%' },
        ],
        buttons: [{ subType: 'quick_reply', index: 0, payload: 'STOP-42' }],
      }),
    );
    if (!r.ok) throw new Error(r.error.message);
    expect((await replyTo(r.value.wamid)).content).toEqual({
      type: 'button',
      payload: 'STOP-42',
      text: 'Stop promotions',
    });
  });

  it('plays a script and an autopilot writes at its pace', async () => {
    const wamids = await emu.control.runScript(seed.phoneNumberId, SHEENA, [
      { afterMs: 0, action: { type: 'text', body: 'Hello' } },
      { afterMs: 5, action: { type: 'image' } },
    ]);
    expect(wamids).toHaveLength(2);
    const before = receiver.events().filter((e) => e.kind === 'message').length;
    const stop = emu.control.startAutopilot({ phoneNumberId: seed.phoneNumberId, intervalMs: 10 });
    await receiver.waitForEvents(before + 3 + 2);
    stop();
    await emu.control.idle();
    expect(receiver.events().filter((e) => e.kind === 'message').length).toBeGreaterThanOrEqual(before + 3);
  });
});
