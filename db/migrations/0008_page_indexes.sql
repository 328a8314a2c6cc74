-- Indexes for the console pages at 10,000 people (scripts/bench/pages.ts). Generated CREATE INDEX,
-- with INCLUDE columns added by hand (drizzle cannot declare them), so the date-range passes of the
-- Overview and People pages read these indexes alone instead of the tables.
-- Threads per day (Overview) and per person (People), filtered by client or model.
CREATE INDEX "codex_sessions_first_at" ON "codex_sessions" USING btree ("first_at") INCLUDE ("person_id", "openai_user_id", "client_id", "model");--> statement-breakpoint
-- Hand-added: costs_hourly_hour rebuilt with the columns credits per person and per surface need
-- (same name and key as before, so the schema and its snapshot are unchanged).
DROP INDEX IF EXISTS "costs_hourly_hour";--> statement-breakpoint
CREATE INDEX "costs_hourly_hour" ON "costs_hourly" USING btree ("hour") INCLUDE ("product", "person_id", "openai_user_id", "surface", "model", "credits");
