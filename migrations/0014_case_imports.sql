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
	"status" "rating_import_status" DEFAULT 'processing' NOT NULL,
	"format" "rating_import_format" NOT NULL,
	"source" text NOT NULL,
	"policy" "rating_import_policy" NOT NULL,
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
ALTER TABLE "case_import_errors" ADD CONSTRAINT "case_import_errors_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_import_errors_import_idx" ON "case_import_errors" USING btree ("import_id","id");--> statement-breakpoint
CREATE INDEX "case_imports_created_by_idx" ON "case_imports" USING btree ("created_by","id");--> statement-breakpoint
CREATE INDEX "case_imports_status_idx" ON "case_imports" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "case_imports_processing_lease_idx" ON "case_imports" USING btree ("lease_expires_at") WHERE status = 'processing';--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_import_id_case_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."case_imports"("id") ON DELETE no action ON UPDATE no action;