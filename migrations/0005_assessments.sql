CREATE TYPE "public"."scorecard_status" AS ENUM('draft', 'submitted', 'confirmed');--> statement-breakpoint
CREATE TABLE "scorecard_bonuses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scorecard_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"bonus_key" text NOT NULL,
	"points" numeric(7, 2) NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "scorecard_deductions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"scorecard_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"item_key" text NOT NULL,
	"rule_key" text NOT NULL,
	"occurrences" integer NOT NULL,
	"note" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scorecards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"enrollment_id" uuid NOT NULL,
	"criteria_set_id" uuid NOT NULL,
	"inspector_subject" text NOT NULL,
	"status" "scorecard_status" DEFAULT 'draft' NOT NULL,
	"returned_reason" text,
	"total" numeric(7, 2) DEFAULT 0 NOT NULL,
	"regular_total" numeric(7, 2) DEFAULT 0 NOT NULL,
	"bonus_total" numeric(7, 2) DEFAULT 0 NOT NULL,
	"assessed_on" date NOT NULL,
	"summary" text,
	"submitted_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scorecard_bonuses" ADD CONSTRAINT "scorecard_bonuses_scorecard_id_scorecards_id_fk" FOREIGN KEY ("scorecard_id") REFERENCES "public"."scorecards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecard_deductions" ADD CONSTRAINT "scorecard_deductions_scorecard_id_scorecards_id_fk" FOREIGN KEY ("scorecard_id") REFERENCES "public"."scorecards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_criteria_set_id_criteria_sets_id_fk" FOREIGN KEY ("criteria_set_id") REFERENCES "public"."criteria_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scorecard_bonuses_scorecard_idx" ON "scorecard_bonuses" USING btree ("scorecard_id","position");--> statement-breakpoint
CREATE INDEX "scorecard_deductions_scorecard_idx" ON "scorecard_deductions" USING btree ("scorecard_id","position");--> statement-breakpoint
CREATE INDEX "scorecards_cycle_unit_status_idx" ON "scorecards" USING btree ("cycle_id","unit_id","status");--> statement-breakpoint
CREATE INDEX "scorecards_unit_idx" ON "scorecards" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "scorecards_status_idx" ON "scorecards" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "scorecards_inspector_idx" ON "scorecards" USING btree ("inspector_subject","id");