import { and, desc, eq } from 'drizzle-orm';
import type {
  ApiKey,
  ApiKeyList,
  CreateApiKeyBody,
  CreatedApiKey,
  UpdateApiKeyBody,
} from '#contract/api/api-keys';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { Db } from '../../storage/db';
import { apiKeys } from '../../storage/schema/index';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import { parseAllowList } from './allowed-ips';
import type { KeySecrets } from './key-secrets';

// Admins manage their organization's API keys: create (the secret is returned once), list
// (never the secret), change name/scopes/allow-list/limit, revoke. Every change is audited in
// its transaction and then announced through `onChanged`, which drops the key from the key-check
// caches of every process (see key-check.ts).

/** Dependencies of {@link createApiKeyService}. */
export type ApiKeyServiceDeps = {
  db: Db;
  clock: Clock;
  secrets: KeySecrets;
  audit: AuditRecorder;
  /** Called after a change to key `id` committed (cache invalidation). */
  onChanged: (id: string) => void;
};

/** The API key service. */
export type ApiKeyService = ReturnType<typeof createApiKeyService>;

type Row = typeof apiKeys.$inferSelect;

const adminOnly = () => fail('forbidden', 'Only admins can manage API keys');
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The API view of a stored key. */
export const toApiKey = (r: Row): ApiKey => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes as ApiKey['scopes'],
  allowedIps: r.allowedIps,
  rateLimitPerMinute: r.rateLimitPerMinute,
  expiresAt: iso(r.expiresAt),
  createdAt: r.createdAt.toISOString(),
  createdBy: r.createdBy,
  lastUsedAt: iso(r.lastUsedAt),
  lastUsedIp: r.lastUsedIp,
  revokedAt: iso(r.revokedAt),
});

/** Creates the API key service. */
export function createApiKeyService(deps: ApiKeyServiceDeps) {
  const { db, clock, secrets, audit } = deps;
  const target = (r: Pick<Row, 'id' | 'name'>) => ({ type: 'api_key', id: r.id, label: r.name });

  return {
    /** `POST /api-keys` (admin): the key's secret is in this answer and nowhere else. */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateApiKeyBody,
      ip: string | undefined,
    ): Promise<Result<CreatedApiKey>> => {
      if (!atLeast(actor.role, 'admin') || actor.apiKey) return adminOnly();
      const allowed = parseAllowList(body.allowedIps ?? []);
      if (!allowed.ok) return allowed;
      const now = clock.now();
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt <= now)
        return fail('invalid_input', 'The expiry date is in the past; choose a future date', {
          fields: [{ path: 'body.expiresAt', message: 'Must be in the future' }],
        });
      const minted = secrets.mint();
      const row = await db.transaction(async (tx) => {
        const [inserted] = await tx
          .insert(apiKeys)
          .values({
            organizationId,
            name: body.name,
            prefix: minted.prefix,
            secretHash: minted.hash,
            scopes: body.scopes,
            allowedIps: allowed.value,
            rateLimitPerMinute: body.rateLimitPerMinute ?? null,
            expiresAt,
            createdBy: actor.userId,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        if (!inserted) throw new Error('insert returned no row');
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'api_key.created',
          target: target(inserted),
          summary: `Created API key ${inserted.name} (${inserted.prefix}…) with ${body.scopes.join(', ')}`,
          details: {
            scopes: body.scopes,
            allowedIps: allowed.value,
            expiresAt: iso(expiresAt),
            rateLimitPerMinute: inserted.rateLimitPerMinute,
          },
        });
        return inserted;
      });
      return ok({ ...toApiKey(row), key: minted.key });
    },

    /** `GET /api-keys` (admin): every key, newest first; an organization holds a handful. */
    list: async (organizationId: string, actor: Principal): Promise<Result<ApiKeyList>> => {
      if (!atLeast(actor.role, 'admin') || actor.apiKey) return adminOnly();
      const rows = await db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.organizationId, organizationId))
        .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
      return ok({ data: rows.map(toApiKey), nextCursor: null });
    },

    /** `GET /api-keys/:id` (admin). */
    get: async (organizationId: string, actor: Principal, id: string): Promise<Result<ApiKey>> => {
      if (!atLeast(actor.role, 'admin') || actor.apiKey) return adminOnly();
      const [row] = await db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)));
      return row ? ok(toApiKey(row)) : notFound('API key');
    },

    /** `PATCH /api-keys/:id` (admin): name, scopes, allow-list, limit; not a revoked key. */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateApiKeyBody,
      ip: string | undefined,
    ): Promise<Result<ApiKey>> => {
      if (!atLeast(actor.role, 'admin') || actor.apiKey) return adminOnly();
      let allowedIps: string[] | undefined;
      if (body.allowedIps !== undefined) {
        const parsed = parseAllowList(body.allowedIps ?? []);
        if (!parsed.ok) return parsed;
        allowedIps = parsed.value;
      }
      const outcome = await db.transaction(async (tx): Promise<Result<Row>> => {
        const [before] = await tx
          .select()
          .from(apiKeys)
          .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
          .for('update');
        if (!before) return notFound('API key');
        if (before.revokedAt) return fail('conflict', 'This API key is revoked; create a new one');
        const changes = {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.scopes !== undefined && { scopes: body.scopes }),
          ...(allowedIps !== undefined && { allowedIps }),
          ...(body.rateLimitPerMinute !== undefined && { rateLimitPerMinute: body.rateLimitPerMinute }),
        };
        const [after] = await tx
          .update(apiKeys)
          .set({ ...changes, updatedAt: clock.now() })
          .where(eq(apiKeys.id, id))
          .returning();
        if (!after) throw new Error('update returned no row');
        const fields = Object.keys(changes);
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'api_key.updated',
          target: target(after),
          summary: `Changed the ${fields.join(', ')} of API key ${after.name}`,
          details: {
            before: Object.fromEntries(fields.map((f) => [f, before[f as keyof Row]])),
            after: changes,
          },
        });
        return ok(after);
      });
      if (!outcome.ok) return outcome;
      deps.onChanged(id);
      return ok(toApiKey(outcome.value));
    },

    /** `DELETE /api-keys/:id` (admin): revokes; idempotent (a revoked key stays revoked). */
    revoke: async (
      organizationId: string,
      actor: Principal,
      id: string,
      ip: string | undefined,
    ): Promise<Result<null>> => {
      if (!atLeast(actor.role, 'admin') || actor.apiKey) return adminOnly();
      const outcome = await db.transaction(async (tx): Promise<Result<null>> => {
        const [row] = await tx
          .select({ id: apiKeys.id, name: apiKeys.name, revokedAt: apiKeys.revokedAt })
          .from(apiKeys)
          .where(and(eq(apiKeys.organizationId, organizationId), eq(apiKeys.id, id)))
          .for('update');
        if (!row) return notFound('API key');
        if (row.revokedAt) return ok(null);
        const now = clock.now();
        await tx.update(apiKeys).set({ revokedAt: now, updatedAt: now }).where(eq(apiKeys.id, id));
        await audit.record(tx, organizationId, actorOf(actor, ip), {
          action: 'api_key.revoked',
          target: target(row),
          summary: `Revoked API key ${row.name}`,
        });
        return ok(null);
      });
      if (outcome.ok) deps.onChanged(id);
      return outcome;
    },
  };
}
