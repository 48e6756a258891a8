import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { createFsMediaStore } from '../src/domain/media/media-store';
import { createGraphClient, type GraphClient } from '../src/meta/graph-client';
import { createResumableUploader } from '../src/meta/resumable-upload';

/** The Meta app id the test world uploads template header samples on (the emulator takes any). */
export const TEST_META_APP_ID = '1234567890';
import {
  buildMetaEmulator,
  type CustomerAction,
  type MetaEmulator,
  type MetaEmulatorOptions,
} from '../src/meta-emulator/emulator';
import type { InboundDecorations } from '../src/meta-emulator/inbound-builders';
import { buildTestApp, type TestApp, type TestAppOptions } from './build-test-app';
import type { LoggedIn } from './factories';

/** Random numeric Meta-style id (15 digits): the shared test database outlives each test. */
export const metaId = () => String(100_000_000_000_000 + Math.floor(Math.random() * 899_999_999_999_999));
/** A random customer phone number (digits). */
export const randomPhone = () => `1555${String(Math.floor(Math.random() * 10_000_000)).padStart(7, '0')}`;

/** A number connected to Parley through the API, with its emulator side. */
export type ConnectedNumber = {
  account: WhatsAppAccount;
  phoneNumberId: string;
  wabaId: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Adds a simulated customer; returns their phone digits (the emulator's customer key). */
  addCustomer: (name?: string, opts?: { userId?: string; username?: string; hidePhone?: boolean }) => string;
  /** The customer sends; resolves once Meta-like delivery got a 2xx and Parley processed it. */
  send: (customer: string, action: CustomerAction, decorations?: InboundDecorations) => Promise<string>;
};

/** Parley listening on 127.0.0.1:0 as the webhook target of a Meta emulator listening on 127.0.0.1:0. */
export type WhatsAppWorld = {
  t: TestApp;
  emu: MetaEmulator;
  emuUrl: string;
  parleyUrl: string;
  graph: GraphClient;
  mediaDir: string;
  /** Creates a business + number in the emulator, connects it through `POST /whatsapp-accounts`, points its webhooks at Parley. */
  connect: (admin: LoggedIn, opts?: { appSecret?: string; name?: string }) => Promise<ConnectedNumber>;
  /** Waits until the emulator delivered everything and Parley processed it. */
  settle: () => Promise<void>;
  close: () => Promise<void>;
};

/**
 * Starts the emulator (instant statuses, fast retries) and a Parley test app wired to it: the
 * Graph client points at the emulator, media goes to a temp dir, and Parley listens so the
 * emulator can POST signed webhooks to it.
 */
export async function startWhatsAppWorld(
  opts: { emulator?: MetaEmulatorOptions; app?: TestAppOptions } = {},
): Promise<WhatsAppWorld> {
  const emu = buildMetaEmulator({
    statusDelays: { sent: 0, delivered: 0, read: 0 },
    webhookRetry: { baseMs: 5, maxDelayMs: 50 },
    ...opts.emulator,
  });
  const emuUrl = await emu.listen();
  const graph = createGraphClient({ baseUrl: emuUrl, version: 'v25.0', timeoutMs: 5_000 });
  const uploader = createResumableUploader({ baseUrl: emuUrl, version: 'v25.0', timeoutMs: 5_000 });
  const mediaDir = await mkdtemp(join(tmpdir(), 'parley-media-test-'));
  // Own job namespace: on PostgreSQL every test worker shares one database, and another world's
  // media worker must not fetch this world's media from its own emulator.
  const t = await buildTestApp({
    graph,
    uploader,
    mediaStore: createFsMediaStore(mediaDir),
    jobNamespace: randomUUID(),
    ...opts.app,
    config: { metaAppId: TEST_META_APP_ID, ...opts.app?.config },
  });
  const parleyUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  const settle = async () => {
    await emu.control.idle();
    await t.app.background.idle();
  };

  const connect: WhatsAppWorld['connect'] = async (admin, o = {}) => {
    const accessToken = `EAAG-${metaId()}`;
    const appSecret = o.appSecret ?? `secret-${metaId()}`;
    const verifyToken = `verify-${metaId()}`;
    const waba = emu.control.addBusiness({ id: metaId(), name: 'Shop', tokens: [accessToken] });
    const phone = emu.control.addPhoneNumber(waba.id, {
      id: metaId(),
      displayPhoneNumber: `+1 555-${String(Math.floor(Math.random() * 1000)).padStart(3, '0')}-0000`,
      verifiedName: 'Shop',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/whatsapp-accounts',
      headers: admin.headers,
      payload: {
        name: o.name ?? 'Support line',
        phoneNumberId: phone.id,
        businessAccountId: waba.id,
        accessToken,
        appSecret,
        verifyToken,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const account = res.json<WhatsAppAccount>();
    emu.control.configureWebhook(phone.id, {
      callbackUrl: `${parleyUrl}/webhooks/whatsapp/${account.id}`,
      appSecret,
      verifyToken,
    });
    return {
      account,
      phoneNumberId: phone.id,
      wabaId: waba.id,
      accessToken,
      appSecret,
      verifyToken,
      addCustomer: (name = 'Customer', c = {}) =>
        emu.control.addCustomer({ phone: randomPhone(), name, ...c }).phone,
      send: async (customer, action, decorations) => {
        const { wamid, delivery } = emu.control.customerSends(phone.id, customer, action, decorations);
        const record = await delivery;
        expect(record?.state).toBe('delivered');
        await t.app.background.idle();
        return wamid;
      },
    };
  };

  return {
    t,
    emu,
    emuUrl,
    parleyUrl,
    graph,
    mediaDir,
    connect,
    settle,
    close: async () => {
      await emu.close();
      await t.app.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}
