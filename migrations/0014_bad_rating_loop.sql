CREATE TYPE "public"."bad_rating_loop_state" AS ENUM('open', 'verified', 'rectifying', 'called_back', 'closed');--> statement-breakpoint
CREATE TYPE "public"."bad_rating_call_back_channel" AS ENUM('rater_link', 'phone');--> statement-breakpoint
CREATE TYPE "public"."bad_rating_verification_outcome" AS ENUM('substantiated', 'not_substantiated', 'malicious');--> statement-breakpoint
ALTER TYPE "public"."rating_channel" ADD VALUE 'qr_code';--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "state" "bad_rating_loop_state" DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "verify_by" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "verification" "bad_rating_verification_outcome";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "verification_reason" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "verified_by" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "problem_id" uuid;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "rectifying_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "rectifying_by" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "call_back_comment" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "call_back_channel" "bad_rating_call_back_channel";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "called_back_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "called_back_by" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "closed_by" text;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "close_note" text;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "presence_bound" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rating_follow_ups_state_deadline_idx" ON "rating_follow_ups" USING btree ("state","deadline");--> statement-breakpoint
CREATE INDEX "rating_follow_ups_problem_idx" ON "rating_follow_ups" USING btree ("problem_id");--> statement-breakpoint
-- 回访 rows from before the 差评核实 loop: resolved ones are closed as they were (their re_rating_level was entered by
-- the unit under the old rule, so no call-back channel is set: it is not counted as the rater's call-back); open and
-- contacted ones are open again and await verification (a contact note is kept in close_note).
UPDATE "rating_follow_ups" SET
  "state" = CASE WHEN "status" = 'resolved' THEN 'closed'::"bad_rating_loop_state" ELSE 'open'::"bad_rating_loop_state" END,
  "verify_by" = "deadline",
  "closed_at" = CASE WHEN "status" = 'resolved' THEN "resolved_at" END,
  "closed_by" = CASE WHEN "status" = 'resolved' THEN "resolved_by" END,
  "close_note" = CASE
    WHEN "status" = 'resolved' THEN "resolution"
    WHEN "contact_note" IS NOT NULL THEN 'contacted before verification existed: ' || "contact_note"
  END;
--> statement-breakpoint
DROP INDEX "rating_follow_ups_status_deadline_idx";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "status";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contact_note";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contacted_at";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contacted_by";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolution";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolved_at";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolved_by";--> statement-breakpoint
DROP TYPE "public"."follow_up_status";