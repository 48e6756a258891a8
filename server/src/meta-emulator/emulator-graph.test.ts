import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  buttonsMessage,
  createGraphClient,
  ctaUrlMessage,
  imageMessage,
  listMessage,
  reactionMessage,
  templateMessage,
  textMessage,
  type GraphClient,
  type GraphError,
  type GraphResult,
} from '../meta/graph-client';
import type { WebhookEvent } from '../meta/normalize';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type MetaEmulator } from './emulator';
import { generateJpeg } from './media-samples';
import { startTestReceiver, type TestReceiver } from './test-receiver';

let clock = 1_760_000_000_000;
let emu: MetaEmulator;
let url: string;
let seed: DemoSeed;
let receiver: TestReceiver;
let requests: string[] = [];
let graph: GraphClient;
const SHEENA = '16505551234';
const OLIVER = '447700900123';

function metaErr<T>(r: GraphResult<T>): Extract<GraphError, { kind: 'meta' }> {
  if (r.ok) throw new Error('expected an error');
  if (r.error.kind !== 'meta')
    throw new Error(`expected a Meta error, got ${r.error.kind}: ${r.error.message}`);
  return r.error;
}

function value<T>(r: GraphResult<T>): T {
  if (!r.ok) throw new Error(`${r.error.kind}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  receiver = await startTestReceiver('demo-app-secret', 'demo-verify-token');
  emu = buildMetaEmulator({
    now: () => clock,
    statusDelays: { sent: 0, delivered: 5, read: 10 },
    webhookRetry: { baseMs: 5 },
  });
  seed = seedDemo(emu.control, { callbackUrl: receiver.url });
  url = await emu.listen();
  graph = createGraphClient({
    baseUrl: url,
    version: 'v25.0',
    fetch: (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${String(input)}`);
      return fetch(input, init);
    },
  });
});

afterAll(async () => {
  await emu.close();
  await receiver.close();
});

beforeEach(() => {
  requests = [];
  clock += 60_000;
  emu.control.setPairRate({ enabled: false });
  emu.control.setThroughput(seed.phoneNumberId, 80);
  emu.control.setStatusFaults({});
  // Both customers wrote a minute ago: their windows are open.
  emu.control.setLastInbound(seed.phoneNumberId, SHEENA, clock - 60_000);
  emu.control.setLastInbound(seed.phoneNumberId, OLIVER, clock - 60_000);
});

const tok = () => seed.accessToken;
const rank = { sent: 0, delivered: 1, read: 2, played: 3, failed: 4 };
const order = (e: WebhookEvent) => (e.kind === 'status' ? rank[e.status] : -1);

describe('phone numbers and app subscription', () => {
  it('reads the phone number and lists the WABA numbers', async () => {
    expect(value(await graph.getPhoneNumber(seed.phoneNumberId, tok()))).toEqual({
      id: seed.phoneNumberId,
      verifiedName: 'Parley Demo Shop',
      displayPhoneNumber: '+1 555-078-3881',
      qualityRating: 'GREEN',
      codeVerificationStatus: 'VERIFIED',
      platformType: 'CLOUD_API',
      throughputLevel: 'STANDARD',
    });
    expect(value(await graph.listPhoneNumbers(seed.wabaId, tok()))).toHaveLength(1);
    expect((await graph.subscribeApp(seed.wabaId, tok())).ok).toBe(true);
  });

  it('answers 100/33 for an object the token cannot see', async () => {
    const e = metaErr(await graph.getPhoneNumber('999999', tok()));
    expect(e).toMatchObject({ metaCode: 100, subcode: 33, httpStatus: 400 });
  });
});

describe('auth errors', () => {
  it('missing bearer → 190 (401)', async () => {
    const e = metaErr(await graph.sendMessage(seed.phoneNumberId, '', textMessage(SHEENA, { body: 'x' })));
    expect(e).toMatchObject({ metaCode: 190, httpStatus: 401, catalog: { kind: 'auth', retry: 'no' } });
  });
  it('wrong token → 190 without subcode', async () => {
    const e = metaErr(await graph.getPhoneNumber(seed.phoneNumberId, 'nope'));
    expect(e).toMatchObject({ metaCode: 190, subcode: null, httpStatus: 401 });
  });
  it('expired token → 190 with subcode 463', async () => {
    emu.control.addToken(seed.wabaId, 'soon-expired');
    emu.control.expireToken('soon-expired');
    const e = metaErr(
      await graph.sendMessage(seed.phoneNumberId, 'soon-expired', textMessage(SHEENA, { body: 'x' })),
    );
    expect(e).toMatchObject({
      metaCode: 190,
      subcode: 463,
      title: 'Error validating access token: Session has expired.',
    });
    expect(e.fbtraceId).toBeTruthy();
  });
});

describe('sending', () => {
  it('accepts a text inside the window and sends sent → delivered → read with the callback data', async () => {
    const r = value(
      await graph.sendMessage(
        seed.phoneNumberId,
        tok(),
        textMessage(
          '+1 (650) 555-1234',
          { body: 'Your order ships today 🚚', previewUrl: true },
          { bizOpaqueCallbackData: 'outbox-1' },
        ),
      ),
    );
    expect(r).toMatchObject({ input: '+1 (650) 555-1234', waId: SHEENA, messageStatus: null });
    expect(r.wamid).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
    await emu.control.idle();
    // Separate POSTs, delivered concurrently like Meta's: compare by Meta's timestamps, not arrival.
    const posts = receiver.posts.filter((p) =>
      p.events.some((e) => e.kind === 'status' && e.wamid === r.wamid),
    );
    expect(posts).toHaveLength(3);
    const statuses = receiver
      .events()
      .filter((e) => e.kind === 'status' && e.wamid === r.wamid)
      .sort((a, b) => order(a) - order(b));
    expect(statuses.map((s) => (s.kind === 'status' ? [s.status, s.bizOpaqueCallbackData] : null))).toEqual([
      ['sent', 'outbox-1'],
      ['delivered', 'outbox-1'],
      ['read', 'outbox-1'],
    ]);
    expect(statuses[0]).toMatchObject({
      recipientId: SHEENA,
      recipientUserId: 'US.13491208655302741918',
      pricing: { category: 'service', type: 'free_customer_service' },
      conversation: null,
    });
  });

  it('returns the wa_id Meta maps the number to (Brazil 9th digit)', async () => {
    emu.control.setLastInbound(seed.phoneNumberId, '5511912345678', clock);
    const r = value(
      await graph.sendMessage(seed.phoneNumberId, tok(), textMessage('+55 11 91234-5678', { body: 'oi' })),
    );
    expect(r).toMatchObject({ input: '+55 11 91234-5678', waId: '551112345678' });
  });

  it('sends to a business-scoped user id (recipient) and answers user_id', async () => {
    emu.control.setLastInbound(seed.phoneNumberId, '4915123456789', clock);
    const r = value(
      await graph.sendMessage(
        seed.phoneNumberId,
        tok(),
        textMessage({ userId: 'DE.77120033445566778899' }, { body: 'hi' }),
      ),
    );
    expect(r).toMatchObject({
      input: 'DE.77120033445566778899',
      waId: null,
      userId: 'DE.77120033445566778899',
    });
  });

  it('requires messaging_product (100, no error_data)', async () => {
    const body = { ...textMessage(SHEENA, { body: 'x' }) } as Record<string, unknown>;
    delete body.messaging_product;
    const e = metaErr(await graph.sendMessage(seed.phoneNumberId, tok(), body as never));
    expect(e).toMatchObject({
      metaCode: 100,
      message: '(#100) The parameter messaging_product is required.',
      details: null,
    });
  });

  const limits: [string, () => ReturnType<typeof textMessage>, number][] = [
    ['text over 4096 characters', () => textMessage(SHEENA, { body: 'a'.repeat(4097) }), 100],
    [
      'caption over 1024 characters',
      () => imageMessage(SHEENA, { link: 'https://x/y.jpg', caption: 'c'.repeat(1025) }),
      100,
    ],
    [
      'four reply buttons',
      () =>
        buttonsMessage(SHEENA, {
          body: 'Pick',
          buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })),
        }),
      131009,
    ],
    [
      'a list with 11 rows',
      () =>
        listMessage(SHEENA, {
          body: 'Pick',
          button: 'Slots',
          sections: [
            {
              title: 'All',
              rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })),
            },
          ],
        }),
      131009,
    ],
    ['an unknown media id', () => imageMessage(SHEENA, { id: '123' }), 100],
    ['a media link that is not http(s)', () => imageMessage(SHEENA, { link: 'ftp://x/y.jpg' }), 100],
    [
      'two buttons with one id',
      () =>
        buttonsMessage(SHEENA, {
          body: 'Pick',
          buttons: [
            { id: 'same', title: 'Yes' },
            { id: 'same', title: 'No' },
          ],
        }),
      131009,
    ],
    [
      'two list sections without titles',
      () =>
        listMessage(SHEENA, {
          body: 'Pick',
          button: 'Slots',
          sections: [{ rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }],
        }),
      100,
    ],
    [
      'a section title over 24 characters',
      () =>
        listMessage(SHEENA, {
          body: 'Pick',
          button: 'Slots',
          sections: [{ title: 's'.repeat(25), rows: [{ id: 'a', title: 'A' }] }],
        }),
      100,
    ],
    [
      'a call-to-action label over 20 characters',
      () => ctaUrlMessage(SHEENA, { body: 'Track', displayText: 'd'.repeat(21), url: 'https://x.example/t' }),
      100,
    ],
    [
      'a call-to-action URL that is not http(s)',
      () => ctaUrlMessage(SHEENA, { body: 'Track', displayText: 'Track', url: 'javascript:alert(1)' }),
      100,
    ],
  ];
  for (const [name, body, code] of limits) {
    it(`refuses ${name} with ${code}`, async () => {
      const e = metaErr(await graph.sendMessage(seed.phoneNumberId, tok(), body()));
      expect(e).toMatchObject({ metaCode: code, httpStatus: 400, catalog: { retry: 'no' } });
      expect(e.details).toBeTruthy();
    });
  }

  it('accepts 3 buttons and a 10-row list', async () => {
    const ok1 = await graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      buttonsMessage(SHEENA, {
        body: 'Pick',
        buttons: [1, 2, 3].map((n) => ({ id: `b${n}`, title: `B${n}` })),
        footer: 'f',
      }),
    );
    const ok2 = await graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      listMessage(SHEENA, {
        body: 'Pick',
        button: 'Slots',
        sections: [
          { title: 'All', rows: Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` })) },
        ],
      }),
    );
    const ok3 = await graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      ctaUrlMessage(SHEENA, {
        body: 'Your parcel is on its way',
        displayText: 'Track parcel',
        url: 'https://shop.example/track/1',
        headerText: 'Order #1001',
        footer: 'Shop',
      }),
    );
    expect([ok1.ok, ok2.ok, ok3.ok]).toEqual([true, true, true]);
  });
});

describe('templates', () => {
  const orderUpdate = (lang = 'en_US', body = ['Sheena', '#1001', 'Friday']) =>
    templateMessage(OLIVER, {
      name: 'order_update',
      language: lang,
      header: [{ type: 'text', text: '#1001' }],
      body: body.map((text) => ({ type: 'text' as const, text })),
      buttons: [
        { subType: 'quick_reply', index: 0, payload: 'TRACK_1001' },
        { subType: 'url', index: 2, text: '1001' },
      ],
    });

  it('sends an approved template outside the window (message_status accepted)', async () => {
    emu.control.setLastInbound(seed.phoneNumberId, OLIVER, null);
    const r = value(await graph.sendMessage(seed.phoneNumberId, tok(), orderUpdate()));
    expect(r.messageStatus).toBe('accepted');
    await emu.control.idle();
    const sent = receiver
      .events()
      .find((e) => e.kind === 'status' && e.wamid === r.wamid && e.status === 'sent');
    expect(sent).toMatchObject({
      status: 'sent',
      pricing: { category: 'utility', type: 'regular', billable: true },
    });
  });

  it('sends a NAMED template with an image header', async () => {
    const media = value(
      await graph.uploadMedia(seed.phoneNumberId, tok(), {
        bytes: generateJpeg(),
        mimeType: 'image/jpeg',
        fileName: 'p.jpg',
      }),
    );
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      templateMessage(OLIVER, {
        name: 'spring_promo',
        language: 'en_US',
        header: [{ type: 'image', image: { id: media.mediaId } }],
        body: [
          { type: 'text', name: 'discount', text: '20%' },
          { type: 'text', name: 'first_name', text: 'Oliver' },
        ],
      }),
    );
    expect(r.ok).toBe(true);
  });

  const failures: [string, () => ReturnType<typeof textMessage>, number, number][] = [
    ['an unknown template', () => templateMessage(OLIVER, { name: 'nope', language: 'en_US' }), 132001, 404],
    ['a wrong language', () => orderUpdate('fr'), 132001, 404],
    [
      'a template not yet approved',
      () => templateMessage(OLIVER, { name: 'pending_review', language: 'en_US' }),
      132001,
      404,
    ],
    ['a missing body parameter', () => orderUpdate('en_US', ['Sheena', '#1001']), 132000, 400],
    [
      'a text header where an image is expected',
      () =>
        templateMessage(OLIVER, {
          name: 'spring_promo',
          language: 'en_US',
          header: [{ type: 'text', text: 'x' }],
          body: [
            { type: 'text', name: 'first_name', text: 'O' },
            { type: 'text', name: 'discount', text: '5%' },
          ],
        }),
      132012,
      400,
    ],
  ];
  for (const [name, body, code, status] of failures) {
    it(`refuses ${name} with ${code}`, async () => {
      const e = metaErr(await graph.sendMessage(seed.phoneNumberId, tok(), body()));
      expect(e).toMatchObject({
        metaCode: code,
        httpStatus: status,
        catalog: { kind: 'template', retry: 'no' },
      });
    });
  }

  it('lists every template across several pages following paging.next', async () => {
    for (let i = 0; i < 60; i++) {
      emu.control.addTemplate(seed.wabaId, {
        name: `bulk_${String(i).padStart(2, '0')}`,
        language: 'en_US',
        status: 'APPROVED',
        category: 'MARKETING',
        parameterFormat: 'POSITIONAL',
        components: [{ type: 'BODY', text: `Bulk ${i}` }],
      });
    }
    const all = value(await graph.listTemplates(seed.wabaId, tok(), { pageSize: 25 }));
    const total = emu.control.state.wabas.get(seed.wabaId)!.templates.length;
    expect(all).toHaveLength(total);
    expect(new Set(all.map((t) => t.id)).size).toBe(total);
    expect(requests.filter((r) => r.includes('message_templates'))).toHaveLength(Math.ceil(total / 25));
    expect(all.find((t) => t.name === 'order_update' && t.language === 'es')).toBeTruthy();
    expect(all.find((t) => t.name === 'spring_promo')).toMatchObject({
      parameter_format: 'NAMED',
      category: 'MARKETING',
    });
  });
});

describe('throughput and pair rate', () => {
  it('accepts exactly the cap within one second and answers 130429 above it', async () => {
    emu.control.setThroughput(seed.phoneNumberId, 5);
    const send = (n: number) =>
      graph.sendMessage(seed.phoneNumberId, tok(), textMessage(n % 2 ? SHEENA : OLIVER, { body: `m${n}` }));
    const first = await Promise.all([0, 1, 2, 3, 4].map(send));
    expect(first.every((r) => r.ok)).toBe(true);
    const e = metaErr(await send(5));
    expect(e).toMatchObject({
      metaCode: 130429,
      httpStatus: 400,
      catalog: { retry: 'backoff', kind: 'rate_limit' },
    });
    clock += 1001;
    expect((await send(6)).ok).toBe(true);
  });

  it('answers 131056 for the same recipient faster than the pair rate, other recipients fine', async () => {
    emu.control.setPairRate({ enabled: true, burst: 2, intervalMs: 6000 });
    const toSheena = () => graph.sendMessage(seed.phoneNumberId, tok(), textMessage(SHEENA, { body: 'hi' }));
    expect((await toSheena()).ok).toBe(true);
    expect((await toSheena()).ok).toBe(true);
    const e = metaErr(await toSheena());
    expect(e).toMatchObject({ metaCode: 131056, catalog: { retry: 'pair_rate', kind: 'pair_rate' } });
    expect((await graph.sendMessage(seed.phoneNumberId, tok(), textMessage(OLIVER, { body: 'hi' }))).ok).toBe(
      true,
    );
    clock += 6000;
    expect((await toSheena()).ok).toBe(true);
  });
});

describe('asynchronous failures', () => {
  it('free-form outside the 24 h window → 200 + wamid, then a failed status with 131047', async () => {
    emu.control.setLastInbound(seed.phoneNumberId, OLIVER, clock - 24 * 3600_000 - 1);
    const r = value(
      await graph.sendMessage(
        seed.phoneNumberId,
        tok(),
        textMessage(OLIVER, { body: 'late' }, { bizOpaqueCallbackData: 'ob-late' }),
      ),
    );
    await emu.control.idle();
    const statuses = receiver.events().filter((e) => e.kind === 'status' && e.wamid === r.wamid);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatchObject({
      status: 'failed',
      bizOpaqueCallbackData: 'ob-late',
      errors: [{ code: 131047, title: 'Re-engagement message' }],
    });
  });

  it('a number that is not on WhatsApp → 200, then failed 131026', async () => {
    const r = value(
      await graph.sendMessage(seed.phoneNumberId, tok(), textMessage('+1 202 555 0199', { body: 'hello?' })),
    );
    await emu.control.idle();
    expect(receiver.events().find((e) => e.kind === 'status' && e.wamid === r.wamid)).toMatchObject({
      status: 'failed',
      recipientId: '12025550199',
      errors: [{ code: 131026 }],
    });
  });

  it('a reaction gets only a sent status', async () => {
    const { wamid: target, delivery } = emu.control.customerSends(seed.phoneNumberId, SHEENA, {
      type: 'text',
      body: 'hey',
    });
    await delivery;
    const r = value(
      await graph.sendMessage(
        seed.phoneNumberId,
        tok(),
        reactionMessage(SHEENA, { messageId: target, emoji: '❤️' }),
      ),
    );
    await emu.control.idle();
    const statuses = receiver.events().filter((e) => e.kind === 'status' && e.wamid === r.wamid);
    expect(statuses.map((s) => (s.kind === 'status' ? s.status : ''))).toEqual(['sent']);
  });
});

describe('injected faults', () => {
  const sendOnce = () =>
    graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      textMessage(SHEENA, { body: 'x' }, { bizOpaqueCallbackData: 'ob-fault' }),
    );

  for (const [code, kind, retry, status] of [
    [130429, 'rate_limit', 'backoff', 400],
    [131056, 'pair_rate', 'pair_rate', 400],
    [190, 'auth', 'no', 401],
    [131000, 'transient', 'backoff', 500],
    [133004, 'transient', 'backoff', 503],
  ] as const) {
    it(`returns ${code} for the next send only`, async () => {
      emu.control.injectSendFault({ kind: 'error', code, count: 1 });
      const e = metaErr(await sendOnce());
      expect(e).toMatchObject({ metaCode: code, httpStatus: status, catalog: { kind, retry } });
      expect((await sendOnce()).ok).toBe(true);
    });
  }

  it('a bare 502 is a bad_response', async () => {
    emu.control.injectSendFault({ kind: 'http_status', status: 502, count: 1 });
    const r = await sendOnce();
    expect(r.ok ? null : r.error).toMatchObject({
      kind: 'bad_response',
      code: 'bad_response',
      httpStatus: 502,
    });
  });

  it('a dropped response is ambiguous, and the status webhook still reconciles it', async () => {
    emu.control.injectSendFault({ kind: 'drop_response', count: 1 });
    const r = await graph.sendMessage(
      seed.phoneNumberId,
      tok(),
      textMessage(SHEENA, { body: 'lost?' }, { bizOpaqueCallbackData: 'ob-ambiguous' }),
    );
    expect(r.ok ? null : r.error.kind).toBe('ambiguous');
    const rec = emu.control.outbound().find((o) => o.bizOpaqueCallbackData === 'ob-ambiguous');
    expect(rec).toMatchObject({ responseDropped: true, outcome: 'ok' });
    await emu.control.idle();
    const statuses = receiver
      .events()
      .filter((e) => e.kind === 'status' && e.bizOpaqueCallbackData === 'ob-ambiguous');
    expect(statuses.map((s) => (s.kind === 'status' ? s.wamid : ''))).toContain(rec!.wamid);
  });
});

describe('mark as read', () => {
  it('marks an inbound message read (with typing) and refuses unknown ids', async () => {
    const { wamid, delivery } = emu.control.customerSends(seed.phoneNumberId, SHEENA, {
      type: 'text',
      body: 'read me',
    });
    await delivery;
    expect((await graph.markRead(seed.phoneNumberId, tok(), wamid, true)).ok).toBe(true);
    expect(emu.control.state.inbound.get(wamid)?.read).toBe(true);
    expect(metaErr(await graph.markRead(seed.phoneNumberId, tok(), 'wamid.nope'))).toMatchObject({
      metaCode: 100,
    });
  });
});

describe('media', () => {
  it('uploads, retrieves, downloads, expires the URL after 5 minutes and deletes', async () => {
    const bytes = generateJpeg();
    const { mediaId } = value(
      await graph.uploadMedia(seed.phoneNumberId, tok(), {
        bytes,
        mimeType: 'image/jpeg',
        fileName: 'a.jpg',
      }),
    );
    expect(mediaId).toMatch(/^\d+$/);
    const info = value(await graph.getMedia(mediaId, tok(), seed.phoneNumberId));
    expect(info).toMatchObject({ id: mediaId, mimeType: 'image/jpeg', fileSize: bytes.length });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    const dl = value(await graph.downloadMedia(info.url, tok()));
    expect(dl.bytes.equals(bytes)).toBe(true);
    expect(dl.contentType).toBe('image/jpeg');
    const noAuth = await fetch(info.url);
    expect(noAuth.status).toBe(401);
    clock += 5 * 60_000 + 1;
    const expired = await graph.downloadMedia(info.url, tok());
    expect(expired.ok ? null : expired.error).toMatchObject({ kind: 'bad_response', httpStatus: 404 });
    const fresh = value(await graph.getMedia(mediaId, tok()));
    expect(value(await graph.downloadMedia(fresh.url, tok())).bytes.length).toBe(bytes.length);
    // Sending by id works while the media exists.
    expect(
      (
        await graph.sendMessage(
          seed.phoneNumberId,
          tok(),
          imageMessage(SHEENA, { id: mediaId, caption: 'ok' }),
        )
      ).ok,
    ).toBe(true);
    expect((await graph.deleteMedia(mediaId, tok(), seed.phoneNumberId)).ok).toBe(true);
    expect(metaErr(await graph.getMedia(mediaId, tok()))).toMatchObject({ metaCode: 100 });
  });

  it('refuses unsupported types and oversized files with 131053', async () => {
    const bad = metaErr(
      await graph.uploadMedia(seed.phoneNumberId, tok(), {
        bytes: Buffer.from('MZ'),
        mimeType: 'application/x-msdownload',
        fileName: 'x.exe',
      }),
    );
    expect(bad).toMatchObject({ metaCode: 131053, catalog: { kind: 'media' } });
    const big = metaErr(
      await graph.uploadMedia(seed.phoneNumberId, tok(), {
        bytes: Buffer.alloc(5 * 1024 * 1024 + 1),
        mimeType: 'image/png',
        fileName: 'big.png',
      }),
    );
    expect(big).toMatchObject({ metaCode: 131053 });
  });

  it('refuses an upload without messaging_product with 100', async () => {
    const form = new FormData();
    form.set('file', new Blob([generateJpeg()], { type: 'image/jpeg' }), 'a.jpg');
    form.set('type', 'image/jpeg');
    const res = await fetch(`${url}/v25.0/${seed.phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok()}` },
      body: form,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { code: 100, message: '(#100) The parameter messaging_product is required.' },
    });
  });
});

describe('transport failures', () => {
  it('connection refused is a network error', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s: Server = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const c = createGraphClient({ baseUrl: `http://127.0.0.1:${closed}`, version: 'v25.0' });
    const r = await c.sendMessage('1', 't', textMessage(SHEENA, { body: 'x' }));
    expect(r.ok ? null : r.error.kind).toBe('network');
  });

  it('a server that accepts the request but never answers times out as ambiguous', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => {
      sockets.push(s);
      s.on('data', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const c = createGraphClient({ baseUrl: `http://127.0.0.1:${port}`, version: 'v25.0', timeoutMs: 150 });
    const r = await c.sendMessage('1', 't', textMessage(SHEENA, { body: 'x' }));
    expect(r.ok ? null : r.error.kind).toBe('ambiguous');
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => silent.close(() => r()));
  });
});
