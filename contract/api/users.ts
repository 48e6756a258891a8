import { z } from 'zod';
import { text } from '../domain/text';
import { Role } from '../domain/roles';
import { Email, PageQuery, PersonName, page } from './common';

/**
 * Whether a member can take conversations now: `available`, `away` (set by the member), or
 * `offline` (no client of theirs connected for the server's OFFLINE_AFTER_SECONDS).
 */
export const Availability = z.enum(['available', 'away', 'offline']);
export type Availability = z.infer<typeof Availability>;

/** What a member sets by hand; `offline` follows from their connections. */
export const ChosenAvailability = z.enum(['available', 'away']);
export type ChosenAvailability = z.infer<typeof ChosenAvailability>;

/** Open conversations auto-assignment may give a member; null = unlimited. */
export const Capacity = z
  .number({ message: 'Capacity is a whole number of conversations' })
  .int({ message: 'Capacity is a whole number of conversations' })
  .min(1, { message: 'Capacity is at least 1 (clear it for unlimited)' })
  .max(1000, { message: 'Capacity is at most 1000' })
  .nullable();

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
  /** Available, away or offline (rows synced before this field existed read as offline). */
  availability: Availability.default('offline'),
  /** Auto-assignment's limit of open conversations; null = unlimited. */
  capacity: Capacity.default(null),
  /**
   * When a client of the member was last connected, ISO 8601 (the time of the answer while one
   * is); null if never. Only in `/api/v1/users` answers, not synced: the presence heartbeat moves
   * it without a change, so a replica's copy would always be stale.
   */
  lastActiveAt: text().nullable().optional(),
});
export type Member = z.infer<typeof Member>;

/** `PUT /api/v1/me/availability`: the caller's own availability. */
export const SetAvailabilityBody = z.object({ availability: ChosenAvailability }).strict();
export type SetAvailabilityBody = z.infer<typeof SetAvailabilityBody>;

/** `PUT /api/v1/users/:id/capacity` (managers, admins). */
export const SetCapacityBody = z.object({ capacity: Capacity }).strict();
export type SetCapacityBody = z.infer<typeof SetCapacityBody>;

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

/**
 * `POST /api/v1/users/:id/password-reset` response (admin): a new temporary password, shown once
 * (only its hash is stored). Every session of the member has ended by the time it answers.
 */
export const PasswordResetResponse = z.object({ temporaryPassword: text() });
export type PasswordResetResponse = z.infer<typeof PasswordResetResponse>;
