-- The trail's sign-in, admin and security filters (app/models/trail.server.ts TYPE_SQL): a person's
-- few such events found without walking all their Codex events (over 100,000 for a heavy user:
-- scripts/bench/pages.ts "trail: heavy person, sign-ins only"). Partial, so the CODEX_LOG events,
-- nearly all of them, add nothing to ingest.
CREATE INDEX "events_person_sparse_time" ON "events" USING btree ("person_id","occurred_at") WHERE event_type in ('AUTH_LOG', 'AUDIT_LOG', 'CODEX_SECURITY_LOG');