CREATE TYPE "public"."criticism_scope" AS ENUM('department', 'township', 'county', 'prefecture');--> statement-breakpoint
CREATE TYPE "public"."person_record_kind" AS ENUM('sanction', 'honour');--> statement-breakpoint
CREATE TYPE "public"."person_record_type" AS ENUM('warning', 'demerit', 'major_demerit', 'downgrade', 'demotion', 'dismissal', 'expulsion', 'party_warning', 'party_serious_warning', 'commendation', 'merit', 'honorary_title', 'award');--> statement-breakpoint
CREATE TYPE "public"."person_role" AS ENUM('unit_head', 'unit_staff', 'department_leader', 'township_leader');--> statement-breakpoint
CREATE TYPE "public"."ranking_period_kind" AS ENUM('month', 'quarter');--> statement-breakpoint
ALTER TYPE "public"."accountability_cause_type" ADD VALUE 'ranking_entry';--> statement-breakpoint
CREATE TABLE "person_record_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"person_id" uuid NOT NULL,
	"kind" "person_record_kind" NOT NULL,
	"type" "person_record_type" NOT NULL,
	"description" text NOT NULL,
	"decided_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"award_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" "person_role" NOT NULL,
	"post" text,
	"unit_id" uuid,
	"department_id" uuid,
	"region_id" uuid,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "rankings_cycle_publication_key";--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD COLUMN "cause_unit_id" uuid;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD COLUMN "related_causes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD COLUMN "person_id" uuid;--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD COLUMN "scope" "criticism_scope";--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "period_kind" "ranking_period_kind";--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "period" text;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "period_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rankings" ADD COLUMN "period_end" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "person_record_items" ADD CONSTRAINT "person_record_items_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_record_items" ADD CONSTRAINT "person_record_items_award_id_awards_id_fk" FOREIGN KEY ("award_id") REFERENCES "public"."awards"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "person_record_items_person_idx" ON "person_record_items" USING btree ("person_id","decided_at");--> statement-breakpoint
CREATE INDEX "persons_unit_idx" ON "persons" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "persons_department_idx" ON "persons" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "persons_region_idx" ON "persons" USING btree ("region_id","id");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name");--> statement-breakpoint
ALTER TABLE "accountability_actions" ADD CONSTRAINT "accountability_actions_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accountability_person_idx" ON "accountability_actions" USING btree ("person_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rankings_period_publication_key" ON "rankings" USING btree ("cycle_id","period","publication_version") WHERE "rankings"."publication_version" is not null and "rankings"."period" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "rankings_cycle_publication_key" ON "rankings" USING btree ("cycle_id","publication_version") WHERE "rankings"."publication_version" is not null and "rankings"."period" is null;