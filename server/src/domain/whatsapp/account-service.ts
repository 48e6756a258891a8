import { and, asc, eq, gt, or } from 'drizzle-orm';
import { z } from 'zod';
import type {
  CreateWhatsAppAccountBody,
  SyncTemplatesResult,
  UpdateWhatsAppAccountBody,
  WhatsAppAccount,
  WhatsAppAccountPage,
} from '#contract/api/whatsapp-accounts';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Principal } from '../auth/auth-service';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Clock } from '../../lib/clock';
import { cursorIsoTime, encodeCursor, parseCursor } from '../cursor';
import { notFound } from '../failure';
import { mirrorTemplates } from '../templates/template-service';
import type { GraphClient, PhoneNumberInfo } from '../../meta/graph-client';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { insertAccount, type WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { whatsappAccounts } from '../../storage/schema/index';
import { connectedEvent, disconnectedEvent, templatesSyncedEvent, updateEvents } from './account-audit';
import type { SecretBox } from './secret-box';

/** Dependencies of {@link createAccountService}. */
export type AccountServiceDeps = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
  /** Base of webhook URLs (`PUBLIC_URL`). */
  publicUrl: string;
  /** Called after an account's credentials or status changed (webhook caches drop it). */
  onChanged?: (accountId: string) => void;
  /** Where admins' changes are recorded. */
  audit: AuditRecorder;
};

import { graphFailure, TOKEN_INVALID } from './graph-failure';

export { graphFailure };

/** WhatsApp numbers of an organization: connect (verified with Meta), list, update, disconnect. */
export type AccountService = ReturnType<typeof createAccountService>;

/** The decrypted credentials of an account, for workers (media fetch, send queue). */
export type AccountCredentials = {
  id: string;
  organizationId: string;
  phoneNumberId: string;
  businessAccountId: string;
  accessToken: string;
  status: WhatsAppAccountRow['status'];
  throughputMps: number;
};

const adminOnly = () => fail('forbidden', 'Only admins can manage WhatsApp numbers');
/** [createdAt ISO, id]. */
const Cursor = z.tuple([cursorIsoTime, z.uuid()]);

const throughputOf = (info: PhoneNumberInfo, requested: number | undefined) =>
  requested ?? (info.throughputLevel === 'HIGH' ? 1000 : 80);

/** Creates the account service. Every method takes the organization and the acting principal. */
export function createAccountService(deps: AccountServiceDeps) {
  const { db, clock, graph, secrets, publicUrl, audit } = deps;

  const ofOrg = (organizationId: string, id: string) =>
    and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id));

  /** One account of the organization, or undefined (also for other organizations' ids). */
  const byId = async (organizationId: string, id: string): Promise<WhatsAppAccountRow | undefined> =>
    (await db.select().from(whatsappAccounts).where(ofOrg(organizationId, id)))[0];

  /** Applies a patch inside `tx`; returns the updated row or undefined. */
  const updateRow = async (
    tx: Tx,
    organizationId: string,
    id: string,
    patch: Partial<typeof whatsappAccounts.$inferInsert>,
  ): Promise<WhatsAppAccountRow | undefined> => {
    const [row] = await tx.update(whatsappAccounts).set(patch).where(ofOrg(organizationId, id)).returning();
    return row;
  };

  const toAccount = (row: WhatsAppAccountRow): WhatsAppAccount => ({
    id: row.id,
    name: row.name,
    phoneNumberId: row.phoneNumberId,
    businessAccountId: row.businessAccountId,
    displayPhoneNumber: row.displayPhoneNumber,
    verifiedName: row.verifiedName,
    qualityRating: row.qualityRating,
    throughputMps: row.throughputMps,
    status: row.status,
    statusReason: row.statusReason,
    webhookUrl: `${publicUrl}/webhooks/whatsapp/${row.id}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  });

  /** Reads the number with the token, and checks it belongs to the WABA. */
  const verify = async (
    phoneNumberId: string,
    businessAccountId: string,
    token: string,
  ): Promise<Result<PhoneNumberInfo>> => {
    const info = await graph.getPhoneNumber(phoneNumberId, token);
    if (!info.ok) return graphFailure(info.error);
    const numbers = await graph.listPhoneNumbers(businessAccountId, token);
    if (!numbers.ok) return graphFailure(numbers.error);
    if (!numbers.value.some((n) => n.id === phoneNumberId))
      return fail(
        'unprocessable',
        'This phone number does not belong to that WhatsApp Business Account. Check both IDs in the App Dashboard.',
      );
    return ok(info.value);
  };

  /** Every template page of the account's WABA, mirrored in one transaction with its log entries. */
  const mirrorFromMeta = async (
    row: WhatsAppAccountRow,
    /** Runs in the mirror's transaction with its result (the manual sync records it there). */
    alsoInTx?: (tx: Tx, result: SyncTemplatesResult) => Promise<void>,
  ): Promise<Result<SyncTemplatesResult>> => {
    const token = secrets.open(row.accessTokenEnc, 'access_token');
    const listed = await graph.listTemplates(row.businessAccountId, token, {
      pageSize: 100,
      maxPages: 100,
    });
    if (!listed.ok) {
      if (listed.error.kind === 'meta' && listed.error.metaCode === 190) await flagTokenInvalid(row);
      return graphFailure(listed.error);
    }
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      const r = await mirrorTemplates(tx, row.organizationId, row.id, listed.value, now);
      await alsoInTx?.(tx, {
        synced: listed.value.length,
        changed: r.changed.length,
        markedDeleted: r.markedDeleted.length,
      });
      await recordChanges(
        tx,
        row.organizationId,
        [...r.changed, ...r.markedDeleted].map((entityId) => ({ entity: 'template', entityId })),
      );
      return r;
    });
    return ok({
      synced: listed.value.length,
      changed: result.changed.length,
      markedDeleted: result.markedDeleted.length,
    });
  };

  /** Marks an account's token invalid (Meta said 190) so its queue stops; logged for sync. */
  const flagTokenInvalid = async (row: Pick<WhatsAppAccountRow, 'organizationId' | 'id'>) => {
    await db.transaction(async (tx) => {
      await updateRow(tx, row.organizationId, row.id, {
        status: 'token_invalid',
        statusReason: TOKEN_INVALID,
        updatedAt: clock.now(),
      });
      await recordChanges(tx, row.organizationId, [{ entity: 'whatsapp_account', entityId: row.id }]);
    });
    deps.onChanged?.(row.id);
  };

  return {
    toAccount,
    flagTokenInvalid,

    /** Every member may list the organization's numbers (never with secrets). */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: { cursor?: string | undefined; limit: number },
    ): Promise<Result<WhatsAppAccountPage>> => {
      const cursor = parseCursor(q.cursor, Cursor);
      if (!cursor.ok) return cursor;
      const after = cursor.value && { createdAt: cursor.value[0], id: cursor.value[1] };
      const rows = await db
        .select()
        .from(whatsappAccounts)
        .where(
          and(
            eq(whatsappAccounts.organizationId, organizationId),
            after
              ? or(
                  gt(whatsappAccounts.createdAt, after.createdAt),
                  and(eq(whatsappAccounts.createdAt, after.createdAt), gt(whatsappAccounts.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(whatsappAccounts.createdAt), asc(whatsappAccounts.id))
        .limit(q.limit + 1);
      const pageRows = rows.slice(0, q.limit);
      const last = pageRows[pageRows.length - 1];
      return ok({
        data: pageRows.map(toAccount),
        nextCursor:
          rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
      });
    },

    get: async (organizationId: string, _actor: Principal, id: string): Promise<Result<WhatsAppAccount>> => {
      const row = await byId(organizationId, id);
      return row ? ok(toAccount(row)) : notFound('WhatsApp account');
    },

    /**
     * Connects a number (admin): verifies the credentials with Meta, stores them encrypted.
     * A number another live account holds → 409; this organization's disconnected account for
     * the number is reconnected in place (its history stays attached).
     */
    create: async (
      organizationId: string,
      actor: Principal,
      body: CreateWhatsAppAccountBody,
      ip: string | undefined,
    ): Promise<Result<WhatsAppAccount>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const verified = await verify(body.phoneNumberId, body.businessAccountId, body.accessToken);
      if (!verified.ok) return verified;
      const info = verified.value;
      const now = clock.now();
      const fields = {
        name: body.name,
        businessAccountId: body.businessAccountId,
        displayPhoneNumber: info.displayPhoneNumber,
        verifiedName: info.verifiedName,
        qualityRating: info.qualityRating,
        throughputMps: throughputOf(info, body.throughputMps),
        accessTokenEnc: secrets.seal(body.accessToken, 'access_token'),
        appSecretEnc: secrets.seal(body.appSecret, 'app_secret'),
        verifyTokenEnc: secrets.seal(body.verifyToken, 'verify_token'),
        status: 'connected' as const,
        statusReason: null,
        updatedAt: now,
      };
      try {
        const row = await db.transaction(async (tx) => {
          const [old] = await tx
            .select({ id: whatsappAccounts.id })
            .from(whatsappAccounts)
            .where(
              and(
                eq(whatsappAccounts.organizationId, organizationId),
                eq(whatsappAccounts.phoneNumberId, body.phoneNumberId),
                eq(whatsappAccounts.status, 'disconnected'),
              ),
            )
            .orderBy(asc(whatsappAccounts.createdAt))
            .limit(1);
          const saved = old
            ? await updateRow(tx, organizationId, old.id, fields)
            : await insertAccount(tx, {
                ...fields,
                organizationId,
                phoneNumberId: body.phoneNumberId,
                createdAt: now,
              });
          await audit.record(
            tx,
            organizationId,
            actorOf(actor, ip),
            connectedEvent(saved!, old !== undefined),
          );
          await recordChanges(tx, organizationId, [{ entity: 'whatsapp_account', entityId: saved!.id }]);
          return saved!;
        });
        deps.onChanged?.(row.id);
        return ok(toAccount((await byId(organizationId, row.id)) ?? row));
      } catch (e) {
        if (isUniqueViolation(e))
          return fail('conflict', 'This WhatsApp number is already connected to Parley.');
        throw e;
      }
    },

    /** Renames, rotates credentials (re-verified when the token changes) or changes the send cap (admin). */
    update: async (
      organizationId: string,
      actor: Principal,
      id: string,
      body: UpdateWhatsAppAccountBody,
      ip: string | undefined,
    ): Promise<Result<WhatsAppAccount>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const row = await byId(organizationId, id);
      if (!row) return notFound('WhatsApp account');
      if (row.status === 'disconnected')
        return fail('conflict', 'This number is disconnected. Connect it again to change it.');
      let info: PhoneNumberInfo | undefined;
      if (body.accessToken !== undefined) {
        const verified = await verify(row.phoneNumberId, row.businessAccountId, body.accessToken);
        if (!verified.ok) return verified;
        info = verified.value;
      }
      const now = clock.now();
      const saved = await db.transaction(async (tx) => {
        const updated = await updateRow(tx, organizationId, id, {
          ...(body.name !== undefined && { name: body.name }),
          ...(body.throughputMps !== undefined && { throughputMps: body.throughputMps }),
          ...(body.appSecret !== undefined && { appSecretEnc: secrets.seal(body.appSecret, 'app_secret') }),
          ...(body.verifyToken !== undefined && {
            verifyTokenEnc: secrets.seal(body.verifyToken, 'verify_token'),
          }),
          ...(body.accessToken !== undefined &&
            info && {
              accessTokenEnc: secrets.seal(body.accessToken, 'access_token'),
              displayPhoneNumber: info.displayPhoneNumber,
              verifiedName: info.verifiedName,
              qualityRating: info.qualityRating,
              status: 'connected' as const,
              statusReason: null,
            }),
          updatedAt: now,
        });
        for (const event of updateEvents(row, updated!, body))
          await audit.record(tx, organizationId, actorOf(actor, ip), event);
        await recordChanges(tx, organizationId, [{ entity: 'whatsapp_account', entityId: id }]);
        return updated!;
      });
      deps.onChanged?.(id);
      return ok(toAccount((await byId(organizationId, id)) ?? saved));
    },

    /**
     * Disconnects (admin): soft — history stays, sending stops, webhooks for the number are
     * acknowledged and dropped, and the number may be connected again (here or elsewhere).
     */
    disconnect: async (
      organizationId: string,
      actor: Principal,
      id: string,
      ip: string | undefined,
    ): Promise<Result<void>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const row = await byId(organizationId, id);
      if (!row) return notFound('WhatsApp account');
      if (row.status === 'disconnected') return ok(undefined);
      await db.transaction(async (tx) => {
        await updateRow(tx, organizationId, id, {
          status: 'disconnected',
          statusReason: 'Disconnected by an admin',
          updatedAt: clock.now(),
        });
        await audit.record(tx, organizationId, actorOf(actor, ip), disconnectedEvent(row));
        await recordChanges(tx, organizationId, [{ entity: 'whatsapp_account', entityId: id }]);
      });
      deps.onChanged?.(id);
      return ok(undefined);
    },

    /** Pulls every template page from the WABA and mirrors it (admin). */
    syncTemplates: async (
      organizationId: string,
      actor: Principal,
      id: string,
      ip: string | undefined,
    ): Promise<Result<SyncTemplatesResult>> => {
      if (!atLeast(actor.role, 'admin')) return adminOnly();
      const row = await byId(organizationId, id);
      if (!row) return notFound('WhatsApp account');
      if (row.status === 'disconnected')
        return fail('conflict', 'This number is disconnected. Connect it again to sync templates.');
      return mirrorFromMeta(row, (tx, r) =>
        audit.record(tx, organizationId, actorOf(actor, ip), templatesSyncedEvent(row, r)),
      );
    },

    /**
     * The same sync, run by the server itself (the `template_sync` job after a status webhook
     * named a template Parley does not have). Null when there is nothing to do: the account is
     * gone, disconnected, or its token is already known to be invalid.
     */
    refreshTemplates: async (
      organizationId: string,
      id: string,
    ): Promise<Result<SyncTemplatesResult> | null> => {
      const row = await byId(organizationId, id);
      if (!row || row.status !== 'connected') return null;
      return mirrorFromMeta(row);
    },

    /** Decrypted credentials for workers; undefined for unknown ids. Never leaves the server. */
    credentials: async (organizationId: string, id: string): Promise<AccountCredentials | undefined> => {
      const row = await byId(organizationId, id);
      if (!row) return undefined;
      return {
        id: row.id,
        organizationId: row.organizationId,
        phoneNumberId: row.phoneNumberId,
        businessAccountId: row.businessAccountId,
        accessToken: secrets.open(row.accessTokenEnc, 'access_token'),
        status: row.status,
        throughputMps: row.throughputMps,
      };
    },
  };
}
