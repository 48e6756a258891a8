import { z } from 'zod';
import { text } from '../domain/text';
import { Role } from '../domain/roles';
import { Email, Password, PersonName } from './common';

/** The signed-in user as seen in one organization (a token is scoped to one). */
export const SessionUser = z.object({
  id: z.uuid(),
  email: text(),
  name: text(),
  role: Role,
  organizationId: z.uuid(),
  organizationName: text(),
});
export type SessionUser = z.infer<typeof SessionUser>;

/** `POST /api/v1/signup`: a new organization and its first admin. */
export const SignupBody = z.object({
  organizationName: text().trim().min(1, { message: 'Enter an organization name' }).max(120),
  name: PersonName,
  email: Email,
  password: Password,
});
export type SignupBody = z.infer<typeof SignupBody>;

/** `POST /api/v1/auth/login`. `organizationId` picks one of several memberships. */
export const LoginBody = z.object({
  email: Email,
  password: text().min(1, { message: 'Enter your password' }).max(256),
  organizationId: z.uuid().optional(),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** Tokens plus the user, returned by signup, login and refresh. */
export const AuthResponse = z.object({
  /** Short-lived (about 15 minutes) bearer token for REST and the sync socket. */
  accessToken: text(),
  /** When the access token expires, ISO 8601. */
  accessTokenExpiresAt: text(),
  /** Single-use rotating refresh token; a reused one revokes its whole family. */
  refreshToken: text(),
  user: SessionUser,
  /** Other organizations this user belongs to, for an organization switcher. */
  organizations: z.array(z.object({ id: z.uuid(), name: text(), role: Role })),
});
export type AuthResponse = z.infer<typeof AuthResponse>;

/** `POST /api/v1/auth/refresh` and `/logout`. */
export const RefreshBody = z.object({ refreshToken: text().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBody>;

/** `GET /api/v1/me`. */
export const MeResponse = z.object({ user: SessionUser });
export type MeResponse = z.infer<typeof MeResponse>;

/** `PATCH /api/v1/me`: change one's own display name. */
export const UpdateMeBody = z.object({ name: PersonName });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

/** `POST /api/v1/me/password`: revokes every other session of the user. */
export const ChangePasswordBody = z.object({
  currentPassword: text().min(1).max(256),
  newPassword: Password,
  /** The refresh token of the calling session, kept alive while all others are revoked. */
  refreshToken: text().max(512).optional(),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;
