ALTER TABLE "rating_follow_ups" ALTER COLUMN "unit_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "appeals" ALTER COLUMN "unit_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "department_id" uuid;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD COLUMN "rectification" text;--> statement-breakpoint
ALTER TABLE "appeals" ADD COLUMN "department_id" uuid;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rating_follow_ups_department_idx" ON "rating_follow_ups" USING btree ("department_id","id") WHERE department_id is not null;--> statement-breakpoint
CREATE INDEX "appeals_department_idx" ON "appeals" USING btree ("department_id","id") WHERE department_id is not null;--> statement-breakpoint
ALTER TABLE "rating_follow_ups" ADD CONSTRAINT "rating_follow_ups_subject_check" CHECK ((unit_id is null) <> (department_id is null));--> statement-breakpoint
ALTER TABLE "appeals" ADD CONSTRAINT "appeals_subject_check" CHECK ((unit_id is null) <> (department_id is null));