import { z } from 'zod';
import { text } from '../domain/text';

/**
 * What an API key (or a client-credentials token issued for it) may do. A route names the one
 * scope it needs in the server's route table; routes without a scope (members, teams, keys,
 * WhatsApp credentials, the audit log) refuse keys altogether.
 */
export const API_SCOPES = [
  'messages:read',
  'messages:send',
  'conversations:read',
  'conversations:write',
  'contacts:read',
  'contacts:write',
  'accounts:read',
  'templates:read',
  'webhooks:manage',
  'intake:write',
] as const;
export const ApiScope = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScope>;

/** The visible start of every API key; the rest is ≥ 32 random bytes in base62. */
export const API_KEY_PREFIX = 'pk_live_';

/** An IPv4/IPv6 address or CIDR block (validated again by the server with ipaddr.js). */
const IpOrCidr = text()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[0-9a-fA-F:.]+(\/\d{1,3})?$/, {
    message: 'Use an IPv4 or IPv6 address or CIDR, e.g. 203.0.113.0/24',
  });

const name = text()
  .trim()
  .min(1, { message: 'Name the key (e.g. "CRM sync")' })
  .max(100, { message: 'Use at most 100 characters' })
  .refine((s) => !s.includes('\u0000'), { message: 'The name contains a NUL character' });
const scopes = z
  .array(ApiScope)
  .min(1, { message: 'Give the key at least one scope' })
  .max(API_SCOPES.length)
  .transform((s) => [...new Set(s)]);
const allowedIps = z.array(IpOrCidr).max(50, { message: 'At most 50 addresses or ranges' });
const rateLimitPerMinute = z.number().int().min(1).max(100_000);

/** `POST /api/v1/api-keys`. */
export const CreateApiKeyBody = z.object({
  name,
  scopes,
  /** Callers allowed to use the key; absent or empty = any address. */
  allowedIps: allowedIps.optional(),
  /** After this instant the key is refused. */
  expiresAt: z.iso.datetime({ offset: true, message: 'Use an ISO 8601 date-time' }).optional(),
  /** Per-key limit; absent = the server's `API_RATE_LIMIT_PER_MINUTE`. */
  rateLimitPerMinute: rateLimitPerMinute.optional(),
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** `PATCH /api/v1/api-keys/:id` (null clears the allow-list or the limit override). */
export const UpdateApiKeyBody = z.object({
  name: name.optional(),
  scopes: scopes.optional(),
  allowedIps: allowedIps.nullable().optional(),
  rateLimitPerMinute: rateLimitPerMinute.nullable().optional(),
});
export type UpdateApiKeyBody = z.infer<typeof UpdateApiKeyBody>;

/** An API key as admins see it: never the secret. */
export const ApiKey = z.object({
  id: z.uuid(),
  name: text(),
  /** The key's visible start (`pk_live_` and a few characters) to recognise it. */
  prefix: text(),
  scopes: z.array(ApiScope),
  allowedIps: z.array(text()),
  rateLimitPerMinute: z.number().int().nullable(),
  expiresAt: text().nullable(),
  createdAt: text(),
  createdBy: z.uuid().nullable(),
  lastUsedAt: text().nullable(),
  lastUsedIp: text().nullable(),
  revokedAt: text().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** The answer to `POST /api/v1/api-keys`: the only time the secret `key` is shown. */
export const CreatedApiKey = ApiKey.extend({ key: text() });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** `GET /api/v1/api-keys`: every key of the organization, newest first (revoked ones too). */
export const ApiKeyList = z.object({ data: z.array(ApiKey), nextCursor: z.null() });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

/** `POST /api/v1/oauth/token` (RFC 6749 §4.4), as JSON or form fields. */
export const OAuthTokenBody = z.object({
  grant_type: text().max(100).optional(),
  client_id: text().max(200).optional(),
  client_secret: text().max(200).optional(),
  /** Space-separated scopes, at most the key's. */
  scope: text().max(1000).optional(),
  /** Seconds; capped by the server (default 900). */
  expires_in: z.coerce.number().int().positive().optional(),
});
export type OAuthTokenBody = z.infer<typeof OAuthTokenBody>;

/** A successful token response (RFC 6749 §5.1). */
export const OAuthTokenResponse = z.object({
  access_token: text(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: text(),
});
export type OAuthTokenResponse = z.infer<typeof OAuthTokenResponse>;

/** A token error (RFC 6749 §5.2). */
export const OAuthError = z.object({
  error: z.enum([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unauthorized_client',
    'unsupported_grant_type',
    'invalid_scope',
  ]),
  error_description: text(),
});
export type OAuthError = z.infer<typeof OAuthError>;
