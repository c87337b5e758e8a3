CREATE TYPE "public"."rating_hold_status" AS ENUM('none', 'held', 'cleared', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."appeal_kind" AS ENUM('rating', 'scorecard_deduction', 'inspection_finding', 'disqualification', 'award_transition', 'complaint');--> statement-breakpoint
CREATE TYPE "public"."appeal_status" AS ENUM('filed', 'under_review', 'upheld', 'rejected', 'withdrawn');--> statement-breakpoint
CREATE TABLE "appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "appeal_kind" NOT NULL,
	"subject_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"cycle_id" uuid,
	"appellant_role" text NOT NULL,
	"appellant_subject" text NOT NULL,
	"grounds" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"original_actors" text[] DEFAULT '{}' NOT NULL,
	"status" "appeal_status" DEFAULT 'filed' NOT NULL,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"review_started_at" timestamp with time zone,
	"reviewer" text,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"decider_role" text,
	"decision_reason" text,
	"remedy" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "source_ip_hash" text;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "hold_status" "rating_hold_status" DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "hold_signals" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "held_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "hold_reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "hold_reviewed_by" text;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "supersedes" uuid;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "correction_reason" text;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_open_subject_key" ON "appeals" USING btree ("kind","subject_id") WHERE "appeals"."status" in ('filed', 'under_review');--> statement-breakpoint
CREATE INDEX "appeals_subject_idx" ON "appeals" USING btree ("kind","subject_id");--> statement-breakpoint
CREATE INDEX "appeals_status_deadline_idx" ON "appeals" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "appeals_unit_idx" ON "appeals" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "appeals_cycle_status_idx" ON "appeals" USING btree ("cycle_id","status");--> statement-breakpoint
CREATE INDEX "appeals_kind_idx" ON "appeals" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "ratings_hold_idx" ON "ratings" USING btree ("hold_status","unit_id","id") WHERE hold_status <> 'none';--> statement-breakpoint
CREATE INDEX "ratings_respondent_received_idx" ON "ratings" USING btree ("respondent_hash","received_at") WHERE respondent_hash is not null;--> statement-breakpoint
CREATE INDEX "ratings_ip_received_idx" ON "ratings" USING btree ("source_ip_hash","received_at") WHERE source_ip_hash is not null;--> statement-breakpoint
CREATE INDEX "ratings_unit_received_idx" ON "ratings" USING btree ("unit_id","received_at");