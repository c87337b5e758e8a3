CREATE TYPE "public"."follow_up_status" AS ENUM('open', 'contacted', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."rating_channel" AS ENUM('questionnaire', 'household_visit', 'forum', 'phone_inquiry', 'sms', 'hotline', 'portal', 'mailbox', 'tv_inquiry', 'face_to_face_review', 'ten_thousand_review', 'three_party_inquiry');--> statement-breakpoint
CREATE TYPE "public"."rating_import_format" AS ENUM('csv', 'ndjson');--> statement-breakpoint
CREATE TYPE "public"."rating_import_policy" AS ENUM('partial', 'all_or_nothing');--> statement-breakpoint
CREATE TYPE "public"."rating_import_status" AS ENUM('processing', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "rating_follow_ups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"rating_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"status" "follow_up_status" DEFAULT 'open' NOT NULL,
	"contact_note" text,
	"contacted_at" timestamp with time zone,
	"contacted_by" text,
	"resolution" text,
	"re_rating_level" smallint,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rating_follow_ups_re_rating_check" CHECK (re_rating_level is null or re_rating_level between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "rating_import_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"field" text NOT NULL,
	"message" text NOT NULL,
	"raw" text
);
--> statement-breakpoint
CREATE TABLE "rating_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"status" "rating_import_status" DEFAULT 'processing' NOT NULL,
	"format" "rating_import_format" NOT NULL,
	"source" text NOT NULL,
	"policy" "rating_import_policy" NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"follow_ups_opened" integer DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ratings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"cycle_id" uuid,
	"channel" "rating_channel" NOT NULL,
	"level" smallint NOT NULL,
	"comment" text,
	"collected_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"respondent_hash" text,
	"limited_day" date,
	"limit_slot" smallint,
	"import_id" uuid,
	"submitted_by" text NOT NULL,
	CONSTRAINT "ratings_level_check" CHECK (level between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_rating_id_ratings_id_fk" FOREIGN KEY ("rating_id") REFERENCES "public"."ratings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_import_errors" ADD CONSTRAINT "rating_import_errors_import_id_rating_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."rating_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_import_id_rating_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."rating_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rating_follow_ups_rating_key" ON "rating_follow_ups" USING btree ("rating_id");--> statement-breakpoint
CREATE INDEX "rating_follow_ups_unit_idx" ON "rating_follow_ups" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "rating_follow_ups_status_deadline_idx" ON "rating_follow_ups" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "rating_import_errors_import_idx" ON "rating_import_errors" USING btree ("import_id","id");--> statement-breakpoint
CREATE INDEX "rating_imports_created_by_idx" ON "rating_imports" USING btree ("created_by","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_source_external_id_key" ON "ratings" USING btree ("source","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_respondent_day_key" ON "ratings" USING btree ("respondent_hash","unit_id","limited_day","limit_slot") WHERE limited_day is not null;--> statement-breakpoint
CREATE INDEX "ratings_counts_idx" ON "ratings" USING btree ("unit_id","cycle_id","channel","level");--> statement-breakpoint
CREATE INDEX "ratings_cycle_idx" ON "ratings" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "ratings_collected_idx" ON "ratings" USING btree ("collected_at");--> statement-breakpoint
CREATE INDEX "ratings_import_idx" ON "ratings" USING btree ("import_id");