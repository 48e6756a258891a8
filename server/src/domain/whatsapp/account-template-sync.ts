import type { SyncTemplatesResult } from '#contract/api/whatsapp-accounts';
import { ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import type { GraphClient } from '../../meta/graph-client';
import { recordChanges } from '../../storage/change-log';
import type { Db, Tx } from '../../storage/db';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { mirrorTemplates } from '../templates/template-service';
import { updateAccountRow } from './account-rows';
import { graphFailure, TOKEN_INVALID } from './graph-failure';
import type { SecretBox } from './secret-box';

// Mirroring a number's templates from Meta, and what a refused token means for the number
// (split out of account-service.ts).

/** Dependencies of {@link createAccountTemplateSync}. */
export type AccountTemplateSyncDeps = {
  db: Db;
  clock: Clock;
  graph: GraphClient;
  secrets: SecretBox;
  /** Called after an account's status changed (webhook caches drop it). */
  onChanged?: (accountId: string) => void;
};

/** Template mirroring and token-invalid flagging for the account service. */
export function createAccountTemplateSync(deps: AccountTemplateSyncDeps) {
  const { db, clock, graph, secrets } = deps;

  /** Marks an account's token invalid (Meta said 190) so its queue stops; logged for sync. */
  const flagTokenInvalid = async (row: Pick<WhatsAppAccountRow, 'organizationId' | 'id'>) => {
    await db.transaction(async (tx) => {
      await updateAccountRow(tx, row.organizationId, row.id, {
        status: 'token_invalid',
        statusReason: TOKEN_INVALID,
        updatedAt: clock.now(),
      });
      await recordChanges(tx, row.organizationId, [{ entity: 'whatsapp_account', entityId: row.id }]);
    });
    deps.onChanged?.(row.id);
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

  return { flagTokenInvalid, mirrorFromMeta };
}
