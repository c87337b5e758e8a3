CREATE TYPE "public"."ranking_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TABLE "ranking_entries" (
	"ranking_id" uuid NOT NULL,
	"unit_id" uuid NOT NULL,
	"unit_name" text NOT NULL,
	"department_id" uuid NOT NULL,
	"region_id" uuid NOT NULL,
	"category" "unit_category" NOT NULL,
	"rank" integer NOT NULL,
	"score" double precision NOT NULL,
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
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_ranking_id_rankings_id_fk" FOREIGN KEY ("ranking_id") REFERENCES "public"."rankings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_entries_rank_key" ON "ranking_entries" USING btree ("ranking_id","category","rank");--> statement-breakpoint
CREATE INDEX "ranking_entries_department_idx" ON "ranking_entries" USING btree ("ranking_id","department_id");--> statement-breakpoint
CREATE INDEX "ranking_entries_region_idx" ON "ranking_entries" USING btree ("ranking_id","region_id");--> statement-breakpoint
CREATE INDEX "ranking_entries_unit_idx" ON "ranking_entries" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "rankings_cycle_idx" ON "rankings" USING btree ("cycle_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rankings_cycle_publication_key" ON "rankings" USING btree ("cycle_id","publication_version") WHERE "rankings"."publication_version" is not null;