ALTER TABLE "complaint_contacts" ADD COLUMN "device_id" text;--> statement-breakpoint
ALTER TABLE "complaint_contacts" ADD COLUMN "account_id" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "address_id" text;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "media_url" text;