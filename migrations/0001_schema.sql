CREATE TYPE "public"."region_level" AS ENUM('prefecture', 'county', 'township');--> statement-breakpoint
CREATE TYPE "public"."unit_category" AS ENUM('law_enforcement', 'public_service', 'economic_social_management');--> statement-breakpoint
CREATE TYPE "public"."cycle_phase" AS ENUM('draft', 'enrollment', 'assessment', 'ranking', 'naming', 'closed');--> statement-breakpoint
CREATE TYPE "public"."enrollment_status" AS ENUM('enrolled', 'withdrawn', 'disqualified');--> statement-breakpoint
CREATE TYPE "public"."scorecard_status" AS ENUM('draft', 'submitted', 'confirmed');--> statement-breakpoint
CREATE TYPE "public"."complaint_category" AS ENUM('service_attitude', 'efficiency', 'discipline', 'dress_and_conduct', 'fees', 'integrity', 'environment', 'other');--> statement-breakpoint
CREATE TYPE "public"."complaint_event_kind" AS ENUM('received', 'status_changed', 'response');--> statement-breakpoint
CREATE TYPE "public"."complaint_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."complaint_source" AS ENUM('portal', 'hotline', 'mailbox', 'sms', 'media', 'integration', 'walk_in');--> statement-breakpoint
CREATE TYPE "public"."complaint_status" AS ENUM('received', 'triaged', 'investigating', 'substantiated', 'unsubstantiated', 'closed');--> statement-breakpoint
CREATE TYPE "public"."finding_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."finding_status" AS ENUM('pending', 'accepted', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."inspection_round_kind" AS ENUM('sweep', 'targeted');--> statement-breakpoint
CREATE TYPE "public"."inspection_round_status" AS ENUM('draft', 'generated', 'closed');--> statement-breakpoint
CREATE TYPE "public"."inspection_task_status" AS ENUM('assigned', 'accepted', 'reported', 'reviewed', 'expired', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."problem_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."problem_source_type" AS ENUM('assessment_deduction', 'inspection_finding', 'complaint', 'rating', 'media', 'manual');--> statement-breakpoint
CREATE TYPE "public"."problem_status" AS ENUM('open', 'rectifying', 'submitted', 'verified');--> statement-breakpoint
CREATE TYPE "public"."accountability_cause_type" AS ENUM('inspection_finding', 'complaint', 'problem');--> statement-breakpoint
CREATE TYPE "public"."accountability_target_kind" AS ENUM('person', 'unit', 'department');--> statement-breakpoint
CREATE TYPE "public"."accountability_type" AS ENUM('interview', 'notice_of_criticism', 'disciplinary_action', 'demotion');--> statement-breakpoint
CREATE TYPE "public"."follow_up_status" AS ENUM('open', 'contacted', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."rating_channel" AS ENUM('questionnaire', 'household_visit', 'forum', 'phone_inquiry', 'sms', 'hotline', 'portal', 'mailbox', 'tv_inquiry', 'face_to_face_review', 'ten_thousand_review', 'three_party_inquiry');--> statement-breakpoint
CREATE TYPE "public"."rating_import_format" AS ENUM('csv', 'ndjson');--> statement-breakpoint
CREATE TYPE "public"."rating_import_policy" AS ENUM('partial', 'all_or_nothing');--> statement-breakpoint
CREATE TYPE "public"."rating_import_status" AS ENUM('processing', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."webhook_delivery_status" AS ENUM('pending', 'delivered', 'failed');--> statement-breakpoint
CREATE TYPE "public"."webhook_signing" AS ENUM('jws', 'hmac');--> statement-breakpoint
CREATE TYPE "public"."ranking_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."award_status" AS ENUM('active', 'rectification_ordered', 'yellow_card', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."award_tier" AS ENUM('top10', 'top100');--> statement-breakpoint
CREATE TYPE "public"."commendation_level" AS ENUM('provincial_leading_group', 'provincial_department', 'other');--> statement-breakpoint
CREATE TYPE "public"."nomination_status" AS ENUM('proposed', 'confirmed', 'superseded');--> statement-breakpoint
CREATE TABLE "departments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"sector" text NOT NULL,
	"level" "region_level" NOT NULL,
	"region_id" uuid NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"parent_id" uuid,
	"level" "region_level" NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text,
	"path" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" uuid PRIMARY KEY NOT NULL,
	"department_id" uuid NOT NULL,
	"region_id" uuid NOT NULL,
	"category" "unit_category" NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"head_name" text,
	"head_title" text,
	"address" text,
	"phone" text,
	"commitments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"service_items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"deactivated_at" timestamp with time zone,
	"deactivation_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "criteria_sets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"category" "unit_category" NOT NULL,
	"revision" integer NOT NULL,
	"document" jsonb NOT NULL,
	"copied_from_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cycles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"year" integer NOT NULL,
	"phase" "cycle_phase" DEFAULT 'draft' NOT NULL,
	"settings" jsonb NOT NULL,
	"phase_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrollments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"category" "unit_category" NOT NULL,
	"status" "enrollment_status" DEFAULT 'enrolled' NOT NULL,
	"reason" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_contacts" (
	"complaint_id" uuid PRIMARY KEY NOT NULL,
	"name" text,
	"phone" text,
	"email" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"complaint_id" uuid NOT NULL,
	"kind" "complaint_event_kind" NOT NULL,
	"from_status" "complaint_status",
	"to_status" "complaint_status",
	"note" text,
	"actor" text NOT NULL,
	"actor_role" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complaints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tracking_code" text NOT NULL,
	"source" "complaint_source" NOT NULL,
	"external_id" text,
	"category" "complaint_category" NOT NULL,
	"subject" text NOT NULL,
	"description" text NOT NULL,
	"unit_id" uuid,
	"cycle_id" uuid,
	"status" "complaint_status" DEFAULT 'received' NOT NULL,
	"stage_deadline" timestamp with time zone,
	"substantiated" boolean,
	"severity" "complaint_severity",
	"findings" text,
	"reply" text,
	"address" text,
	"lat" double precision,
	"long" double precision,
	"received_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
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
	"overdue_notified_at" timestamp with time zone,
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
CREATE TABLE "outbox_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"subscription_id" uuid NOT NULL,
	"status" "webhook_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_subscriptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"signing" "webhook_signing" NOT NULL,
	"secret" text,
	"description" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ranking_entries" (
	"ranking_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"unit_name" text NOT NULL,
	"department_id" uuid NOT NULL,
	"region_id" uuid NOT NULL,
	"category" "unit_category" NOT NULL,
	"rank" integer NOT NULL,
	"score" double precision NOT NULL,
	"assessment" double precision,
	"inspection" double precision,
	"public_satisfaction" double precision,
	"deductions" double precision DEFAULT 0 NOT NULL,
	"bonus" double precision DEFAULT 0 NOT NULL,
	"components" jsonb NOT NULL,
	"flags" text[] DEFAULT '{}' NOT NULL,
	"ratings" integer NOT NULL,
	"scorecards" integer NOT NULL,
	"reports" integer NOT NULL,
	"p_low" double precision,
	"p_high" double precision,
	CONSTRAINT "ranking_entries_ranking_id_unit_id_pk" PRIMARY KEY("ranking_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "rankings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"status" "ranking_status" DEFAULT 'draft' NOT NULL,
	"publication_version" integer,
	"formula_version" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"input_counts" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"computed_by" text NOT NULL,
	"published_at" timestamp with time zone,
	"published_by" text
);
--> statement-breakpoint
CREATE TABLE "award_transitions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"award_id" uuid NOT NULL,
	"from_status" "award_status" NOT NULL,
	"to_status" "award_status" NOT NULL,
	"reason" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"deadline" timestamp with time zone,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "awards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"tier" "award_tier" NOT NULL,
	"category" "unit_category" NOT NULL,
	"certificate_no" text NOT NULL,
	"status" "award_status" DEFAULT 'active' NOT NULL,
	"rectification_deadline" timestamp with time zone,
	"nomination_id" uuid NOT NULL,
	"ranking_id" uuid NOT NULL,
	"named_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "commendations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid NOT NULL,
	"cycle_id" uuid,
	"level" "commendation_level" NOT NULL,
	"title" text NOT NULL,
	"conferred_by" text NOT NULL,
	"conferred_on" date NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "nomination_candidates" (
	"nomination_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"tier" "award_tier" NOT NULL,
	"category" "unit_category" NOT NULL,
	"position" integer NOT NULL,
	"score" double precision NOT NULL,
	"rank" integer NOT NULL,
	CONSTRAINT "nomination_candidates_nomination_id_unit_id_pk" PRIMARY KEY("nomination_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "nominations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cycle_id" uuid NOT NULL,
	"ranking_id" uuid NOT NULL,
	"status" "nomination_status" DEFAULT 'proposed' NOT NULL,
	"quotas" jsonb NOT NULL,
	"strikes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"passed_over" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"confirmed_by" text,
	"confirmed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "departments" ADD CONSTRAINT "departments_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_id_regions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "criteria_sets" ADD CONSTRAINT "criteria_sets_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecard_bonuses" ADD CONSTRAINT "scorecard_bonuses_scorecard_id_scorecards_id_fk" FOREIGN KEY ("scorecard_id") REFERENCES "public"."scorecards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecard_deductions" ADD CONSTRAINT "scorecard_deductions_scorecard_id_scorecards_id_fk" FOREIGN KEY ("scorecard_id") REFERENCES "public"."scorecards"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_enrollment_id_enrollments_id_fk" FOREIGN KEY ("enrollment_id") REFERENCES "public"."enrollments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scorecards" ADD CONSTRAINT "scorecards_criteria_set_id_criteria_sets_id_fk" FOREIGN KEY ("criteria_set_id") REFERENCES "public"."criteria_sets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_contacts" ADD CONSTRAINT "complaint_contacts_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
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
ALTER TABLE "problem_events" ADD CONSTRAINT "problem_events_problem_id_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "problems" ADD CONSTRAINT "problems_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deeds" ADD CONSTRAINT "deeds_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deeds" ADD CONSTRAINT "deeds_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD CONSTRAINT "accountability_actions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD CONSTRAINT "accountability_actions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_rating_id_ratings_id_fk" FOREIGN KEY ("rating_id") REFERENCES "public"."ratings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_import_errors" ADD CONSTRAINT "rating_import_errors_import_id_rating_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."rating_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_import_id_rating_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."rating_imports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_subscription_id_webhook_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."webhook_subscriptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_ranking_id_rankings_id_fk" FOREIGN KEY ("ranking_id") REFERENCES "public"."rankings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "award_transitions" ADD CONSTRAINT "award_transitions_award_id_awards_id_fk" FOREIGN KEY ("award_id") REFERENCES "public"."awards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_nomination_id_nominations_id_fk" FOREIGN KEY ("nomination_id") REFERENCES "public"."nominations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "awards" ADD CONSTRAINT "awards_ranking_id_rankings_id_fk" FOREIGN KEY ("ranking_id") REFERENCES "public"."rankings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commendations" ADD CONSTRAINT "commendations_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "commendations" ADD CONSTRAINT "commendations_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nomination_candidates" ADD CONSTRAINT "nomination_candidates_nomination_id_nominations_id_fk" FOREIGN KEY ("nomination_id") REFERENCES "public"."nominations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nomination_candidates" ADD CONSTRAINT "nomination_candidates_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nominations" ADD CONSTRAINT "nominations_ranking_id_rankings_id_fk" FOREIGN KEY ("ranking_id") REFERENCES "public"."rankings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "departments_region_idx" ON "departments" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "departments_sector_idx" ON "departments" USING btree ("sector");--> statement-breakpoint
CREATE UNIQUE INDEX "departments_name_region_key" ON "departments" USING btree ("name","region_id");--> statement-breakpoint
CREATE UNIQUE INDEX "regions_code_key" ON "regions" USING btree ("code");--> statement-breakpoint
CREATE INDEX "regions_parent_idx" ON "regions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "regions_path_idx" ON "regions" USING btree ("path" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "units_department_idx" ON "units" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "units_region_idx" ON "units" USING btree ("region_id","id");--> statement-breakpoint
CREATE INDEX "units_category_idx" ON "units" USING btree ("category","id");--> statement-breakpoint
CREATE INDEX "units_name_trgm_idx" ON "units" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "criteria_sets_cycle_category_revision_key" ON "criteria_sets" USING btree ("cycle_id","category","revision");--> statement-breakpoint
CREATE INDEX "cycles_year_idx" ON "cycles" USING btree ("year","id");--> statement-breakpoint
CREATE INDEX "cycles_phase_idx" ON "cycles" USING btree ("phase","id");--> statement-breakpoint
CREATE UNIQUE INDEX "enrollments_cycle_unit_key" ON "enrollments" USING btree ("cycle_id","unit_id");--> statement-breakpoint
CREATE INDEX "enrollments_cycle_status_idx" ON "enrollments" USING btree ("cycle_id","status","id");--> statement-breakpoint
CREATE INDEX "enrollments_cycle_category_idx" ON "enrollments" USING btree ("cycle_id","category","id");--> statement-breakpoint
CREATE INDEX "enrollments_unit_idx" ON "enrollments" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "scorecard_bonuses_scorecard_idx" ON "scorecard_bonuses" USING btree ("scorecard_id","position");--> statement-breakpoint
CREATE INDEX "scorecard_deductions_scorecard_idx" ON "scorecard_deductions" USING btree ("scorecard_id","position");--> statement-breakpoint
CREATE INDEX "scorecards_cycle_unit_status_idx" ON "scorecards" USING btree ("cycle_id","unit_id","status");--> statement-breakpoint
CREATE INDEX "scorecards_unit_idx" ON "scorecards" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "scorecards_status_idx" ON "scorecards" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "scorecards_inspector_idx" ON "scorecards" USING btree ("inspector_subject","id");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id","seq");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor","seq");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_log_occurred_idx" ON "audit_log" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "complaint_events_complaint_idx" ON "complaint_events" USING btree ("complaint_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_tracking_code_key" ON "complaints" USING btree ("tracking_code");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_source_external_key" ON "complaints" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "complaints_status_idx" ON "complaints" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "complaints_unit_idx" ON "complaints" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "complaints_category_idx" ON "complaints" USING btree ("category","id");--> statement-breakpoint
CREATE INDEX "complaints_source_idx" ON "complaints" USING btree ("source","id");--> statement-breakpoint
CREATE INDEX "complaints_received_idx" ON "complaints" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "complaints_cycle_unit_idx" ON "complaints" USING btree ("cycle_id","unit_id");--> statement-breakpoint
CREATE INDEX "complaints_open_deadline_idx" ON "complaints" USING btree ("stage_deadline") WHERE status <> 'closed';--> statement-breakpoint
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
CREATE INDEX "supervisors_sector_idx" ON "supervisors" USING btree ("sector");--> statement-breakpoint
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
CREATE INDEX "accountability_decided_idx" ON "accountability_actions" USING btree ("decided_at");--> statement-breakpoint
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
CREATE INDEX "ratings_import_idx" ON "ratings" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "outbox_events_type_idx" ON "outbox_events" USING btree ("type","id");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_event_subscription_key" ON "webhook_deliveries" USING btree ("event_id","subscription_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_subscription_idx" ON "webhook_deliveries" USING btree ("subscription_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_entries_rank_key" ON "ranking_entries" USING btree ("ranking_id","category","rank");--> statement-breakpoint
CREATE INDEX "ranking_entries_department_idx" ON "ranking_entries" USING btree ("ranking_id","department_id");--> statement-breakpoint
CREATE INDEX "ranking_entries_region_idx" ON "ranking_entries" USING btree ("ranking_id","region_id");--> statement-breakpoint
CREATE INDEX "ranking_entries_unit_idx" ON "ranking_entries" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "rankings_cycle_idx" ON "rankings" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rankings_cycle_publication_key" ON "rankings" USING btree ("cycle_id","publication_version") WHERE "rankings"."publication_version" is not null;--> statement-breakpoint
CREATE INDEX "award_transitions_award_idx" ON "award_transitions" USING btree ("award_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "awards_cycle_unit_key" ON "awards" USING btree ("cycle_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "awards_certificate_no_key" ON "awards" USING btree ("certificate_no");--> statement-breakpoint
CREATE INDEX "awards_cycle_status_idx" ON "awards" USING btree ("cycle_id","status","id");--> statement-breakpoint
CREATE INDEX "awards_cycle_tier_idx" ON "awards" USING btree ("cycle_id","tier","id");--> statement-breakpoint
CREATE INDEX "awards_unit_idx" ON "awards" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "awards_overdue_idx" ON "awards" USING btree ("rectification_deadline") WHERE "awards"."status" = 'rectification_ordered';--> statement-breakpoint
CREATE INDEX "commendations_unit_idx" ON "commendations" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "commendations_cycle_idx" ON "commendations" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "commendations_level_idx" ON "commendations" USING btree ("level","id");--> statement-breakpoint
CREATE INDEX "nominations_cycle_idx" ON "nominations" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "nominations_cycle_current_key" ON "nominations" USING btree ("cycle_id") WHERE "nominations"."status" <> 'superseded';