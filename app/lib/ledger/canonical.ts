import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/**
 * The integrity ledger's canonical forms, hashes and signatures. Pure functions with no
 * database: the same code recomputes a chain from the database (npm run verify) and from an
 * evidence pack on a machine without one (npm run verify -- --pack FILE). The forms are
 * specified in docs/decisions/0010-integrity-ledger.md; changing any of them is a new version.
 */

export const GENESIS_HASH = "0".repeat(64);
export const EVENT_FORM = "codex-ledger/event/v1";
export const LINK_FORM = "codex-ledger/link/v1";
export const DIGEST_FORM = "codex-ledger/digest/v1";

/** A finding as chained: type and offsets and a keyed fingerprint, never the value. */
export type CanonicalFinding = { field: string; type: string; kind: string; start: number; end: number; fingerprint: string };

/**
 * One stored event in canonical form: every column of `events` except `redacted_text`
 * (retention clears it; it is covered by the link's text_hash instead), plus its findings.
 * Timestamps are UTC with microseconds (`2026-11-20T12:30:00.123456Z`), integers are JSON
 * numbers, absent values are null.
 */
export type CanonicalEvent = {
  event_id: string;
  occurred_at: string;
  event_type: string;
  detail_type: string | null;
  workspace_id: string | null;
  person_id: string | null;
  openai_user_id: string | null;
  actor_email: string | null;
  client_id: string | null;
  session_id: string | null;
  turn_id: string | null;
  model: string | null;
  service_tier: string | null;
  reasoning_effort: string | null;
  status: string | null;
  input_tokens: number | null;
  cached_input_tokens: number | null;
  output_tokens: number | null;
  reasoning_output_tokens: number | null;
  tool_name: string | null;
  tool_decision: string | null;
  text_kind: string | null;
  text_length: number | null;
  text_fingerprint: string | null;
  finding_count: number;
  flags: string[];
  attributes: Record<string, unknown>;
  source_file_id: string | null;
  ingested_at: string;
  findings: CanonicalFinding[];
};

/**
 * Canonical JSON (RFC 8785 style): object keys sorted by UTF-16 code units, no whitespace,
 * strings and numbers as JSON.stringify writes them, undefined members dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error("canonicalJson: non-finite number");
    if (typeof value === "bigint") return value.toString();
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export function eventHash(event: CanonicalEvent) {
  return sha256Hex(`${EVENT_FORM}\n${canonicalJson(event)}`);
}

/** The redacted text as it was when chained; null when there was none. */
export function textHash(redactedText: string | null) {
  return redactedText === null ? null : sha256Hex(redactedText);
}

export type LinkFields = {
  workspace: string;
  seq: number;
  day: string;
  event_id: string;
  occurred_at: string;
  event_hash: string;
  text_hash: string | null;
  prev_hash: string;
};

export function linkHash(link: LinkFields) {
  const { workspace, seq, day, event_id, occurred_at, event_hash, text_hash, prev_hash } = link;
  const fields: LinkFields = { workspace, seq, day, event_id, occurred_at, event_hash, text_hash, prev_hash };
  return sha256Hex(`${LINK_FORM}\n${canonicalJson(fields)}`);
}

export type DigestFields = {
  workspace: string;
  day: string;
  event_count: number;
  first_seq: number | null;
  last_seq: number | null;
  first_event_id: string | null;
  last_event_id: string | null;
  prev_head: string;
  chain_head: string;
  public_key_id: string;
};

/** The exact bytes a digest's signature covers. */
export function digestPayload(digest: DigestFields) {
  const { workspace, day, event_count, first_seq, last_seq, first_event_id, last_event_id, prev_head, chain_head, public_key_id } = digest;
  const fields: DigestFields = { workspace, day, event_count, first_seq, last_seq, first_event_id, last_event_id, prev_head, chain_head, public_key_id };
  return `${DIGEST_FORM}\n${canonicalJson(fields)}`;
}

export function loadSigningKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error("the ledger signing key must be an Ed25519 private key");
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ type: "spki", format: "pem" }).toString();
}

/** The first 16 hex digits of the sha256 of the public key's DER (SPKI) encoding. */
export function publicKeyId(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return createHash("sha256").update(pub.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

export function signDigest(digest: DigestFields, privateKey: KeyObject): string {
  return sign(null, Buffer.from(digestPayload(digest), "utf8"), privateKey).toString("base64");
}

export function verifyDigestSignature(digest: DigestFields, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(digestPayload(digest), "utf8"), publicKey, Buffer.from(signature, "base64"));
  } catch {
    return false;
  }
}

/** The next UTC day of a YYYY-MM-DD day. */
export function nextDay(day: string) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** A problem the verifier found, located by chain, day, link and event. */
export type LedgerProblem = {
  workspace: string;
  day: string | null;
  seq: number | null;
  eventId: string | null;
  problem: string;
};

export function describeProblem(p: LedgerProblem) {
  const where = [
    p.day ? `day ${p.day}` : null,
    `workspace ${p.workspace === "" ? "(none)" : p.workspace}`,
    p.eventId ? `event ${p.eventId}` : null,
    p.seq !== null ? `link ${p.seq}` : null,
  ].filter(Boolean);
  return `MISMATCH ${where.join(", ")}: ${p.problem}`;
}
