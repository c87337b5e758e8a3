-- Exactly one subject, and counts that cannot go negative, whatever path writes the row (the services check the same).
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_one_subject" CHECK (num_nonnulls("unit_id", "department_id", "region_id") = 1);--> statement-breakpoint
ALTER TABLE "outreach_activities" ADD CONSTRAINT "outreach_activities_counts" CHECK ("quantity" >= 0 AND ("secondary" IS NULL OR "secondary" >= 0));--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_one_subject" CHECK (num_nonnulls("unit_id", "department_id") = 1);--> statement-breakpoint
ALTER TABLE "suggestions" ADD CONSTRAINT "suggestions_reply" CHECK ("status" = 'received' OR ("reply" IS NOT NULL AND "replied_by" IS NOT NULL AND "replied_at" IS NOT NULL));--> statement-breakpoint
ALTER TABLE "media_items" ADD CONSTRAINT "media_items_counts" CHECK ("quantity" >= 1 AND coalesce("word_count", 0) >= 0 AND coalesce("episodes", 1) >= 1 AND coalesce("messages", 0) >= 0);--> statement-breakpoint
ALTER TABLE "power_list_cleanups" ADD CONSTRAINT "power_list_cleanups_counts" CHECK ("kept" >= 0 AND "merged" >= 0 AND "abolished" >= 0 AND "kept" + "merged" + "abolished" <= "registered");--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_one_subject" CHECK (num_nonnulls("unit_id", "department_id", "region_id") = 1);--> statement-breakpoint
ALTER TABLE "investments" ADD CONSTRAINT "investments_amount" CHECK ("amount_fen" > 0 AND "currency" = 'CNY');
