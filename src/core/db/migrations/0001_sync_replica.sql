CREATE TABLE `contacts` (
	`rid` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`search_text` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_id_idx` ON `contacts` (`id`);--> statement-breakpoint
CREATE TABLE `conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`status` text NOT NULL,
	`snoozed_until` text,
	`assignee_id` text,
	`team_id` text,
	`important` integer NOT NULL,
	`labels` text NOT NULL,
	`unread_count` integer NOT NULL,
	`read_up_to_conv_seq` integer NOT NULL,
	`last_conv_seq` integer NOT NULL,
	`contact_id` text NOT NULL,
	`whatsapp_account_id` text NOT NULL,
	`sort_at` integer NOT NULL,
	`_scope` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversations_status_sort_idx` ON `conversations` (`status`,`sort_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_assignee_sort_idx` ON `conversations` (`assignee_id`,`status`,`sort_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_team_sort_idx` ON `conversations` (`team_id`,`status`,`sort_at`,`id`);--> statement-breakpoint
CREATE INDEX `conversations_unread_sort_idx` ON `conversations` (`status`,`sort_at`,`id`) WHERE "conversations"."unread_count" > 0;--> statement-breakpoint
CREATE INDEX `conversations_important_sort_idx` ON `conversations` (`status`,`sort_at`,`id`) WHERE "conversations"."important" = 1;--> statement-breakpoint
CREATE INDEX `conversations_contact_idx` ON `conversations` (`contact_id`);--> statement-breakpoint
CREATE INDEX `conversations_sort_idx` ON `conversations` (`sort_at`,`id`);--> statement-breakpoint
CREATE TABLE `deferred_fields` (
	`entity` text NOT NULL,
	`id` text NOT NULL,
	`field` text NOT NULL,
	`value` text NOT NULL,
	`version` integer NOT NULL,
	PRIMARY KEY(`entity`, `id`, `field`)
);
--> statement-breakpoint
CREATE TABLE `drafts` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `history_floor` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`conv_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inbox_counts` (
	`bucket` text NOT NULL,
	`status` text NOT NULL,
	`total` integer NOT NULL,
	`unread` integer NOT NULL,
	`important` integer NOT NULL,
	PRIMARY KEY(`bucket`, `status`)
);
--> statement-breakpoint
CREATE TABLE `media_cache` (
	`media_id` text PRIMARY KEY NOT NULL,
	`file_name` text NOT NULL,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`last_used_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `media_cache_lru_idx` ON `media_cache` (`last_used_at`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `messages` (
	`rid` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`conversation_id` text NOT NULL,
	`conv_seq` integer NOT NULL,
	`search_text` text,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `messages_id_idx` ON `messages` (`id`);--> statement-breakpoint
CREATE INDEX `messages_conversation_seq_idx` ON `messages` (`conversation_id`,`conv_seq`);--> statement-breakpoint
CREATE TABLE `notes` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`conversation_id` text NOT NULL,
	`created_at` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `notes_conversation_idx` ON `notes` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`mutation_id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`args` text NOT NULL,
	`created_at` text NOT NULL,
	`mutator_version` integer NOT NULL,
	`status` text NOT NULL,
	`ack_seq` integer,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`conversation_id` text
);
--> statement-breakpoint
CREATE INDEX `outbox_status_idx` ON `outbox` (`status`,`mutation_id`);--> statement-breakpoint
CREATE INDEX `outbox_conversation_idx` ON `outbox` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `pending_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`mutation_id` integer NOT NULL,
	`conversation_id` text NOT NULL,
	`kind` text NOT NULL,
	`row` text NOT NULL,
	`state` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pending_messages_conversation_idx` ON `pending_messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `pending_messages_mutation_idx` ON `pending_messages` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `pending_patches` (
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`field` text NOT NULL,
	`value` text NOT NULL,
	`mutation_id` integer NOT NULL,
	PRIMARY KEY(`entity`, `entity_id`, `field`, `mutation_id`)
);
--> statement-breakpoint
CREATE INDEX `pending_patches_mutation_idx` ON `pending_patches` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `reactions` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reactions_message_idx` ON `reactions` (`message_id`);--> statement-breakpoint
CREATE INDEX `reactions_conversation_idx` ON `reactions` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`cursor` integer DEFAULT 0 NOT NULL,
	`lmid` integer DEFAULT 0 NOT NULL,
	`tenant_seq` integer DEFAULT 0 NOT NULL,
	`floor_seq` integer DEFAULT 0 NOT NULL,
	`bootstrap_phase` integer DEFAULT 0 NOT NULL,
	`snapshot_seq` integer,
	`next_mutation_id` integer DEFAULT 1 NOT NULL,
	`update_required` text,
	`backfill_paused` integer DEFAULT 0 NOT NULL,
	`pending_groups` text,
	CONSTRAINT "sync_state_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`row` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tombstones` (
	`entity` text NOT NULL,
	`id` text NOT NULL,
	`version` integer NOT NULL,
	`kind` text NOT NULL,
	PRIMARY KEY(`entity`, `id`)
);
--> statement-breakpoint
CREATE TABLE `whatsapp_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`row` text NOT NULL
);
