import type Database from 'better-sqlite3';
import {
  QUEUE_PREVIEW,
  type MemberConversation,
  type MemberLoad,
  type TeamQueue,
  type Workload,
} from '#contract/ipc/assignment';

/**
 * The Team workload view's numbers from the replica (through `v_conversations`, so this
 * device's pending reassignments count at once): per assignee the open and pending
 * conversations and the longest-waiting customer; per team the unassigned queue. A manager's or
 * admin's replica holds the organization's conversations (the `role` scope). Each member's and
 * each queue's longest-waiting conversations are listed too, for reassigning by drag or menu.
 */
export function createWorkloadQueries(db: Database.Database) {
  const s = {
    loads: db.prepare(
      `SELECT assignee_id AS userId,
         SUM(status = 'open') AS open, SUM(status = 'pending') AS pending,
         MIN(json_extract(row, '$.waitingSince')) AS oldestWaitingSince
       FROM v_conversations
       WHERE assignee_id IS NOT NULL AND status IN ('open', 'pending')
       GROUP BY assignee_id`,
    ),
    queues: db.prepare(
      `SELECT team_id AS teamId, COUNT(*) AS unassigned,
         MIN(json_extract(row, '$.waitingSince')) AS oldestWaitingSince
       FROM v_conversations
       WHERE assignee_id IS NULL AND status IN ('open', 'pending')
       GROUP BY team_id`,
    ),
    queued: db.prepare(
      `SELECT id, status, team_id AS teamId,
         json_extract(row, '$.contact.name') AS contactName,
         json_extract(row, '$.contact.phone') AS contactPhone,
         json_extract(row, '$.waitingSince') AS waitingSince
       FROM v_conversations
       WHERE assignee_id IS NULL AND status IN ('open', 'pending')
       ORDER BY waitingSince IS NULL, waitingSince, sort_at DESC, id`,
    ),
    // Per assignee, the first QUEUE_PREVIEW in the same order (a window, so a member with
    // thousands of open conversations costs the view no more than its preview).
    assigned: db.prepare(
      `SELECT id, status, teamId, contactName, contactPhone, waitingSince, assigneeId FROM (
         SELECT id, status, team_id AS teamId, assignee_id AS assigneeId,
           json_extract(row, '$.contact.name') AS contactName,
           json_extract(row, '$.contact.phone') AS contactPhone,
           json_extract(row, '$.waitingSince') AS waitingSince,
           ROW_NUMBER() OVER (
             PARTITION BY assignee_id
             ORDER BY json_extract(row, '$.waitingSince') IS NULL, json_extract(row, '$.waitingSince'),
               sort_at DESC, id
           ) AS n
         FROM v_conversations
         WHERE assignee_id IS NOT NULL AND status IN ('open', 'pending')
       ) WHERE n <= ${QUEUE_PREVIEW}
       ORDER BY assigneeId, n`,
    ),
  };
  return {
    workload(): Workload {
      const byAssignee = new Map<string, MemberConversation[]>();
      for (const { assigneeId, ...c } of s.assigned.all() as (MemberConversation & {
        assigneeId: string;
      })[]) {
        const list = byAssignee.get(assigneeId);
        if (list) list.push(c);
        else byAssignee.set(assigneeId, [c]);
      }
      const members = (s.loads.all() as Omit<MemberLoad, 'conversations'>[]).map((l) => ({
        ...l,
        conversations: byAssignee.get(l.userId) ?? [],
      }));
      const rows = s.queued.all() as (TeamQueue['conversations'][number] & { teamId: string | null })[];
      const queues = (s.queues.all() as Omit<TeamQueue, 'conversations'>[]).map((q) => ({
        ...q,
        conversations: rows
          .filter((r) => r.teamId === q.teamId)
          .slice(0, QUEUE_PREVIEW)
          .map(({ teamId: _t, ...c }) => c),
      }));
      return { members, queues };
    },
  };
}
