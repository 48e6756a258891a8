import { z } from 'zod';
import { text } from '../domain/text';
import { Password, PersonName } from './common';

/**
 * `POST /api/v1/invitations/accept`: redeem a one-time invite token. A new account is created with
 * `name` and `password`; an existing account must prove itself with its current password (`name`
 * is then ignored). The response is an `AuthResponse` signed in to the inviting organization.
 */
export const AcceptInvitationBody = z.object({
  token: text().min(1).max(512),
  name: PersonName,
  password: Password,
});
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBody>;
