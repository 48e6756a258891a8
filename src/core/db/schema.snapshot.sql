-- index contacts_id_idx
CREATE UNIQUE INDEX `contacts_id_idx` ON `contacts` (`id`);

-- index conversations_assignee_sort_idx
CREATE INDEX `conversations_assignee_sort_idx` ON `conversations` (`assignee_id`,`status`,`sort_at`,`id`);

-- index conversations_assignee_wait_idx
CREATE INDEX `conversations_assignee_wait_idx` ON `conversations` (`assignee_id`,`status`,row ->> '$.waitingSince',`id`) WHERE row ->> '$.waitingSince' IS NOT NULL;

-- index conversations_contact_idx
CREATE INDEX `conversations_contact_idx` ON `conversations` (`contact_id`);

-- index conversations_important_sort_idx
CREATE INDEX `conversations_important_sort_idx` ON `conversations` (`status`,`sort_at`,`id`) WHERE "conversations"."important" = 1;

-- index conversations_sort_idx
CREATE INDEX `conversations_sort_idx` ON `conversations` (`sort_at`,`id`);

-- index conversations_status_sort_idx
CREATE INDEX `conversations_status_sort_idx` ON `conversations` (`status`,`sort_at`,`id`);

-- index conversations_status_wait_idx
CREATE INDEX `conversations_status_wait_idx` ON `conversations` (`status`,row ->> '$.waitingSince',`id`) WHERE row ->> '$.waitingSince' IS NOT NULL;

-- index conversations_team_sort_idx
CREATE INDEX `conversations_team_sort_idx` ON `conversations` (`team_id`,`status`,`sort_at`,`id`);

-- index conversations_team_wait_idx
CREATE INDEX `conversations_team_wait_idx` ON `conversations` (`team_id`,`status`,row ->> '$.waitingSince',`id`) WHERE row ->> '$.waitingSince' IS NOT NULL;

-- index conversations_unread_sort_idx
CREATE INDEX `conversations_unread_sort_idx` ON `conversations` (`status`,`sort_at`,`id`) WHERE "conversations"."unread_count" > 0;

-- index media_cache_lru_idx
CREATE INDEX `media_cache_lru_idx` ON `media_cache` (`last_used_at`);

-- index messages_conversation_seq_idx
CREATE INDEX `messages_conversation_seq_idx` ON `messages` (`conversation_id`,`conv_seq`);

-- index messages_id_idx
CREATE UNIQUE INDEX `messages_id_idx` ON `messages` (`id`);

-- index notes_conversation_idx
CREATE INDEX `notes_conversation_idx` ON `notes` (`conversation_id`,`created_at`);

-- index outbox_conversation_idx
CREATE INDEX `outbox_conversation_idx` ON `outbox` (`conversation_id`);

-- index outbox_status_idx
CREATE INDEX `outbox_status_idx` ON `outbox` (`status`,`mutation_id`);

-- index pending_messages_conversation_idx
CREATE INDEX `pending_messages_conversation_idx` ON `pending_messages` (`conversation_id`,`created_at`);

-- index pending_messages_mutation_idx
CREATE INDEX `pending_messages_mutation_idx` ON `pending_messages` (`mutation_id`);

-- index pending_patches_mutation_idx
CREATE INDEX `pending_patches_mutation_idx` ON `pending_patches` (`mutation_id`);

-- index reactions_conversation_idx
CREATE INDEX `reactions_conversation_idx` ON `reactions` (`conversation_id`);

-- index reactions_message_idx
CREATE INDEX `reactions_message_idx` ON `reactions` (`message_id`);

-- index staged_media_server_idx
CREATE INDEX `staged_media_server_idx` ON `staged_media` (`server_media_id`);

-- index staged_media_sha_idx
CREATE INDEX `staged_media_sha_idx` ON `staged_media` (`sha256`);

-- table __drizzle_migrations
CREATE TABLE "__drizzle_migrations" ( id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric );

-- table business_hours
CREATE TABLE `business_hours` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table canned_responses
CREATE TABLE `canned_responses` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table contacts
CREATE TABLE `contacts` ( `rid` integer PRIMARY KEY NOT NULL, `id` text NOT NULL, `version` integer NOT NULL, `search_text` text NOT NULL, `row` text NOT NULL );

-- table contacts_fts
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(search_text, tokenize = 'trigram', content = '', contentless_delete = 1);

-- table contacts_fts_config
CREATE TABLE 'contacts_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

-- table contacts_fts_data
CREATE TABLE 'contacts_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

-- table contacts_fts_docsize
CREATE TABLE 'contacts_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);

-- table contacts_fts_idx
CREATE TABLE 'contacts_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

-- table conversations
CREATE TABLE `conversations` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `status` text NOT NULL, `snoozed_until` text, `assignee_id` text, `team_id` text, `important` integer NOT NULL, `labels` text NOT NULL, `unread_count` integer NOT NULL, `read_up_to_conv_seq` integer NOT NULL, `last_conv_seq` integer NOT NULL, `contact_id` text NOT NULL, `whatsapp_account_id` text NOT NULL, `sort_at` integer NOT NULL, `_scope` text NOT NULL, `row` text NOT NULL );

-- table deferred_fields
CREATE TABLE `deferred_fields` ( `entity` text NOT NULL, `id` text NOT NULL, `field` text NOT NULL, `value` text NOT NULL, `version` integer NOT NULL, PRIMARY KEY(`entity`, `id`, `field`) );

-- table drafts
CREATE TABLE `drafts` ( `conversation_id` text PRIMARY KEY NOT NULL, `text` text NOT NULL, `updated_at` text NOT NULL );

-- table history_floor
CREATE TABLE `history_floor` ( `conversation_id` text PRIMARY KEY NOT NULL, `conv_seq` integer NOT NULL );

-- table inbox_counts
CREATE TABLE `inbox_counts` ( `bucket` text NOT NULL, `status` text NOT NULL, `total` integer NOT NULL, `unread` integer NOT NULL, `important` integer NOT NULL, PRIMARY KEY(`bucket`, `status`) );

-- table labels
CREATE TABLE `labels` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table media_cache
CREATE TABLE `media_cache` ( `media_id` text PRIMARY KEY NOT NULL, `file_name` text NOT NULL, `mime_type` text NOT NULL, `size` integer NOT NULL, `last_used_at` integer NOT NULL );

-- table members
CREATE TABLE `members` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table messages
CREATE TABLE `messages` ( `rid` integer PRIMARY KEY NOT NULL, `id` text NOT NULL, `version` integer NOT NULL, `conversation_id` text NOT NULL, `conv_seq` integer NOT NULL, `search_text` text, `row` text NOT NULL );

-- table messages_fts
CREATE VIRTUAL TABLE `messages_fts` USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1);

-- table messages_fts_config
CREATE TABLE 'messages_fts_config'(k PRIMARY KEY, v) WITHOUT ROWID;

-- table messages_fts_data
CREATE TABLE 'messages_fts_data'(id INTEGER PRIMARY KEY, block BLOB);

-- table messages_fts_docsize
CREATE TABLE 'messages_fts_docsize'(id INTEGER PRIMARY KEY, sz BLOB, origin INTEGER);

-- table messages_fts_idx
CREATE TABLE 'messages_fts_idx'(segid, term, pgno, PRIMARY KEY(segid, term)) WITHOUT ROWID;

-- table meta
CREATE TABLE `meta` ( `key` text PRIMARY KEY NOT NULL, `value` text NOT NULL );

-- table notes
CREATE TABLE `notes` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `conversation_id` text NOT NULL, `created_at` text NOT NULL, `row` text NOT NULL );

-- table outbox
CREATE TABLE `outbox` ( `mutation_id` integer PRIMARY KEY NOT NULL, `name` text NOT NULL, `args` text NOT NULL, `created_at` text NOT NULL, `mutator_version` integer NOT NULL, `status` text NOT NULL, `ack_seq` integer, `error` text, `attempts` integer DEFAULT 0 NOT NULL, `conversation_id` text );

-- table pending_messages
CREATE TABLE `pending_messages` ( `id` text PRIMARY KEY NOT NULL, `mutation_id` integer NOT NULL, `conversation_id` text NOT NULL, `kind` text NOT NULL, `row` text NOT NULL, `state` text NOT NULL, `error` text, `created_at` integer NOT NULL );

-- table pending_patches
CREATE TABLE `pending_patches` ( `entity` text NOT NULL, `entity_id` text NOT NULL, `field` text NOT NULL, `value` text NOT NULL, `mutation_id` integer NOT NULL, PRIMARY KEY(`entity`, `entity_id`, `field`, `mutation_id`) );

-- table reactions
CREATE TABLE `reactions` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `conversation_id` text NOT NULL, `message_id` text NOT NULL, `row` text NOT NULL );

-- table settings
CREATE TABLE `settings` ( `key` text PRIMARY KEY NOT NULL, `value` text NOT NULL, `updated_at` text NOT NULL );

-- table staged_media
CREATE TABLE `staged_media` ( `id` text PRIMARY KEY NOT NULL, `sha256` text NOT NULL, `file_name` text NOT NULL, `mime_type` text NOT NULL, `size` integer NOT NULL, `created_at` integer NOT NULL, `server_media_id` text, `uploaded_at` integer );

-- table sync_state
CREATE TABLE `sync_state` ( `id` integer PRIMARY KEY NOT NULL, `cursor` integer DEFAULT 0 NOT NULL, `lmid` integer DEFAULT 0 NOT NULL, `tenant_seq` integer DEFAULT 0 NOT NULL, `floor_seq` integer DEFAULT 0 NOT NULL, `bootstrap_phase` integer DEFAULT 0 NOT NULL, `snapshot_seq` integer, `next_mutation_id` integer DEFAULT 1 NOT NULL, `update_required` text, `backfill_paused` integer DEFAULT 0 NOT NULL, `pending_groups` text, `rechecks` text, CONSTRAINT "sync_state_single_row" CHECK(id = 1) );

-- table teams
CREATE TABLE `teams` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table templates
CREATE TABLE `templates` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- table tombstones
CREATE TABLE `tombstones` ( `entity` text NOT NULL, `id` text NOT NULL, `version` integer NOT NULL, `kind` text NOT NULL, PRIMARY KEY(`entity`, `id`) );

-- table whatsapp_accounts
CREATE TABLE `whatsapp_accounts` ( `id` text PRIMARY KEY NOT NULL, `version` integer NOT NULL, `name` text NOT NULL, `row` text NOT NULL );

-- trigger contacts_fts_ad
CREATE TRIGGER `contacts_fts_ad` AFTER DELETE ON `contacts` BEGIN DELETE FROM contacts_fts WHERE rowid = OLD.rid; END;

-- trigger contacts_fts_ai
CREATE TRIGGER `contacts_fts_ai` AFTER INSERT ON `contacts` BEGIN INSERT INTO contacts_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text); END;

-- trigger contacts_fts_au
CREATE TRIGGER `contacts_fts_au` AFTER UPDATE OF search_text ON `contacts` WHEN OLD.search_text IS NOT NEW.search_text BEGIN DELETE FROM contacts_fts WHERE rowid = OLD.rid; INSERT INTO contacts_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text); END;

-- trigger conversations_counts_ad
CREATE TRIGGER `conversations_counts_ad` AFTER DELETE ON `conversations` BEGIN UPDATE inbox_counts SET total = total - 1, unread = unread - (OLD.unread_count > 0), important = important - OLD.important WHERE status = OLD.status AND bucket IN ('all', CASE WHEN OLD.assignee_id IS NULL THEN 'u' ELSE 'a:' || OLD.assignee_id END, 't:' || OLD.team_id); END;

-- trigger conversations_counts_ai
CREATE TRIGGER `conversations_counts_ai` AFTER INSERT ON `conversations` BEGIN INSERT INTO inbox_counts (bucket, status, total, unread, important) VALUES ('all', NEW.status, 1, NEW.unread_count > 0, NEW.important) ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; INSERT INTO inbox_counts (bucket, status, total, unread, important) VALUES (CASE WHEN NEW.assignee_id IS NULL THEN 'u' ELSE 'a:' || NEW.assignee_id END, NEW.status, 1, NEW.unread_count > 0, NEW.important) ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; INSERT INTO inbox_counts (bucket, status, total, unread, important) SELECT 't:' || NEW.team_id, NEW.status, 1, NEW.unread_count > 0, NEW.important WHERE NEW.team_id IS NOT NULL ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; END;

-- trigger conversations_counts_au
CREATE TRIGGER `conversations_counts_au` AFTER UPDATE OF status, assignee_id, team_id, unread_count, important ON `conversations` WHEN OLD.status IS NOT NEW.status OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.team_id IS NOT NEW.team_id OR (OLD.unread_count > 0) IS NOT (NEW.unread_count > 0) OR OLD.important IS NOT NEW.important BEGIN UPDATE inbox_counts SET total = total - 1, unread = unread - (OLD.unread_count > 0), important = important - OLD.important WHERE status = OLD.status AND bucket IN ('all', CASE WHEN OLD.assignee_id IS NULL THEN 'u' ELSE 'a:' || OLD.assignee_id END, 't:' || OLD.team_id); INSERT INTO inbox_counts (bucket, status, total, unread, important) VALUES ('all', NEW.status, 1, NEW.unread_count > 0, NEW.important) ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; INSERT INTO inbox_counts (bucket, status, total, unread, important) VALUES (CASE WHEN NEW.assignee_id IS NULL THEN 'u' ELSE 'a:' || NEW.assignee_id END, NEW.status, 1, NEW.unread_count > 0, NEW.important) ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; INSERT INTO inbox_counts (bucket, status, total, unread, important) SELECT 't:' || NEW.team_id, NEW.status, 1, NEW.unread_count > 0, NEW.important WHERE NEW.team_id IS NOT NULL ON CONFLICT (bucket, status) DO UPDATE SET total = total + 1, unread = unread + excluded.unread, important = important + excluded.important; END;

-- trigger messages_fts_ad
CREATE TRIGGER `messages_fts_ad` AFTER DELETE ON `messages` WHEN OLD.search_text IS NOT NULL BEGIN DELETE FROM messages_fts WHERE rowid = OLD.rid; END;

-- trigger messages_fts_ai
CREATE TRIGGER `messages_fts_ai` AFTER INSERT ON `messages` WHEN NEW.search_text IS NOT NULL BEGIN INSERT INTO messages_fts (rowid, search_text) VALUES (NEW.rid, NEW.search_text); END;

-- trigger messages_fts_au
CREATE TRIGGER `messages_fts_au` AFTER UPDATE OF search_text ON `messages` WHEN OLD.search_text IS NOT NEW.search_text BEGIN DELETE FROM messages_fts WHERE rowid = OLD.rid AND OLD.search_text IS NOT NULL; INSERT INTO messages_fts (rowid, search_text) SELECT NEW.rid, NEW.search_text WHERE NEW.search_text IS NOT NULL; END;

-- view v_conversations
CREATE VIEW `v_conversations` AS SELECT id, version, CASE WHEN p_status IS NULL THEN status ELSE json_extract(p_status, '$') END AS status, CASE WHEN p_snoozed IS NULL THEN snoozed_until ELSE json_extract(p_snoozed, '$') END AS snoozed_until, CASE WHEN p_assignee IS NULL THEN assignee_id ELSE json_extract(p_assignee, '$') END AS assignee_id, CASE WHEN p_team IS NULL THEN team_id ELSE json_extract(p_team, '$') END AS team_id, CASE WHEN p_important IS NULL THEN important ELSE json_extract(p_important, '$') END AS important, CASE WHEN p_labels IS NULL THEN labels ELSE json(p_labels) END AS labels, CASE WHEN p_unread IS NULL THEN unread_count ELSE json_extract(p_unread, '$') END AS unread_count, CASE WHEN p_read IS NULL THEN read_up_to_conv_seq ELSE max(read_up_to_conv_seq, json_extract(p_read, '$')) END AS read_up_to_conv_seq, last_conv_seq, contact_id, whatsapp_account_id, sort_at, _scope, row, coalesce(p_status, p_snoozed, p_assignee, p_team, p_important, p_labels, p_unread, p_read) IS NOT NULL AS has_pending FROM ( SELECT c.*, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'status' ORDER BY p.mutation_id DESC LIMIT 1) AS p_status, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'snoozedUntil' ORDER BY p.mutation_id DESC LIMIT 1) AS p_snoozed, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'assigneeId' ORDER BY p.mutation_id DESC LIMIT 1) AS p_assignee, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'teamId' ORDER BY p.mutation_id DESC LIMIT 1) AS p_team, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'important' ORDER BY p.mutation_id DESC LIMIT 1) AS p_important, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'labels' ORDER BY p.mutation_id DESC LIMIT 1) AS p_labels, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'unreadCount' ORDER BY p.mutation_id DESC LIMIT 1) AS p_unread, (SELECT p.value FROM pending_patches p WHERE p.entity = 'conversation' AND p.entity_id = c.id AND p.field = 'readUpToConvSeq' ORDER BY p.mutation_id DESC LIMIT 1) AS p_read FROM conversations c );

-- view v_messages
CREATE VIEW `v_messages` AS SELECT m.id, m.conversation_id, m.conv_seq, m.row, 'server' AS source, NULL AS state, NULL AS error, NULL AS mutation_id, NULL AS local_created_at FROM messages m UNION ALL SELECT p.id, p.conversation_id, NULL, p.row, 'pending', p.state, p.error, p.mutation_id, p.created_at FROM pending_messages p WHERE p.kind = 'message' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = p.id);
