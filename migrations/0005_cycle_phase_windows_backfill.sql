-- Cycles that existed before phase_entered_at: rebuild each phase's entry time from the audit log
-- (cycle.phase_changed), the draft from created_at, and the current phase from phase_changed_at.
UPDATE "cycles" c SET "phase_entered_at" = jsonb_build_object('draft', to_jsonb(c."created_at"))
  || coalesce((
    SELECT jsonb_object_agg(a."after"->>'phase', to_jsonb(a."occurred_at"))
    FROM "audit_log" a
    WHERE a."entity_type" = 'cycle' AND a."entity_id" = c."id"::text AND a."action" = 'cycle.phase_changed' AND a."after" ? 'phase'
  ), '{}'::jsonb)
  || jsonb_build_object(c."phase"::text, to_jsonb(c."phase_changed_at"));
