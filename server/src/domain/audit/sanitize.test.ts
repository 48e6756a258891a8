import { describe, expect, it } from 'vitest';
import { cleanIp, cleanJson, cleanText } from './sanitize';

describe('cleanText', () => {
  it('replaces U+0000 and unpaired surrogates with U+FFFD and keeps valid pairs', () => {
    expect(cleanText('a\u0000b', 100)).toBe('a\uFFFDb');
    expect(cleanText('x\uD800y\uDC00z', 100)).toBe('x\uFFFDy\uFFFDz');
    expect(cleanText('ok 😀', 100)).toBe('ok 😀');
  });

  it('cuts long text with an ellipsis, repairing a pair split by the cut', () => {
    expect(cleanText('abcdef', 4)).toBe('abc…');
    // '😀' is two code units; a cut after its first leaves a lone high surrogate.
    expect(cleanText('ab😀cd', 4)).toBe('ab\uFFFD…');
    expect(cleanText('abcd', 4)).toBe('abcd');
  });
});

describe('cleanJson', () => {
  it('cleans keys and strings at every depth and keeps JSON values', () => {
    expect(
      cleanJson({ 'k\u0000': ['\u0000', { deep: '\uDC00', n: 1, b: true, z: null }], d: new Date(0) }),
    ).toEqual({
      'k\uFFFD': ['\uFFFD', { deep: '\uFFFD', n: 1, b: true, z: null }],
      d: '1970-01-01T00:00:00.000Z',
    });
  });

  it('drops undefined members and turns values JSON cannot hold into null', () => {
    expect(
      cleanJson({ u: undefined, nan: Number.NaN, inf: Infinity, f: () => 1, big: 1n, bad: new Date('x') }),
    ).toEqual({ nan: null, inf: null, f: null, big: null, bad: null });
  });

  it('bounds depth, width and string length', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10; i++) deep = { next: deep };
    expect(JSON.stringify(cleanJson(deep))).not.toContain('bottom');
    expect((cleanJson(Array.from({ length: 1000 }, (_, i) => i)) as unknown[]).length).toBe(200);
    expect((cleanJson('x'.repeat(5000)) as string).length).toBe(2000);
  });
});

describe('cleanIp', () => {
  it('keeps IPv4 and IPv6 addresses, drops a zone and anything that is not an address', () => {
    expect(cleanIp('127.0.0.1')).toBe('127.0.0.1');
    expect(cleanIp('::ffff:10.0.0.1')).toBe('::ffff:10.0.0.1');
    expect(cleanIp('fe80::1%eth0')).toBe('fe80::1');
    expect(cleanIp('not-an-ip')).toBeNull();
    expect(cleanIp('1.2.3.4\u0000')).toBeNull();
    expect(cleanIp(undefined)).toBeNull();
    expect(cleanIp('')).toBeNull();
  });
});
