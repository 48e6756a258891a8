import type { InboundMessageEvent } from '../../meta/normalize';
import type { Change } from '../../storage/change-log';

// What the ingest steps (ingest-contacts, ingest-conversations, ingest-messages,
// ingest-reactions; orchestrated by inbound-ingest.ts) pass between them. Each step issues a
// fixed number of batched statements whatever the batch size: rows travel as one JSON array per
// statement (`json_to_recordset`), never one statement per event.

/** An inbound message event with the organization and account it was routed to. */
export type InboundItem = { org: string; account: string; e: InboundMessageEvent };

/** Collects changes per organization, for the caller's recordChanges. */
export type LogChanges = (organizationId: string, ...changes: Change[]) => void;

/** A map key scoped to an organization (`\0` cannot occur in ids). */
export const orgKey = (organizationId: string, ...parts: string[]): string =>
  [organizationId, ...parts].join('\0');

/** Rows of one batched statement, as its JSON parameter. */
export const rowsJson = (rows: unknown[]): string => JSON.stringify(rows);
