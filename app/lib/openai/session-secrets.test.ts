import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRedactor } from "../redaction";
import { SessionSecrets } from "./session-secrets";

const redactor = createRedactor({ key: randomBytes(32) });
const password = "Zq8-Vault-77wPk3";
const prompt = `my config: DATABASE_URL=postgres://app:${password}@db.internal:5432/app`;
const response = `Note: the snippet contains a live credential (\`${password}\`). Rotate it; ${password} must not be committed.`;

describe("SessionSecrets", () => {
  it("redacts a bare echo of a secret found earlier in the same session, with the same fingerprint", () => {
    const secrets = new SessionSecrets();
    const first = redactor.redact(prompt);
    secrets.remember("s-1", prompt, first);
    const original = first.findings.find((f) => prompt.slice(f.start, f.end) === password);
    expect(original).toBeDefined();

    const echoed = secrets.extend("s-1", response, redactor.redact(response));
    expect(echoed.redacted).not.toContain(password);
    expect(echoed.findings.filter((f) => response.slice(f.start, f.end) === password)).toHaveLength(2);
    expect(echoed.findings.every((f) => f.fingerprint === original!.fingerprint || response.slice(f.start, f.end) !== password)).toBe(true);
  });

  it("knows nothing across sessions", () => {
    const secrets = new SessionSecrets();
    secrets.remember("s-1", prompt, redactor.redact(prompt));
    expect(secrets.extend("s-2", response, redactor.redact(response)).redacted).toContain(password);
  });

  it("forgets the oldest sessions beyond its bound", () => {
    const secrets = new SessionSecrets(2);
    for (const id of ["a", "b", "c"]) secrets.remember(id, prompt, redactor.redact(prompt));
    expect(secrets.extend("a", response, redactor.redact(response)).redacted).toContain(password);
    expect(secrets.extend("c", response, redactor.redact(response)).redacted).not.toContain(password);
  });
});
