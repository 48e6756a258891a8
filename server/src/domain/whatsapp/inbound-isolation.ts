import type { IngestResult, RoutedEvent } from '../messages/inbound-ingest';
import type { Tx } from '../../storage/db';
import { sanitizeDeep, type QuarantineInput } from './webhook-quarantine';

// Issue 9, finding 1: a signed webhook with U+0000 in a text body or profile name used to fail
// its whole POST's inserts, eight times, and then be given up with every neighbour in it. Two
// defences, both reported to admins through the quarantine (never silently):
// 1. before ingest, strings PostgreSQL cannot hold become U+FFFD and the event is flagged;
// 2. when a batch still fails, the processor retries each receipt alone with every event in its
//    own savepoint, so what fails is quarantined and its neighbours are applied.

/** Meta's id of an event's subject, for the quarantine's listing. */
const externalIdOf = (e: RoutedEvent['event']): string | null =>
  'wamid' in e ? e.wamid : 'templateId' in e ? String(e.templateId) : null;

/**
 * `r` with unstorable characters replaced; when any were, a `sanitized` entry is added to
 * `quarantined` (the event is stored, flagged).
 */
export function sanitizeRouted(
  r: RoutedEvent,
  receiptId: number,
  quarantined: QuarantineInput[],
): RoutedEvent {
  const { value, changed } = sanitizeDeep(r.event);
  if (!changed) return r;
  quarantined.push({
    organizationId: r.organizationId,
    whatsappAccountId: r.accountId,
    receiptId,
    outcome: 'sanitized',
    eventKind: r.event.kind,
    externalId: externalIdOf(value),
    event: value,
    error: 'U+0000 or unpaired surrogates replaced by U+FFFD',
  });
  return { ...r, event: value } as RoutedEvent;
}

const merge = (into: IngestResult, r: IngestResult) => {
  for (const [org, changes] of r.changes)
    into.changes.set(org, [...(into.changes.get(org) ?? []), ...changes]);
  into.orphanReactions.push(...r.orphanReactions);
  into.unknownTemplates.push(...r.unknownTemplates);
  into.templateSyncsQueued += r.templateSyncsQueued;
  into.inserted += r.inserted;
};

/**
 * Ingests `routed` one event per savepoint; an event whose ingest throws is rolled back alone
 * and added to `quarantined` as `failed` with its error. Slower than one batch: only the retry
 * path of a batch that failed uses it.
 */
export async function ingestIsolated(
  tx: Tx,
  routed: readonly RoutedEvent[],
  now: Date,
  ingest: (tx: Tx, routed: readonly RoutedEvent[], now: Date) => Promise<IngestResult>,
  receiptOf: ReadonlyMap<RoutedEvent, number>,
  quarantined: QuarantineInput[],
): Promise<IngestResult> {
  const total: IngestResult = {
    changes: new Map(),
    orphanReactions: [],
    unknownTemplates: [],
    templateSyncsQueued: 0,
    inserted: 0,
  };
  for (const r of routed) {
    try {
      merge(total, await tx.transaction((sp) => ingest(sp, [r], now)));
    } catch (e) {
      quarantined.push({
        organizationId: r.organizationId,
        whatsappAccountId: r.accountId,
        receiptId: receiptOf.get(r) ?? 0,
        outcome: 'failed',
        eventKind: r.event.kind,
        externalId: externalIdOf(r.event),
        event: r.event,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  return total;
}
