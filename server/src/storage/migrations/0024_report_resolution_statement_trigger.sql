-- Hand-written (drizzle-kit generate --custom): resolutions and reopenings reach the cycles once
-- per statement, not once per conversation. As a row trigger, each resolved conversation
-- updated its cycle in a statement of its own, so report_cycles_changed ran once per conversation
-- and rewrote 16 rollup rows per resolution (12 of them in the day rollups): the `reports`
-- bench's one statement resolving 80,000 conversations left 112,345 and 256,765 dead row versions
-- in report_count_days and report_duration_days (32 and 80 MB for 7,905 and 28,929 live rows;
-- autovacuum off on the bench machine), which the overview then read. Now: none, 1.5 and 7.5 MB. Now the statement's resolved conversations close their
-- cycles in one UPDATE, whose trigger adds one upsert per rollup key, and its reopened ones open
-- their cycles in one INSERT. The rollups are the same (rollup-bulk.test.ts).
-- A statement trigger with transition tables cannot name columns (UPDATE OF status), so it runs
-- after every UPDATE of conversations; most leave the status alone and stop at the first query.
-- As in `report_trigger_plans`, the cached plans must stay linear whatever size of statement
-- planned them: the transition tables are paired by grouping on id (no join between them) and a
-- conversation's open cycle is an index probe (LATERAL, LIMIT 1) on the unique open-cycle index.

DROP TRIGGER report_conversation_status ON conversations;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_conversation_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Nothing became resolved or stopped being resolved: the common case (a message, an assignment).
  PERFORM 1 FROM (SELECT id, status = 'resolved' AS r FROM old_rows
                  UNION ALL SELECT id, status = 'resolved' FROM new_rows) x
    GROUP BY id HAVING bool_or(r) <> bool_and(r) LIMIT 1;
  IF NOT FOUND THEN RETURN NULL; END IF;

  -- Resolved: each conversation's open cycle closed, with its assignee and team at that moment.
  UPDATE conversation_cycles y SET resolved_at = (v.c).updated_at, resolved_assignee_id = (v.c).assignee_id,
    team_id = (v.c).team_id,
    resolution_seconds = greatest(0, extract(epoch FROM (v.c).updated_at - y.opened_at)),
    resolution_business_seconds = report_business_seconds(y.organization_id, y.opened_at, (v.c).updated_at)
  FROM (SELECT z.id, s.c
        FROM (SELECT x.id, (array_agg(x.c) FILTER (WHERE x.after))[1] AS c
              FROM (SELECT o.id, false AS after, o.status = 'resolved' AS r, NULL::conversations AS c FROM old_rows o
                    UNION ALL
                    SELECT n.id, true, n.status = 'resolved', ROW(n.*)::conversations FROM new_rows n) x
              GROUP BY x.id
              HAVING bool_or(x.r) FILTER (WHERE x.after) AND NOT bool_or(x.r) FILTER (WHERE NOT x.after)) s
        CROSS JOIN LATERAL (SELECT z.id FROM conversation_cycles z
          WHERE z.conversation_id = s.id AND z.resolved_at IS NULL LIMIT 1) z) v
  WHERE y.id = v.id;

  -- Reopened: a new cycle (unless the customer's message that reopened it already opened one).
  INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at)
  SELECT (s.c).organization_id, s.id, (s.c).whatsapp_account_id, (s.c).team_id, (s.c).updated_at
  FROM (SELECT x.id, (array_agg(x.c) FILTER (WHERE x.after))[1] AS c
        FROM (SELECT o.id, false AS after, o.status = 'resolved' AS r, NULL::conversations AS c FROM old_rows o
              UNION ALL
              SELECT n.id, true, n.status = 'resolved', ROW(n.*)::conversations FROM new_rows n) x
        GROUP BY x.id
        HAVING NOT bool_or(x.r) FILTER (WHERE x.after) AND bool_or(x.r) FILTER (WHERE NOT x.after)) s
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_conversation_status AFTER UPDATE ON conversations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_conversation_status();
