CREATE TYPE "public"."service_item_status" AS ENUM('active', 'retired');--> statement-breakpoint
CREATE TYPE "public"."case_state" AS ENUM('received', 'accepted', 'completed', 'returned', 'refused');--> statement-breakpoint
CREATE TABLE "service_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"department_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"name_en" text,
	"promised_days" integer NOT NULL,
	"modes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "service_item_status" DEFAULT 'active' NOT NULL,
	"retired_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_service_items" (
	"unit_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_service_items_unit_id_item_id_pk" PRIMARY KEY("unit_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" uuid PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"case_number" text NOT NULL,
	"item_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"state" "case_state" DEFAULT 'received' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"reason" text,
	"promised_days" integer NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"on_time" boolean,
	"one_week" boolean,
	"first_responder_hash" text,
	"import_id" uuid,
	"created_by" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "service_items" ADD CONSTRAINT "service_items_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_service_items" ADD CONSTRAINT "unit_service_items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_service_items" ADD CONSTRAINT "unit_service_items_item_id_service_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."service_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_item_id_service_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."service_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "service_items_code_key" ON "service_items" USING btree ("code");--> statement-breakpoint
CREATE INDEX "service_items_department_idx" ON "service_items" USING btree ("department_id","id");--> statement-breakpoint
CREATE INDEX "service_items_status_idx" ON "service_items" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "service_items_modes_idx" ON "service_items" USING gin ("modes");--> statement-breakpoint
CREATE INDEX "service_items_name_trgm_idx" ON "service_items" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "unit_service_items_item_idx" ON "unit_service_items" USING btree ("item_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "cases_source_number_key" ON "cases" USING btree ("source","case_number");--> statement-breakpoint
CREATE INDEX "cases_unit_idx" ON "cases" USING btree ("unit_id","id");--> statement-breakpoint
CREATE INDEX "cases_item_idx" ON "cases" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "cases_state_idx" ON "cases" USING btree ("state","id");--> statement-breakpoint
CREATE INDEX "cases_received_idx" ON "cases" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "cases_number_idx" ON "cases" USING btree ("case_number");--> statement-breakpoint
CREATE INDEX "cases_on_time_idx" ON "cases" USING btree ("on_time","id");--> statement-breakpoint
CREATE INDEX "cases_unit_closed_idx" ON "cases" USING btree ("unit_id","closed_at");