-- Custom SQL (drizzle-kit cannot express FTS5 tables, triggers or these views). Additive only.
-- Inbox counts: three buckets per conversation (all; the assignee or u = unassigned; its team),
-- kept by triggers in the same transaction as every apply, so no count(*) ever runs.
CREATE TRIGGER `conversations_counts_ai` AFTER INSERT ON `conversations` BEGIN
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    VALUES ('all', NEW.status, 1, NEW.unread_count > 0, NEW.important)
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    VALUES (CASE WHEN NEW.assignee_id IS NULL THEN 'u' ELSE 'a:' || NEW.assignee_id END, NEW.status, 1, NEW.unread_count > 0, NEW.important)
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    SELECT 't:' || NEW.team_id, NEW.status, 1, NEW.unread_count > 0, NEW.important WHERE NEW.team_id IS NOT NULL
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_counts_ad` AFTER DELETE ON `conversations` BEGIN
  UPDATE inbox_counts SET total = total - 1, unread = unread - (OLD.unread_count > 0), important = important - OLD.important
    WHERE status = OLD.status AND bucket IN ('all', CASE WHEN OLD.assignee_id IS NULL THEN 'u' ELSE 'a:' || OLD.assignee_id END, 't:' || OLD.team_id);
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_counts_au` AFTER UPDATE OF status, assignee_id, team_id, unread_count, important ON `conversations`
WHEN OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.team_id IS NOT NEW.team_id
  OR (OLD.unread_count > 0) IS NOT (NEW.unread_count > 0) OR OLD.important IS NOT NEW.important
BEGIN
  UPDATE inbox_counts SET total = total - 1, unread = unread - (OLD.unread_count > 0), important = important - OLD.important
    WHERE status = OLD.status AND bucket IN ('all', CASE WHEN OLD.assignee_id IS NULL THEN 'u' ELSE 'a:' || OLD.assignee_id END, 't:' || OLD.team_id);
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    VALUES ('all', NEW.status, 1, NEW.unread_count > 0, NEW.important)
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    VALUES (CASE WHEN NEW.assignee_id IS NULL THEN 'u' ELSE 'a:' || NEW.assignee_id END, NEW.status, 1, NEW.unread_count > 0, NEW.important)
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
  INSERT INTO inbox_counts (bucket, status, total, unread, important)
    SELECT 't:' || NEW.team_id, NEW.status, 1, NEW.unread_count > 0, NEW.important WHERE NEW.team_id IS NOT NULL
    ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important;
END;
--> statement-breakpoint
-- Search: contact names and numbers (trigram: substrings of 3+ characters, so "5550" finds
-- +14155550123) and message text (words, prefix queries). Contentless with delete support,
-- keyed by the source table's INTEGER PRIMARY KEY.
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(search_text, tokenize = 'trigram', content = '', contentless_delete = 1);
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN
  INSERT INTO contacts_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN
  DELETE FROM contacts_fts WHERE rowid = OLD.rid;
END;
--> statement-breakpoint
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE OF search_text ON `contacts` WHEN OLD.search_text IS NOT NEW.search_text BEGIN
  DELETE FROM contacts_fts WHERE rowid = OLD.rid;
  INSERT INTO contacts_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text);
END;
--> statement-breakpoint
CREATE VIRTUAL TABLE `messages_fts` USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ai` AFTER INSERT ON `messages` WHEN NEW.search_text IS NOT NULL BEGIN
  INSERT INTO messages_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages` WHEN OLD.search_text IS NOT NULL BEGIN
  DELETE FROM messages_fts WHERE rowid = OLD.rid;
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF search_text ON `messages` WHEN OLD.search_text IS NOT NEW.search_text BEGIN
  DELETE FROM messages_fts WHERE rowid = OLD.rid AND OLD.search_text IS NOT NULL;
  INSERT INTO messages_fts (rowid, search_text) SELECT NEW.rid, NEW.search_text WHERE NEW.search_text IS NOT NULL;
END;
--> statement-breakpoint
-- The conversation the UI shows: the server row with the newest pending patch per field on top
-- (a patch value is JSON; JSON null is a real value, e.g. unassigned).
CREATE VIEW `v_conversations` AS
SELECT id, version,
  CASE WHEN p_status IS NULL THEN status ELSE json_extract(p_status, '$') END AS status,
  CASE WHEN p_snoozed IS NULL THEN snoozed_until ELSE json_extract(p_snoozed, '$') END AS snoozed_until,
  CASE WHEN p_assignee IS NULL THEN assignee_id ELSE json_extract(p_assignee, '$') END AS assignee_id,
  CASE WHEN p_team IS NULL THEN team_id ELSE json_extract(p_team, '$') END AS team_id,
  CASE WHEN p_important IS NULL THEN important ELSE json_extract(p_important, '$') END AS important,
  CASE WHEN p_labels IS NULL THEN labels ELSE json(p_labels) END AS labels,
  CASE WHEN p_unread IS NULL THEN unread_count ELSE json_extract(p_unread, '$') END AS unread_count,
  CASE WHEN p_read IS NULL THEN read_up_to_conv_seq ELSE max(read_up_to_conv_seq, json_extract(p_read, '$')) END AS read_up_to_conv_seq,
  last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row,
  coalesce(p_status, p_snoozed, p_assignee, p_team, p_important, p_labels, p_unread, p_read) IS NOT NULL AS has_pending
FROM (
  SELECT c.*,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'status' ORDER BY p.mutation_id DESC LIMIT 1) AS p_status,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'snoozedUntil' ORDER BY p.mutation_id DESC LIMIT 1) AS p_snoozed,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'assigneeId' ORDER BY p.mutation_id DESC LIMIT 1) AS p_assignee,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'teamId' ORDER BY p.mutation_id DESC LIMIT 1) AS p_team,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'important' ORDER BY p.mutation_id DESC LIMIT 1) AS p_important,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'labels' ORDER BY p.mutation_id DESC LIMIT 1) AS p_labels,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'unreadCount' ORDER BY p.mutation_id DESC LIMIT 1) AS p_unread,
    (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'readUpToConvSeq' ORDER BY p.mutation_id DESC LIMIT 1) AS p_read
  FROM conversations c
);
--> statement-breakpoint
-- The thread the UI shows: server messages, plus pending ones the server has not sent back yet.
-- Order by (conv_seq IS NULL, conv_seq, local_created_at): pending rows last, in creation order.
CREATE VIEW `v_messages` AS
SELECT m.id, m.conversation_id, m.conv_seq, m.row, 'server' AS source, NULL AS state, NULL AS error, NULL AS mutation_id, NULL AS local_created_at
FROM messages m
UNION ALL
SELECT p.id, p.conversation_id, NULL, p.row, 'pending', p.state, p.error, p.mutation_id, p.created_at
FROM pending_messages p
WHERE p.kind = 'message' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = p.id);
