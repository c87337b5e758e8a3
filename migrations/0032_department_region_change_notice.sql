-- Every committed change to departments or regions (any statement: the services, imports, SQL by hand) is announced
-- at commit, once per transaction and channel (PostgreSQL folds equal notices), on departments_changed and
-- regions_changed: each copy of the service drops the authenticated ranking entries pages it cached, which carry
-- the current department and region names (src/db/change-feed.ts, src/modules/rankings/service.ts entriesRendered).
CREATE FUNCTION departments_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('departments_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER departments_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments
  FOR EACH STATEMENT EXECUTE FUNCTION departments_announce_change();
--> statement-breakpoint
CREATE FUNCTION regions_announce_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('regions_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER regions_announce_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
  FOR EACH STATEMENT EXECUTE FUNCTION regions_announce_change();
