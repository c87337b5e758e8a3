CREATE TYPE "public"."finding_category" AS ENUM('attitude', 'efficiency', 'quality', 'environment', 'discipline', 'other');--> statement-breakpoint
CREATE TYPE "public"."inspection_report_origin" AS ENUM('task', 'walk_in');--> statement-breakpoint
CREATE TYPE "public"."measure_status" AS ENUM('planned', 'in_progress', 'done');--> statement-breakpoint
CREATE TYPE "public"."deed_status" AS ENUM('reported', 'verified', 'rejected');--> statement-breakpoint
CREATE TABLE "problem_measures" (
	"id" uuid PRIMARY KEY NOT NULL,
	"problem_id" uuid,
	"unit_id" uuid,
	"department_id" uuid,
	"cycle_id" uuid,
	"text" text NOT NULL,
	"responsible_party" text,
	"due_on" date,
	"status" "measure_status" DEFAULT 'planned' NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "problem_measures_owner_check" CHECK ("problem_measures"."problem_id" is not null or "problem_measures"."unit_id" is not null or "problem_measures"."department_id" is not null)
);
--> statement-breakpoint
ALTER TABLE "inspection_findings" ALTER COLUMN "task_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection_reports" ALTER COLUMN "task_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD COLUMN "category" "finding_category" DEFAULT 'other' NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD COLUMN "origin" "inspection_report_origin" DEFAULT 'task' NOT NULL;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD COLUMN "supervisor_id" uuid;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD COLUMN "round_id" uuid;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "is_hot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "problems" ADD COLUMN "submitted_on_behalf_by" text;--> statement-breakpoint
ALTER TABLE "deeds" ADD COLUMN "is_hot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "deeds" ADD COLUMN "status" "deed_status" DEFAULT 'reported' NOT NULL;--> statement-breakpoint
ALTER TABLE "deeds" ADD COLUMN "decided_by" text;--> statement-breakpoint
ALTER TABLE "deeds" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deeds" ADD COLUMN "rejection_reason" text;--> statement-breakpoint
ALTER TABLE "problem_measures" ADD CONSTRAINT "problem_measures_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_measures" ADD CONSTRAINT "problem_measures_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_measures" ADD CONSTRAINT "problem_measures_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problem_measures" ADD CONSTRAINT "problem_measures_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "problem_measures_problem_idx" ON "problem_measures" USING btree ("problem_id","id");--> statement-breakpoint
CREATE INDEX "problem_measures_unit_idx" ON "problem_measures" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "problem_measures_department_idx" ON "problem_measures" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "problem_measures_status_idx" ON "problem_measures" USING btree ("status","id");--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD CONSTRAINT "inspection_reports_supervisor_id_supervisors_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."supervisors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD CONSTRAINT "inspection_reports_round_id_inspection_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."inspection_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inspection_reports_origin_idx" ON "inspection_reports" USING btree ("origin","id");--> statement-breakpoint
CREATE INDEX "inspection_reports_supervisor_idx" ON "inspection_reports" USING btree ("supervisor_id","id");--> statement-breakpoint
CREATE INDEX "inspection_reports_round_idx" ON "inspection_reports" USING btree ("round_id","id");--> statement-breakpoint
CREATE INDEX "problems_hot_status_idx" ON "problems" USING btree ("is_hot","status","id");--> statement-breakpoint
CREATE INDEX "deeds_status_idx" ON "deeds" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "deeds_hot_idx" ON "deeds" USING btree ("is_hot","id");--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD CONSTRAINT "inspection_reports_origin_task_check" CHECK (("inspection_reports"."origin" = 'task') = ("inspection_reports"."task_id" is not null));