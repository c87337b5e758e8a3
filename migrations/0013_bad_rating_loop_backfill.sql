-- 回访 rows from before the 差评核实 loop: resolved ones are closed as they were (their re_rating_level was entered by
-- the unit under the old rule, so no call-back channel is set: it is not counted as the rater's call-back); open and
-- contacted ones are open again and await verification (a contact note is kept in close_note).
UPDATE "rating_follow_ups" SET
  "state" = CASE WHEN "status" = 'resolved' THEN 'closed'::"bad_rating_loop_state" ELSE 'open'::"bad_rating_loop_state" END,
  "verify_by" = "deadline",
  "closed_at" = CASE WHEN "status" = 'resolved' THEN "resolved_at" END,
  "closed_by" = CASE WHEN "status" = 'resolved' THEN "resolved_by" END,
  "close_note" = CASE
    WHEN "status" = 'resolved' THEN "resolution"
    WHEN "contact_note" IS NOT NULL THEN 'contacted before verification existed: ' || "contact_note"
  END;
