-- A rank is earned (see src/modules/rankings/scoring.ts): an entry under the minimum sample gets rank null, and
-- every entry gets a position 1…n in its category's list (ranked first, then unranked), the key of pages.
ALTER TABLE "ranking_entries" ALTER COLUMN "rank" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "ranking_entries" ADD COLUMN "position" integer;--> statement-breakpoint
-- Entries computed before this migration were all ranked, so their position is their rank; their rank stays as
-- published (an old snapshot shows what it showed). Published entries are immutable (0003): the trigger is set
-- aside for this one backfill only, inside the migration's transaction.
ALTER TABLE "ranking_entries" DISABLE TRIGGER "ranking_entries_published_immutable";--> statement-breakpoint
UPDATE "ranking_entries" SET "position" = "rank";--> statement-breakpoint
ALTER TABLE "ranking_entries" ENABLE TRIGGER "ranking_entries_published_immutable";--> statement-breakpoint
ALTER TABLE "ranking_entries" ALTER COLUMN "position" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "ranking_entries_position_key" ON "ranking_entries" USING btree ("ranking_id","category","position");
