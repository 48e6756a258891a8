CREATE TABLE `staged_media` (
	`id` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`file_name` text NOT NULL,
	`mime_type` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	`server_media_id` text,
	`uploaded_at` integer
);
--> statement-breakpoint
CREATE INDEX `staged_media_server_idx` ON `staged_media` (`server_media_id`);--> statement-breakpoint
CREATE INDEX `staged_media_sha_idx` ON `staged_media` (`sha256`);