import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box';

const KEY = 'test-secret-key-test-secret-key-0123456789';

describe('secret box', () => {
  const box = createSecretBox(KEY);

  it('round-trips unicode and never shows the plain text', () => {
    const plain = 'EAAG…token-ü-😀';
    const sealed = box.seal(plain, 'access_token');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('token');
    expect(box.open(sealed, 'access_token')).toBe(plain);
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same', 'app_secret')).not.toBe(box.seal('same', 'app_secret'));
  });

  it('refuses another purpose, another key, tampering and garbage', () => {
    const sealed = box.seal('secret', 'app_secret');
    expect(() => box.open(sealed, 'access_token')).toThrow();
    expect(() => createSecretBox(`${KEY}x`).open(sealed, 'app_secret')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0]! ^= 1;
    expect(() =>
      box.open([...parts.slice(0, 3), ct.toString('base64url')].join('.'), 'app_secret'),
    ).toThrow();
    expect(() => box.open('v2.a.b.c', 'app_secret')).toThrow();
    expect(() => box.open('plain', 'app_secret')).toThrow();
  });
});
