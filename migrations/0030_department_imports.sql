CREATE TYPE "public"."department_import_format" AS ENUM('csv', 'ndjson');--> statement-breakpoint
CREATE TYPE "public"."department_import_policy" AS ENUM('partial', 'all_or_nothing');--> statement-breakpoint
CREATE TYPE "public"."department_import_status" AS ENUM('processing', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "department_import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"field" text NOT NULL,
	"message" text NOT NULL,
	"raw" text
);
--> statement-breakpoint
CREATE TABLE "department_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" "department_import_status" DEFAULT 'processing' NOT NULL,
	"format" "department_import_format" NOT NULL,
	"source" text NOT NULL,
	"policy" "department_import_policy" NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"heartbeat_at" timestamp with time zone,
	"lease_expires_at" timestamp with time zone,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "department_import_errors" ADD CONSTRAINT "department_import_errors_import_id_department_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."department_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "department_import_errors_import_idx" ON "department_import_errors" USING btree ("import_id","id");--> statement-breakpoint
CREATE INDEX "department_imports_created_by_idx" ON "department_imports" USING btree ("created_by","id");--> statement-breakpoint
CREATE INDEX "department_imports_processing_lease_idx" ON "department_imports" USING btree ("lease_expires_at") WHERE status = 'processing';