import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediaCache, type MediaCache } from '../sync/media-cache';
import { memoryReplica, uuid } from '../testing/replica-fixtures';
import { createStagedMedia, type StagedMediaStore } from './staged-media';
import { STAGED_ABANDONED_MS } from './staged-sweeper';

// The staged folder is cleaned once a file's job is done: a sent attachment becomes the media
// cache's copy of the server's id, an abandoned pick goes after a day, and nothing a queued,
// in-flight or failed mutation still names is touched.

const SERVER_MEDIA = uuid(77, '0190a4b2-0000-7000-9999');
const bytes = (fill: number) => new Uint8Array(2048).fill(fill);

let db: Database.Database;
let dir: string;
let now: number;
let staged: StagedMediaStore;
let cache: MediaCache;
let downloads: string[];

const stage = (fill = 1) => {
  const r = staged.stage({ name: 'photo.jpg', mimeType: 'image/jpeg', bytes: bytes(fill) });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.mediaId;
};
let mid = 0;
const queue = (mediaId: string) => {
  mid += 1;
  db.prepare(
    `INSERT INTO outbox (mutation_id, name, args, created_at, mutator_version, status)
     VALUES (?, 'message.send', ?, '2026-01-01T00:00:00Z', 1, 'queued')`,
  ).run(mid, JSON.stringify({ conversationId: uuid(1), message: { type: 'image', mediaId } }));
  return mid;
};
const sweep = () =>
  staged.sweep({
    abandonedAfterMs: STAGED_ABANDONED_MS,
    adopt: (f) => cache.adopt({ mediaId: f.serverMediaId, path: f.path, mimeType: f.mimeType, size: f.size }),
  });

beforeEach(() => {
  db = memoryReplica();
  dir = mkdtempSync(join(tmpdir(), 'parley-staged-'));
  now = Date.parse('2026-03-01T10:00:00Z');
  downloads = [];
  staged = createStagedMedia({ db, dir: join(dir, 'staged'), now: () => now, mediaUrl: (id) => `m/${id}` });
  cache = createMediaCache({
    db,
    dir,
    now: () => now,
    download: async (id) => {
      downloads.push(id);
      throw new Error('the test server has no media');
    },
  });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('cleaning the staged folder', () => {
  it('keeps a file while a mutation names it, then hands it to the media cache once the send is confirmed', async () => {
    const local = stage();
    const m = queue(local);
    const path = staged.byId(local)!.path;
    expect(sweep()).toEqual({ adopted: 0, dropped: 0 });

    // Uploaded: the mutation's args now name the server's id; still not confirmed.
    staged.markUploaded(local, SERVER_MEDIA);
    db.prepare('UPDATE outbox SET args = ? WHERE mutation_id = ?').run(
      JSON.stringify({ message: { type: 'image', mediaId: SERVER_MEDIA } }),
      m,
    );
    expect(sweep()).toEqual({ adopted: 0, dropped: 0 });
    expect(existsSync(path)).toBe(true);

    // Confirmed: the outbox row is gone.
    db.prepare('DELETE FROM outbox WHERE mutation_id = ?').run(m);
    expect(sweep()).toEqual({ adopted: 1, dropped: 0 });
    expect(staged.byId(local)).toBeNull();
    expect(existsSync(path)).toBe(false);
    // The thread's media:get of the server id is served from the cache, never downloaded.
    const cached = await cache.get(SERVER_MEDIA);
    expect(cached).toMatchObject({ mediaId: SERVER_MEDIA, mimeType: 'image/jpeg', size: 2048 });
    expect(existsSync(cached.path)).toBe(true);
    expect(downloads).toEqual([]);
    expect(sweep()).toEqual({ adopted: 0, dropped: 0 });
    // A page rendered before the confirmation reached it may still ask for the local id: it
    // learns the server's id of the adopted file (an e2e run saw that request 404).
    expect(staged.adoptedAs(local)).toBe(SERVER_MEDIA);
    expect(staged.adoptedAs(SERVER_MEDIA)).toBeNull();
  });

  it('drops a pick never sent after a day, not before', () => {
    const local = stage();
    const path = staged.byId(local)!.path;
    now += STAGED_ABANDONED_MS - 1;
    expect(sweep()).toEqual({ adopted: 0, dropped: 0 });
    now += 1;
    expect(sweep()).toEqual({ adopted: 0, dropped: 1 });
    expect(staged.byId(local)).toBeNull();
    expect(existsSync(path)).toBe(false);
  });

  it('keeps bytes another pick of the same file still needs, and a failed send stays retryable', () => {
    const abandoned = stage(7);
    const failed = stage(7);
    const m = queue(failed);
    db.prepare(`UPDATE outbox SET status = 'failed' WHERE mutation_id = ?`).run(m);
    const path = staged.byId(failed)!.path;
    now += STAGED_ABANDONED_MS;
    expect(sweep()).toEqual({ adopted: 0, dropped: 1 });
    expect(staged.byId(abandoned)).toBeNull();
    expect(staged.byId(failed)).not.toBeNull();
    expect(existsSync(path)).toBe(true);
  });

  it('without a media cache keeps an uploaded file (the only copy on this device)', () => {
    const local = stage();
    staged.markUploaded(local, SERVER_MEDIA);
    expect(staged.sweep({ abandonedAfterMs: STAGED_ABANDONED_MS, adopt: null })).toEqual({
      adopted: 0,
      dropped: 0,
    });
    expect(staged.get(SERVER_MEDIA)).not.toBeNull();
  });
});
