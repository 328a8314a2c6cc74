CREATE TABLE "ledger_digests" (
	"workspace" text NOT NULL,
	"day" date NOT NULL,
	"event_count" integer NOT NULL,
	"first_seq" bigint,
	"last_seq" bigint,
	"first_event_id" text,
	"last_event_id" text,
	"prev_head" text NOT NULL,
	"chain_head" text NOT NULL,
	"public_key_id" text NOT NULL,
	"signature" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_digests_workspace_day_pk" PRIMARY KEY("workspace","day")
);
--> statement-breakpoint
CREATE TABLE "ledger_heads" (
	"workspace" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"link_hash" text NOT NULL,
	"day" date NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_links" (
	"pos" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_links_pos_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace" text NOT NULL,
	"seq" bigint NOT NULL,
	"day" date NOT NULL,
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"ingested_at" timestamp with time zone NOT NULL,
	"event_hash" text NOT NULL,
	"text_hash" text,
	"prev_hash" text NOT NULL,
	"link_hash" text NOT NULL,
	"appended_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_links_workspace_seq_pk" PRIMARY KEY("workspace","seq")
);
--> statement-breakpoint
CREATE TABLE "ledger_verifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ledger_verifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	"trigger" text NOT NULL,
	"ok" boolean NOT NULL,
	"links_checked" bigint DEFAULT 0 NOT NULL,
	"digests_checked" integer DEFAULT 0 NOT NULL,
	"pending_events" bigint DEFAULT 0 NOT NULL,
	"problem_count" integer DEFAULT 0 NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "siem_dead_letters" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "siem_dead_letters_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"destination_id" uuid NOT NULL,
	"from_pos" bigint NOT NULL,
	"to_pos" bigint NOT NULL,
	"records" integer NOT NULL,
	"error" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retried_at" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "siem_destinations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"format" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_ciphertext" text,
	"batch_size" integer DEFAULT 200 NOT NULL,
	"cursor_pos" bigint DEFAULT 0 NOT NULL,
	"state" text DEFAULT 'idle' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"delivered_total" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "siem_destinations_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "siem_dead_letters" ADD CONSTRAINT "siem_dead_letters_destination_id_siem_destinations_id_fk" FOREIGN KEY ("destination_id") REFERENCES "public"."siem_destinations"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "siem_destinations" ADD CONSTRAINT "siem_destinations_updated_by_people_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."people"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_links_event" ON "ledger_links" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_links_pos" ON "ledger_links" USING btree ("pos");--> statement-breakpoint
CREATE INDEX "ledger_links_day" ON "ledger_links" USING btree ("workspace","day");--> statement-breakpoint
CREATE INDEX "ledger_links_ingested" ON "ledger_links" USING btree ("ingested_at");--> statement-breakpoint
CREATE INDEX "ledger_verifications_started" ON "ledger_verifications" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "siem_dead_letters_destination" ON "siem_dead_letters" USING btree ("destination_id","resolved_at");--> statement-breakpoint
-- Hand-added: the ledger append job (jobs/ledger__append.ts) walks events in ingestion order from a
-- watermark; without this index every batch would scan every partition. Created on the partitioned
-- parent, so every month partition (present and future) gets its own.
CREATE INDEX IF NOT EXISTS "events_ingested_at" ON "events" USING btree ("ingested_at","event_id");
