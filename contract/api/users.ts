import { z } from 'zod';
import { text } from '../domain/text';
import { Role } from '../domain/roles';
import { Email, PageQuery, PersonName, page } from './common';

/** A member of the caller's organization, as listed by `/api/v1/users`. */
export const Member = z.object({
  /** The user's global id (the same across organizations). */
  id: z.uuid(),
  email: text(),
  name: text(),
  role: Role,
  /** When the member was deactivated; null while active. Deactivated members cannot sign in. */
  deactivatedAt: text().nullable(),
  /** When the member joined this organization, ISO 8601. */
  joinedAt: text(),
});
export type Member = z.infer<typeof Member>;

/** `GET /api/v1/users` query: keyset paging. */
export const ListUsersQuery = PageQuery;
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

/** `GET /api/v1/users` response. */
export const MemberPage = page(Member);
export type MemberPage = z.infer<typeof MemberPage>;

/** `GET/PATCH/DELETE /api/v1/users/:id` path parameter (a user id). */
export const UserIdParams = z.object({ id: z.uuid() });
export type UserIdParams = z.infer<typeof UserIdParams>;

/**
 * `POST /api/v1/users`: add a member. `mode: "link"` (default) returns a one-time invite link the
 * admin hands over; `mode: "password"` creates the account at once with a temporary password.
 */
export const CreateUserBody = z.object({
  email: Email,
  name: PersonName,
  role: Role,
  mode: z.enum(['link', 'password']).default('link'),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

/** A pending invitation (link mode). */
export const Invitation = z.object({
  id: z.uuid(),
  email: text(),
  name: text(),
  role: Role,
  /** The invitation cannot be accepted after this instant, ISO 8601. */
  expiresAt: text(),
});
export type Invitation = z.infer<typeof Invitation>;

/** `POST /api/v1/users` response: shown once, since only hashes are stored. */
export const CreateUserResponse = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('link'),
    invitation: Invitation,
    /** `PUBLIC_URL/invite#<token>`; the token is in the fragment so it never reaches server logs. */
    inviteUrl: text(),
  }),
  z.object({
    mode: z.literal('password'),
    user: Member,
    /** A generated password to hand to the member; they should change it after signing in. */
    temporaryPassword: text(),
  }),
]);
export type CreateUserResponse = z.infer<typeof CreateUserResponse>;

/** `PATCH /api/v1/users/:id`: change role and/or (de)activate. At least one field. */
export const UpdateUserBody = z
  .object({
    role: Role.optional(),
    /** true deactivates (and revokes every session at once); false reactivates. */
    deactivated: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.role !== undefined || b.deactivated !== undefined, {
    message: 'Change at least one of role or deactivated',
  });
export type UpdateUserBody = z.infer<typeof UpdateUserBody>;
