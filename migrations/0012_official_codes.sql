ALTER TABLE "regions" ADD COLUMN "division_code" text;--> statement-breakpoint
ALTER TABLE "departments" ADD COLUMN "org_code" text;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "org_code" text;--> statement-breakpoint
CREATE UNIQUE INDEX "regions_division_code_key" ON "regions" USING btree ("division_code") WHERE "regions"."division_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "departments_org_code_key" ON "departments" USING btree ("org_code") WHERE "departments"."org_code" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "units_org_code_key" ON "units" USING btree ("org_code") WHERE "units"."org_code" is not null;