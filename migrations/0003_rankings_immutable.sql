-- A published ranking is an immutable snapshot: the database itself refuses to change or remove it or its entries.
-- Publishing (draft → published) is the one change a ranking row may take; drafts stay editable and deletable.
CREATE OR REPLACE FUNCTION rankings_refuse_published_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'published' THEN
    RAISE EXCEPTION 'ranking % is published and immutable (% refused)', OLD.id, TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER rankings_published_immutable BEFORE UPDATE OR DELETE ON rankings
  FOR EACH ROW EXECUTE FUNCTION rankings_refuse_published_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ranking_entries_refuse_published_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  target uuid;
BEGIN
  IF TG_OP = 'INSERT' THEN
    target := NEW.ranking_id;
  ELSE
    target := OLD.ranking_id;
  END IF;
  IF EXISTS (SELECT 1 FROM rankings WHERE id = target AND status = 'published') THEN
    RAISE EXCEPTION 'entries of published ranking % are immutable (% refused)', target, TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- an UPDATE moving an entry into a published ranking is refused too
  IF TG_OP = 'UPDATE' AND NEW.ranking_id <> OLD.ranking_id
     AND EXISTS (SELECT 1 FROM rankings WHERE id = NEW.ranking_id AND status = 'published') THEN
    RAISE EXCEPTION 'entries of published ranking % are immutable (% refused)', NEW.ranking_id, TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER ranking_entries_published_immutable BEFORE INSERT OR UPDATE OR DELETE ON ranking_entries
  FOR EACH ROW EXECUTE FUNCTION ranking_entries_refuse_published_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION rankings_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM rankings WHERE status = 'published') THEN
    RAISE EXCEPTION 'published rankings are immutable (TRUNCATE % refused)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER rankings_no_truncate BEFORE TRUNCATE ON rankings
  FOR EACH STATEMENT EXECUTE FUNCTION rankings_refuse_truncate();
--> statement-breakpoint
CREATE TRIGGER ranking_entries_no_truncate BEFORE TRUNCATE ON ranking_entries
  FOR EACH STATEMENT EXECUTE FUNCTION rankings_refuse_truncate();
