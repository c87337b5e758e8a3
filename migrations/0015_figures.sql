CREATE TYPE "public"."outreach_kind" AS ENUM('opinion_forms', 'household_visits', 'forums', 'questionnaires', 'phone_inquiries', 'sms');--> statement-breakpoint
CREATE TYPE "public"."suggestion_status" AS ENUM('received', 'answered', 'adopted');--> statement-breakpoint
CREATE TYPE "public"."inquiry_result_kind" AS ENUM('satisfaction_percent', 'score');--> statement-breakpoint
CREATE TYPE "public"."media_kind" AS ENUM('newspaper_column', 'news_item', 'tv_special', 'tv_inquiry', 'sms_publicity');--> statement-breakpoint
CREATE TYPE "public"."power_cleanup_outcome" AS ENUM('kept', 'merged', 'abolished');--> statement-breakpoint
CREATE TYPE "public"."power_item_kind" AS ENUM('administrative_power', 'service_item');--> statement-breakpoint
CREATE TYPE "public"."fund_source" AS ENUM('fiscal', 'self_raised', 'enterprise', 'mixed');--> statement-breakpoint
CREATE TABLE "outreach_activities" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "outreach_kind" NOT NULL,
	"held_on" date NOT NULL,
	"cycle_id" uuid,
	"unit_id" uuid,
	"department_id" uuid,
	"region_id" uuid,
	"quantity" integer NOT NULL,
	"secondary" integer,
	"notes" text,
	"recorded_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suggestions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"text" text NOT NULL,
	"activity_id" uuid,
	"cycle_id" uuid,
	"unit_id" uuid,
	"department_id" uuid,
	"received_on" date NOT NULL,
	"status" "suggestion_status" DEFAULT 'received' NOT NULL,
	"reply" text,
	"replied_by" text,
	"replied_at" timestamp with time zone,
	"recorded_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media_inquiry_appearances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"media_item_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"person_name" text NOT NULL,
	"person_title" text,
	"department_id" uuid NOT NULL,
	"result_kind" "inquiry_result_kind",
	"result" numeric(6, 2)
);
--> statement-breakpoint
CREATE TABLE "media_item_departments" (
	"media_item_id" uuid NOT NULL,
	"department_id" uuid NOT NULL,
	CONSTRAINT "media_item_departments_media_item_id_department_id_pk" PRIMARY KEY("media_item_id","department_id")
);
--> statement-breakpoint
CREATE TABLE "media_item_units" (
	"media_item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	CONSTRAINT "media_item_units_media_item_id_unit_id_pk" PRIMARY KEY("media_item_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "media_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" "media_kind" NOT NULL,
	"outlet" text NOT NULL,
	"title" text NOT NULL,
	"published_on" date NOT NULL,
	"cycle_id" uuid,
	"quantity" integer DEFAULT 1 NOT NULL,
	"word_count" integer,
	"episodes" integer,
	"messages" integer,
	"recorded_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "power_list_cleanups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"department_id" uuid NOT NULL,
	"cycle_id" uuid,
	"item_kind" "power_item_kind" NOT NULL,
	"level" "region_level" NOT NULL,
	"registered" integer NOT NULL,
	"kept" integer NOT NULL,
	"merged" integer NOT NULL,
	"abolished" integer NOT NULL,
	"notes" text,
	"recorded_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "power_list_cleanups_key" UNIQUE NULLS NOT DISTINCT("department_id","cycle_id","item_kind")
);
--> statement-breakpoint
CREATE TABLE "power_list_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cleanup_id" uuid NOT NULL,
	"name" text NOT NULL,
	"outcome" "power_cleanup_outcome" NOT NULL,
	"service_item_code" text
);
--> statement-breakpoint
CREATE TABLE "investments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" uuid,
	"department_id" uuid,
	"region_id" uuid,
	"project_name" text,
	"cycle_id" uuid,
	"invested_on" date NOT NULL,
	"amount_fen" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"fund_source" "fund_source" NOT NULL,
	"purpose" text NOT NULL,
	"built_quantity" integer,
	"built_what" text,
	"recorded_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_activity_id_outreach_activities_id_fk" FOREIGN KEY ("activity_id") REFERENCES "public"."outreach_activities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_inquiry_appearances" ADD CONSTRAINT "media_inquiry_appearances_media_item_id_media_items_id_fk" FOREIGN KEY ("media_item_id") REFERENCES "public"."media_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_inquiry_appearances" ADD CONSTRAINT "media_inquiry_appearances_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_item_departments" ADD CONSTRAINT "media_item_departments_media_item_id_media_items_id_fk" FOREIGN KEY ("media_item_id") REFERENCES "public"."media_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_item_departments" ADD CONSTRAINT "media_item_departments_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_item_units" ADD CONSTRAINT "media_item_units_media_item_id_media_items_id_fk" FOREIGN KEY ("media_item_id") REFERENCES "public"."media_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_item_units" ADD CONSTRAINT "media_item_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "media_items" ADD CONSTRAINT "media_items_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_list_cleanups" ADD CONSTRAINT "power_list_cleanups_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_list_cleanups" ADD CONSTRAINT "power_list_cleanups_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "power_list_items" ADD CONSTRAINT "power_list_items_cleanup_id_power_list_cleanups_id_fk" FOREIGN KEY ("cleanup_id") REFERENCES "public"."power_list_cleanups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outreach_activities_kind_held_idx" ON "outreach_activities" USING btree ("kind","held_on");--> statement-breakpoint
CREATE INDEX "outreach_activities_held_idx" ON "outreach_activities" USING btree ("held_on");--> statement-breakpoint
CREATE INDEX "outreach_activities_cycle_idx" ON "outreach_activities" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "outreach_activities_unit_idx" ON "outreach_activities" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "outreach_activities_department_idx" ON "outreach_activities" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "outreach_activities_region_idx" ON "outreach_activities" USING btree ("region_id","id");--> statement-breakpoint
CREATE INDEX "suggestions_status_idx" ON "suggestions" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "suggestions_unit_idx" ON "suggestions" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "suggestions_department_idx" ON "suggestions" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "suggestions_cycle_idx" ON "suggestions" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "suggestions_activity_idx" ON "suggestions" USING btree ("activity_id");--> statement-breakpoint
CREATE INDEX "suggestions_received_idx" ON "suggestions" USING btree ("received_on");--> statement-breakpoint
CREATE INDEX "media_inquiry_appearances_item_idx" ON "media_inquiry_appearances" USING btree ("media_item_id","position");--> statement-breakpoint
CREATE INDEX "media_inquiry_appearances_department_idx" ON "media_inquiry_appearances" USING btree ("department_id");--> statement-breakpoint
CREATE INDEX "media_item_departments_department_idx" ON "media_item_departments" USING btree ("department_id","media_item_id");--> statement-breakpoint
CREATE INDEX "media_item_units_unit_idx" ON "media_item_units" USING btree ("unit_id","media_item_id");--> statement-breakpoint
CREATE INDEX "media_items_kind_published_idx" ON "media_items" USING btree ("kind","published_on");--> statement-breakpoint
CREATE INDEX "media_items_published_idx" ON "media_items" USING btree ("published_on");--> statement-breakpoint
CREATE INDEX "media_items_cycle_idx" ON "media_items" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "media_items_outlet_idx" ON "media_items" USING btree ("outlet");--> statement-breakpoint
CREATE INDEX "power_list_cleanups_cycle_idx" ON "power_list_cleanups" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "power_list_cleanups_level_idx" ON "power_list_cleanups" USING btree ("level","id");--> statement-breakpoint
CREATE INDEX "power_list_cleanups_kind_idx" ON "power_list_cleanups" USING btree ("item_kind","id");--> statement-breakpoint
CREATE INDEX "power_list_items_cleanup_idx" ON "power_list_items" USING btree ("cleanup_id","id");--> statement-breakpoint
CREATE INDEX "power_list_items_service_item_idx" ON "power_list_items" USING btree ("service_item_code");--> statement-breakpoint
CREATE INDEX "investments_unit_idx" ON "investments" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "investments_department_idx" ON "investments" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "investments_region_idx" ON "investments" USING btree ("region_id","id");--> statement-breakpoint
CREATE INDEX "investments_cycle_idx" ON "investments" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE INDEX "investments_source_idx" ON "investments" USING btree ("fund_source","id");--> statement-breakpoint
CREATE INDEX "investments_invested_idx" ON "investments" USING btree ("invested_on");