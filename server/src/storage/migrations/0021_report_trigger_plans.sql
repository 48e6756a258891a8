-- Hand-written (drizzle-kit generate --custom): the report triggers of `report_triggers` and
-- `report_rollup_triggers` made linear in the statement's rows. PL/pgSQL caches a statement's plan
-- for the session the first time it runs, with the sizes of that call (a transition table of 0 or
-- 1 rows, a cycles table whose statistics predate the statement's own inserts). Those plans then
-- served statements of 100,000 rows with nested loops over a whole transition table, or a merge
-- join on organization_id alone (one organization: every pair), so one bulk insert took minutes.
--   * Every lookup of a conversation or of its open cycle is a LATERAL subquery with LIMIT 1 on
--     exactly the columns of a unique index (conversations_pkey: a message's conversation is in its
--     organization by messages_conversation_fk; for the open cycle the conversation alone,
--     `conversation_cycles_open_conversation_key` of `report_open_cycle_key`):
--     it cannot be flattened into a join and no other index serves it, so it is one index probe
--     per row (before, a probe on organization_id and "first_response_at IS NULL" with stale
--     statistics walked every unanswered cycle of the organization for each row).
--   * The two UPDATEs then reach their targets by primary key, from the probed ids. Whatever plan
--     is cached (nested loop from a one-message call, hash join from a bulk one), none pairs rows
--     on a partial key, so every plan is linear (EXECUTE, planned per call, was tried: it doubled
--     a single message's trigger time).
--   * report_cycles_changed pairs old and new rows by grouping on id instead of joining two
--     transition tables (which no index serves).
-- The first response is now the first agent reply at or after the customer's first message of
-- the statement (one statement holding "agent writes, customer answers, agent replies" counted
-- none before: it compared the customer's message with the statement's first reply only).

CREATE OR REPLACE FUNCTION report_messages_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The counts: one upsert per (quarter or day, dimension) the statement touched.
  PERFORM report_add_counts(array_agg(n.organization_id), array_agg(n.created_at), array_agg(n.direction::text),
    array_agg(c.whatsapp_account_id), array_agg(c.team_id), array_agg(n.author_id))
  FROM new_rows n
  CROSS JOIN LATERAL (SELECT c.whatsapp_account_id, c.team_id FROM conversations c
    WHERE c.id = n.conversation_id LIMIT 1) c;

  -- A customer writing with no open cycle opens one; so does an agent writing first to a
  -- conversation that is not resolved (a conversation the business starts).
  INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at, first_inbound_at)
  SELECT g.o, g.cv, c.whatsapp_account_id, c.team_id,
    CASE WHEN c.status <> 'resolved' THEN least(g.first_in, g.first_authored) ELSE g.first_in END, g.first_in
  FROM (SELECT organization_id AS o, conversation_id AS cv,
          min(created_at) FILTER (WHERE direction = 'inbound') AS first_in,
          min(created_at) FILTER (WHERE author_id IS NOT NULL) AS first_authored
        FROM new_rows GROUP BY organization_id, conversation_id) g
  CROSS JOIN LATERAL (SELECT c.whatsapp_account_id, c.team_id, c.status FROM conversations c
    WHERE c.id = g.cv LIMIT 1) c
  LEFT JOIN LATERAL (SELECT y.id FROM conversation_cycles y
    WHERE y.conversation_id = g.cv AND y.resolved_at IS NULL LIMIT 1) open ON true
  WHERE open.id IS NULL
    AND (g.first_in IS NOT NULL OR (g.first_authored IS NOT NULL AND c.status <> 'resolved'))
  ON CONFLICT DO NOTHING;

  -- The customer's first message of an open cycle that had none (one the business started).
  UPDATE conversation_cycles y SET first_inbound_at = v.at
  FROM (SELECT z.id, g.at
        FROM (SELECT organization_id AS o, conversation_id AS cv, min(created_at) AS at FROM new_rows
              WHERE direction = 'inbound' GROUP BY organization_id, conversation_id) g
        CROSS JOIN LATERAL (SELECT z.id, z.first_inbound_at FROM conversation_cycles z
          WHERE z.conversation_id = g.cv AND z.resolved_at IS NULL LIMIT 1) z
        WHERE z.first_inbound_at IS NULL) v
  WHERE y.id = v.id;

  -- The first reply an agent wrote at or after the customer's first message.
  UPDATE conversation_cycles y SET first_response_at = v.at, first_responder_id = v.author_id, team_id = v.team_id,
    first_response_seconds = extract(epoch FROM v.at - y.first_inbound_at),
    first_response_business_seconds = report_business_seconds(y.organization_id, y.first_inbound_at, v.at)
  FROM (SELECT DISTINCT ON (z.id) z.id, n.created_at AS at, n.author_id, c.team_id
        FROM new_rows n
        CROSS JOIN LATERAL (SELECT z.id, z.first_inbound_at, z.first_response_at FROM conversation_cycles z
          WHERE z.conversation_id = n.conversation_id AND z.resolved_at IS NULL LIMIT 1) z
        CROSS JOIN LATERAL (SELECT c.team_id FROM conversations c
          WHERE c.id = n.conversation_id LIMIT 1) c
        WHERE n.direction = 'outbound' AND n.author_id IS NOT NULL AND z.first_response_at IS NULL
          AND n.created_at >= z.first_inbound_at
        ORDER BY z.id, n.created_at) v
  WHERE y.id = v.id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_cycles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_counts(array_agg(e.o), array_agg(e.t), array_agg(e.m), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag)),
    report_add_durations(array_agg(e.o), array_agg(e.t), array_agg(e.dm), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag),
      array_agg(e.w), array_agg(e.b))
  FROM (
    -- Each updated cycle once: whether its first response and resolution were unknown before,
    -- and its row after.
    SELECT bool_and(x.no_response) FILTER (WHERE NOT x.after) AS had_no_response,
      bool_and(x.unresolved) FILTER (WHERE NOT x.after) AS was_unresolved,
      (array_agg(x.r) FILTER (WHERE x.after))[1] AS n
    FROM (SELECT p.id, false AS after, p.first_response_at IS NULL AS no_response, p.resolved_at IS NULL AS unresolved,
            NULL::conversation_cycles AS r FROM old_rows p
          UNION ALL
          SELECT n.id, true, NULL, NULL, ROW(n.*)::conversation_cycles FROM new_rows n) x
    GROUP BY x.id
  ) g
  CROSS JOIN LATERAL (
    SELECT (g.n).organization_id AS o, (g.n).first_response_at AS t, 'first_response' AS m, 'first_response' AS dm,
      (g.n).whatsapp_account_id AS acc, (g.n).team_id AS tm, (g.n).first_responder_id AS ag,
      (g.n).first_response_seconds AS w, (g.n).first_response_business_seconds AS b
    WHERE g.had_no_response AND (g.n).first_response_at IS NOT NULL
    UNION ALL
    SELECT (g.n).organization_id, (g.n).resolved_at, 'resolved', 'resolution', (g.n).whatsapp_account_id, (g.n).team_id,
      (g.n).resolved_assignee_id, (g.n).resolution_seconds, (g.n).resolution_business_seconds
    WHERE g.was_unresolved AND (g.n).resolved_at IS NOT NULL
  ) e
  HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The same probe for a resolution (a row trigger: its plan is cached, so it names the open cycle
-- by the conversation alone, which only the unique index serves).
CREATE OR REPLACE FUNCTION report_conversation_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'resolved' THEN
    UPDATE conversation_cycles y SET resolved_at = NEW.updated_at, resolved_assignee_id = NEW.assignee_id,
      team_id = NEW.team_id,
      resolution_seconds = greatest(0, extract(epoch FROM NEW.updated_at - y.opened_at)),
      resolution_business_seconds = report_business_seconds(NEW.organization_id, y.opened_at, NEW.updated_at)
    WHERE y.conversation_id = NEW.id AND y.resolved_at IS NULL;
  ELSIF OLD.status = 'resolved' THEN
    -- Reopened: a new cycle (unless the customer's message that reopened it already opened one).
    INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at)
    VALUES (NEW.organization_id, NEW.id, NEW.whatsapp_account_id, NEW.team_id, NEW.updated_at)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
