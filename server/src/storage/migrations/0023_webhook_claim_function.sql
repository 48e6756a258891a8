-- Hand-written (drizzle-kit generate --custom): the outgoing-webhook attempt lease
-- (domain/webhooks/delivery.ts) in one round trip. Claims serialise on the endpoint row's lock
-- (it keeps the in-flight count per endpoint exact across processes); taken by a transaction of
-- four round trips from the application, that lock was held for two of them, and a busy endpoint's
-- claims queued on it (130–250 ms each in the delivery benchmark). In a function the lock is
-- held only while the server runs these few statements, and released when the statement ends.
--
-- A VOLATILE plpgsql function's statements each take a fresh snapshot (READ COMMITTED), so the
-- reads after the lock see every lease committed before it was granted.
--
-- p_delivery: the delivery to claim, or null for the endpoint's oldest due delivery (a slot going
-- straight on after a success: choosing it under the lock means two slots never race for it).
-- outcome: claimed | settled (not pending) | leased (until: its lease) | not_due (until: its
-- retry) | full (the endpoint's cap is reached) | disabled | none (nothing due for the endpoint).
CREATE FUNCTION webhook_claim_delivery(
  p_delivery uuid, p_endpoint uuid, p_worker text, p_now timestamptz, p_lease_until timestamptz, p_cap integer)
RETURNS TABLE (
  outcome text, delivery_id uuid, until timestamptz, endpoint_id uuid, url text, secret_enc text,
  previous_secret_enc text, previous_secret_expires_at timestamptz, event_id uuid, attempts integer,
  body text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_endpoint uuid := p_endpoint;
  v_id uuid := p_delivery;
  e webhook_endpoints%ROWTYPE;
  d webhook_deliveries%ROWTYPE;
  v_in_flight integer;
BEGIN
  IF v_id IS NOT NULL THEN
    SELECT wd.endpoint_id INTO v_endpoint FROM webhook_deliveries wd WHERE wd.id = v_id;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 'settled'::text, v_id, NULL::timestamptz, NULL::uuid, NULL::text, NULL::text,
        NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
      RETURN;
    END IF;
  END IF;
  SELECT * INTO e FROM webhook_endpoints we WHERE we.id = v_endpoint FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT CASE WHEN v_id IS NULL THEN 'none' ELSE 'settled' END, v_id, NULL::timestamptz,
      NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  IF v_id IS NULL THEN
    IF e.enabled THEN
      SELECT wd.id INTO v_id FROM webhook_deliveries wd
      WHERE wd.endpoint_id = v_endpoint AND wd.state = 'pending'
        AND (wd.locked_until IS NULL OR wd.locked_until <= p_now)
        AND (wd.next_attempt_at IS NULL OR wd.next_attempt_at <= p_now)
      ORDER BY wd.created_at LIMIT 1;
    END IF;
    IF v_id IS NULL THEN
      RETURN QUERY SELECT 'none'::text, NULL::uuid, NULL::timestamptz, v_endpoint, NULL::text, NULL::text,
        NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
      RETURN;
    END IF;
  END IF;
  SELECT * INTO d FROM webhook_deliveries wd WHERE wd.id = v_id;
  IF d.state <> 'pending' THEN
    RETURN QUERY SELECT 'settled'::text, v_id, NULL::timestamptz, v_endpoint, NULL::text, NULL::text,
      NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  IF NOT e.enabled THEN
    RETURN QUERY SELECT 'disabled'::text, v_id, NULL::timestamptz, v_endpoint, NULL::text, NULL::text,
      NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  IF d.locked_until > p_now THEN
    RETURN QUERY SELECT 'leased'::text, v_id, d.locked_until, v_endpoint, NULL::text, NULL::text,
      NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  IF d.next_attempt_at > p_now THEN
    RETURN QUERY SELECT 'not_due'::text, v_id, d.next_attempt_at, v_endpoint, NULL::text, NULL::text,
      NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  SELECT count(*)::integer INTO v_in_flight FROM webhook_deliveries f
  WHERE f.endpoint_id = v_endpoint AND f.locked_until > p_now;
  IF v_in_flight >= p_cap THEN
    RETURN QUERY SELECT 'full'::text, v_id, NULL::timestamptz, v_endpoint, NULL::text, NULL::text,
      NULL::text, NULL::timestamptz, NULL::uuid, NULL::integer, NULL::text;
    RETURN;
  END IF;
  UPDATE webhook_deliveries SET locked_by = p_worker, locked_until = p_lease_until, updated_at = p_now
  WHERE id = v_id;
  RETURN QUERY SELECT 'claimed'::text, v_id, NULL::timestamptz, v_endpoint, e.url, e.secret_enc,
    e.previous_secret_enc, e.previous_secret_expires_at, d.event_id, d.attempts,
    (SELECT ev.body FROM webhook_events ev WHERE ev.id = d.event_id);
END
$$;
--> statement-breakpoint
-- A successful attempt settled in one round trip (its attempt row, the endpoint's health reset,
-- the delivery succeeded) and, when p_claim_next, the slot's next delivery claimed in the same
-- call: a slot draining a backlog then costs one round trip per delivery besides its POST.
CREATE FUNCTION webhook_settle_success(
  p_delivery uuid, p_worker text, p_endpoint uuid, p_started timestamptz, p_duration_ms integer,
  p_status integer, p_response text, p_attempts integer, p_now timestamptz, p_claim_next boolean,
  p_lease_until timestamptz, p_cap integer)
RETURNS TABLE (
  outcome text, delivery_id uuid, until timestamptz, endpoint_id uuid, url text, secret_enc text,
  previous_secret_enc text, previous_secret_expires_at timestamptz, event_id uuid, attempts integer,
  body text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  INSERT INTO webhook_attempts (organization_id, delivery_id, started_at, duration_ms, response_status, response_body)
  SELECT wd.organization_id, wd.id, p_started, p_duration_ms, p_status, p_response
  FROM webhook_deliveries wd WHERE wd.id = p_delivery;
  UPDATE webhook_endpoints we SET failing_since = NULL
  WHERE we.id = p_endpoint AND we.failing_since IS NOT NULL;
  UPDATE webhook_deliveries wd SET state = 'succeeded', attempts = p_attempts, next_attempt_at = NULL,
    last_error = NULL, locked_by = NULL, locked_until = NULL, updated_at = p_now
  WHERE wd.id = p_delivery AND wd.locked_by = p_worker;
  IF p_claim_next THEN
    RETURN QUERY SELECT * FROM webhook_claim_delivery(NULL, p_endpoint, p_worker, p_now, p_lease_until, p_cap);
  END IF;
END
$$;
