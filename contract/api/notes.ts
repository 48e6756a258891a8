import { z } from 'zod';
import { text } from '../domain/text';

/** The text of an internal note: never sent to the customer. */
export const NoteBody = text()
  .trim()
  .min(1, { message: 'Write a note' })
  .max(10_000, { message: 'Notes are limited to 10,000 characters' });

/**
 * An internal note on a conversation, visible to the team only (never sent to WhatsApp).
 * Append-only from the client's point of view; the server orders edits and deletes (delete wins).
 */
export const Note = z.object({
  /** Client-generated (UUIDv7) when written from the desktop app, so a replay is idempotent. */
  id: z.uuid(),
  conversationId: z.uuid(),
  /** The member who wrote it. */
  authorId: z.uuid(),
  body: text(),
  /** When the server accepted it, ISO 8601. */
  createdAt: text(),
});
export type Note = z.infer<typeof Note>;

/** `POST /api/v1/conversations/:id/notes` (and the `note.add` sync mutation, with `id`). */
export const CreateNoteBody = z.object({
  /** Client-generated id; replaying the same id returns the first result. */
  id: z.uuid().optional(),
  body: NoteBody,
});
export type CreateNoteBody = z.infer<typeof CreateNoteBody>;
