-- Reports filed before walk-ins existed: the supervisor and round come from their task.
UPDATE "inspection_reports" r
SET "supervisor_id" = t."supervisor_id", "round_id" = t."round_id"
FROM "inspection_tasks" t
WHERE t."id" = r."task_id" AND r."supervisor_id" IS NULL;
--> statement-breakpoint
-- A task report is reviewed with its task.
UPDATE "inspection_reports" r
SET "reviewed_at" = t."reviewed_at"
FROM "inspection_tasks" t
WHERE t."id" = r."task_id" AND t."status" = 'reviewed' AND r."reviewed_at" IS NULL;
--> statement-breakpoint
-- Deeds recorded before office verification existed earned their bonus under the old rule; they stay counted.
UPDATE "deeds" SET "status" = 'verified', "decided_by" = 'migration:0013', "decided_at" = "created_at" WHERE "status" = 'reported';
