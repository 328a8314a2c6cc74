import { createHmac } from "node:crypto";
import {
  PRIORITY,
  normalizePem,
  scanText,
  type Candidate,
  type FindingKind,
} from "./detectors";
import { charClasses } from "./validators";
import { warmUpEdgeTexts, warmUpText } from "./warm-up";

export type { FindingKind };

export type Finding = {
  /** Stable snake_case name, e.g. github_token, private_key, email. */
  type: string;
  kind: FindingKind;
  /** JavaScript string (UTF-16) indices into the original text; end is exclusive. */
  start: number;
  end: number;
  /** First 16 hex characters (64 bits) of HMAC-SHA256(key, value); the placeholder shows the first 8. */
  fingerprint: string;
};

export type RedactionResult = {
  /** The text with every finding replaced by `[SECRET:type:xxxxxxxx]` or `[PII:type:xxxxxxxx]`. */
  redacted: string;
  /** In text order, never overlapping. */
  findings: Finding[];
  /** Full HMAC-SHA256(key, original text), hex: "was this exact text sent?" without keeping the text. */
  textFingerprint: string;
  /** Length of the original text (UTF-16 code units, like String.prototype.length). */
  length: number;
};

/** What redactWithoutTextFingerprint returns: everything but the whole-text fingerprint. */
export type Redaction = Omit<RedactionResult, "textFingerprint">;

export type Redactor = {
  redact(text: string): RedactionResult;
  /**
   * redact() without the whole-text HMAC, for callers that do not keep it (`npm run redact` writes
   * only the redacted text and the findings). Findings and placeholders are the same.
   */
  redactWithoutTextFingerprint(text: string): Redaction;
  /** The fingerprint a finding of this exact value carries (PEM keys are normalised first). */
  fingerprintValue(value: string): string;
};

export type RedactorOptions = {
  /** The HMAC key (REDACTION_KEY). Never stored next to the data it fingerprints. */
  key: Buffer;
  /** IP addresses are personal data in many jurisdictions, noise in others. Default true. */
  detectIpAddresses?: boolean;
};

/** Length of `Finding.fingerprint` in hex characters. */
export const FINGERPRINT_HEX_LENGTH = 16;
/** Length of the suffix shown in placeholders. */
export const PLACEHOLDER_HEX_LENGTH = 8;

export function renderPlaceholder(finding: Pick<Finding, "type" | "kind" | "fingerprint">): string {
  return `[${finding.kind === "secret" ? "SECRET" : "PII"}:${finding.type}:${finding.fingerprint.slice(0, PLACEHOLDER_HEX_LENGTH)}]`;
}

/** The first redactor scans warm-up.ts's text this often (see there why); later ones need not. */
const WARM_UP_ROUNDS = 4;
let warmedUp = false;

export function createRedactor({ key, detectIpAddresses = true }: RedactorOptions): Redactor {
  if (!Buffer.isBuffer(key) || key.length < 16) {
    throw new Error("createRedactor: key must be a Buffer of at least 16 bytes");
  }
  const hmacHex = (value: string) => createHmac("sha256", key).update(value, "utf8").digest("hex");
  const fingerprint = (value: string) => hmacHex(value).slice(0, FINGERPRINT_HEX_LENGTH);

  function fingerprintValue(value: string): string {
    if (value.includes("PRIVATE KEY")) return fingerprint(normalizePem(value));
    if (value.trimStart().startsWith("LS0tLS1CRUdJTi")) {
      const decoded = Buffer.from(value.trim(), "base64").toString("latin1");
      if (decoded.includes("PRIVATE KEY")) return fingerprint(normalizePem(decoded));
    }
    return fingerprint(value);
  }

  function redactWithoutTextFingerprint(text: string): Redaction {
    if (typeof text !== "string") throw new TypeError("redact: text must be a string");
    const candidates: Candidate[] = [];
    const { dataUris } = scanText(text, candidates, detectIpAddresses);
    const resolved = withRepeatsOfSecrets(text, resolveOverlaps(dropInsideDataUris(dataUris, candidates)));
    const findings: Finding[] = [];
    // The same value often repeats inside one text; the cache lives only for this call.
    const seen = new Map<string, string>();
    let redacted = "";
    let cursor = 0;
    for (const c of resolved) {
      const raw = text.slice(c.start, c.end);
      const value = c.normalize === "pem" ? normalizePem(raw) : c.normalize === "pem64" ? normalizePem(Buffer.from(raw, "base64").toString("latin1")) : raw;
      let fp = seen.get(value);
      if (fp === undefined) {
        fp = fingerprint(value);
        seen.set(value, fp);
      }
      const finding: Finding = { type: c.type, kind: c.kind, start: c.start, end: c.end, fingerprint: fp };
      findings.push(finding);
      redacted += text.slice(cursor, c.start) + renderPlaceholder(finding);
      cursor = c.end;
    }
    redacted = findings.length === 0 ? text : redacted + text.slice(cursor);
    return { redacted, findings, length: text.length };
  }

  function redact(text: string): RedactionResult {
    const { redacted, findings, length } = redactWithoutTextFingerprint(text);
    return { redacted, findings, textFingerprint: hmacHex(text), length };
  }

  if (!warmedUp) {
    warmedUp = true;
    // the edge texts once, after a first round (a function collects type feedback only once it has
    // been called a few times) and before the optimising compiler has taken the rest
    const text = warmUpText();
    for (let i = 0; i < WARM_UP_ROUNDS; i++) {
      redact(text);
      if (i === 1) for (const edge of warmUpEdgeTexts()) redact(edge);
    }
  }
  return { redact, redactWithoutTextFingerprint, fingerprintValue };
}

/** Shorter values, or values of one or two character classes ("postgres"), are words as often as secrets. */
const REPEAT_MIN_LENGTH = 8;
/** How far from a finding its value is looked for again: a paste's own lines, not a whole 1 MB text each time. */
const REPEAT_WINDOW = 16 * 1024;

/**
 * A secret found by its context (an assignment, a connection string, a header) is a secret wherever
 * else it appears nearby, even where nothing around it says so (`Sys.setenv(KEY = "…")` then
 * `key <- "…"`, a password echoed in a log line). Token formats need no context, so they are found
 * everywhere already.
 */
function withRepeatsOfSecrets(text: string, resolved: Candidate[]): Candidate[] {
  let repeats: Candidate[] | undefined;
  // characters searched, at most a few times the text: a text of many context-found secrets stays linear
  let budget = 4 * text.length + REPEAT_WINDOW * 8;
  for (const c of resolved) {
    if (budget <= 0) break;
    if (c.kind !== "secret" || c.priority > PRIORITY.connection || c.normalize !== undefined || c.end - c.start < REPEAT_MIN_LENGTH) continue;
    const value = text.slice(c.start, c.end);
    if (charClasses(value).count < 3) continue;
    const from = Math.max(0, c.start - REPEAT_WINDOW);
    // a slice shares the text's characters: indexOf stops at the window's end, not the text's
    const window = from === 0 && c.end + REPEAT_WINDOW >= text.length ? text : text.slice(from, c.end + REPEAT_WINDOW);
    budget -= window.length;
    for (let at = window.indexOf(value); at !== -1; at = window.indexOf(value, at + value.length)) {
      if (from + at !== c.start) (repeats ??= []).push({ ...c, start: from + at, end: from + at + value.length });
    }
  }
  return repeats === undefined ? resolved : resolveOverlaps([...resolved, ...repeats]);
}

function dropInsideDataUris(ranges: Array<[number, number]>, candidates: Candidate[]): Candidate[] {
  if (candidates.length === 0 || ranges.length === 0) return candidates;
  const sorted = candidates.slice().sort((a, b) => a.start - b.start);
  const kept: Candidate[] = [];
  let r = 0;
  for (const c of sorted) {
    while (r < ranges.length && ranges[r]![1] <= c.start) r++;
    const range = ranges[r];
    if (range && c.start >= range[0] && c.start < range[1]) continue;
    kept.push(c);
  }
  return kept;
}

/**
 * Deterministic overlap resolution: walk in start order; when two candidates overlap, the higher
 * priority wins (then the longer, then the earlier). A loser that reaches beyond the winner widens
 * it, so no part of a secret or of a personal datum survives (but see the `password@host` case).
 */
export function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  if (candidates.length <= 1) return candidates.slice();
  const sorted = candidates
    .slice()
    .sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const kept: Candidate[] = [];
  for (const c of sorted) {
    const last = kept[kept.length - 1];
    if (!last || c.start >= last.end) {
      kept.push({ ...c });
      continue;
    }
    const cWins = c.priority > last.priority || (c.priority === last.priority && c.end - c.start > last.end - last.start);
    const winner = cWins ? { ...c } : last;
    const loser = cWins ? last : c;
    // The loser's part outside the winner is still a secret or personal datum: the winner covers it.
    // Except an "email" under a secret: that is `password@host` of a credential, not a mailbox.
    if (!(winner.kind === "secret" && loser.type === "email")) {
      winner.start = Math.min(winner.start, loser.start);
      winner.end = Math.max(winner.end, loser.end);
    }
    if (cWins) kept[kept.length - 1] = winner;
    // A widened winner may now reach into the previous kept finding: merge backwards.
    while (kept.length >= 2 && kept[kept.length - 2]!.end > kept[kept.length - 1]!.start) {
      const top = kept.pop()!;
      const prev = kept[kept.length - 1]!;
      const topWins = top.priority > prev.priority;
      const merged = topWins ? top : prev;
      merged.start = Math.min(prev.start, top.start);
      merged.end = Math.max(prev.end, top.end);
      kept[kept.length - 1] = merged;
    }
  }
  return kept;
}
