CREATE TABLE "report_count_days" (
	"organization_id" uuid NOT NULL,
	"dimension" text NOT NULL,
	"day" timestamp (3) with time zone NOT NULL,
	"dimension_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "report_count_days_organization_id_dimension_day_dimension_id_measure_pk" PRIMARY KEY("organization_id","dimension","day","dimension_id","measure")
);
--> statement-breakpoint
CREATE TABLE "report_count_quarters" (
	"organization_id" uuid NOT NULL,
	"dimension" text NOT NULL,
	"quarter" timestamp (3) with time zone NOT NULL,
	"dimension_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"count" bigint NOT NULL,
	CONSTRAINT "report_count_quarters_organization_id_dimension_quarter_dimension_id_measure_pk" PRIMARY KEY("organization_id","dimension","quarter","dimension_id","measure")
);
--> statement-breakpoint
CREATE TABLE "report_duration_days" (
	"organization_id" uuid NOT NULL,
	"measure" text NOT NULL,
	"clock" text NOT NULL,
	"day" timestamp (3) with time zone NOT NULL,
	"dimension" text NOT NULL,
	"dimension_id" uuid NOT NULL,
	"bucket" integer NOT NULL,
	"count" bigint NOT NULL,
	"min" double precision NOT NULL,
	"max" double precision NOT NULL,
	CONSTRAINT "report_duration_days_organization_id_measure_clock_day_dimension_dimension_id_bucket_pk" PRIMARY KEY("organization_id","measure","clock","day","dimension","dimension_id","bucket")
);
--> statement-breakpoint
DROP TABLE "report_message_hours" CASCADE;--> statement-breakpoint
ALTER TABLE "report_count_days" ADD CONSTRAINT "report_count_days_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_count_quarters" ADD CONSTRAINT "report_count_quarters_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_duration_days" ADD CONSTRAINT "report_duration_days_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;