ALTER TABLE "rating_imports" ADD COLUMN "heartbeat_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_imports" ADD COLUMN "lease_expires_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "rating_imports_processing_lease_idx" ON "rating_imports" USING btree ("lease_expires_at") WHERE status = 'processing';