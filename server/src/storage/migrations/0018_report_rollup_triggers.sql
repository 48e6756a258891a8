-- Hand-written (drizzle-kit generate --custom): the reports' rollups (schema/reports.ts:
-- report_count_quarters, report_count_days, report_duration_days) replace the hourly rollup.
-- Cycles feed them from triggers on conversation_cycles itself, so whatever opens, answers or
-- resolves a cycle counts it; messages keep their statement trigger, which now adds their counts.

-- The histogram bucket of a duration in seconds: 0 for none, then logarithmic, about 2 % wide.
CREATE FUNCTION report_duration_bucket(s double precision) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN s <= 0 THEN 0 ELSE 1 + floor(ln(1 + s) * 50)::integer END
$$;
--> statement-breakpoint
-- Adds events (parallel arrays, one element per event) to the quarter and day counts, under
-- every dimension they have: all, number, team (the zero uuid for none) and agent (when known).
-- plpgsql, not sql: its statements' plans are cached per session (a row trigger calls it often).
CREATE FUNCTION report_add_counts(orgs uuid[], ats timestamptz[], measures text[], accounts uuid[], teams uuid[], agents uuid[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_count_quarters (organization_id, dimension, quarter, dimension_id, measure, count)
  SELECT e.o, d.k, date_bin('15 minutes', e.t, timestamptz '2000-01-01 00:00:00+00'), d.i, e.m, count(*)
  FROM unnest(orgs, ats, measures, accounts, teams, agents) AS e(o, t, m, acc, tm, ag)
  CROSS JOIN LATERAL (VALUES ('all', '00000000-0000-0000-0000-000000000000'::uuid), ('number', e.acc),
    ('team', coalesce(e.tm, '00000000-0000-0000-0000-000000000000'::uuid)), ('agent', e.ag)) AS d(k, i)
  WHERE d.i IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (organization_id, dimension, quarter, dimension_id, measure)
    DO UPDATE SET count = report_count_quarters.count + excluded.count;
  INSERT INTO report_count_days (organization_id, dimension, day, dimension_id, measure, count)
  SELECT e.o, d.k, date_trunc('day', e.t, 'UTC'), d.i, e.m, count(*)
  FROM unnest(orgs, ats, measures, accounts, teams, agents) AS e(o, t, m, acc, tm, ag)
  CROSS JOIN LATERAL (VALUES ('all', '00000000-0000-0000-0000-000000000000'::uuid), ('number', e.acc),
    ('team', coalesce(e.tm, '00000000-0000-0000-0000-000000000000'::uuid)), ('agent', e.ag)) AS d(k, i)
  WHERE d.i IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT (organization_id, dimension, day, dimension_id, measure)
    DO UPDATE SET count = report_count_days.count + excluded.count;
END $$;
--> statement-breakpoint
-- Adds durations (wall-clock and business seconds) to the day histograms, under every dimension.
CREATE FUNCTION report_add_durations(orgs uuid[], ats timestamptz[], measures text[], accounts uuid[], teams uuid[],
  agents uuid[], walls double precision[], businesses double precision[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO report_duration_days (organization_id, measure, clock, day, dimension, dimension_id, bucket, count, min, max)
  SELECT e.o, e.m, c.clock, date_trunc('day', e.t, 'UTC'), d.k, d.i, report_duration_bucket(c.s), count(*), min(c.s), max(c.s)
  FROM unnest(orgs, ats, measures, accounts, teams, agents, walls, businesses) AS e(o, t, m, acc, tm, ag, w, b)
  CROSS JOIN LATERAL (VALUES ('wall', e.w), ('business', e.b)) AS c(clock, s)
  CROSS JOIN LATERAL (VALUES ('all', '00000000-0000-0000-0000-000000000000'::uuid), ('number', e.acc),
    ('team', coalesce(e.tm, '00000000-0000-0000-0000-000000000000'::uuid)), ('agent', e.ag)) AS d(k, i)
  WHERE d.i IS NOT NULL AND c.s IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (organization_id, measure, clock, day, dimension, dimension_id, bucket)
    DO UPDATE SET count = report_duration_days.count + excluded.count,
      min = least(report_duration_days.min, excluded.min), max = greatest(report_duration_days.max, excluded.max);
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_messages_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The counts: one upsert per (quarter or day, dimension) the statement touched.
  PERFORM report_add_counts(array_agg(n.organization_id), array_agg(n.created_at), array_agg(n.direction::text),
    array_agg(c.whatsapp_account_id), array_agg(c.team_id), array_agg(n.author_id))
  FROM new_rows n JOIN conversations c ON c.organization_id = n.organization_id AND c.id = n.conversation_id;

  -- A customer writing with no open cycle opens one; so does an agent writing first to a
  -- conversation that is not resolved (a conversation the business starts).
  INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at, first_inbound_at)
  SELECT n.organization_id, n.conversation_id, c.whatsapp_account_id, c.team_id, min(n.created_at),
    min(n.created_at) FILTER (WHERE n.direction = 'inbound')
  FROM new_rows n JOIN conversations c ON c.organization_id = n.organization_id AND c.id = n.conversation_id
  WHERE (n.direction = 'inbound' OR (n.author_id IS NOT NULL AND c.status <> 'resolved'))
    AND NOT EXISTS (SELECT 1 FROM conversation_cycles y
      WHERE y.organization_id = n.organization_id AND y.conversation_id = n.conversation_id AND y.resolved_at IS NULL)
  GROUP BY n.organization_id, n.conversation_id, c.whatsapp_account_id, c.team_id
  ON CONFLICT DO NOTHING;

  -- The customer's first message of an open cycle that had none (one the business started).
  UPDATE conversation_cycles y SET first_inbound_at = v.at
  FROM (SELECT organization_id, conversation_id, min(created_at) AS at FROM new_rows
        WHERE direction = 'inbound' GROUP BY organization_id, conversation_id) v
  WHERE y.organization_id = v.organization_id AND y.conversation_id = v.conversation_id
    AND y.resolved_at IS NULL AND y.first_inbound_at IS NULL;

  -- The first reply an agent wrote after the customer's first message.
  UPDATE conversation_cycles y SET first_response_at = v.at, first_responder_id = v.author_id, team_id = c.team_id,
    first_response_seconds = extract(epoch FROM v.at - y.first_inbound_at),
    first_response_business_seconds = report_business_seconds(y.organization_id, y.first_inbound_at, v.at)
  FROM (SELECT DISTINCT ON (organization_id, conversation_id) organization_id, conversation_id, created_at AS at, author_id
        FROM new_rows WHERE direction = 'outbound' AND author_id IS NOT NULL
        ORDER BY organization_id, conversation_id, created_at) v,
    conversations c
  WHERE y.organization_id = v.organization_id AND y.conversation_id = v.conversation_id
    AND c.organization_id = v.organization_id AND c.id = v.conversation_id
    AND y.resolved_at IS NULL AND y.first_inbound_at IS NOT NULL AND y.first_response_at IS NULL
    AND v.at >= y.first_inbound_at;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_cycles_opened() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_counts(array_agg(organization_id), array_agg(opened_at), array_agg('opened'::text),
    array_agg(whatsapp_account_id), array_agg(team_id), array_agg(NULL::uuid))
  FROM new_rows;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_cycles_opened AFTER INSERT ON conversation_cycles
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_cycles_opened();
--> statement-breakpoint
-- A first response or a resolution becoming known: counted, and its durations added, under the
-- cycle's team at that moment (the writers refresh team_id with them).
CREATE FUNCTION report_cycles_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_add_counts(array_agg(e.o), array_agg(e.t), array_agg(e.m), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag)),
    report_add_durations(array_agg(e.o), array_agg(e.t), array_agg(e.dm), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag),
      array_agg(e.w), array_agg(e.b))
  FROM (
    SELECT n.organization_id AS o, n.first_response_at AS t, 'first_response' AS m, 'first_response' AS dm,
      n.whatsapp_account_id AS acc, n.team_id AS tm, n.first_responder_id AS ag,
      n.first_response_seconds AS w, n.first_response_business_seconds AS b
    FROM old_rows p JOIN new_rows n ON n.id = p.id
    WHERE p.first_response_at IS NULL AND n.first_response_at IS NOT NULL
    UNION ALL
    SELECT n.organization_id, n.resolved_at, 'resolved', 'resolution', n.whatsapp_account_id, n.team_id,
      n.resolved_assignee_id, n.resolution_seconds, n.resolution_business_seconds
    FROM old_rows p JOIN new_rows n ON n.id = p.id
    WHERE p.resolved_at IS NULL AND n.resolved_at IS NOT NULL
  ) e
  HAVING count(*) > 0;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_cycles_changed AFTER UPDATE ON conversation_cycles
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_cycles_changed();
--> statement-breakpoint
-- Existing data: the counts and histograms from the messages and cycles there are (cycles under
-- their current team).
SELECT report_add_counts(array_agg(m.organization_id), array_agg(m.created_at), array_agg(m.direction::text),
  array_agg(c.whatsapp_account_id), array_agg(c.team_id), array_agg(m.author_id))
FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id;
--> statement-breakpoint
SELECT report_add_counts(array_agg(e.o), array_agg(e.t), array_agg(e.m), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag))
FROM (
  SELECT organization_id AS o, opened_at AS t, 'opened' AS m, whatsapp_account_id AS acc, team_id AS tm, NULL::uuid AS ag
  FROM conversation_cycles
  UNION ALL
  SELECT organization_id, first_response_at, 'first_response', whatsapp_account_id, team_id, first_responder_id
  FROM conversation_cycles WHERE first_response_at IS NOT NULL
  UNION ALL
  SELECT organization_id, resolved_at, 'resolved', whatsapp_account_id, team_id, resolved_assignee_id
  FROM conversation_cycles WHERE resolved_at IS NOT NULL
) e;
--> statement-breakpoint
SELECT report_add_durations(array_agg(e.o), array_agg(e.t), array_agg(e.m), array_agg(e.acc), array_agg(e.tm), array_agg(e.ag),
  array_agg(e.w), array_agg(e.b))
FROM (
  SELECT organization_id AS o, first_response_at AS t, 'first_response' AS m, whatsapp_account_id AS acc, team_id AS tm,
    first_responder_id AS ag, first_response_seconds AS w, first_response_business_seconds AS b
  FROM conversation_cycles WHERE first_response_at IS NOT NULL
  UNION ALL
  SELECT organization_id, resolved_at, 'resolution', whatsapp_account_id, team_id, resolved_assignee_id,
    resolution_seconds, resolution_business_seconds
  FROM conversation_cycles WHERE resolved_at IS NOT NULL
) e;
