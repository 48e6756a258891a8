CREATE TYPE "public"."member_availability" AS ENUM('available', 'away');--> statement-breakpoint
CREATE TABLE "auto_assign_scopes" (
	"organization_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auto_assign_scopes_organization_id_kind_target_id_pk" PRIMARY KEY("organization_id","kind","target_id"),
	CONSTRAINT "auto_assign_scopes_kind_check" CHECK ("auto_assign_scopes"."kind" in ('team', 'number'))
);
--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "availability" "member_availability" DEFAULT 'available' NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "online" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_seen_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "capacity" integer;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "last_assigned_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "waiting_since" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "auto_assign_pending" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "auto_assign_scopes" ADD CONSTRAINT "auto_assign_scopes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_online_seen_idx" ON "memberships" USING btree ("last_seen_at") WHERE "memberships"."online";--> statement-breakpoint
CREATE INDEX "conversations_org_auto_assign_idx" ON "conversations" USING btree ("organization_id","waiting_since") WHERE "conversations"."auto_assign_pending";