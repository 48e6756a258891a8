ALTER TABLE "reactions" ADD COLUMN "id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "reactions" ADD COLUMN "conversation_id" uuid;--> statement-breakpoint
ALTER TABLE "reactions" ADD COLUMN "version" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "message_status_events_org_callback_idx" ON "message_status_events" USING btree ("organization_id","callback_data") WHERE "message_status_events"."callback_data" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "reactions_id_key" ON "reactions" USING btree ("id");