import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerControlRoutes } from './control-routes';
import { seedDemo, type DemoSeed } from './demo-seed';
import { buildMetaEmulator, type MetaEmulator } from './emulator';
import { startTestReceiver, type TestReceiver } from './test-receiver';

let emu: MetaEmulator;
let seed: DemoSeed;
let receiver: TestReceiver;

beforeAll(async () => {
  receiver = await startTestReceiver('demo-app-secret', 'demo-verify-token');
  emu = buildMetaEmulator({ statusDelays: { sent: 0, delivered: 0, read: 0 } });
  registerControlRoutes(emu.app, emu.control);
  seed = seedDemo(emu.control);
  await emu.listen();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});

describe('control routes', () => {
  it('configures and verifies the callback, then makes a customer write', async () => {
    const cfg = await emu.app.inject({
      method: 'POST',
      url: '/_emulator/webhook',
      payload: {
        phoneNumberId: seed.phoneNumberId,
        callbackUrl: receiver.url,
        appSecret: 'demo-app-secret',
        verifyToken: 'demo-verify-token',
      },
    });
    expect(cfg.json()).toEqual({ verified: true });
    const sent = await emu.app.inject({
      method: 'POST',
      url: `/_emulator/customers/${seed.customers[0]}/messages`,
      payload: { phoneNumberId: seed.phoneNumberId, action: { type: 'text', body: 'Hi from HTTP' } },
    });
    expect(sent.json().wamid).toMatch(/^wamid\./);
    const events = await receiver.waitForEvents(1);
    expect(events[0]).toMatchObject({ kind: 'message', content: { type: 'text', body: 'Hi from HTTP' } });
  });

  it('injects faults and reports state; refuses bad bodies', async () => {
    expect(
      (
        await emu.app.inject({
          method: 'POST',
          url: '/_emulator/faults',
          payload: { send: { kind: 'error', code: 131000, count: 1 } },
        })
      ).statusCode,
    ).toBe(200);
    const res = await emu.app.inject({
      method: 'POST',
      url: `/v25.0/${seed.phoneNumberId}/messages`,
      headers: { authorization: `Bearer ${seed.accessToken}` },
      payload: { messaging_product: 'whatsapp', to: seed.customers[0], type: 'text', text: { body: 'x' } },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json().error).toMatchObject({ code: 131000, message: '(#131000) Something went wrong' });
    expect(
      (
        await emu.app.inject({
          method: 'POST',
          url: '/_emulator/faults',
          payload: { send: { kind: 'nope' } },
        })
      ).statusCode,
    ).toBe(400);
    const state = (await emu.app.inject({ method: 'GET', url: '/_emulator/state' })).json();
    expect(state.phoneNumbers[0]).toMatchObject({ id: seed.phoneNumberId, mpsLimit: 80 });
  });

  it('answers Meta-shaped errors for bad JSON and unknown versions', async () => {
    const bad = await emu.app.inject({
      method: 'POST',
      url: `/v25.0/${seed.phoneNumberId}/messages`,
      headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' },
      payload: '{"messaging_product":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe(100);
    const version = await emu.app.inject({
      method: 'GET',
      url: `/latest/${seed.phoneNumberId}`,
      headers: { authorization: `Bearer ${seed.accessToken}` },
    });
    expect(version.json().error).toMatchObject({ code: 100 });
  });
});
