CREATE TYPE "public"."finding_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."finding_status" AS ENUM('pending', 'accepted', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."inspection_round_kind" AS ENUM('sweep', 'targeted');--> statement-breakpoint
CREATE TYPE "public"."inspection_round_status" AS ENUM('draft', 'generated', 'closed');--> statement-breakpoint
CREATE TYPE "public"."inspection_task_status" AS ENUM('assigned', 'accepted', 'reported', 'reviewed', 'expired', 'cancelled');--> statement-breakpoint
CREATE TABLE "inspection_findings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"report_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"description" text NOT NULL,
	"severity" "finding_severity" NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "finding_status" DEFAULT 'pending' NOT NULL,
	"review_note" text,
	"problem_id" uuid,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"task_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"visited_at" timestamp with time zone NOT NULL,
	"attitude" smallint NOT NULL,
	"efficiency" smallint NOT NULL,
	"quality" smallint NOT NULL,
	"environment" smallint NOT NULL,
	"discipline" smallint NOT NULL,
	"summary" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_rounds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"cycle_id" uuid,
	"kind" "inspection_round_kind" NOT NULL,
	"filter" jsonb,
	"unit_ids" jsonb,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"focus" text,
	"instructions" text,
	"seed" integer NOT NULL,
	"tasks_per_unit" integer DEFAULT 1 NOT NULL,
	"status" "inspection_round_status" DEFAULT 'draft' NOT NULL,
	"generated_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inspection_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"round_id" uuid NOT NULL,
	"supervisor_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"focus" text,
	"instructions" text,
	"status" "inspection_task_status" DEFAULT 'assigned' NOT NULL,
	"status_reason" text,
	"accepted_at" timestamp with time zone,
	"reported_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "supervisors" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"affiliation" text NOT NULL,
	"sector" text NOT NULL,
	"department_id" uuid,
	"phone" text,
	"email" text,
	"term_start" date NOT NULL,
	"term_end" date,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_task_id_inspection_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."inspection_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_report_id_inspection_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."inspection_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_findings" ADD CONSTRAINT "inspection_findings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD CONSTRAINT "inspection_reports_task_id_inspection_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."inspection_tasks"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_reports" ADD CONSTRAINT "inspection_reports_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_rounds" ADD CONSTRAINT "inspection_rounds_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_tasks" ADD CONSTRAINT "inspection_tasks_round_id_inspection_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."inspection_rounds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_tasks" ADD CONSTRAINT "inspection_tasks_supervisor_id_supervisors_id_fk" FOREIGN KEY ("supervisor_id") REFERENCES "public"."supervisors"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inspection_tasks" ADD CONSTRAINT "inspection_tasks_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "supervisors" ADD CONSTRAINT "supervisors_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inspection_findings_report_idx" ON "inspection_findings" USING btree ("report_id","position");--> statement-breakpoint
CREATE INDEX "inspection_findings_task_idx" ON "inspection_findings" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "inspection_findings_unit_status_idx" ON "inspection_findings" USING btree ("unit_id","status","id");--> statement-breakpoint
CREATE INDEX "inspection_findings_status_severity_idx" ON "inspection_findings" USING btree ("status","severity","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_reports_task_key" ON "inspection_reports" USING btree ("task_id");--> statement-breakpoint
CREATE INDEX "inspection_reports_unit_idx" ON "inspection_reports" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "inspection_rounds_cycle_idx" ON "inspection_rounds" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "inspection_rounds_status_idx" ON "inspection_rounds" USING btree ("status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inspection_tasks_round_unit_supervisor_key" ON "inspection_tasks" USING btree ("round_id","unit_id","supervisor_id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_round_idx" ON "inspection_tasks" USING btree ("round_id","id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_supervisor_idx" ON "inspection_tasks" USING btree ("supervisor_id","id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_unit_status_idx" ON "inspection_tasks" USING btree ("unit_id","status","id");--> statement-breakpoint
CREATE INDEX "inspection_tasks_status_idx" ON "inspection_tasks" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "supervisors_active_idx" ON "supervisors" USING btree ("active","id");--> statement-breakpoint
CREATE INDEX "supervisors_department_idx" ON "supervisors" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "supervisors_sector_idx" ON "supervisors" USING btree ("sector");