CREATE TYPE "public"."rating_subject_kind" AS ENUM('unit', 'department', 'leadership');--> statement-breakpoint
ALTER TABLE "ratings" ALTER COLUMN "unit_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "subject_kind" "rating_subject_kind" DEFAULT 'unit' NOT NULL;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "department_id" uuid;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ratings_subject_respondent_day_key" ON "ratings" USING btree ("respondent_hash","department_id","subject_kind","limited_day","limit_slot") WHERE limited_day is not null and department_id is not null;--> statement-breakpoint
CREATE INDEX "ratings_department_subject_idx" ON "ratings" USING btree ("department_id","cycle_id","subject_kind") WHERE department_id is not null;--> statement-breakpoint
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_subject_check" CHECK ((subject_kind = 'unit' and unit_id is not null and department_id is null) or (subject_kind <> 'unit' and unit_id is null and department_id is not null));