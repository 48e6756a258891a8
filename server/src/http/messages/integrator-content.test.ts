import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../../test/api-client';
import { startOutboundWorld, type OutboundWorld } from '../../../test/outbound';
import { generateJpeg } from '../../meta-emulator/media-samples';
import { media, messages } from '../../storage/schema/index';

// What POST /api/v1/messages sends beyond the conversation route, through the typed client with
// an API key: interactive messages (Meta's limits refused before queueing, Meta's `interactive`
// object on the wire, the emulator validating it), media by URL (Meta given the link, Parley's
// copy fetched from a local server — ALLOW_PRIVATE_MEDIA_URLS is on here; the refusals without
// it are media-url.test.ts), and the key's name on every message it sent.

let w: OutboundWorld;
let api: ReturnType<typeof apiClient>;
let files: Server;
let filesUrl: string;
const jpeg = generateJpeg();

beforeAll(async () => {
  files = createServer((req, res) => {
    if (req.url === '/cake.jpg') {
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length });
      return res.end(jpeg);
    }
    if (req.url === '/moved.jpg') {
      res.writeHead(302, { location: '/cake.jpg' });
      return res.end();
    }
    if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html></html>');
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  w = await startOutboundWorld({ app: { config: { allowPrivateMediaUrls: true } } });
  const res = await w.t.app.inject({
    method: 'POST',
    url: '/api/v1/api-keys',
    headers: w.org.admin.headers,
    payload: { name: 'Order system', scopes: ['messages:send', 'messages:read'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  api = apiClient(w.t.app, res.json().key);
}, 240_000);
afterAll(async () => {
  await w?.close();
  files?.close();
});

const sentBody = (wamid: string | null | undefined) =>
  w.sent().find((o) => o.wamid === wamid)?.body as Record<string, unknown> | undefined;

describe('interactive messages', () => {
  it('sends reply buttons, a list and a call-to-action URL as Meta’s interactive object', async () => {
    const c = await w.customer('Buttons');
    const buttons = await api.POST('/api/v1/messages', {
      body: {
        contactId: c.contactId,
        message: {
          type: 'interactive',
          interactive: {
            kind: 'buttons',
            header: 'Delivery',
            body: 'When should we deliver order #1042?',
            footer: 'Reply with a tap',
            buttons: [
              { id: 'today', title: 'Today' },
              { id: 'tomorrow', title: 'Tomorrow' },
            ],
          },
        },
      },
    });
    expect(buttons.error, JSON.stringify(buttons.error)).toBeUndefined();
    expect(buttons.data).toMatchObject({
      type: 'interactive',
      text: 'When should we deliver order #1042?',
      apiKeyName: 'Order system',
      interactiveMessage: { kind: 'buttons', buttons: [{ id: 'today' }, { id: 'tomorrow' }] },
    });
    const list = await api.POST('/api/v1/messages', {
      body: {
        contactId: c.contactId,
        message: {
          type: 'interactive',
          interactive: {
            kind: 'list',
            body: 'Pick a delivery slot',
            button: 'Slots',
            sections: [
              { title: 'Morning', rows: [{ id: 'm1', title: '8–10', description: 'Early' }] },
              { title: 'Evening', rows: [{ id: 'e1', title: '18–20' }] },
            ],
          },
        },
      },
    });
    expect(list.response.status).toBe(202);
    const cta = await api.POST('/api/v1/messages', {
      body: {
        contactId: c.contactId,
        message: {
          type: 'interactive',
          interactive: {
            kind: 'cta_url',
            body: 'Your parcel is on its way',
            displayText: 'Track parcel',
            url: 'https://shop.example/track/1042',
          },
        },
      },
    });
    expect(cta.response.status).toBe(202);

    await w.quiesce();
    const rows = await Promise.all([buttons, list, cta].map((r) => w.row(r.data!.id)));
    // Accepted by the emulator (which validates as Meta does) and reported on.
    for (const r of rows) expect(['delivered', 'read']).toContain(r.status);
    expect(sentBody(rows[0]!.waMessageId)).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'text', text: 'Delivery' },
        body: { text: 'When should we deliver order #1042?' },
        footer: { text: 'Reply with a tap' },
        action: { buttons: [{ type: 'reply', reply: { id: 'today', title: 'Today' } }, {}] },
      },
    });
    expect(sentBody(rows[1]!.waMessageId)).toMatchObject({
      interactive: { type: 'list', action: { button: 'Slots', sections: [{ title: 'Morning' }, {}] } },
    });
    expect(sentBody(rows[2]!.waMessageId)).toMatchObject({
      interactive: {
        type: 'cta_url',
        action: {
          name: 'cta_url',
          parameters: { display_text: 'Track parcel', url: 'https://shop.example/track/1042' },
        },
      },
    });
    const one = await api.GET('/api/v1/messages/{id}', { params: { path: { id: cta.data!.id } } });
    expect(one.data).toMatchObject({ apiKeyName: 'Order system', interactiveMessage: { kind: 'cta_url' } });
  });

  it('refuses what Meta would refuse, in words, before anything is queued', async () => {
    const c = await w.customer('Limits');
    const before = (
      await w.t.database.db.select().from(messages).where(eq(messages.conversationId, c.conversationId))
    ).length;
    const cases: [unknown, string][] = [
      [
        {
          kind: 'buttons',
          body: 'Pick',
          buttons: [1, 2, 3, 4].map((n) => ({ id: `b${n}`, title: `B${n}` })),
        },
        'at most 3 reply buttons',
      ],
      [
        { kind: 'buttons', body: 'Pick', buttons: [{ id: 'a', title: 'A title that is too long' }] },
        '20 characters',
      ],
      [
        {
          kind: 'buttons',
          body: 'Pick',
          buttons: [
            { id: 'a', title: 'Yes' },
            { id: 'b', title: 'Yes' },
          ],
        },
        'share the title',
      ],
      [
        {
          kind: 'list',
          body: 'Pick',
          button: 'Slots',
          sections: [
            { title: 'One', rows: Array.from({ length: 6 }, (_, i) => ({ id: `a${i}`, title: `A${i}` })) },
            { title: 'Two', rows: Array.from({ length: 5 }, (_, i) => ({ id: `b${i}`, title: `B${i}` })) },
          ],
        },
        'at most 10 rows',
      ],
      [
        {
          kind: 'list',
          body: 'Pick',
          button: 'Slots',
          sections: [{ rows: [{ id: 'a', title: 'A' }] }, { rows: [{ id: 'b', title: 'B' }] }],
        },
        'needs a title',
      ],
      [
        {
          kind: 'list',
          body: 'Pick',
          button: 'Slots',
          sections: [{ title: 'x'.repeat(25), rows: [{ id: 'a', title: 'A' }] }],
        },
        '24 characters',
      ],
      [{ kind: 'cta_url', body: 'Go', displayText: 'Open', url: 'javascript:alert(1)' }, 'URL'],
      [
        { kind: 'cta_url', body: 'Go', displayText: 'Open the tracking page', url: 'https://x.example' },
        '20 characters',
      ],
    ];
    for (const [interactive, words] of cases) {
      const res = await w.t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: w.org.admin.headers,
        payload: { contactId: c.contactId, message: { type: 'interactive', interactive } },
      });
      expect(res.statusCode, JSON.stringify(interactive)).toBe(400);
      expect(res.json().error.code).toBe('invalid_input');
      expect(JSON.stringify(res.json().error), JSON.stringify(interactive)).toContain(words);
    }
    const after = (
      await w.t.database.db.select().from(messages).where(eq(messages.conversationId, c.conversationId))
    ).length;
    expect(after).toBe(before);
  });
});

describe('media by URL', () => {
  it('sends the link to Meta and keeps a copy for the thread (redirects followed)', async () => {
    const c = await w.customer('Photo');
    for (const path of ['/cake.jpg', '/moved.jpg']) {
      const sent = await api.POST('/api/v1/messages', {
        body: {
          contactId: c.contactId,
          media: { url: `${filesUrl}${path}`, type: 'image', caption: 'The cake' },
        },
      });
      expect(sent.error, JSON.stringify(sent.error)).toBeUndefined();
      expect(sent.data).toMatchObject({
        type: 'image',
        caption: 'The cake',
        media: { state: 'pending', url: `${filesUrl}${path}` },
      });
      await w.quiesce();
      const row = await w.row(sent.data!.id);
      expect(['delivered', 'read']).toContain(row.status);
      expect(sentBody(row.waMessageId)).toMatchObject({
        type: 'image',
        image: { link: `${filesUrl}${path}`, caption: 'The cake' },
      });
      // Parley's copy is a background job after the send (retried on a transient failure), so
      // wait for it to settle rather than for the send queue.
      let one = await api.GET('/api/v1/messages/{id}', { params: { path: { id: sent.data!.id } } });
      for (let i = 0; i < 100 && one.data!.media?.state === 'pending'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await w.quiesce();
        one = await api.GET('/api/v1/messages/{id}', { params: { path: { id: sent.data!.id } } });
      }
      expect(one.data!.media).toMatchObject({ state: 'ready', mimeType: 'image/jpeg', size: jpeg.length });
      const file = await w.t.app.inject({
        url: `/api/v1/media/${one.data!.media!.id}`,
        headers: w.org.admin.headers,
      });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.equals(jpeg)).toBe(true);
    }
  });

  it('still sends when the copy fails, and says why on the media', async () => {
    const c = await w.customer('Broken');
    for (const [path, why] of [
      ['/missing.jpg', 'HTTP 404'],
      ['/page.html', 'text/html'],
    ] as const) {
      const sent = await api.POST('/api/v1/messages', {
        body: { contactId: c.contactId, media: { url: `${filesUrl}${path}`, type: 'image' } },
      });
      expect(sent.response.status).toBe(202);
      await w.quiesce();
      const row = await w.row(sent.data!.id);
      // Meta fetches the link itself; Parley's copy failing does not stop the send.
      expect(row.waMessageId).toBeTruthy();
      let [m] = await w.t.database.db.select().from(media).where(eq(media.id, row.mediaId!));
      for (let i = 0; i < 100 && m!.state === 'pending'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await w.quiesce();
        [m] = await w.t.database.db.select().from(media).where(eq(media.id, row.mediaId!));
      }
      expect(m).toMatchObject({ state: 'failed' });
      expect(m!.error).toContain(why);
    }
  });

  it('refuses bad media bodies before queueing', async () => {
    const c = await w.customer('Bad media');
    for (const [media, status] of [
      [{ url: 'ftp://files.example/a.jpg', type: 'image' }, 400],
      [{ url: `${filesUrl}/a.ogg`, type: 'audio', caption: 'no' }, 400],
      [{ url: `${filesUrl}/a.jpg`, type: 'image', fileName: 'a.jpg' }, 400],
    ] as const) {
      const res = await w.t.app.inject({
        method: 'POST',
        url: '/api/v1/messages',
        headers: w.org.admin.headers,
        payload: { contactId: c.contactId, media },
      });
      expect(res.statusCode, JSON.stringify(media)).toBe(status);
    }
    const both = await w.t.app.inject({
      method: 'POST',
      url: '/api/v1/messages',
      headers: w.org.admin.headers,
      payload: {
        contactId: c.contactId,
        media: { url: `${filesUrl}/cake.jpg`, type: 'image' },
        message: { type: 'text', text: 'x' },
      },
    });
    expect(both.statusCode).toBe(400);
  });
});
