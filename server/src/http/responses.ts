import { z } from 'zod';
import type { ApiScope } from '#contract/api/api-keys';
import { ErrorBody } from '#contract/api/common';
import { type Result } from '#contract/result';
import { HttpFailure } from '../plugins/error-handler';

/** Response schemas for the given error statuses, all `ErrorBody` (documents them in OpenAPI). */
export const errors = (...statuses: number[]): Record<number, typeof ErrorBody> =>
  Object.fromEntries(statuses.map((s) => [s, ErrorBody.describe(`Error ${s}`)]));

/** Statuses every authenticated route may answer. */
export const AUTHED = [400, 401, 413, 500] as const;

/** The empty 204 response. */
export const NoContent = z.null().describe('No content');

/** Returns a successful outcome's value, or throws it to the error handler. */
export const unwrap = <T>(outcome: Result<T>): T => {
  if (outcome.ok) return outcome.value;
  throw new HttpFailure(outcome.error);
};

/** Security requirement for bearer-authenticated routes (signed-in members only; keys refused). */
export const bearer = [{ bearerAuth: [] }];

/**
 * Security requirement of a route API keys may call with `scope` (pair it with
 * `config: { scope }`, which the key check enforces): a member's token, an API key holding the
 * scope, or a client-credentials token granted it.
 */
export const keyOr = (scope: ApiScope): Array<Record<string, string[]>> => [
  { bearerAuth: [] },
  { apiKey: [scope] },
  { oauth2: [scope] },
];

/** A PATCH body schema that also refuses `{}` (nothing to change is a client mistake, not a no-op). */
export const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine((b) => Object.values(b as object).some((v) => v !== undefined), {
    message: 'Change at least one field',
  });
