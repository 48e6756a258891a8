import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { createMemoryTokenStore, type TokenStore } from '../../core/deps';

/** The slice of Electron's safeStorage the store uses. */
export type SafeStorageLike = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/**
 * Whether tokens can be kept encrypted by the OS. On Linux, safeStorage may fall back to the
 * `basic_text` backend (no keyring): it "encrypts" with a hard-coded key, which is no
 * protection, so Parley keeps tokens in memory only there and the UI says so (you sign in
 * again after a restart). Call after `app` is ready: before it, Linux always says unavailable.
 */
export function isSecureStorageUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
  return true;
}

/**
 * The refresh-token store of the desktop app: each value encrypted with safeStorage into
 * `<dir>/tokens/<sha256(key)>.bin` (mode 0600), or a memory map when secure storage is not
 * usable. A file that no longer decrypts (a changed keyring) reads as "no token".
 */
export function createSafeStorageTokenStore(opts: {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  dir: string;
}): TokenStore {
  if (!isSecureStorageUsable(opts.safeStorage, opts.platform)) return createMemoryTokenStore();
  const folder = join(opts.dir, 'tokens');
  const fileOf = (key: string) => join(folder, `${createHash('sha256').update(key).digest('hex')}.bin`);
  return {
    isSecure: true,
    async load(key) {
      const f = fileOf(key);
      if (!existsSync(f)) return null;
      try {
        return opts.safeStorage.decryptString(readFileSync(f));
      } catch {
        return null;
      }
    },
    async save(key, value) {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
      writeFileSync(fileOf(key), opts.safeStorage.encryptString(value), { mode: 0o600 });
    },
    async clear(key) {
      rmSync(fileOf(key), { force: true });
    },
  };
}
