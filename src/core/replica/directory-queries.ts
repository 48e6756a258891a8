import type Database from 'better-sqlite3';
import type { Template } from '#contract/api/templates';
import type { Team } from '#contract/api/teams';
import type { Label } from '#contract/api/labels';
import type { CannedResponse } from '#contract/api/canned-responses';
import type { BusinessHoursRow } from '#contract/api/organization';
import { Member } from '#contract/api/users';
import type { Parsed } from '#contract/ipc/contract';
import { createCannedView } from './canned-view';

/**
 * Reference data from the replica (few rows each): templates, members, teams, labels, and the
 * canned responses this member may use (the server syncs nobody else's personal ones).
 */

/** Builds the reference-data queries over an open replica. */
export function createDirectoryQueries(db: Database.Database) {
  const s = {
    templates: db.prepare('SELECT row FROM templates ORDER BY name, id'),
    members: db.prepare('SELECT row FROM members ORDER BY name, id'),
    teams: db.prepare('SELECT row FROM teams ORDER BY name, id'),
    memberName: db.prepare('SELECT name FROM members WHERE id = ?').pluck(),
    // Case-insensitive order, as people read a list of names.
    labels: db.prepare('SELECT row FROM labels ORDER BY name COLLATE NOCASE, id'),
    businessHours: db.prepare('SELECT row FROM business_hours LIMIT 1').pluck(),
  };
  const canned = createCannedView(db);

  return {
    /** Templates matching the filter, approved ones first. */
    templates(f: Parsed<'templates:list'>): Template[] {
      const q = f.q?.toLowerCase();
      const rank = (t: Template) => (t.status === 'APPROVED' ? 0 : 1);
      return (s.templates.all() as { row: string }[])
        .map((r) => JSON.parse(r.row) as Template)
        .filter(
          (t) =>
            (!f.whatsappAccountId || t.whatsappAccountId === f.whatsappAccountId) &&
            (!f.status || t.status === f.status) &&
            (!q || t.name.toLowerCase().includes(q)),
        )
        .sort((a, b) => rank(a) - rank(b));
    },

    // Parsed: rows synced by an older server lack availability and capacity (the defaults fill them).
    members: (): Member[] =>
      (s.members.all() as { row: string }[]).map((r) => Member.parse(JSON.parse(r.row))),
    teams: (): Team[] => (s.teams.all() as { row: string }[]).map((r) => JSON.parse(r.row) as Team),
    memberName: (id: string): string | null => (s.memberName.get(id) as string | undefined) ?? null,
    labels: (): Label[] => (s.labels.all() as { row: string }[]).map((r) => JSON.parse(r.row) as Label),
    /** With the writes queued on this device over the server's rows (`canned-view.ts`). */
    cannedResponses: (): CannedResponse[] => canned.all(),
    /** The organization's business hours (one row), or null before the first sync. */
    businessHours: (): BusinessHoursRow | null => {
      const row = s.businessHours.get() as string | undefined;
      return row ? (JSON.parse(row) as BusinessHoursRow) : null;
    },
  };
}
