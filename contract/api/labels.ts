import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/**
 * The colours a label may take: Mantine's palette names, so the renderer shows them as they are
 * (a `Badge color={label.color}`) in light and dark themes, and nobody stores a hex code the
 * dark theme cannot read.
 */
export const LabelColor = z.enum([
  'gray',
  'red',
  'pink',
  'grape',
  'violet',
  'indigo',
  'blue',
  'cyan',
  'teal',
  'green',
  'lime',
  'yellow',
  'orange',
]);
export type LabelColor = z.infer<typeof LabelColor>;

/**
 * A label's name: what conversations carry in `labels` (the same limits as
 * `UpdateConversationBody.labels`), unique within an organization (case-insensitive).
 */
export const LabelName = text().trim().min(1, { message: 'Enter a label name' }).max(50, {
  message: 'Label names are limited to 50 characters',
});

/**
 * A label of the caller's organization. Conversations keep label NAMES (`Conversation.labels`);
 * this entity gives a name its colour and makes it something to pick, rename and delete.
 */
export const Label = z.object({
  id: z.uuid(),
  name: text(),
  color: LabelColor,
  createdAt: text(),
});
export type Label = z.infer<typeof Label>;

/** `GET /api/v1/labels` query: keyset paging, ordered by name. */
export const ListLabelsQuery = PageQuery;
export type ListLabelsQuery = z.infer<typeof ListLabelsQuery>;

/** `GET /api/v1/labels` response. */
export const LabelPage = page(Label);
export type LabelPage = z.infer<typeof LabelPage>;

/** `POST /api/v1/labels` (admins and managers). */
export const CreateLabelBody = z.object({ name: LabelName, color: LabelColor.default('gray') }).strict();
export type CreateLabelBody = z.infer<typeof CreateLabelBody>;

/**
 * `PATCH /api/v1/labels/:id`: rename and/or recolour. A rename renames the label on every
 * conversation that carries it, in the same transaction.
 */
export const UpdateLabelBody = z
  .object({ name: LabelName.optional(), color: LabelColor.optional() })
  .strict()
  .refine((b) => b.name !== undefined || b.color !== undefined, { message: 'Change the name or the colour' });
export type UpdateLabelBody = z.infer<typeof UpdateLabelBody>;
