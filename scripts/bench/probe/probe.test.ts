/**
 * The blind probes as a regression guard. They were written without reading the detectors and then
 * used to fix them (ADR 0104), so from here on they are our fixtures too: a new miss fails, a fixed
 * one must be taken off KNOWN_MISSES.
 */
import { describe, expect, it } from "vitest";
import { createRedactor } from "../../../app/lib/redaction";
import { PROBE_SEED, PROBE_SETS } from "./index";
import { checkProbe, precisionOf, recallOf, scoreProbe } from "./score";

/** Sample ids still missed, and why they are left. */
const KNOWN_MISSES: Record<string, string> = {
  // first secrets probe
  "tf/tfstate-random-password": '"result": "…" under a random_password resource of a state file',
  "dot/pgpass": "host:port:db:user:password lines with nothing that names the last field",
  "prose/slash-pair": '"admin / hunter2"-style pairs in prose',
  "more/poetry-comment": "poetry config http-basic.<repo> <user> <password>: positional arguments",
  // second secrets probe (written after the first round of fixes)
  "jwks/private": 'the "d", "p" and "q" members of a private JWK: names too short to mean anything alone',
  "smtp/auth-transcript": "AUTH PLAIN <base64> and the line after 334 UGFzc3dvcmQ6: a protocol transcript",
  "shape/tsv-spreadsheet": "values under a password column of a pasted table",
  "clojure/edn-config": ':password "…" in EDN maps (a keyword, a space, a string)',
  "zendesk-freshdesk/curl": "curl -u <api key>:X: the key is the user part",
  "wireguard/wg0": "DNS = 1.1.1.1: a public resolver, labelled personal data by the probe; four one-digit parts read as a version",
  "vba/excel-macro": 'Const API_TOKEN As String = "…": the type between name and value',
  "vault/kv-get": "vault kv get output: key and value in two columns",
  "tencent/python-sdk": "the Tencent SecretId (AKID…) has no format rule; the secret key next to it is found",
  "shape/double-escaped-json": 'a password two levels of JSON escaping deep (\\"password\\":… inside a JSON string inside a JSON string)',
  "sam/noecho-default": "Default: of a NoEcho CloudFormation parameter named …Password",
  "salesforce/sfdx-display": "sfdx org display: Access Token in a two-column table",
  "ruby/gemfile-source": "https://<user>:<password>@gems…: the user part is secret too",
  "rails/master-key": "the hex printed by cat config/master.key",
  "postfix/sasl-passwd": "[host]:587 user@domain:password",
  "pkcs12/base64-env": "a base64 PKCS#12 bundle under a name without a keyword",
  "perl/dbi-connect": "the third argument of DBI->connect",
  "gcloud/secrets": "the line gcloud secrets versions access prints",
  "ftp/urls": "lftp -u user,'password'",
  "c/curl-userpwd": 'curl_easy_setopt(curl, CURLOPT_USERPWD, "user:password")',
  "alibaba/aliyun-cli": "Access Key Secret []: the interactive prompt of aliyun configure",
};

/** The least each probe must score: the first two were fixed against, the second secrets probe after one round. */
const FLOORS: Record<string, { recall: number; precision: number }> = {
  secrets: { recall: 0.98, precision: 0.95 },
  "personal data and look-alikes": { recall: 0.99, precision: 0.97 },
  "secrets, second probe": { recall: 0.9, precision: 0.98 },
  "personal data, second probe": { recall: 0.98, precision: 0.97 },
};

const redactor = createRedactor({ key: Buffer.alloc(32, 3) });

describe.each(PROBE_SETS.map((set) => [set.name, set] as const))("blind probe: %s", (name, set) => {
  it.each([PROBE_SEED, 1, 2])("seed %i: no new misses, recall and precision above the floor", (seed) => {
    const samples = set.build(seed);
    expect(samples.length).toBeGreaterThan(100);
    const score = scoreProbe(redactor, samples);
    const unexpected = score.misses.filter((m) => !(m.id in KNOWN_MISSES));
    expect(unexpected).toEqual([]);
    const floor = FLOORS[name] ?? { recall: 0.98, precision: 0.97 };
    expect(recallOf(score.total)).toBeGreaterThanOrEqual(floor.recall);
    expect(precisionOf(score.total)).toBeGreaterThanOrEqual(floor.precision);
  });
});

describe("probe scoring", () => {
  it("rejects a sample whose label is not in its text", () => {
    expect(() => checkProbe([{ id: "x", format: "t", text: "abc", sensitive: [{ value: "zzz", kind: "secret", label: "l" }] }])).toThrow(/does not occur/);
  });

  it("counts a value left partly in the text as a miss, and a finding on a look-alike as a false alarm", () => {
    const fake = {
      redact: (text: string) => ({ redacted: text, findings: [{ type: "t", kind: "secret" as const, start: 0, end: 3, fingerprint: "" }], textFingerprint: "", length: text.length }),
      redactWithoutTextFingerprint: () => ({ redacted: "", findings: [], length: 0 }),
      fingerprintValue: () => "",
    };
    const score = scoreProbe(fake, [{ id: "s", format: "f", text: "abcdef 1234", sensitive: [{ value: "abcdef", kind: "secret", label: "pw" }], benign: ["1234"] }]);
    expect(score.total.covered).toBe(0);
    expect(score.total.leaks).toBe(1);
    expect(score.misses).toEqual([{ id: "s", format: "f", label: "pw", kind: "secret", leaked: true }]);
    expect(score.total.offTarget).toBe(0);
  });
});
