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
import { notFound } from '../failure';
import type { GraphClient, PhoneNumberInfo } from '../../meta/graph-client';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import { isUniqueViolation } from '../../storage/errors';
import { insertAccount, type WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { connectedEvent, disconnectedEvent, templatesSyncedEvent, updateEvents } from './account-audit';
import { accountById, disconnectedAccountFor, listAccountPage, updateAccountRow } from './account-rows';
import { createAccountTemplateSync } from './account-template-sync';
import { accountView } from './account-view';
import { graphFailure } from './graph-failure';
import { checkOwner, setNumberOwner } from './number-owner';
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

const throughputOf = (info: PhoneNumberInfo, requested: number | undefined) =>
  requested ?? (info.throughputLevel === 'HIGH' ? 1000 : 80);

/** Creates the account service. Every method takes the organization and the acting principal. */
export function createAccountService(deps: AccountServiceDeps) {
  const { db, clock, graph, secrets, publicUrl, audit } = deps;

  const byId = (organizationId: string, id: string) => accountById(db, organizationId, id);
  const updateRow = updateAccountRow;
  const { flagTokenInvalid, mirrorFromMeta } = createAccountTemplateSync(deps);

  const toAccount = accountView(publicUrl);

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

  return {
    toAccount,
    flagTokenInvalid,

    /** Every member may list the organization's numbers (never with secrets). */
    list: async (
      organizationId: string,
      _actor: Principal,
      q: { cursor?: string | undefined; limit: number },
    ): Promise<Result<WhatsAppAccountPage>> => listAccountPage(db, organizationId, toAccount, q),

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
        webhookVerifiedAt: null, // a reconnected row waits for Meta's handshake again
        status: 'connected' as const,
        statusReason: null,
        updatedAt: now,
      };
      try {
        const row = await db.transaction(async (tx) => {
          const old = await disconnectedAccountFor(tx, organizationId, body.phoneNumberId);
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

    /**
     * Renames, rotates credentials (re-verified when the token changes), changes the send cap or
     * the owner (admin; `number-owner.ts`).
     */
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
      const owner =
        body.ownerUserId === undefined ? undefined : await checkOwner(db, organizationId, body.ownerUserId);
      if (owner && !owner.ok) return owner;
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
            webhookVerifiedAt: null, // Meta verifies the new token again
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
        const owned = owner ? await setNumberOwner(tx, organizationId, row, owner.value, now) : undefined;
        if (owned?.event) await audit.record(tx, organizationId, actorOf(actor, ip), owned.event);
        await recordChanges(tx, organizationId, [
          { entity: 'whatsapp_account', entityId: id },
          ...(owned?.changes ?? []),
        ]);
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
