// Business accounts (WABAs), their phone numbers and access tokens (digest §8, §12): the phone
// number reads and listing, `subscribed_apps`, and the control API that sets the world up,
// including what Meta's App Dashboard does (the callback URL, app secret and verify token per
// number, and the GET verification handshake).
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context';
import type { GraphHttp } from './graph-http';
import { phoneDigits, type EmulatorPhoneNumber, type EmulatorWaba } from './state';

/** The business accounts and numbers part of the control API. */
export interface NumbersControl {
  addBusiness(input: { id?: string; name?: string; tokens?: string[] }): EmulatorWaba;
  addPhoneNumber(
    wabaId: string,
    input: {
      id?: string;
      displayPhoneNumber: string;
      verifiedName?: string;
      mpsLimit?: number;
      throughputLevel?: string;
      qualityRating?: EmulatorPhoneNumber['qualityRating'];
    },
  ): EmulatorPhoneNumber;
  addToken(wabaId: string, token: string): void;
  /** Marks a token expired: calls answer 190 with subcode 463. */
  expireToken(token: string): void;
  configureWebhook(
    phoneNumberId: string,
    cfg: { callbackUrl: string; appSecret: string; verifyToken?: string },
  ): void;
  /** Performs Meta's GET verification handshake against the callback; true when it echoes the challenge. */
  verifyWebhook(phoneNumberId: string): Promise<boolean>;
  /** Messages per second the number accepts before 130429. */
  setThroughput(phoneNumberId: string, mps: number): void;
}

/** A phone number in the shape `GET /{phone-number-id}` and the listing return. */
export function phoneJson(p: EmulatorPhoneNumber) {
  return {
    verified_name: p.verifiedName,
    code_verification_status: p.codeVerificationStatus,
    display_phone_number: p.displayPhoneNumber,
    quality_rating: p.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: p.throughputLevel },
    id: p.id,
  };
}

/**
 * Creates the numbers area: its control methods and `register` for the WABA routes. `fetch`
 * (default the global one) runs the verification handshake.
 */
export function createNumbers(
  ctx: EmulatorContext,
  graph: GraphHttp,
  opts: { fetch?: typeof globalThis.fetch },
): { control: NumbersControl; register(app: FastifyInstance): void } {
  const { state, digits, mustPhone } = ctx;
  const { authorize, objectMissing } = graph;

  const control: NumbersControl = {
    addBusiness(input) {
      const w: EmulatorWaba = {
        id: input.id ?? digits(15),
        name: input.name ?? 'Emulated Business',
        phoneNumberIds: [],
        templates: [],
        subscribedApps: 0,
      };
      state.wabas.set(w.id, w);
      for (const t of input.tokens ?? []) control.addToken(w.id, t);
      return w;
    },
    addPhoneNumber(wabaId, input) {
      const w = state.wabas.get(wabaId);
      if (!w) throw new Error(`unknown WABA ${wabaId}`);
      const p: EmulatorPhoneNumber = {
        id: input.id ?? digits(15),
        wabaId,
        displayDigits: phoneDigits(input.displayPhoneNumber),
        displayPhoneNumber: input.displayPhoneNumber,
        verifiedName: input.verifiedName ?? w.name,
        qualityRating: input.qualityRating ?? 'GREEN',
        throughputLevel: input.throughputLevel ?? 'STANDARD',
        mpsLimit: input.mpsLimit ?? 80,
        codeVerificationStatus: 'VERIFIED',
        webhook: null,
      };
      state.phoneNumbers.set(p.id, p);
      w.phoneNumberIds.push(p.id);
      return p;
    },
    addToken(wabaId, token) {
      const t = state.tokens.get(token) ?? { token, wabaIds: new Set<string>(), expired: false };
      t.wabaIds.add(wabaId);
      state.tokens.set(token, t);
    },
    expireToken(token) {
      const t = state.tokens.get(token);
      if (t) t.expired = true;
    },
    configureWebhook(phoneNumberId, cfg) {
      mustPhone(phoneNumberId).webhook = { ...cfg };
    },
    async verifyWebhook(phoneNumberId) {
      const p = mustPhone(phoneNumberId);
      if (!p.webhook) return false;
      const challenge = digits(10);
      const url = new URL(p.webhook.callbackUrl);
      url.searchParams.set('hub.mode', 'subscribe');
      url.searchParams.set('hub.challenge', challenge);
      url.searchParams.set('hub.verify_token', p.webhook.verifyToken ?? '');
      try {
        const res = await (opts.fetch ?? fetch)(url);
        return res.status === 200 && (await res.text()) === challenge;
      } catch {
        return false;
      }
    },
    setThroughput(phoneNumberId, mps) {
      mustPhone(phoneNumberId).mpsLimit = mps;
    },
  };

  function register(app: FastifyInstance): void {
    app.get<{ Params: { version: string; id: string } }>(
      '/:version/:id/phone_numbers',
      async (req, reply) => {
        const waba = state.wabas.get(req.params.id);
        if (!authorize(req, reply, waba ? waba.id : null)) return reply;
        if (!waba) return objectMissing(reply, req.params.id);
        return reply.send({
          data: waba.phoneNumberIds.map((id) => phoneJson(state.phoneNumbers.get(id)!)),
          paging: { cursors: { before: 'QVFIU', after: 'QVFIU' } },
        });
      },
    );

    app.post<{ Params: { version: string; id: string } }>(
      '/:version/:id/subscribed_apps',
      async (req, reply) => {
        const waba = state.wabas.get(req.params.id);
        if (!authorize(req, reply, waba ? waba.id : null)) return reply;
        if (!waba) return objectMissing(reply, req.params.id);
        waba.subscribedApps++;
        return reply.send({ success: true });
      },
    );
  }

  return { control, register };
}
