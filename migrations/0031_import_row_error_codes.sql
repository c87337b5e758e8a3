ALTER TABLE "department_import_errors" ADD COLUMN "code" text DEFAULT 'invalid_value' NOT NULL;--> statement-breakpoint
ALTER TABLE "unit_import_errors" ADD COLUMN "code" text DEFAULT 'invalid_value' NOT NULL;--> statement-breakpoint
ALTER TABLE "case_import_errors" ADD COLUMN "code" text DEFAULT 'invalid_value' NOT NULL;--> statement-breakpoint
ALTER TABLE "rating_import_errors" ADD COLUMN "code" text DEFAULT 'invalid_value' NOT NULL;