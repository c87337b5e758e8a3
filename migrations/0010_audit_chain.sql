CREATE TABLE "audit_chain" (
	"position" bigint PRIMARY KEY NOT NULL,
	"entry_seq" bigint NOT NULL,
	"digest" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"sealed_at" timestamp (3) with time zone NOT NULL,
	"horizon" "xid8",
	CONSTRAINT "audit_chain_entry_seq_key" UNIQUE("entry_seq")
);
--> statement-breakpoint
CREATE TABLE "audit_checkpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL,
	"hash" text NOT NULL,
	"signed_at" timestamp (3) with time zone NOT NULL,
	"occasion" text NOT NULL,
	"subject" text,
	"kid" text NOT NULL,
	"jws" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "digest" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "writer_xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_checkpoints_subject_key" ON "audit_checkpoints" USING btree ("subject") WHERE subject is not null;--> statement-breakpoint
CREATE INDEX "audit_checkpoints_position_idx" ON "audit_checkpoints" USING btree ("position");--> statement-breakpoint
CREATE INDEX "audit_log_writer_xid_idx" ON "audit_log" USING btree ("writer_xid","seq");