import type Database from 'better-sqlite3';
import { createDirectoryQueries } from './directory-queries';
import { createDrafts } from './drafts';
import { createInboxQueries } from './inbox-queries';
import { createThreadQueries } from './thread-queries';
import { createWorkloadQueries } from './workload-queries';

/**
 * The read side over the replica, as one object the core's handlers and the engine use: the
 * inbox (`inbox-queries.ts`: keyset pages, counts, a conversation's detail, contacts), threads
 * (`thread-queries.ts`: messages and notes with this device's pending rows), reference data
 * (`directory-queries.ts`: templates, members, teams) and drafts (`drafts.ts`).
 */

/** Builds the read side over an open replica; `me` is the signed-in user's id. */
export function createReplicaQueries(db: Database.Database, me: () => string) {
  const drafts = createDrafts(db);
  return {
    ...createInboxQueries(db, me, drafts),
    ...createThreadQueries(db),
    ...createDirectoryQueries(db),
    ...createWorkloadQueries(db),
    ...drafts,
  };
}

/** The read side's type. */
export type ReplicaQueries = ReturnType<typeof createReplicaQueries>;
