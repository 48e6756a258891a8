import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inboundWebhook, wireBytes } from '../../test/meta-webhooks';
import { jsonNestingExceeds, parseWebhookBody } from './webhook-payload';

describe('parseWebhookBody', () => {
  it('parses a Meta-serialised body', () => {
    const r = parseWebhookBody(wireBytes(inboundWebhook({ type: 'text', body: 'héllo 👋 / ok' })));
    expect(r.ok).toBe(true);
  });

  const hostile: [string, Buffer | string, string][] = [
    ['not JSON', 'hello', 'invalid_json'],
    ['truncated JSON', '{"object":"whatsapp_business_account","entry":[', 'invalid_json'],
    ['wrong object', '{"object":"page","entry":[]}', 'invalid_envelope'],
    ['wrong types', '{"object":"whatsapp_business_account","entry":"x"}', 'invalid_envelope'],
    ['array root', '[]', 'invalid_envelope'],
    ['null', 'null', 'invalid_envelope'],
    ['deep nesting', `${'['.repeat(10_000)}${']'.repeat(10_000)}`, 'too_deep'],
    ['deep objects', `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, 'too_deep'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalid_utf8'],
  ];
  for (const [name, body, code] of hostile) {
    it(`refuses ${name} with ${code}`, () => {
      const r = parseWebhookBody(body);
      expect(r.ok ? null : r.error.code).toBe(code);
    });
  }

  it('refuses bodies over the size limit before parsing', () => {
    const big = `{"object":"whatsapp_business_account","entry":[],"x":"${'a'.repeat(4 * 1024 * 1024)}"}`;
    const r = parseWebhookBody(big);
    expect(r.ok ? null : r.error.code).toBe('too_large');
  });

  it('does not count brackets inside strings as nesting', () => {
    expect(jsonNestingExceeds(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`, 3)).toBe(false);
  });

  it('removes __proto__ and constructor keys without polluting prototypes', () => {
    const body =
      '{"object":"whatsapp_business_account","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},' +
      '"entry":[{"id":"1","__proto__":{"polluted":3},"changes":[]}]}';
    const r = parseWebhookBody(body);
    expect(r.ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('accepts a 10 MB string only when the limit allows it, and never throws', () => {
    const text = 'x'.repeat(10 * 1024 * 1024);
    const payload = inboundWebhook({ type: 'text', body: text });
    expect(parseWebhookBody(wireBytes(payload)).ok).toBe(false);
    expect(parseWebhookBody(wireBytes(payload), { maxBytes: 20 * 1024 * 1024 }).ok).toBe(true);
  });

  it('never throws on random garbage', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 300 })), (input) => {
        const r = parseWebhookBody(typeof input === 'string' ? input : Buffer.from(input));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random JSON placed where Meta puts values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (value, message) => {
        const body = JSON.stringify({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: '1',
              changes: [
                { field: 'messages', value },
                {
                  field: 'messages',
                  value: {
                    messaging_product: 'whatsapp',
                    metadata: { display_phone_number: '1', phone_number_id: '2' },
                    messages: [message],
                  },
                },
              ],
            },
          ],
        });
        expect(() => parseWebhookBody(body)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
