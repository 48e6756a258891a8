import type Database from 'better-sqlite3';
import type { Template } from '#contract/api/templates';
import type { Team } from '#contract/api/teams';
import { Member } from '#contract/api/users';
import type { Parsed } from '#contract/ipc/contract';

/** Tenant-wide reference data from the replica: templates, members and teams (few rows each). */

/** Builds the reference-data queries over an open replica. */
export function createDirectoryQueries(db: Database.Database) {
  const s = {
    templates: db.prepare('SELECT row FROM templates ORDER BY name, id'),
    members: db.prepare('SELECT row FROM members ORDER BY name, id'),
    teams: db.prepare('SELECT row FROM teams ORDER BY name, id'),
    memberName: db.prepare('SELECT name FROM members WHERE id = ?').pluck(),
  };

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
  };
}
