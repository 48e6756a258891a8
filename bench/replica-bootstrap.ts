// replica-bootstrap: how fast a fresh desktop replica takes in a bootstrap of 100k conversations
// and their 100k contacts (design/sync-protocol.md §2.11, quality bar G6). The apply stage is the
// real applier (version-guarded upserts, tombstone checks, the inbox-count and search triggers)
// in chunks of 1,000 lines per transaction, exactly as the engine applies a streamed bootstrap.
// The raw baseline inserts the same rows (same marshalling, same tables, triggers and indexes)
// with plain prepared INSERTs in the same chunked transactions. A second line adds NDJSON
// parsing and zod validation of every line in front of the apply (what the engine does per
// chunk), against the same raw baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { BootstrapLine, type PutEntry } from '#contract/sync/protocol';
import { resolveMigrationsDir } from '../src/core/db/migrate';
import { openReplicaDb } from '../src/core/db/open-db';
import { createApplier, emptySummary } from '../src/core/sync/apply/apply';
import { contactSearchText } from '../src/core/sync/apply/search-text';
import { contactRow, conversationRow } from '../src/core/testing/replica-fixtures';
import { higherIsBetter, type MetricLine } from './lib/metric';

const N = Number(process.env.BOOTSTRAP_CONVERSATIONS ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const CHUNK = 1_000;
const migrations = resolveMigrationsDir();

const id = (kind: number, n: number) => `0190a4b2-000${kind}-7000-8000-${n.toString(16).padStart(12, '0')}`;

/** Phase 1 as the server streams it: each conversation followed by its contact. */
function fixture(): PutEntry[] {
  const lines: PutEntry[] = [];
  for (let i = 0; i < N; i++) {
    const contactId = id(2, i);
    const c = conversationRow(id(1, i), {
      status: (['open', 'pending', 'snoozed', 'resolved'] as const)[i % 4],
      assigneeId: i % 3 ? id(3, i % 20) : null,
      teamId: i % 5 ? id(4, i % 4) : null,
      unreadCount: i % 7,
      labels: i % 13 ? [] : ['vip'],
      contact: {
        id: contactId,
        name: `Customer ${i}`,
        phone: `+1415${String(i).padStart(7, '0')}`,
        waId: null,
      },
      lastMessage: {
        id: id(5, i),
        type: 'text',
        direction: 'inbound',
        preview: 'Hello, is my order on its way?',
        status: 'delivered',
        at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      },
      lastMessageAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      lastConvSeq: 1 + (i % 40),
    });
    lines.push({ e: 'conversation', id: c.id, v: i + 1, op: 'put', row: c, scope: ['role'] });
    lines.push({
      e: 'contact',
      id: contactId,
      v: i + 1,
      op: 'put',
      row: contactRow(contactId, { name: c.contact.name, phone: c.contact.phone }),
    });
  }
  return lines;
}

function freshReplica(): { db: Database.Database; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const r = openReplicaDb(join(dir, 'replica.sqlite'), migrations);
  return { db: r.sqlite, done: () => (r.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** Rows per second through the real applier. */
function ours(lines: PutEntry[]): number {
  const { db, done } = freshReplica();
  const applier = createApplier(db);
  const t = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i += CHUNK) {
    const chunk = lines.slice(i, i + CHUNK);
    db.transaction(() =>
      applier.applyEntries(
        chunk,
        { kind: 'snapshot', snapshotSeq: Number.MAX_SAFE_INTEGER, current: true },
        emptySummary(),
      ),
    )();
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  done();
  return lines.length / s;
}

/** The same, with every line arriving as NDJSON text and validated first. */
function oursParsed(text: string[]): number {
  const { db, done } = freshReplica();
  const applier = createApplier(db);
  const t = process.hrtime.bigint();
  for (let i = 0; i < text.length; i += CHUNK) {
    const chunk = text.slice(i, i + CHUNK).map((l) => BootstrapLine.parse(JSON.parse(l)) as PutEntry);
    db.transaction(() =>
      applier.applyEntries(
        chunk,
        { kind: 'snapshot', snapshotSeq: Number.MAX_SAFE_INTEGER, current: true },
        emptySummary(),
      ),
    )();
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  done();
  return text.length / s;
}

/** Rows per second with raw prepared INSERTs of the same rows into the same schema. */
function raw(lines: PutEntry[]): number {
  const { db, done } = freshReplica();
  const conv = db.prepare(
    `INSERT INTO conversations (id, version, status, snoozed_until, assignee_id, team_id, important, labels, unread_count,
       read_up_to_conv_seq, last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const contact = db.prepare('INSERT INTO contacts (id, version, search_text, row) VALUES (?, ?, ?, ?)');
  const t = process.hrtime.bigint();
  for (let i = 0; i < lines.length; i += CHUNK) {
    const chunk = lines.slice(i, i + CHUNK);
    db.transaction(() => {
      for (const e of chunk) {
        if (e.e === 'conversation') {
          const r = e.row;
          conv.run(
            r.id,
            e.v,
            r.status,
            r.snoozedUntil,
            r.assigneeId,
            r.teamId,
            r.important ? 1 : 0,
            JSON.stringify(r.labels),
            r.unreadCount,
            r.readUpToConvSeq,
            r.lastConvSeq,
            r.contact.id,
            r.whatsappAccountId,
            Date.parse(r.lastMessageAt ?? r.createdAt),
            JSON.stringify(e.scope),
            JSON.stringify(r),
          );
        } else if (e.e === 'contact') {
          contact.run(e.id, e.v, contactSearchText(e.row), JSON.stringify(e.row));
        }
      }
    })();
  }
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  done();
  return lines.length / s;
}

/** The benchmark. */
export async function* run(): AsyncIterable<MetricLine> {
  const lines = fixture();
  const text = lines.map((l) => JSON.stringify(l));
  const a: number[] = [];
  const b: number[] = [];
  const p: number[] = [];
  // Alternate, so drift on a noisy machine hits both sides alike.
  for (let i = 0; i < REPS; i++) {
    b.push(raw(lines));
    a.push(ours(lines));
    p.push(oursParsed(text));
  }
  const notes = { rows: lines.length, chunk: CHUNK, storage: 'file, WAL, synchronous=NORMAL' };
  yield higherIsBetter('replica-bootstrap.apply_rows_per_s', 'rows/s', a, b, { ratio: 0.6 }, notes);
  yield higherIsBetter('replica-bootstrap.parse_and_apply_rows_per_s', 'rows/s', p, b, { ratio: 0.2 }, notes);
}
