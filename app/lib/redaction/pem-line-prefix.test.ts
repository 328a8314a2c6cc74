import { describe, expect, it } from "vitest";
import { normalizePem } from "./detectors";

// A key pasted as a diff, a mail quote or a comment carries a prefix on every line; the key's
// fingerprint (and so its placeholder and "has this value been seen?") must not depend on it.
const KEY = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC7",
  "+line0starts0with0a0plus0which0is0base64/AbCdEf==",
  "-----END PRIVATE KEY-----",
].join("\n");
const prefixed = (prefix: string) => KEY.split("\n").map((line) => prefix + line).join("\n").slice(prefix.length);

describe("normalizePem with a line prefix", () => {
  const plain = normalizePem(KEY);

  it.each([
    ["a diff's +", prefixed("+")],
    ["a diff's + inside a JSON string", JSON.stringify(prefixed("+")).slice(1, -1)],
    ["a mail quote", prefixed("> ")],
    ["a shell comment", prefixed("# ")],
    ["YAML indentation", prefixed("    ")],
  ])("%s gives the plain key's material", (_name, text) => {
    expect(normalizePem(text)).toBe(plain);
  });

  it("keeps a + that belongs to the key material", () => {
    expect(plain).toContain("C7+line0starts");
  });
});
