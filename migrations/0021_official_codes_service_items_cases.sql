CREATE TYPE "public"."service_item_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TYPE "public"."case_import_format" AS ENUM('csv', 'ndjson');--> statement-breakpoint
CREATE TYPE "public"."case_import_policy" AS ENUM('partial', 'all_or_nothing');--> statement-breakpoint
CREATE TYPE "public"."case_import_status" AS ENUM('processing', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."case_state" AS ENUM('received', 'accepted', 'completed', 'returned', 'refused');--> statement-breakpoint
ALTER TYPE "public"."rating_channel" ADD VALUE 'window_device';--> statement-breakpoint
ALTER TYPE "public"."rating_channel" ADD VALUE 'kiosk';--> statement-breakpoint
ALTER TYPE "public"."rating_channel" ADD VALUE 'app';--> statement-breakpoint
CREATE TABLE "service_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"department_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"promised_days" integer NOT NULL,
	"modes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "service_item_status" DEFAULT 'active' NOT NULL,
	"retired_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_service_items" (
	"unit_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_service_items_unit_id_item_id_pk" PRIMARY KEY("unit_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "case_import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"field" text NOT NULL,
	"message" text NOT NULL,
	"raw" text
);
--> statement-breakpoint
CREATE TABLE "case_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" "case_import_status" DEFAULT 'processing' NOT NULL,
	"format" "case_import_format" NOT NULL,
	"source" text NOT NULL,
	"policy" "case_import_policy" NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"heartbeat_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"case_number" text NOT NULL,
	"item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"state" "case_state" DEFAULT 'received' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reason" text,
	"promised_days" integer NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"on_time" boolean,
	"one_week" boolean,
	"first_responder_hash" text,
	"import_id" uuid,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "regions" ADD COLUMN "division_code" text;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "org_code" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "org_code" text;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "case_id" uuid;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "staff_hash" text;--> statement-breakpoint
ALTER TABLE "service_items" ADD CONSTRAINT "service_items_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_service_items" ADD CONSTRAINT "unit_service_items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_service_items" ADD CONSTRAINT "unit_service_items_item_id_service_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."service_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_import_errors" ADD CONSTRAINT "case_import_errors_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_item_id_service_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."service_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_items_code_key" ON "service_items" USING btree ("code");--> statement-breakpoint
CREATE INDEX "service_items_department_idx" ON "service_items" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "service_items_status_idx" ON "service_items" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "service_items_modes_idx" ON "service_items" USING gin ("modes");--> statement-breakpoint
CREATE INDEX "service_items_name_trgm_idx" ON "service_items" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "unit_service_items_item_idx" ON "unit_service_items" USING btree ("item_id","unit_id");--> statement-breakpoint
CREATE INDEX "case_import_errors_import_idx" ON "case_import_errors" USING btree ("import_id","id");--> statement-breakpoint
CREATE INDEX "case_imports_created_by_idx" ON "case_imports" USING btree ("created_by","id");--> statement-breakpoint
CREATE INDEX "case_imports_status_idx" ON "case_imports" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "case_imports_processing_lease_idx" ON "case_imports" USING btree ("lease_expires_at") WHERE status = 'processing';--> statement-breakpoint
CREATE UNIQUE INDEX "cases_source_number_key" ON "cases" USING btree ("source","case_number");--> statement-breakpoint
CREATE INDEX "cases_unit_idx" ON "cases" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "cases_item_idx" ON "cases" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "cases_state_idx" ON "cases" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "cases_received_idx" ON "cases" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "cases_number_idx" ON "cases" USING btree ("case_number");--> statement-breakpoint
CREATE INDEX "cases_on_time_idx" ON "cases" USING btree ("on_time","id");--> statement-breakpoint
CREATE INDEX "cases_unit_closed_idx" ON "cases" USING btree ("unit_id","closed_at");--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "regions_division_code_key" ON "regions" USING btree ("division_code") WHERE "regions"."division_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "departments_org_code_key" ON "departments" USING btree ("org_code") WHERE "departments"."org_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "units_org_code_key" ON "units" USING btree ("org_code") WHERE "units"."org_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_case_key" ON "ratings" USING btree ("case_id") WHERE case_id is not null;