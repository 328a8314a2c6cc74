/**
 * Fault and behaviour switches. `--faults ratelimit,5xx=0.3,late` — a name turns a fault on at its
 * default rate, `name=rate` sets the rate (0..1). Unknown names are an error naming the switch.
 */

export interface FaultDef {
  /** default rate when named without `=rate`; null for plain on/off switches */
  rate: number | null;
  kind: "transient" | "data" | "switch";
  help: string;
}

export const FAULTS = {
  // Transient: decided per request from (seed, request, attempt); a retry of the same request may succeed,
  // and attempts beyond `faultMaxAttempts` (default 2) never fault, so a retrying client always finishes.
  ratelimit: { rate: 0.1, kind: "transient", help: "429 with Retry-After (seconds) on a share of requests" },
  "ratelimit-strict": { rate: null, kind: "switch", help: "enforce the documented limits: 50 req/min per list endpoint and key, 100 req/min for file/get endpoints (429 + Retry-After)" },
  "5xx": { rate: 0.1, kind: "transient", help: "transient 500/502/503 (503 carries Retry-After)" },
  slow: { rate: 0.2, kind: "transient", help: "delay the response by 200-1500 ms" },
  timeout: { rate: 0.05, kind: "transient", help: "accept the request and never answer (socket closed after hangMs, default 30 s)" },
  truncate: { rate: 0.1, kind: "transient", help: "a download body cut short (fewer bytes than file_size, sha256 mismatch)" },
  corrupt: { rate: 0.1, kind: "transient", help: "a download body with one byte changed (same size, sha256 mismatch)" },
  "expired-url": { rate: 0.2, kind: "transient", help: "the 307 Location is already expired (410 on follow); asking again gives a fresh URL" },
  // Data: part of the canonical, deterministic file bytes (sha256 matches them).
  duplicate: { rate: 0.02, kind: "data", help: "share of events repeated in the next hour's file (same event_id, same bytes); default 0.002 without the fault" },
  "no-duplicates": { rate: null, kind: "switch", help: "never repeat an event_id across files" },
  badline: { rate: 0.1, kind: "data", help: "share of files with one extra malformed (cut-off) JSON line; all real events are still present" },
  reorder: { rate: 1, kind: "data", help: "share of files whose lines are not in timestamp order" },
  late: { rate: 0.05, kind: "data", help: "share of files finalised 2-3 h late: end_time later than newer hours' files (events far behind the cursor's wall clock)" },
  "unknown-event-type": { rate: null, kind: "data", help: `a listable workspace type CODEX_REMOTE_CONTROL_LOG, CODEX_LOG details SESSION_ARCHIVED, and AUDIT_LOG actions nobody knows` },
  "unknown-model": { rate: 0.05, kind: "data", help: "share of sessions on gpt-5.6-codex-preview, a model no price table knows (COSTS still bills it)" },
  "schema-drift": { rate: null, kind: "data", help: "extra fields at every level, timestamps with +00:00 and fractions" },
  "analytics-lag": { rate: null, kind: "data", help: "Analytics rows appear 12 h to 5 days after their day ends (default: as soon as the day ends)" },
  // Behaviour the reference marks uncertain: the default is the best guess, the switch is the other reading.
  "codexlog-input-excludes-cached": { rate: null, kind: "switch", help: "CODEX_LOG token_usage.input_tokens excludes cached tokens (default: includes, as the Responses API and rollouts do)" },
  "scope-error-422": { rate: null, kind: "switch", help: "wrong-scope event type answers 422 (default 400)" },
  "scope-error-404": { rate: null, kind: "switch", help: "wrong-scope event type answers 404 (default 400)" },
  "download-direct": { rate: null, kind: "switch", help: "GET …/logs/{id} answers 200 with the body instead of 307 to a signed URL" },
  "no-retry-after": { rate: null, kind: "switch", help: "429 responses carry no Retry-After header" },
  "empty-page-echo-after": { rate: null, kind: "switch", help: "an empty list page echoes `after` as last_end_time (default: null)" },
  "list-object": { rate: null, kind: "switch", help: 'list pages carry "object":"list"' },
  "empty-sha256": { rate: null, kind: "switch", help: 'file_sha256 is "" (the reference says it may be empty)' },
  "analytics-iso-time": { rate: null, kind: "switch", help: "Analytics start_time/end_time as ISO strings instead of Unix seconds" },
  "analytics-no-lookback-limit": { rate: null, kind: "switch", help: "Analytics accepts start_time older than 90 days (default 422)" },
} as const satisfies Record<string, FaultDef>;

export type FaultName = keyof typeof FAULTS;

export type FaultRates = Partial<Record<FaultName, number>>;

export class FaultParseError extends Error {}

/** Parse `["ratelimit", "5xx=0.3"]` or `["ratelimit,5xx=0.3"]`. */
export function parseFaults(list: readonly string[] | undefined): FaultRates {
  const out: FaultRates = {};
  for (const item of list ?? []) {
    for (const raw of item.split(",")) {
      const part = raw.trim();
      if (!part) continue;
      const [name, rateText] = part.split("=", 2) as [string, string | undefined];
      if (!(name in FAULTS)) {
        throw new FaultParseError(`unknown fault "${name}" (known: ${Object.keys(FAULTS).join(", ")})`);
      }
      const def = FAULTS[name as FaultName] as FaultDef;
      let rate = def.rate ?? 1;
      if (rateText !== undefined) {
        rate = Number(rateText);
        if (!Number.isFinite(rate) || rate < 0 || rate > 1) throw new FaultParseError(`fault "${name}": rate must be a number from 0 to 1, got "${rateText}"`);
      }
      out[name as FaultName] = rate;
    }
  }
  return out;
}

export function faultsHelp(): string {
  return Object.entries(FAULTS)
    .map(([n, d]) => `  ${n.padEnd(32)} ${d.rate !== null ? `(default rate ${d.rate}) ` : ""}${d.help}`)
    .join("\n");
}
