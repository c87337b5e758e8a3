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
CREATE INDEX "rating_follow_ups_problem_idx" ON "rating_follow_ups" USING btree ("problem_id");