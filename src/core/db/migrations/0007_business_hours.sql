CREATE TABLE `business_hours` (
	`id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`row` text NOT NULL
);
