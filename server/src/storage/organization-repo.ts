import { eq } from 'drizzle-orm';
import type { Db } from './db';
import { organizations } from './schema/index';

/** Organizations (tenants). */
export type OrganizationRepo = ReturnType<typeof createOrganizationRepo>;

/** Data access for organizations. */
export function createOrganizationRepo(db: Db) {
  return {
    /** Inserts an organization and returns its row. */
    insert: async (name: string, now: Date) => {
      const [row] = await db.insert(organizations).values({ name, createdAt: now }).returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    },
    /** The organization with this id, or undefined. */
    byId: async (organizationId: string) => {
      const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
      return row;
    },
  };
}
