-- events keeps only the indexes a query reads (docs/decisions/0013-ingest-copy-and-worker.md):
-- nothing reads events by (event_type, occurred_at) or by session_id alone (sessions are in
-- codex_sessions, type filters come with a person), and the fingerprint lookup is an equality,
-- which a hash index serves at about a third of the btree's cost per stored event.
DROP INDEX "events_type_time";--> statement-breakpoint
DROP INDEX "events_session";--> statement-breakpoint
DROP INDEX "events_text_fingerprint";--> statement-breakpoint
CREATE INDEX "events_text_fingerprint_hash" ON "events" USING hash ("text_fingerprint");