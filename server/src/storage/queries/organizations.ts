import type { Db, Tx } from '../db';
import { organizations } from '../schema/index';

/** Creates an organization (sign-up and the demo) and returns its row. */
export async function insertOrganization(exec: Db | Tx, name: string, now: Date) {
  const [row] = await exec.insert(organizations).values({ name, createdAt: now }).returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}
