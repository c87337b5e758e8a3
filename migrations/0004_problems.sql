CREATE TYPE "public"."problem_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."problem_source_type" AS ENUM('assessment_deduction', 'inspection_finding', 'complaint', 'rating', 'media', 'manual');--> statement-breakpoint
CREATE TYPE "public"."problem_status" AS ENUM('open', 'rectifying', 'submitted', 'verified');--> statement-breakpoint
CREATE TYPE "public"."accountability_cause_type" AS ENUM('inspection_finding', 'complaint', 'problem');--> statement-breakpoint
CREATE TYPE "public"."accountability_target_kind" AS ENUM('person', 'unit', 'department');--> statement-breakpoint
CREATE TYPE "public"."accountability_type" AS ENUM('interview', 'notice_of_criticism', 'disciplinary_action', 'demotion');--> statement-breakpoint
CREATE TABLE "problem_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"problem_id" uuid NOT NULL,
	"action" text NOT NULL,
	"from_status" "problem_status",
	"to_status" "problem_status" NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "problems" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"cycle_id" uuid,
	"source_type" "problem_source_type" NOT NULL,
	"source_id" uuid,
	"severity" "problem_severity" NOT NULL,
	"description" text NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"responsible_person" text,
	"responsibility_letter_signed" boolean DEFAULT false NOT NULL,
	"signed_at" timestamp with time zone,
	"status" "problem_status" DEFAULT 'open' NOT NULL,
	"measures" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rejection_reason" text,
	"submitted_at" timestamp with time zone,
	"verified_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deeds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"cycle_id" uuid,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"done_on" date NOT NULL,
	"beneficiaries" integer,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_by_role" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accountability_actions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" "accountability_type" NOT NULL,
	"target_kind" "accountability_target_kind" NOT NULL,
	"unit_id" uuid,
	"department_id" uuid,
	"person_name" text,
	"person_role" text,
	"reason" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"cause_type" "accountability_cause_type" NOT NULL,
	"cause_id" uuid NOT NULL,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "problem_events" ADD CONSTRAINT "problem_events_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deeds" ADD CONSTRAINT "deeds_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deeds" ADD CONSTRAINT "deeds_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD CONSTRAINT "accountability_actions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD CONSTRAINT "accountability_actions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "problem_events_problem_idx" ON "problem_events" USING btree ("problem_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "problems_source_key" ON "problems" USING btree ("source_type","source_id") WHERE "problems"."source_id" is not null;--> statement-breakpoint
CREATE INDEX "problems_status_deadline_idx" ON "problems" USING btree ("status","deadline");--> statement-breakpoint
CREATE INDEX "problems_unit_idx" ON "problems" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "problems_cycle_unit_idx" ON "problems" USING btree ("cycle_id","unit_id");--> statement-breakpoint
CREATE INDEX "problems_severity_idx" ON "problems" USING btree ("severity","id");--> statement-breakpoint
CREATE INDEX "problems_source_type_idx" ON "problems" USING btree ("source_type","id");--> statement-breakpoint
CREATE INDEX "deeds_unit_done_idx" ON "deeds" USING btree ("unit_id","done_on");--> statement-breakpoint
CREATE INDEX "deeds_cycle_idx" ON "deeds" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "deeds_done_idx" ON "deeds" USING btree ("done_on");--> statement-breakpoint
CREATE INDEX "accountability_unit_idx" ON "accountability_actions" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "accountability_department_idx" ON "accountability_actions" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "accountability_type_idx" ON "accountability_actions" USING btree ("type","id");--> statement-breakpoint
CREATE INDEX "accountability_target_kind_idx" ON "accountability_actions" USING btree ("target_kind","id");--> statement-breakpoint
CREATE INDEX "accountability_cause_idx" ON "accountability_actions" USING btree ("cause_type","cause_id");--> statement-breakpoint
CREATE INDEX "accountability_decided_idx" ON "accountability_actions" USING btree ("decided_at");