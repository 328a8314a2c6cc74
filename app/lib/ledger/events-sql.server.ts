import { sql, type SQL } from "drizzle-orm";
import type { CanonicalEvent } from "./canonical";

/**
 * The canonical event (app/lib/ledger/canonical.ts) built by PostgreSQL as JSON text, so that
 * postgres.js and PGlite hand back the very same string (no driver-side parsing of
 * timestamps, bigints, arrays or jsonb). `alias` is the events table's alias in the query.
 * Exports read the same form: what is exported is what is chained.
 */
export function canonicalEventJson(alias: string): SQL {
  const a = sql.raw(alias);
  const ts = (column: string) => sql.raw(`to_char(${alias}.${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
  return sql`json_build_object(
    'event_id', ${a}.event_id, 'occurred_at', ${ts("occurred_at")}, 'event_type', ${a}.event_type,
    'detail_type', ${a}.detail_type, 'workspace_id', ${a}.workspace_id, 'person_id', ${a}.person_id::text,
    'openai_user_id', ${a}.openai_user_id, 'actor_email', ${a}.actor_email, 'client_id', ${a}.client_id,
    'session_id', ${a}.session_id, 'turn_id', ${a}.turn_id, 'model', ${a}.model, 'service_tier', ${a}.service_tier,
    'reasoning_effort', ${a}.reasoning_effort, 'status', ${a}.status, 'input_tokens', ${a}.input_tokens,
    'cached_input_tokens', ${a}.cached_input_tokens, 'output_tokens', ${a}.output_tokens,
    'reasoning_output_tokens', ${a}.reasoning_output_tokens, 'tool_name', ${a}.tool_name, 'tool_decision', ${a}.tool_decision,
    'text_kind', ${a}.text_kind, 'text_length', ${a}.text_length, 'text_fingerprint', ${a}.text_fingerprint,
    'finding_count', ${a}.finding_count, 'flags', to_json(${a}.flags), 'attributes', ${a}.attributes,
    'source_file_id', ${a}.source_file_id, 'ingested_at', ${ts("ingested_at")},
    'findings', coalesce((
      select json_agg(json_build_object('field', f.field, 'type', f.type, 'kind', f.kind, 'start', f.start, 'end', f.end,
                                        'fingerprint', f.fingerprint) order by f.field, f.start, f.end, f.type, f.fingerprint)
      from findings f where f.event_id = ${a}.event_id and f.occurred_at = ${a}.occurred_at), '[]'::json)
  )::text`;
}

/** A timestamp column as the fixed text form used in keys and canonical JSON. */
export function timestampText(column: string): SQL {
  return sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);
}

export function parseCanonicalEvent(json: string | null): CanonicalEvent | null {
  return json === null ? null : (JSON.parse(json) as CanonicalEvent);
}
