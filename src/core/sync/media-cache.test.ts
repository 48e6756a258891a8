import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryReplica, uuid } from '../testing/replica-fixtures';
import { createMediaCache } from './media-cache';

describe('media cache', () => {
  it('downloads on first use only, shares concurrent downloads, and evicts the least recently used past the cap', async () => {
    const db = memoryReplica();
    const dir = mkdtempSync(join(tmpdir(), 'parley-media-'));
    let now = 0;
    const downloads: string[] = [];
    const cache = createMediaCache({
      db,
      dir,
      capBytes: 250,
      now: () => ++now,
      download: async (id) => {
        downloads.push(id);
        return { bytes: new Uint8Array(100), mimeType: 'image/jpeg' };
      },
    });
    const [a1, a2] = await Promise.all([cache.get(uuid(1)), cache.get(uuid(1))]);
    expect(a1).toEqual(a2);
    expect(a1).toMatchObject({ mediaId: uuid(1), mimeType: 'image/jpeg', size: 100 });
    expect(existsSync(a1.path)).toBe(true);
    await cache.get(uuid(2));
    await cache.get(uuid(1)); // a hit refreshes its use
    await cache.get(uuid(3)); // 300 bytes > 250: the least recently used (2) goes
    expect(downloads).toEqual([uuid(1), uuid(2), uuid(3)]);
    expect(cache.size()).toBe(200);
    expect(existsSync(join(dir, uuid(2)))).toBe(false);
    expect(existsSync(join(dir, uuid(1)))).toBe(true);
    await cache.get(uuid(2));
    expect(downloads).toHaveLength(4);
  });

  it('a failed download leaves nothing behind and can be retried', async () => {
    const db = memoryReplica();
    let fail = true;
    const cache = createMediaCache({
      db,
      dir: mkdtempSync(join(tmpdir(), 'parley-media-')),
      now: () => 1,
      download: async () => {
        if (fail) throw new Error('offline');
        return { bytes: new Uint8Array(3), mimeType: 'audio/ogg' };
      },
    });
    await expect(cache.get(uuid(1))).rejects.toThrow('offline');
    expect(cache.size()).toBe(0);
    fail = false;
    expect(await cache.get(uuid(1))).toMatchObject({ size: 3, mimeType: 'audio/ogg' });
  });
});
