import type { WebhookEvent } from '../../meta/normalize';
import type { Tx } from '../../storage/db';
import type { RoutedEvent } from '../messages/inbound-ingest';
import type { WebhookAccount, WebhookAccounts } from './webhook-accounts';

// Where a webhook receipt's events go: each to the account that owns its phone number (messages,
// statuses) or WABA (templates, account notices), and only to owners the webhook URL's account
// vouches for (itself, or an account with the same app secret). The rest is dropped and logged.

/** Why an event was not applied (acknowledged, logged, never guessed). */
export type Dropped = { receiptId: number; reason: string; phoneNumberId?: string | null; wabaId?: string };

/** The live owners of a batch's numbers and WABAs. */
export type Owners = { byNumber: Map<string, WebhookAccount>; byWaba: Map<string, WebhookAccount[]> };

/** Creates the router over the accounts' owner lookups. */
export function createInboundRouter(deps: {
  accounts: Pick<WebhookAccounts, 'trusts' | 'ownersOfNumbers' | 'ownersOfWabas'>;
  log?: { warn: (obj: object, msg: string) => void } | undefined;
  drop: (d: Dropped) => void;
}) {
  const { accounts, drop } = deps;
  /** Live owners of the numbers and WABAs named in a batch's events: two queries per batch. */
  const ownersOf = async (tx: Tx, events: WebhookEvent[]): Promise<Owners> => {
    const numbers = new Set<string>();
    const wabas = new Set<string>();
    for (const e of events) {
      if (e.kind === 'message' || e.kind === 'status') numbers.add(e.phoneNumberId);
      else if (e.kind === 'template_status' || e.kind === 'account' || e.kind === 'phone_quality')
        wabas.add(e.wabaId);
    }
    const byNumber = new Map(
      (await accounts.ownersOfNumbers([...numbers], tx)).map((a) => [a.phoneNumberId, a]),
    );
    const byWaba = new Map<string, WebhookAccount[]>();
    for (const a of await accounts.ownersOfWabas([...wabas], tx))
      byWaba.set(a.businessAccountId, [...(byWaba.get(a.businessAccountId) ?? []), a]);
    return { byNumber, byWaba };
  };

  /**
   * Routes one receipt's events to the accounts that own them: by phone number id (messages,
   * statuses) or WABA id (templates, account notices), and only to owners the URL's account
   * vouches for (itself, or an account with the same app secret). The rest is dropped and logged.
   */
  const route = (
    receiptId: number,
    events: WebhookEvent[],
    urlAccount: WebhookAccount | null,
    { byNumber, byWaba }: Owners,
  ): RoutedEvent[] => {
    if (!urlAccount) {
      drop({ receiptId, reason: 'the account of the webhook URL no longer exists' });
      return [];
    }
    const out: RoutedEvent[] = [];
    for (const event of events) {
      switch (event.kind) {
        case 'message':
        case 'status': {
          const owner = byNumber.get(event.phoneNumberId);
          if (!owner)
            drop({
              receiptId,
              reason: 'no account owns this phone number',
              phoneNumberId: event.phoneNumberId,
            });
          else if (!accounts.trusts(urlAccount, owner))
            drop({
              receiptId,
              reason: 'the number belongs to an account with another app secret than the webhook URL’s',
              phoneNumberId: event.phoneNumberId,
            });
          else out.push({ organizationId: owner.organizationId, accountId: owner.id, event } as RoutedEvent);
          break;
        }
        case 'template_status':
        case 'account':
        case 'phone_quality': {
          const owners = (byWaba.get(event.wabaId) ?? []).filter((a) => accounts.trusts(urlAccount, a));
          if (owners.length === 0) drop({ receiptId, reason: 'no account for WABA', wabaId: event.wabaId });
          for (const owner of owners)
            out.push({ organizationId: owner.organizationId, accountId: owner.id, event } as RoutedEvent);
          break;
        }
        case 'webhook_error':
          deps.log?.warn(
            { receiptId, phoneNumberId: event.phoneNumberId, errors: event.errors },
            'Meta reported errors for a number',
          );
          break;
        case 'ignored':
          break;
      }
    }
    return out;
  };

  return { ownersOf, route };
}
