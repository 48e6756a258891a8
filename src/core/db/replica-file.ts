import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A server URL reduced to what identifies the server: lower-cased scheme and host, no default
 * port, no trailing slash, no query or fragment. `HTTP://Example.com:80/` and
 * `http://example.com` name the same replica.
 */
export function normalizeServerUrl(raw: string): string {
  const u = new URL(raw.trim());
  const path = u.pathname.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/**
 * The replica file for one (server, organization, user): a stable hash, so the file name
 * reveals nothing and two accounts never share a file (design/sync-protocol.md §2.13).
 */
export function replicaFileName(serverUrl: string, organizationId: string, userId: string): string {
  const key = [normalizeServerUrl(serverUrl), organizationId.toLowerCase(), userId.toLowerCase()].join('\n');
  return `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.sqlite`;
}

/** The folder holding every replica of a data directory. */
export const replicasDir = (dataDir: string): string => join(dataDir, 'replicas');

/** Deletes a replica and its WAL/shared-memory side files. The database must be closed. */
export function deleteReplicaFile(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(f)) rmSync(f, { force: true });
  }
}
