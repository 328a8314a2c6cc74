-- Per-tool daily rollup for the Overview's tool types and approval decisions. Generated CREATE TABLE
-- and indexes, plus (hand-written) a backfill from the events already stored, so an existing install
-- has the breakdown for its history, and the same decision mapping applied to daily_rollups, which
-- until now counted only the exact strings "approved" and "aborted" (Codex also sends
-- approved_for_session, approved_execpolicy_amendment and abort).
CREATE TABLE "daily_tool_rollups" (
	"day" date NOT NULL,
	"openai_user_id" text NOT NULL,
	"person_id" uuid,
	"client_id" text NOT NULL,
	"model" text NOT NULL,
	"tool_name" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"approved" integer DEFAULT 0 NOT NULL,
	"denied" integer DEFAULT 0 NOT NULL,
	"aborted" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "daily_tool_rollups_day_openai_user_id_client_id_model_tool_name_pk" PRIMARY KEY("day","openai_user_id","client_id","model","tool_name")
);
--> statement-breakpoint
CREATE INDEX "daily_tool_rollups_person_day" ON "daily_tool_rollups" USING btree ("person_id","day");--> statement-breakpoint
CREATE INDEX "daily_tool_rollups_day" ON "daily_tool_rollups" USING btree ("day");--> statement-breakpoint
INSERT INTO "daily_tool_rollups" ("day", "openai_user_id", "person_id", "client_id", "model", "tool_name", "calls", "approved", "denied", "aborted")
SELECT (occurred_at AT TIME ZONE 'UTC')::date, coalesce(openai_user_id, ''), max(person_id::text)::uuid, coalesce(client_id, ''),
       coalesce(model, ''), coalesce(tool_name, ''), count(*)::int,
       (count(*) FILTER (WHERE tool_decision = 'approved' OR tool_decision LIKE 'approved\_%'))::int,
       (count(*) FILTER (WHERE tool_decision = 'denied'))::int,
       (count(*) FILTER (WHERE tool_decision IN ('abort', 'aborted')))::int
FROM "events"
WHERE event_type = 'CODEX_LOG' AND detail_type = 'TOOL_CALL'
GROUP BY 1, 2, 4, 5, 6;--> statement-breakpoint
UPDATE "daily_rollups" r
SET tool_approved = t.approved, tool_denied = t.denied, tool_aborted = t.aborted
FROM (SELECT day, openai_user_id, model, client_id, sum(approved)::int AS approved, sum(denied)::int AS denied, sum(aborted)::int AS aborted
      FROM "daily_tool_rollups" GROUP BY 1, 2, 3, 4) t
WHERE r.day = t.day AND r.openai_user_id = t.openai_user_id AND r.model = t.model AND r.client_id = t.client_id;
