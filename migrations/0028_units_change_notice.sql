-- Every committed change to units (any statement: the service, imports, SQL by hand) is announced on channel
-- units_changed, at commit, once per transaction (PostgreSQL folds equal notices): each copy of the service drops the
-- unit list pages it cached (src/db/change-feed.ts, src/modules/units/service.ts).
CREATE FUNCTION units_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('units_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER units_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units
  FOR EACH STATEMENT EXECUTE FUNCTION units_announce_change();
