CREATE TYPE "public"."complaint_category" AS ENUM('service_attitude', 'efficiency', 'discipline', 'dress_and_conduct', 'fees', 'integrity', 'environment', 'other');--> statement-breakpoint
CREATE TYPE "public"."complaint_event_kind" AS ENUM('received', 'status_changed', 'response');--> statement-breakpoint
CREATE TYPE "public"."complaint_severity" AS ENUM('minor', 'major', 'serious');--> statement-breakpoint
CREATE TYPE "public"."complaint_source" AS ENUM('portal', 'hotline', 'mailbox', 'sms', 'media', 'integration', 'walk_in');--> statement-breakpoint
CREATE TYPE "public"."complaint_status" AS ENUM('received', 'triaged', 'investigating', 'substantiated', 'unsubstantiated', 'closed');--> statement-breakpoint
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
ALTER TABLE "complaint_contacts" ADD CONSTRAINT "complaint_contacts_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complaints" ADD CONSTRAINT "complaints_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaint_events_complaint_idx" ON "complaint_events" USING btree ("complaint_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_tracking_code_key" ON "complaints" USING btree ("tracking_code");--> statement-breakpoint
CREATE UNIQUE INDEX "complaints_source_external_key" ON "complaints" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "complaints_status_idx" ON "complaints" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "complaints_unit_idx" ON "complaints" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "complaints_category_idx" ON "complaints" USING btree ("category","id");--> statement-breakpoint
CREATE INDEX "complaints_source_idx" ON "complaints" USING btree ("source","id");--> statement-breakpoint
CREATE INDEX "complaints_received_idx" ON "complaints" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "complaints_cycle_unit_idx" ON "complaints" USING btree ("cycle_id","unit_id");--> statement-breakpoint
CREATE INDEX "complaints_open_deadline_idx" ON "complaints" USING btree ("stage_deadline") WHERE status <> 'closed';