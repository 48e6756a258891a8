import { and, eq } from 'drizzle-orm';
import type { WhatsAppAccount } from '#contract/api/whatsapp-accounts';
import { atLeast } from '#contract/domain/roles';
import { fail, ok, type Result } from '#contract/result';
import type { Clock } from '../../lib/clock';
import { recordChanges } from '../../storage/change-log';
import type { Db } from '../../storage/db';
import type { WhatsAppAccountRow } from '../../storage/queries/whatsapp-accounts';
import { teams, whatsappAccounts } from '../../storage/schema/index';
import { actorOf, type AuditRecorder } from '../audit/audit-log';
import type { Principal } from '../auth/auth-service';
import { notFound } from '../failure';
import { accountTarget } from './account-audit';

/** Dependencies of {@link createDefaultTeam}. */
export type DefaultTeamDeps = {
  db: Db;
  clock: Clock;
  audit: AuditRecorder;
  toAccount: (row: WhatsAppAccountRow) => WhatsAppAccount;
};

/**
 * Sets (or clears) the team new conversations on a number land in (admin). The ingest
 * transaction reads it when it opens a conversation, so the change applies to the next new
 * customer; existing conversations keep their team. The team must be this organization's.
 */
export function createDefaultTeam(deps: DefaultTeamDeps) {
  const { db, clock, audit } = deps;
  return (
    organizationId: string,
    actor: Principal,
    id: string,
    teamId: string | null,
    ip: string | undefined,
  ): Promise<Result<WhatsAppAccount>> => {
    if (!atLeast(actor.role, 'admin'))
      return Promise.resolve(fail('forbidden', 'Only admins can manage WhatsApp numbers'));
    return db.transaction(async (tx): Promise<Result<WhatsAppAccount>> => {
      const ofOrg = and(eq(whatsappAccounts.organizationId, organizationId), eq(whatsappAccounts.id, id));
      const [row] = await tx.select().from(whatsappAccounts).where(ofOrg).for('update');
      if (!row) return notFound('WhatsApp account');
      let teamName: string | null = null;
      if (teamId !== null) {
        const [team] = await tx
          .select({ name: teams.name })
          .from(teams)
          .where(and(eq(teams.organizationId, organizationId), eq(teams.id, teamId)));
        if (!team) {
          const message = 'No such team in this organization';
          return fail('invalid_input', message, { fields: [{ path: 'body.teamId', message }] });
        }
        teamName = team.name;
      }
      if (row.defaultTeamId === teamId) return ok(deps.toAccount(row));
      const [saved] = await tx
        .update(whatsappAccounts)
        .set({ defaultTeamId: teamId, updatedAt: clock.now() })
        .where(ofOrg)
        .returning();
      await audit.record(tx, organizationId, actorOf(actor, ip), {
        action: 'whatsapp_account.updated',
        target: accountTarget(row),
        summary: teamName
          ? `New conversations on ${accountTarget(row).label} now go to team "${teamName}"`
          : `New conversations on ${accountTarget(row).label} no longer go to a team`,
        details: { before: { defaultTeamId: row.defaultTeamId }, after: { defaultTeamId: teamId } },
      });
      await recordChanges(tx, organizationId, [{ entity: 'whatsapp_account', entityId: id }]);
      return ok(deps.toAccount(saved!));
    });
  };
}
