import type { ApiScope } from '#contract/api/api-keys';
import type { Role } from '#contract/domain/roles';

/** The authenticated caller of a request: who, in which organization, with which live role. */
export type Principal = {
  userId: string;
  organizationId: string;
  role: Role;
  sessionId: string;
  /**
   * Set when an API key (or a client-credentials token issued for it) authenticated the request:
   * then `userId` is the key's id and `role` the key role of the visibility module (an
   * organization-wide actor), and the key's scopes limit what it may call.
   */
  apiKey?: KeyCredential;
  /**
   * Set when a lead intake's signed request acts (no user, no key): `userId` is then the intake's
   * id, which the send path must not record as a message's author.
   */
  intakeId?: string;
};

/** The API key behind a key-authenticated principal. */
export type KeyCredential = {
  id: string;
  name: string;
  /** What this request may do: the key's scopes, narrowed by a token's. */
  scopes: readonly ApiScope[];
  /** Per-key override of the configured requests per minute. */
  rateLimitPerMinute: number | null;
};
