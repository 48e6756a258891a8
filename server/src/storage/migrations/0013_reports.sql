CREATE TABLE "away_message_marks" (
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"sent_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_cycles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"conversation_id" uuid NOT NULL,
	"whatsapp_account_id" uuid NOT NULL,
	"team_id" uuid,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"first_inbound_at" timestamp (3) with time zone,
	"first_response_at" timestamp (3) with time zone,
	"first_responder_id" uuid,
	"first_response_seconds" double precision,
	"first_response_business_seconds" double precision,
	"resolved_at" timestamp (3) with time zone,
	"resolved_assignee_id" uuid,
	"resolution_seconds" double precision,
	"resolution_business_seconds" double precision
);
--> statement-breakpoint
CREATE TABLE "report_message_hours" (
	"organization_id" uuid NOT NULL,
	"dimension" text NOT NULL,
	"hour" timestamp (3) with time zone NOT NULL,
	"dimension_id" uuid NOT NULL,
	"direction" "message_direction" NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "report_message_hours_organization_id_dimension_hour_dimension_id_direction_pk" PRIMARY KEY("organization_id","dimension","hour","dimension_id","direction")
);
--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "business_hours" jsonb;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "away_message_enabled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "away_message_text" text;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "away_message_gap_minutes" integer DEFAULT 720 NOT NULL;--> statement-breakpoint
ALTER TABLE "away_message_marks" ADD CONSTRAINT "away_message_marks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversation_cycles" ADD CONSTRAINT "conversation_cycles_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_message_hours" ADD CONSTRAINT "report_message_hours_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversation_cycles_open_key" ON "conversation_cycles" USING btree ("organization_id","conversation_id") WHERE "conversation_cycles"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "conversation_cycles_org_opened_idx" ON "conversation_cycles" USING btree ("organization_id","opened_at");--> statement-breakpoint
CREATE INDEX "conversation_cycles_org_first_response_idx" ON "conversation_cycles" USING btree ("organization_id","first_response_at");--> statement-breakpoint
CREATE INDEX "conversation_cycles_org_resolved_idx" ON "conversation_cycles" USING btree ("organization_id","resolved_at");