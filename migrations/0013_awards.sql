CREATE TYPE "public"."award_status" AS ENUM('active', 'rectification_ordered', 'yellow_card', 'revoked');--> statement-breakpoint
CREATE TYPE "public"."award_tier" AS ENUM('top10', 'top100');--> statement-breakpoint
CREATE TYPE "public"."commendation_level" AS ENUM('provincial_leading_group', 'provincial_department', 'other');--> statement-breakpoint
CREATE TYPE "public"."nomination_status" AS ENUM('proposed', 'confirmed', 'superseded');--> statement-breakpoint
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