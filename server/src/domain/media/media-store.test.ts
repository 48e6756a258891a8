import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { createFsMediaStore, mediaKey } from './media-store';

describe('filesystem media store', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'parley-media-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const store = createFsMediaStore(dir);

  it('stores, streams and removes bytes under tenant/sha-prefix/id', async () => {
    const key = mediaKey(randomUUID(), 'ab12', randomUUID());
    expect(key).toMatch(/\/ab\//);
    await store.put(key, Buffer.from('hello'));
    const got = await store.open(key);
    expect(got?.size).toBe(5);
    expect(await text(got!.stream)).toBe('hello');
    await store.remove(key);
    expect(await store.open(key)).toBeNull();
  });

  it('refuses keys that are not ours (no path traversal)', async () => {
    await expect(store.put('../../etc/passwd', Buffer.from('x'))).rejects.toThrow(/Bad media key/);
    await expect(store.open(`${randomUUID()}/ab/../../x`)).rejects.toThrow(/Bad media key/);
  });
});
