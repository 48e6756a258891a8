-- Hand-written (drizzle-kit generate --custom): the reports' triggers and functions. They keep
-- conversation_cycles and report_message_hours (schema/reports.ts) in step with messages and
-- conversation statuses in the writing transaction, whatever path writes them.

-- Seconds of [t0, t1) inside the organization's business hours, in its time zone; the whole span
-- when it has none. Walks the local days of the span (one per day, a few per report event).
CREATE FUNCTION report_business_seconds(org uuid, t0 timestamptz, t1 timestamptz) RETURNS double precision
LANGUAGE plpgsql STABLE AS $$
DECLARE
  tz text;
  hours jsonb;
  d date;
  last_day date;
  iv jsonb;
  s timestamptz;
  e timestamptz;
  total double precision := 0;
BEGIN
  IF t0 IS NULL OR t1 IS NULL THEN RETURN NULL; END IF;
  IF t1 <= t0 THEN RETURN 0; END IF;
  SELECT time_zone, business_hours INTO tz, hours FROM organization_settings WHERE organization_id = org;
  IF hours IS NULL OR jsonb_typeof(hours) <> 'array' THEN RETURN extract(epoch FROM t1 - t0); END IF;
  d := (t0 AT TIME ZONE tz)::date;
  last_day := (t1 AT TIME ZONE tz)::date;
  WHILE d <= last_day LOOP
    FOR iv IN SELECT value FROM jsonb_array_elements(coalesce(hours -> (extract(isodow FROM d)::int - 1), '[]'::jsonb)) LOOP
      s := (d + (iv ->> 'from')::time) AT TIME ZONE tz;
      -- '24:00' is midnight at the end of the day.
      e := (d + CASE WHEN iv ->> 'to' = '24:00' THEN interval '24 hours' ELSE (iv ->> 'to')::time::interval END) AT TIME ZONE tz;
      total := total + greatest(0, extract(epoch FROM least(e, t1) - greatest(s, t0)));
    END LOOP;
    d := d + 1;
  END LOOP;
  RETURN total;
END $$;
--> statement-breakpoint
CREATE FUNCTION report_messages_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- The hourly rollup: one upsert per (hour, dimension) the statement touched.
  WITH m AS (
    SELECT n.organization_id AS o, date_trunc('hour', n.created_at, 'UTC') AS h, n.direction AS d, n.author_id AS a,
      c.whatsapp_account_id AS acc, coalesce(c.team_id, '00000000-0000-0000-0000-000000000000'::uuid) AS t
    FROM new_rows n JOIN conversations c ON c.organization_id = n.organization_id AND c.id = n.conversation_id
  ), r AS (
    SELECT o, 'all' AS k, h, '00000000-0000-0000-0000-000000000000'::uuid AS i, d, count(*) AS n FROM m GROUP BY o, h, d
    UNION ALL SELECT o, 'number', h, acc, d, count(*) FROM m GROUP BY o, h, acc, d
    UNION ALL SELECT o, 'team', h, t, d, count(*) FROM m GROUP BY o, h, t, d
    UNION ALL SELECT o, 'agent', h, a, d, count(*) FROM m WHERE a IS NOT NULL GROUP BY o, h, a, d
  )
  INSERT INTO report_message_hours (organization_id, dimension, hour, dimension_id, direction, count)
  SELECT o, k, h, i, d, n FROM r
  ON CONFLICT (organization_id, dimension, hour, dimension_id, direction)
    DO UPDATE SET count = report_message_hours.count + excluded.count;

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
CREATE TRIGGER report_messages_inserted AFTER INSERT ON messages
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_messages_inserted();
--> statement-breakpoint
CREATE FUNCTION report_conversation_status() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'resolved' THEN
    UPDATE conversation_cycles y SET resolved_at = NEW.updated_at, resolved_assignee_id = NEW.assignee_id,
      team_id = NEW.team_id,
      resolution_seconds = greatest(0, extract(epoch FROM NEW.updated_at - y.opened_at)),
      resolution_business_seconds = report_business_seconds(NEW.organization_id, y.opened_at, NEW.updated_at)
    WHERE y.organization_id = NEW.organization_id AND y.conversation_id = NEW.id AND y.resolved_at IS NULL;
  ELSIF OLD.status = 'resolved' THEN
    -- Reopened: a new cycle (unless the customer's message that reopened it already opened one).
    INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at)
    VALUES (NEW.organization_id, NEW.id, NEW.whatsapp_account_id, NEW.team_id, NEW.updated_at)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER report_conversation_status AFTER UPDATE OF status ON conversations
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION report_conversation_status();
--> statement-breakpoint
-- Existing data: the rollup from the messages there are, and an open cycle for each conversation
-- that is not resolved (opened when it was created; its first response is not reconstructed).
INSERT INTO report_message_hours (organization_id, dimension, hour, dimension_id, direction, count)
SELECT o, k, h, i, d, sum(n) FROM (
  SELECT m.organization_id AS o, date_trunc('hour', m.created_at, 'UTC') AS h, m.direction AS d, m.author_id AS a,
    c.whatsapp_account_id AS acc, coalesce(c.team_id, '00000000-0000-0000-0000-000000000000'::uuid) AS t, 1 AS n
  FROM messages m JOIN conversations c ON c.organization_id = m.organization_id AND c.id = m.conversation_id
) m CROSS JOIN LATERAL (VALUES ('all', '00000000-0000-0000-0000-000000000000'::uuid), ('number', acc), ('team', t), ('agent', a)) AS x(k, i)
WHERE i IS NOT NULL
GROUP BY o, k, h, i, d;
--> statement-breakpoint
INSERT INTO conversation_cycles (organization_id, conversation_id, whatsapp_account_id, team_id, opened_at, first_inbound_at)
SELECT organization_id, id, whatsapp_account_id, team_id, created_at, NULL::timestamptz FROM conversations WHERE status <> 'resolved';
