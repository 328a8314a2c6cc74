import { renderPlaceholder, type Finding, type RedactionResult } from "../redaction";

/**
 * Secret values found earlier in a Codex session, kept in memory for the length of one sync
 * run (never stored). Codex echoes a pasted secret back on its own ("the snippet contains a
 * live credential (`hunter2…`)"), where no pattern could know it is one; this catches the
 * exact echo and gives it the same type and fingerprint as the original finding.
 */
export class SessionSecrets {
  private readonly sessions = new Map<string, Map<string, Pick<Finding, "type" | "kind" | "fingerprint">>>();

  constructor(private readonly maxSessions = 20_000) {}

  /** Remembers the secret values of `result`, a redaction of `text` in `sessionId`. */
  remember(sessionId: string | null, text: string, result: RedactionResult) {
    if (!sessionId) return;
    for (const f of result.findings) {
      if (f.kind !== "secret" || f.end - f.start < 8) continue;
      let known = this.sessions.get(sessionId);
      if (!known) {
        if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
        known = new Map();
        this.sessions.set(sessionId, known);
      }
      known.set(text.slice(f.start, f.end), { type: f.type, kind: f.kind, fingerprint: f.fingerprint });
    }
  }

  /** `result` with every further exact occurrence of a known secret of the session redacted too. */
  extend(sessionId: string | null, text: string, result: RedactionResult): RedactionResult {
    const known = sessionId ? this.sessions.get(sessionId) : undefined;
    if (!known || known.size === 0) return result;
    const extra: Finding[] = [];
    for (const [value, meta] of known) {
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
        const end = at + value.length;
        const overlaps = result.findings.some((f) => f.start < end && at < f.end) || extra.some((f) => f.start < end && at < f.end);
        if (!overlaps) extra.push({ ...meta, start: at, end });
      }
    }
    if (extra.length === 0) return result;
    const findings = [...result.findings, ...extra].sort((a, b) => a.start - b.start);
    let redacted = "";
    let cursor = 0;
    for (const f of findings) {
      redacted += text.slice(cursor, f.start) + renderPlaceholder(f);
      cursor = f.end;
    }
    redacted += text.slice(cursor);
    return { ...result, findings, redacted };
  }
}
