CREATE TABLE "webhook_quarantine" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid,
	"whatsapp_account_id" uuid,
	"receipt_id" bigint NOT NULL,
	"outcome" text NOT NULL,
	"event_kind" text,
	"external_id" text,
	"event" jsonb,
	"error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"account" text NOT NULL,
	"ip" text NOT NULL,
	"failures" integer NOT NULL,
	"last_failure_at" timestamp (3) with time zone NOT NULL,
	"blocked_until" timestamp (3) with time zone,
	CONSTRAINT "login_attempts_account_ip_pk" PRIMARY KEY("account","ip")
);
--> statement-breakpoint
ALTER TABLE "webhook_quarantine" ADD CONSTRAINT "webhook_quarantine_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_quarantine" ADD CONSTRAINT "webhook_quarantine_whatsapp_account_id_whatsapp_accounts_id_fk" FOREIGN KEY ("whatsapp_account_id") REFERENCES "public"."whatsapp_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "webhook_quarantine_org_time_idx" ON "webhook_quarantine" USING btree ("organization_id","created_at","id");