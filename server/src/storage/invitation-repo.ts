import { and, eq, isNull } from 'drizzle-orm';
import type { Role } from '#contract/domain/roles';
import type { Db } from './db';
import { invitations } from './schema/index';

/** Invitations to join an organization. */
export type InvitationRepo = ReturnType<typeof createInvitationRepo>;

/** Data access for invitations. */
export function createInvitationRepo(db: Db) {
  return {
    /** Stores an invitation (only the token's hash). */
    insert: async (
      organizationId: string,
      v: {
        email: string;
        name: string;
        role: Role;
        tokenHash: string;
        invitedBy: string;
        now: Date;
        expiresAt: Date;
      },
    ) => {
      const [row] = await db
        .insert(invitations)
        .values({
          organizationId,
          email: v.email,
          name: v.name,
          role: v.role,
          tokenHash: v.tokenHash,
          invitedBy: v.invitedBy,
          createdAt: v.now,
          expiresAt: v.expiresAt,
        })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    },
    /** Looks an invitation up by its token hash (global: the token is the only key the invitee has). */
    byTokenHash: async (tokenHash: string) => {
      const [row] = await db.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
      return row;
    },
    /** Marks it accepted unless already accepted; false when it was (a concurrent double-accept). */
    markAccepted: async (organizationId: string, invitationId: string, now: Date): Promise<boolean> => {
      const rows = await db
        .update(invitations)
        .set({ acceptedAt: now })
        .where(
          and(
            eq(invitations.organizationId, organizationId),
            eq(invitations.id, invitationId),
            isNull(invitations.acceptedAt),
          ),
        )
        .returning({ id: invitations.id });
      return rows.length > 0;
    },
  };
}
