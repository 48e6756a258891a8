CREATE TABLE "message_quota_usage" (
	"organization_id" uuid NOT NULL,
	"month" text NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_quota_usage_organization_id_month_pk" PRIMARY KEY("organization_id","month")
);
--> statement-breakpoint
ALTER TABLE "whatsapp_accounts" ADD COLUMN "owner_user_id" uuid;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "owner_id" uuid;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "default_whatsapp_account_id" uuid;--> statement-breakpoint
ALTER TABLE "organization_settings" ADD COLUMN "monthly_message_quota" integer;--> statement-breakpoint
ALTER TABLE "message_quota_usage" ADD CONSTRAINT "message_quota_usage_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "whatsapp_accounts" ADD CONSTRAINT "whatsapp_accounts_owner_user_id_users_id_fk" FOREIGN KEY ("owner_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;