-- events is partitioned by month on occurred_at (hand edit of the generated CREATE TABLE);
-- partitions are created on demand by the sync (app/models/events.server.ts, ensureEventPartitions).
CREATE TABLE "analytics_code_review_responses_daily" (
	"workspace_id" text NOT NULL,
	"day" date NOT NULL,
	"pull_request_reviews" integer DEFAULT 0 NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"replies" integer DEFAULT 0 NOT NULL,
	"reactions" integer DEFAULT 0 NOT NULL,
	"upvotes" integer DEFAULT 0 NOT NULL,
	"downvotes" integer DEFAULT 0 NOT NULL,
	"other_reactions" integer DEFAULT 0 NOT NULL,
	"engaged" integer DEFAULT 0 NOT NULL,
	"reacted" integer DEFAULT 0 NOT NULL,
	"upvoted" integer DEFAULT 0 NOT NULL,
	"downvoted" integer DEFAULT 0 NOT NULL,
	"reacted_other" integer DEFAULT 0 NOT NULL,
	"replied" integer DEFAULT 0 NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_code_review_responses_daily_workspace_id_day_pk" PRIMARY KEY("workspace_id","day")
);
--> statement-breakpoint
CREATE TABLE "analytics_code_reviews_daily" (
	"workspace_id" text NOT NULL,
	"day" date NOT NULL,
	"pull_request_reviews" integer DEFAULT 0 NOT NULL,
	"comments" integer DEFAULT 0 NOT NULL,
	"p0" integer DEFAULT 0 NOT NULL,
	"p1" integer DEFAULT 0 NOT NULL,
	"p2" integer DEFAULT 0 NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_code_reviews_daily_workspace_id_day_pk" PRIMARY KEY("workspace_id","day")
);
--> statement-breakpoint
CREATE TABLE "analytics_usage_daily" (
	"workspace_id" text NOT NULL,
	"day" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"person_id" uuid,
	"email" text,
	"threads" integer DEFAULT 0 NOT NULL,
	"turns" integer DEFAULT 0 NOT NULL,
	"credits" numeric(20, 6) DEFAULT '0' NOT NULL,
	"cost_usd" numeric(20, 6),
	"estimated_cost_usd" numeric(20, 6),
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"total_tokens" bigint DEFAULT 0 NOT NULL,
	"clients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"code_attribution" jsonb,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_usage_daily_workspace_id_day_openai_user_id_pk" PRIMARY KEY("workspace_id","day","openai_user_id")
);
--> statement-breakpoint
CREATE TABLE "codex_sessions" (
	"session_id" text PRIMARY KEY NOT NULL,
	"person_id" uuid,
	"openai_user_id" text,
	"client_id" text,
	"model" text,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"turns" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "costs_hourly" (
	"event_id" text PRIMARY KEY NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"organization_id" text,
	"openai_user_id" text,
	"person_id" uuid,
	"email" text,
	"groups" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"product" text,
	"client" text,
	"surface" text,
	"model" text,
	"service_tier" text,
	"reasoning" text,
	"input_tokens" bigint,
	"cached_input_tokens" bigint,
	"output_tokens" bigint,
	"credits" numeric(20, 6),
	"billing" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_file_id" text
);
--> statement-breakpoint
CREATE TABLE "daily_rollups" (
	"day" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"person_id" uuid,
	"model" text NOT NULL,
	"client_id" text NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"prompts" integer DEFAULT 0 NOT NULL,
	"responses" integer DEFAULT 0 NOT NULL,
	"failed_responses" integer DEFAULT 0 NOT NULL,
	"tool_calls" integer DEFAULT 0 NOT NULL,
	"tool_approved" integer DEFAULT 0 NOT NULL,
	"tool_denied" integer DEFAULT 0 NOT NULL,
	"tool_aborted" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_output_tokens" bigint DEFAULT 0 NOT NULL,
	"findings" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_rollups_day_openai_user_id_model_client_id_pk" PRIMARY KEY("day","openai_user_id","model","client_id")
);
--> statement-breakpoint
CREATE TABLE "event_ids" (
	"event_id" text PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"detail_type" text,
	"workspace_id" text,
	"person_id" uuid,
	"openai_user_id" text,
	"actor_email" text,
	"client_id" text,
	"session_id" text,
	"turn_id" text,
	"model" text,
	"service_tier" text,
	"reasoning_effort" text,
	"status" text,
	"input_tokens" bigint,
	"cached_input_tokens" bigint,
	"output_tokens" bigint,
	"reasoning_output_tokens" bigint,
	"tool_name" text,
	"tool_decision" text,
	"text_kind" text,
	"text_length" integer,
	"text_fingerprint" text,
	"redacted_text" text,
	"finding_count" integer DEFAULT 0 NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"source_file_id" text,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_event_id_occurred_at_pk" PRIMARY KEY("event_id","occurred_at")
) PARTITION BY RANGE ("occurred_at");
--> statement-breakpoint
CREATE TABLE "findings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "findings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"person_id" uuid,
	"field" text NOT NULL,
	"type" text NOT NULL,
	"kind" text NOT NULL,
	"start" integer NOT NULL,
	"end" integer NOT NULL,
	"fingerprint" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "log_files" (
	"id" text PRIMARY KEY NOT NULL,
	"scope" text NOT NULL,
	"event_type" text NOT NULL,
	"end_time" text NOT NULL,
	"file_name" text,
	"file_size" bigint,
	"file_sha256" text,
	"status" text NOT NULL,
	"lines" integer DEFAULT 0 NOT NULL,
	"events" integer DEFAULT 0 NOT NULL,
	"new_events" integer DEFAULT 0 NOT NULL,
	"duplicate_events" integer DEFAULT 0 NOT NULL,
	"invalid_lines" integer DEFAULT 0 NOT NULL,
	"unknown_events" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"error" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ingested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"source" text NOT NULL,
	"scope" text NOT NULL,
	"stream" text NOT NULL,
	"position" text,
	"position_time" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"files_total" bigint DEFAULT 0 NOT NULL,
	"events_total" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_source_scope_stream_pk" PRIMARY KEY("source","scope","stream")
);
--> statement-breakpoint
CREATE TABLE "sync_gaps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_gaps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source" text NOT NULL,
	"scope" text NOT NULL,
	"stream" text NOT NULL,
	"gap_from" timestamp with time zone NOT NULL,
	"gap_to" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"ok" boolean,
	"trigger" text NOT NULL,
	"summary" jsonb
);
--> statement-breakpoint
CREATE INDEX "analytics_usage_person_day" ON "analytics_usage_daily" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "codex_sessions_person_time" ON "codex_sessions" USING btree ("person_id","first_at");--> statement-breakpoint
CREATE INDEX "costs_hourly_hour" ON "costs_hourly" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "costs_hourly_person_hour" ON "costs_hourly" USING btree ("person_id","hour");--> statement-breakpoint
CREATE INDEX "daily_rollups_person_day" ON "daily_rollups" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "events_person_time" ON "events" USING btree ("person_id","occurred_at");--> statement-breakpoint
CREATE INDEX "events_type_time" ON "events" USING btree ("event_type","occurred_at");--> statement-breakpoint
CREATE INDEX "events_session" ON "events" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "events_text_fingerprint" ON "events" USING btree ("text_fingerprint");--> statement-breakpoint
CREATE INDEX "findings_fingerprint" ON "findings" USING btree ("fingerprint");--> statement-breakpoint
CREATE INDEX "findings_type_time" ON "findings" USING btree ("type","occurred_at");--> statement-breakpoint
CREATE INDEX "findings_person_time" ON "findings" USING btree ("person_id","occurred_at");--> statement-breakpoint
CREATE INDEX "findings_event" ON "findings" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "log_files_status" ON "log_files" USING btree ("status","event_type");