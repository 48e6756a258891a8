-- Hand-written (drizzle-kit generate --custom): room on every page of the day rollups for their
-- rows' next versions. Every message, first response and resolution rewrites a few of these rows
-- (their counts, min and max are not indexed), so with full pages each update moved the row to
-- another page and left a dead version behind until VACUUM: after the `reports` bench's seeding
-- (autovacuum off on the bench machine) report_duration_days held 28,709 live rows in 88 MB
-- (469,252 dead), and the overview read ten times the pages it needed. With half of each page
-- free the updates stay on their page (HOT) and the page prunes its dead versions itself.
-- The 15-minute counts are mostly inserted once and read in time order: they keep full pages.
ALTER TABLE report_count_days SET (fillfactor = 50);
--> statement-breakpoint
ALTER TABLE report_duration_days SET (fillfactor = 50);
