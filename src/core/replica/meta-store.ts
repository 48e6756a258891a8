import { eq } from 'drizzle-orm';
import { SessionUser } from '#contract/api/auth';
import type { ReplicaDb } from '../db/open-db';
import { meta } from '../db/schema/index';
import { uuidv7 } from '../uuid';

/** Keys of the replica's `meta` table. */
export const MetaKey = {
  serverUrl: 'server_url',
  user: 'user',
  clientId: 'client_id',
  signedInAt: 'signed_in_at',
} as const;

/** Reads one meta value, or null. */
export function getMeta(db: ReplicaDb, key: string): string | null {
  return db.select({ value: meta.value }).from(meta).where(eq(meta.key, key)).get()?.value ?? null;
}

/** Writes one meta value. */
export function setMeta(db: ReplicaDb, key: string, value: string): void {
  db.insert(meta).values({ key, value }).onConflictDoUpdate({ target: meta.key, set: { value } }).run();
}

/** The user last signed in to this replica (parsed: it is JSON read back from disk), or null. */
export function readUser(db: ReplicaDb): SessionUser | null {
  const raw = getMeta(db, MetaKey.user);
  if (!raw) return null;
  try {
    const parsed = SessionUser.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Records the session facts an offline start needs, in one transaction. */
export function writeSessionFacts(
  db: ReplicaDb,
  facts: { serverUrl: string; user: SessionUser; at: number },
): void {
  db.transaction((tx) => {
    setMeta(tx, MetaKey.serverUrl, facts.serverUrl);
    setMeta(tx, MetaKey.user, JSON.stringify(facts.user));
    setMeta(tx, MetaKey.signedInAt, new Date(facts.at).toISOString());
  });
}

/** The replica's clientId, generated (UUIDv7) the first time and kept for the file's life. */
export function ensureClientId(db: ReplicaDb, now: number): string {
  const existing = getMeta(db, MetaKey.clientId);
  if (existing) return existing;
  const id = uuidv7(now);
  setMeta(db, MetaKey.clientId, id);
  return id;
}
