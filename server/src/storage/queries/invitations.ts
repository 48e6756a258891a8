import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db';
import { invitations } from '../schema/index';

/** An invitation by its token's hash (global: the token is the only key the invitee has). */
export async function invitationByTokenHash(exec: Db | Tx, tokenHash: string) {
  const [row] = await exec.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
  return row;
}
