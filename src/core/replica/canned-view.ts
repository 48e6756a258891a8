import type Database from 'better-sqlite3';
import type { CannedResponse } from '#contract/api/canned-responses';

/**
 * The canned responses this member may use as the app shows them: the server's rows (the
 * organization's and their own personal ones) with the queued offline writes over them, from
 * `pending_patches` (entity `canned_response`) in mutation order: a `row` field is a response
 * created on this device, `deleted` hides one, `shortcut`/`title`/`body` edit one. The overlay
 * goes when the server's row lands (confirmation) or the write is refused (the server value shows).
 */

/** Pending field names of a canned-response overlay. */
export type CannedOverlayField = 'row' | 'deleted' | 'shortcut' | 'title' | 'body';

/** Builds the reader over an open replica. */
export function createCannedView(db: Database.Database) {
  const s = {
    server: db.prepare('SELECT row FROM canned_responses ORDER BY name, id'),
    pending: db.prepare(
      `SELECT entity_id AS id, field, value FROM pending_patches
       WHERE entity = 'canned_response' ORDER BY mutation_id`,
    ),
  };
  return {
    /** Every response as the app shows it, by shortcut. */
    all(): CannedResponse[] {
      const byId = new Map<string, CannedResponse>();
      for (const r of s.server.all() as { row: string }[]) {
        const c = JSON.parse(r.row) as CannedResponse;
        byId.set(c.id, c);
      }
      for (const p of s.pending.all() as { id: string; field: CannedOverlayField; value: string }[]) {
        const value = JSON.parse(p.value) as unknown;
        if (p.field === 'row') byId.set(p.id, value as CannedResponse);
        else if (p.field === 'deleted') byId.delete(p.id);
        else {
          const cur = byId.get(p.id);
          if (cur) byId.set(p.id, { ...cur, [p.field]: value as string });
        }
      }
      return [...byId.values()].sort((a, b) =>
        a.shortcut === b.shortcut ? (a.id < b.id ? -1 : 1) : a.shortcut < b.shortcut ? -1 : 1,
      );
    },
  };
}
