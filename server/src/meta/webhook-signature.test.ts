import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeLikeMeta } from '../meta-emulator/webhook-builders';
import {
  findSignatureHeader,
  signWebhookBody,
  verifyWebhookRequest,
  verifyWebhookSignature,
} from './webhook-signature';

const SECRET = 'app-secret-0f1e2d3c';

const bodies = {
  emoji: serializeLikeMeta({ text: { body: 'Order 🚚📦 arrived 👍🏽' } }),
  rtl: serializeLikeMeta({ text: { body: 'مرحبا، أين طلبي؟ שלום' } }),
  rawUtf8: JSON.stringify({ text: { body: 'naïve café — 東京' } }),
  escaped: '{"text":{"body":"\\u00e9\\ud83d\\ude00 \\/path"}}',
};

describe('verifyWebhookSignature', () => {
  for (const [name, body] of Object.entries(bodies)) {
    it(`accepts a valid signature over a body with ${name}`, () => {
      const raw = Buffer.from(body, 'utf8');
      expect(verifyWebhookSignature(raw, signWebhookBody(raw, SECRET), SECRET)).toEqual({
        ok: true,
        value: undefined,
      });
    });
  }

  it('signs exactly the escaped bytes: the re-serialised object does not verify', () => {
    const raw = Buffer.from(bodies.emoji);
    const header = signWebhookBody(raw, SECRET);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(bodies.emoji)));
    expect(reserialised.equals(raw)).toBe(false);
    expect(verifyWebhookSignature(reserialised, header, SECRET).ok).toBe(false);
  });

  const raw = Buffer.from(bodies.emoji);
  const good = signWebhookBody(raw, SECRET);
  const failures: [string, string | string[] | undefined, string][] = [
    ['missing', undefined, 'missing_signature'],
    ['empty', '', 'missing_signature'],
    ['sha1=', `sha1=${good.slice(7, 47)}`, 'malformed_signature'],
    ['no prefix', good.slice(7), 'malformed_signature'],
    ['truncated', good.slice(0, -2), 'malformed_signature'],
    ['too long', `${good}00`, 'malformed_signature'],
    ['non-hex', `${good.slice(0, -1)}z`, 'malformed_signature'],
    ['whitespace', ` ${good}`, 'malformed_signature'],
    ['repeated header', [good, good], 'malformed_signature'],
    ['other secret', signWebhookBody(raw, 'another-tenant-secret'), 'bad_signature'],
    ['wrong digest', `sha256=${'0'.repeat(64)}`, 'bad_signature'],
  ];
  for (const [name, header, code] of failures) {
    it(`refuses a ${name} signature`, () => {
      const r = verifyWebhookSignature(raw, header, SECRET);
      expect(r.ok ? null : r.error.code).toBe(code);
    });
  }

  it('accepts upper-case hex', () => {
    expect(verifyWebhookSignature(raw, `sha256=${good.slice(7).toUpperCase()}`, SECRET).ok).toBe(true);
  });

  it('fails closed without a secret', () => {
    const r = verifyWebhookSignature(raw, good, '');
    expect(r.ok ? null : r.error.code).toBe('no_secret');
  });

  it('refuses a body changed by one byte anywhere', () => {
    fc.assert(
      fc.property(fc.nat({ max: raw.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, delta) => {
        const changed = Buffer.from(raw);
        changed[i] = (changed[i]! + delta) % 256;
        expect(verifyWebhookSignature(changed, good, SECRET).ok).toBe(false);
      }),
    );
  });

  it('keeps random Unicode bodies verifiable through the Meta serialisation', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const wire = Buffer.from(serializeLikeMeta({ text: { body: s } }));
        expect(verifyWebhookSignature(wire, signWebhookBody(wire, SECRET), SECRET).ok).toBe(true);
        expect(JSON.parse(wire.toString()).text.body).toBe(s);
      }),
    );
  });
});

describe('header lookup', () => {
  it('finds the header whatever its case', () => {
    for (const name of ['x-hub-signature-256', 'X-Hub-Signature-256', 'X-HUB-SIGNATURE-256']) {
      expect(verifyWebhookRequest({ rawBody: raw(), headers: { [name]: sig() }, appSecret: SECRET }).ok).toBe(
        true,
      );
    }
    const h = new Headers({ 'X-Hub-Signature-256': sig() });
    expect(findSignatureHeader(h)).toBe(sig());
  });
  it('treats two differently-cased copies as a repeated header', () => {
    expect(findSignatureHeader({ 'x-hub-signature-256': 'a', 'X-Hub-Signature-256': 'b' })).toEqual([
      'a',
      'b',
    ]);
  });
  const raw = () => Buffer.from('{}');
  const sig = () => signWebhookBody('{}', SECRET);
});
