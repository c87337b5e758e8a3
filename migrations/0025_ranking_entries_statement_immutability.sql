-- Entries of a published ranking stay immutable (0003), now checked once per statement instead of once per row: a
-- computation writes tens of thousands of entries in a few statements, and a plpgsql call per row was a large part
-- of its time. Each AFTER … FOR EACH STATEMENT trigger reads the statement's transition table (the rows it wrote or
-- removed) and refuses the whole statement when any of them belongs to a published ranking; the statement is rolled
-- back with it. TRUNCATE stays refused by ranking_entries_no_truncate (0003).
DROP TRIGGER IF EXISTS "ranking_entries_published_immutable" ON "ranking_entries";--> statement-breakpoint
CREATE OR REPLACE FUNCTION ranking_entries_refuse_published_rows() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT r.id INTO target FROM rankings r WHERE r.status = 'published' AND r.id IN (SELECT DISTINCT n.ranking_id FROM new_rows n) LIMIT 1;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT r.id INTO target FROM rankings r WHERE r.status = 'published' AND r.id IN (SELECT DISTINCT o.ranking_id FROM old_rows o) LIMIT 1;
  ELSE
    -- an UPDATE changing a published entry, or moving an entry into a published ranking
    SELECT r.id INTO target FROM rankings r WHERE r.status = 'published'
      AND r.id IN (SELECT o.ranking_id FROM old_rows o UNION SELECT n.ranking_id FROM new_rows n) LIMIT 1;
  END IF;
  IF target IS NOT NULL THEN
    RAISE EXCEPTION 'entries of published ranking % are immutable (% refused)', target, TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "ranking_entries_published_immutable_insert" AFTER INSERT ON "ranking_entries"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ranking_entries_refuse_published_rows();--> statement-breakpoint
CREATE TRIGGER "ranking_entries_published_immutable_update" AFTER UPDATE ON "ranking_entries"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ranking_entries_refuse_published_rows();--> statement-breakpoint
CREATE TRIGGER "ranking_entries_published_immutable_delete" AFTER DELETE ON "ranking_entries"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ranking_entries_refuse_published_rows();--> statement-breakpoint
DROP FUNCTION IF EXISTS ranking_entries_refuse_published_change();
--> statement-breakpoint
-- A computation ANALYZEs ranking_id after its bulk insert (rankings repository analyzeEntries): a sample of 9,000
-- rows tells the planner how many entries each ranking has, at a fraction of the default 30,000-row sample.
ALTER TABLE "ranking_entries" ALTER COLUMN "ranking_id" SET STATISTICS 30;
