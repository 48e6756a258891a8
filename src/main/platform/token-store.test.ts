import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageTokenStore, isSecureStorageUsable, type SafeStorageLike } from './token-store';

vi.mock('electron', () => ({}));

/** A safeStorage stand-in that "encrypts" by reversing and tagging, so plaintext never hits disk. */
function fakeSafeStorage(available: boolean, backend: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend as ReturnType<SafeStorageLike['getSelectedStorageBackend']>,
    encryptString: (s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b: Buffer) => {
      const t = b.toString();
      if (!t.startsWith('enc:')) throw new Error('bad');
      return [...t.slice(4)].reverse().join('');
    },
  };
}

describe('token store selection', () => {
  it.each([
    [true, 'gnome_libsecret', 'linux', true],
    [true, 'kwallet5', 'linux', true],
    [true, 'basic_text', 'linux', false],
    [false, 'unknown', 'linux', false],
    [true, 'unknown', 'darwin', true],
    [true, 'unknown', 'win32', true],
    [false, 'unknown', 'win32', false],
  ] as const)('available=%s backend=%s on %s → secure=%s', (available, backend, platform, secure) => {
    const ss = fakeSafeStorage(available, backend);
    expect(isSecureStorageUsable(ss, platform)).toBe(secure);
    const store = createSafeStorageTokenStore({
      safeStorage: ss,
      platform,
      dir: mkdtempSync(join(tmpdir(), 't-')),
    });
    expect(store.isSecure).toBe(secure);
  });
});

describe('secure token store', () => {
  it('keeps values encrypted on disk and survives a new instance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-tokens-'));
    const ss = fakeSafeStorage(true, 'gnome_libsecret');
    const a = createSafeStorageTokenStore({ safeStorage: ss, platform: 'linux', dir });
    await a.save('refresh:abc', 'rt-secret-value');
    const files = readdirSync(join(dir, 'tokens'));
    expect(files).toHaveLength(1);
    expect(readFileSync(join(dir, 'tokens', files[0]!), 'utf8')).not.toContain('rt-secret-value');
    expect(files[0]).not.toContain('abc');
    const b = createSafeStorageTokenStore({ safeStorage: ss, platform: 'linux', dir });
    expect(await b.load('refresh:abc')).toBe('rt-secret-value');
    await b.clear('refresh:abc');
    expect(await b.load('refresh:abc')).toBeNull();
  });

  it('reads an undecryptable file as no token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-tokens-'));
    const ss = fakeSafeStorage(true, 'gnome_libsecret');
    const a = createSafeStorageTokenStore({ safeStorage: ss, platform: 'linux', dir });
    await a.save('k', 'v');
    const broken = {
      ...ss,
      decryptString: () => {
        throw new Error('keyring changed');
      },
    };
    expect(
      await createSafeStorageTokenStore({ safeStorage: broken, platform: 'linux', dir }).load('k'),
    ).toBeNull();
  });
});

describe('memory token store (basic_text)', () => {
  it('never writes to disk and forgets on a new instance', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-tokens-'));
    const ss = fakeSafeStorage(true, 'basic_text');
    const a = createSafeStorageTokenStore({ safeStorage: ss, platform: 'linux', dir });
    await a.save('k', 'v');
    expect(await a.load('k')).toBe('v');
    expect(readdirSync(dir)).toEqual([]);
    expect(
      await createSafeStorageTokenStore({ safeStorage: ss, platform: 'linux', dir }).load('k'),
    ).toBeNull();
  });
});
