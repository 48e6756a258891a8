import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../src/storage/db';
import { contacts, conversations, messages } from '../src/storage/schema/index';

/** A fixture conversation and its last conversation sequence number. */
export type FixtureConversation = { id: string; seq: number };

/**
 * Writes report fixtures straight into an organization's tables, as ingest and sends would
 * leave them (the report triggers run on these writes), with times given in the test's local
 * notation and turned into instants by `at`.
 */
export function reportFixtures(db: Db, organizationId: string, at: (local: string) => Date) {
  const o = organizationId;
  return {
    /** A conversation with a new contact on `whatsappAccountId`, opened at `createdAt`. */
    conversation: async (c: {
      whatsappAccountId: string;
      teamId?: string | null;
      assigneeId?: string | null;
      createdAt: Date;
    }): Promise<FixtureConversation> => {
      const [contact] = await db
        .insert(contacts)
        .values({ organizationId: o, waId: String(Math.floor(Math.random() * 1e12)), profileName: 'Fixture' })
        .returning({ id: contacts.id });
      const [row] = await db
        .insert(conversations)
        .values({
          organizationId: o,
          whatsappAccountId: c.whatsappAccountId,
          contactId: contact!.id,
          teamId: c.teamId ?? null,
          assigneeId: c.assigneeId ?? null,
          createdAt: c.createdAt,
        })
        .returning({ id: conversations.id });
      return { id: row!.id, seq: 0 };
    },
    /** A text message at `when`: inbound, or outbound by `authorId` (null: sent by the system). */
    say: async (c: FixtureConversation, when: string, authorId: string | null, dir: 'in' | 'out') => {
      c.seq += 1;
      await db.insert(messages).values({
        id: randomUUID(),
        organizationId: o,
        conversationId: c.id,
        convSeq: c.seq,
        direction: dir === 'in' ? 'inbound' : 'outbound',
        type: 'text',
        text: 'fixture',
        authorId,
        status: dir === 'in' ? 'delivered' : 'sent',
        waMessageId: `wamid.fixture.${randomUUID()}`,
        createdAt: at(when),
      });
    },
    /** The conversation's status set at `when`. */
    status: (c: { id: string }, s: 'open' | 'resolved', when: string) =>
      db
        .update(conversations)
        .set({ status: s, updatedAt: at(when) })
        .where(and(eq(conversations.organizationId, o), eq(conversations.id, c.id))),
  };
}
