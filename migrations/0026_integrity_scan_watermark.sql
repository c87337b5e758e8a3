CREATE TABLE "rating_integrity_scans" (
	"cycle_id" uuid PRIMARY KEY NOT NULL,
	"scanned_through" timestamp with time zone NOT NULL,
	"thresholds" jsonb NOT NULL,
	"full_scanned_at" timestamp with time zone NOT NULL,
	"scanned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rating_integrity_scans" ADD CONSTRAINT "rating_integrity_scans_cycle_id_cycles_id_fk" FOREIGN KEY ("cycle_id") REFERENCES "public"."cycles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ratings_received_idx" ON "ratings" USING btree ("received_at");