import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg, type TestOrg } from '../../../test/factories';
import { startWhatsAppWorld, type ConnectedNumber, type WhatsAppWorld } from '../../../test/whatsapp';
import { conversationCycles, messages } from '../../storage/schema/index';

// The away message (issue 12) end to end: webhook → ingest → queued send through the ordinary
// send path → the emulator. Off by default; once per gap per conversation; not inside hours.

let w: WhatsAppWorld;
let org: TestOrg;
let n: ConnectedNumber;
const TEXT = 'We are closed now; we answer from 9:00.';
const CLOSED_WEEK = [[], [], [], [], [], [], []];
const OPEN_WEEK = Array.from({ length: 7 }, () => [{ from: '00:00', to: '24:00' }]);

beforeAll(async () => {
  w = await startWhatsAppWorld();
  org = await createOrg(w.t.app, 'Away Org');
  n = await w.connect(org.admin);
});
afterAll(() => w.close());

const patch = (payload: object) =>
  w.t.app.inject({ method: 'PATCH', url: '/api/v1/organization', headers: org.admin.headers, payload });

const thread = async (conversationId: string) =>
  w.t.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.organizationId, org.organizationId), eq(messages.conversationId, conversationId)))
    .orderBy(asc(messages.convSeq));

const conversationOf = async (customer: string) => {
  const rows = await w.t.database.db
    .select({ c: messages.conversationId, text: messages.text })
    .from(messages)
    .where(eq(messages.organizationId, org.organizationId));
  return rows.find((r) => r.text === `hello from ${customer}`)!.c;
};

describe('away message', () => {
  it('is off by default', async () => {
    const c = n.addCustomer('Early');
    await n.send(c, { type: 'text', body: `hello from ${c}` });
    await w.settle();
    expect((await thread(await conversationOf(c))).map((m) => m.direction)).toEqual(['inbound']);
  });

  it('stays silent inside business hours', async () => {
    expect((await patch({ businessHours: OPEN_WEEK })).statusCode).toBe(200);
    const c = n.addCustomer('Day person');
    await n.send(c, { type: 'text', body: `hello from ${c}` });
    await w.settle();
    expect((await thread(await conversationOf(c))).map((m) => m.direction)).toEqual(['inbound']);
  });
  it('answers once outside business hours, as the organization, and again only after the gap', async () => {
    // Last in this file: the clock jump below outlives the admin's access token.
    const on = await patch({
      businessHours: CLOSED_WEEK,
      awayMessage: { enabled: true, text: TEXT, gapMinutes: 720 },
    });
    expect(on.statusCode, on.body).toBe(200);
    const c = n.addCustomer('Night owl');
    await n.send(c, { type: 'text', body: `hello from ${c}` });
    await w.settle();
    await w.t.app.outbound.idle();
    const conv = await conversationOf(c);
    let msgs = await thread(conv);
    expect(msgs.map((m) => [m.direction, m.text, m.authorId, m.apiKeyId])).toEqual([
      ['inbound', `hello from ${c}`, null, null],
      ['outbound', TEXT, null, null],
    ]);
    await w.settle();
    // Sent through the ordinary path: the worker handed it to "Meta".
    expect((await thread(conv))[1]!.status).not.toBe('queued');

    await n.send(c, { type: 'text', body: 'anyone there?' });
    await w.settle();
    msgs = await thread(conv);
    expect(msgs.filter((m) => m.text === TEXT)).toHaveLength(1);

    // 13 hours later (past the 12-hour gap, inside the window of the new message) it answers again.
    w.t.clock.advance(13 * 3_600_000);
    await n.send(c, { type: 'text', body: 'still closed?' });
    await w.settle();
    expect((await thread(conv)).filter((m) => m.text === TEXT)).toHaveLength(2);

    // The automatic answer is no agent's first response.
    const [cycle] = await w.t.database.db
      .select()
      .from(conversationCycles)
      .where(eq(conversationCycles.conversationId, conv));
    expect(cycle!.firstResponseAt).toBeNull();
  });
});
