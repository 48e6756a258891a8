import { z } from 'zod';
import { text } from '../domain/text';
import { PageQuery, page } from './common';

/**
 * A customer. Known by phone (E.164) and/or WhatsApp user id (`waId`), or only by Meta's
 * business-scoped user id (`userId`, 2026+) when the customer hides their number behind a
 * username: all three are first-class identities.
 */
export const Contact = z.object({
  id: z.uuid(),
  /** The name agents gave the contact, else the WhatsApp profile name. */
  name: text().nullable(),
  /** The WhatsApp profile name (`contacts[].profile.name`). */
  profileName: text().nullable(),
  /** E.164 with a leading `+`, when known. */
  phone: text().nullable(),
  /** WhatsApp id (digits), when known. */
  waId: text().nullable(),
  /** Business-scoped user id (BSUID), when Meta sent one. */
  userId: text().nullable(),
  username: text().nullable(),
  tags: z.array(text()),
  /** The contact asked not to be messaged; sends are refused. */
  optedOut: z.boolean(),
  customAttributes: z.record(text(), text()),
  createdAt: text(),
  updatedAt: text(),
});
export type Contact = z.infer<typeof Contact>;

const Tag = text().trim().min(1).max(50);

/** `POST /api/v1/contacts`. */
export const CreateContactBody = z.object({
  name: text().trim().min(1).max(200).optional(),
  phone: text()
    .trim()
    .regex(/^\+?[1-9]\d{6,14}$/, { message: 'Enter the number in international format, e.g. +14155550123' }),
  tags: z.array(Tag).max(50).optional(),
  optedOut: z.boolean().optional(),
  customAttributes: z.record(text().max(100), text().max(2000)).optional(),
});
export type CreateContactBody = z.infer<typeof CreateContactBody>;

/** `PATCH /api/v1/contacts/:id` (field-level last-writer-wins). */
export const UpdateContactBody = CreateContactBody.omit({ phone: true })
  .partial()
  .extend({
    name: text().trim().min(1).max(200).nullable().optional(),
  });
export type UpdateContactBody = z.infer<typeof UpdateContactBody>;

/** `GET /api/v1/contacts`: search by name, number or WhatsApp ids. */
export const ListContactsQuery = PageQuery.extend({ q: text().max(200).optional() });
export type ListContactsQuery = z.infer<typeof ListContactsQuery>;

/** A keyset page of contacts, newest first. */
export const ContactPage = page(Contact);
export type ContactPage = z.infer<typeof ContactPage>;
