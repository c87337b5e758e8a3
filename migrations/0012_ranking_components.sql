ALTER TABLE "ranking_entries" ADD COLUMN "assessment" double precision;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "inspection" double precision;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "public_satisfaction" double precision;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "deductions" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "bonus" double precision DEFAULT 0 NOT NULL;