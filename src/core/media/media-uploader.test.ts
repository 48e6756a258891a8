import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '#contract/api/auth';
import type { MediaProgress } from '#contract/ipc/contract';
import { ok } from '#contract/result';
import type { PushFrame } from '#contract/sync/protocol';
import { createCommands, type Commands } from '../commands/commands';
import { silentLogger, type HttpFetch } from '../deps';
import { createReplicaQueries } from '../replica/queries';
import { contactRow, conversationRow, memoryReplica, put, uuid } from '../testing/replica-fixtures';
import { createApplier, emptySummary } from '../sync/apply/apply';
import {
  createScriptedTransport,
  SCRIPTED_USER,
  type ScriptedTransport,
} from '../testing/scripted-transport';
import { createSyncEngine, type SyncEngine } from '../sync/engine/engine';
import { createVirtualClock, type VirtualClock } from '../testing/virtual-time';
import { createMediaUploader } from './media-uploader';
import { createStagedMedia, type StagedMediaStore } from './staged-media';

// Stage → send offline → reconnect → upload → message.send, through the real engine, outbox
// and replica; the server's media endpoint is a fake fetch, the socket a scripted transport.

const C = uuid(1);
const CLIENT = uuid(3, '0190a4b2-0000-7000-8888');
const SERVER_MEDIA = uuid(77, '0190a4b2-0000-7000-9999');
const user: SessionUser = {
  id: SCRIPTED_USER,
  email: 'a@example.test',
  name: 'A',
  role: 'agent',
  organizationId: uuid(9),
  organizationName: 'Org',
};
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAFklEQVR4nGNk+M+AFTCOSoxKDEqJAQB0Jg8B7jXU9QAAAABJRU5ErkJggg==',
  'base64',
);

interface Upload {
  url: string;
  auth: string | null;
  body: Buffer;
}

let db: Database.Database;
let dir: string;
let clock: VirtualClock;
let t: ScriptedTransport;
let engine: SyncEngine;
let commands: Commands;
let staged: StagedMediaStore;
let uploads: Upload[];
let progress: MediaProgress[];
/** What the fake server answers to an upload. */
let answer: () => Response | Promise<Response>;

const fakeFetch: HttpFetch = async (url, init) => {
  const body = Buffer.from(await new Response(init?.body ?? null).arrayBuffer());
  uploads.push({ url, auth: new Headers(init?.headers).get('authorization'), body });
  return answer();
};
const created = (id = SERVER_MEDIA) =>
  Response.json(
    {
      id,
      mimeType: 'image/png',
      size: PNG.length,
      sha256: createHash('sha256').update(PNG).digest('hex'),
      fileName: 'cake.png',
      createdAt: new Date(0).toISOString(),
    },
    { status: 201 },
  );

function start() {
  db.prepare('INSERT OR IGNORE INTO sync_state (id) VALUES (1)').run();
  db.prepare('UPDATE sync_state SET bootstrap_phase = 3, cursor = max(cursor, 10)').run();
  staged = createStagedMedia({
    db,
    dir: join(dir, 'staged'),
    now: () => clock.now(),
    mediaUrl: (id) => `parley://media/${id}`,
  });
  let uploader: ReturnType<typeof createMediaUploader> | null = null;
  engine = createSyncEngine({
    db,
    transport: t,
    queries: createReplicaQueries(db, () => user.id),
    clientId: CLIENT,
    replicaId: 'r',
    organizationId: user.organizationId,
    token: async () => ok('token'),
    clock,
    logger: silentLogger,
    random: () => 0.5,
    backfill: false,
    timing: { silenceMs: 10 * 60_000 },
    onStatus: () => undefined,
    onChanged: () => undefined,
    onRevoked: () => undefined,
    onSessionRevoked: () => undefined,
    beforePush: (batch) => uploader!.prepare(batch),
  });
  uploader = createMediaUploader({
    db,
    outbox: engine.outbox,
    staged,
    serverUrl: 'http://server.test',
    fetch: fakeFetch,
    token: async () => ok('token'),
    onProgress: (p) => progress.push(p),
  });
  commands = createCommands({
    db,
    outbox: engine.outbox,
    user: () => user,
    now: () => clock.now(),
    changed: (s) => engine.committed(s),
    staged: (id) => staged.byId(id),
  });
  engine.start();
}
const connect = async () => {
  await clock.advance(0);
  t.hello();
  await clock.advance(0);
  await engine.idle();
};
/** Stops the engine as a quit or crash would (nothing more is written) and starts a new one. */
const restart = () => {
  engine.stop();
  t = createScriptedTransport();
  start();
};
const sentMessages = (pushes: PushFrame[]) =>
  pushes.flatMap((p) => p.mutations).filter((m) => m.name === 'message.send');
const stageCake = () => {
  const r = staged.stage({ name: 'cake.png', mimeType: 'image/png', bytes: new Uint8Array(PNG) });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.mediaId;
};
const sendImage = (mediaId: string, caption = 'Your *birthday* cake') => {
  const r = commands.sendMessage({ conversationId: C, message: { type: 'image', mediaId, caption } });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

beforeEach(() => {
  db = memoryReplica();
  dir = mkdtempSync(join(tmpdir(), 'parley-media-'));
  clock = createVirtualClock();
  t = createScriptedTransport();
  uploads = [];
  progress = [];
  answer = () => created();
  const conv = conversationRow(C);
  db.transaction(() =>
    createApplier(db).applyEntries(
      [put.conversation(conv, 5), put.contact(contactRow(conv.contact.id), 5)],
      { kind: 'log' },
      emptySummary(),
    ),
  )();
});
afterEach(() => {
  engine?.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('staging', () => {
  it('keeps the bytes content-addressed and serves them under the local and, once uploaded, the server id', () => {
    start();
    const a = stageCake();
    const b = stageCake();
    expect(a).not.toBe(b);
    const sha = createHash('sha256').update(PNG).digest('hex');
    expect(staged.byId(a)).toMatchObject({ sha256: sha, path: join(dir, 'staged', sha), size: PNG.length });
    expect(staged.get(a)).toMatchObject({
      url: `parley://media/${a}`,
      mimeType: 'image/png',
      fileName: 'cake.png',
    });
    expect(staged.get(SERVER_MEDIA)).toBeNull();
    staged.markUploaded(a, SERVER_MEDIA);
    expect(staged.get(SERVER_MEDIA)).toMatchObject({
      mediaId: SERVER_MEDIA,
      url: `parley://media/${SERVER_MEDIA}`,
    });
  });

  it('refuses what WhatsApp would refuse, before anything is written', () => {
    start();
    expect(
      staged.stage({ name: 'a.zip', mimeType: 'application/zip', bytes: new Uint8Array([1]) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'unsupported_media_type' },
    });
    expect(
      staged.stage({ name: 'big.png', mimeType: 'image/png', bytes: new Uint8Array(5 * 1024 * 1024 + 1) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'payload_too_large', message: /big\.png is 5 MB; WhatsApp allows images up to 5 MB/ },
    });
    expect(existsSync(join(dir, 'staged'))).toBe(false);
    const pdf = staged.stage({ name: 'a.pdf', mimeType: 'application/pdf', bytes: new Uint8Array([1, 2]) });
    expect(pdf.ok).toBe(true);
    // A PDF cannot go out as an image.
    const r = commands.sendMessage({
      conversationId: C,
      message: { type: 'image', mediaId: pdf.ok ? pdf.value.mediaId : '' },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'unsupported_media_type' } });
  });
});

describe('sending staged media through the outbox', () => {
  it('waits offline, then uploads once and sends the message once with the server id', async () => {
    start();
    const local = stageCake();
    const queued = sendImage(local);
    // The optimistic row knows the file.
    const pending = JSON.parse(
      db.prepare('SELECT row FROM pending_messages WHERE id = ?').pluck().get(queued.id) as string,
    );
    expect(pending.media).toMatchObject({ id: local, mimeType: 'image/png', size: PNG.length });
    await clock.advance(60_000);
    expect(uploads).toHaveLength(0);

    await connect();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.url).toBe('http://server.test/api/v1/media?type=image');
    expect(uploads[0]!.auth).toBe('Bearer token');
    const body = uploads[0]!.body;
    expect(body.includes(PNG)).toBe(true);
    expect(body.toString('latin1')).toMatch(/name="file"; filename="cake.png"/);
    expect(body.toString('latin1')).toMatch(/Content-Type: image\/png/);
    const sent = sentMessages(t.pushes);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      mutationId: queued.mutationId,
      args: { id: queued.id, type: 'image', mediaId: SERVER_MEDIA, caption: 'Your *birthday* cake' },
    });
    expect(progress.at(0)).toMatchObject({ mediaId: local, state: 'uploading', sentBytes: 0 });
    expect(progress.at(-1)).toEqual({
      mediaId: local,
      sentBytes: PNG.length,
      totalBytes: PNG.length,
      state: 'done',
    });
    // The uploaded file is served from this device under the server's id too.
    expect(staged.get(SERVER_MEDIA)?.path).toBe(staged.get(local)?.path);

    await clock.advance(120_000);
    expect(uploads).toHaveLength(1);
    expect(sentMessages(t.pushes)).toHaveLength(1);
  });

  it('after a restart between the upload and the ack, sends the same mutation again without uploading again', async () => {
    start();
    const queued = sendImage(stageCake());
    // The push is lost with the connection: the upload finished, the message is unanswered.
    t.onPush = () => {
      throw new Error('socket closed');
    };
    await connect();
    expect(uploads).toHaveLength(1);
    expect(sentMessages(t.pushes)).toHaveLength(1);

    restart();
    await connect();
    expect(uploads).toHaveLength(1);
    const again = sentMessages(t.pushes);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({
      mutationId: queued.mutationId,
      args: { id: queued.id, mediaId: SERVER_MEDIA },
    });
    // Applied and confirmed: the outbox is empty.
    expect(engine.outbox.size()).toBe(0);
  });

  it('a file the server refuses for good becomes a failed item that keeps its caption; later messages still go', async () => {
    answer = () =>
      Response.json(
        { error: { code: 'payload_too_large', message: 'An image can be at most 5 MB on WhatsApp.' } },
        { status: 413 },
      );
    start();
    const image = sendImage(stageCake());
    const text = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'And the card' } });
    await connect();
    expect(uploads).toHaveLength(1);
    const sent = t.pushes.flatMap((p) => p.mutations);
    expect(sent.map((m) => (m.args as { type: string }).type)).toEqual(['text']);
    const item = commands.list(new Set()).find((i) => i.mutationId === image.mutationId);
    expect(item).toMatchObject({
      state: 'failed',
      text: 'Your *birthday* cake',
      // The same file would be refused again: no Retry.
      canRetry: false,
      error: { code: 'payload_too_large', message: 'cake.png: An image can be at most 5 MB on WhatsApp.' },
    });
    expect(text.ok).toBe(true);
    expect(progress.at(-1)).toMatchObject({ state: 'failed' });
  });

  it('an upload that fails for now holds its message and those after it, then goes in order', async () => {
    let down = true;
    answer = () => (down ? new Response('busy', { status: 503 }) : created());
    start();
    const before = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'First' } });
    const image = sendImage(stageCake());
    const after = commands.sendMessage({ conversationId: C, message: { type: 'text', text: 'Last' } });
    await connect();
    expect(t.pushes.flatMap((p) => p.mutations).map((m) => m.mutationId)).toEqual([
      before.ok && before.value.mutationId,
    ]);
    expect(engine.status().lastError).toMatch(/Could not upload cake\.png/);
    down = false;
    await clock.advance(60_000);
    await engine.idle();
    expect(t.pushes.flatMap((p) => p.mutations).map((m) => m.mutationId)).toEqual([
      before.ok && before.value.mutationId,
      image.mutationId,
      after.ok && after.value.mutationId,
    ]);
    expect(uploads.length).toBeGreaterThanOrEqual(2);
    expect(sentMessages(t.pushes).filter((m) => m.mutationId === image.mutationId)).toHaveLength(1);
  });

  it('uploads a template header file and rewrites the header', async () => {
    start();
    const local = stageCake();
    const r = commands.sendMessage({
      conversationId: C,
      message: {
        type: 'template',
        templateName: 'promo',
        language: 'en_US',
        parameters: { header: { type: 'image', mediaId: local } },
      },
    });
    expect(r.ok).toBe(true);
    await connect();
    expect(uploads).toHaveLength(1);
    expect(sentMessages(t.pushes)[0]!.args).toMatchObject({
      parameters: { header: { type: 'image', mediaId: SERVER_MEDIA } },
    });
  });
});
