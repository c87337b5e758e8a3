DROP INDEX "rating_follow_ups_status_deadline_idx";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "status";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contact_note";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contacted_at";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "contacted_by";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolution";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolved_at";--> statement-breakpoint
ALTER TABLE "rating_follow_ups" DROP COLUMN "resolved_by";--> statement-breakpoint
DROP TYPE "public"."follow_up_status";