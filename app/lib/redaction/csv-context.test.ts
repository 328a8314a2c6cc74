import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createRedactor } from "./index";

const redactor = createRedactor({ key: randomBytes(32) });

// Pasted spreadsheets and CSV exports: the value after a comma starts a number of its own.
describe("personal data in CSV rows", () => {
  it.each([
    ["596803,Liam Popescu,4929401288981772,DE", "4929401288981772", "payment_card"],
    ["id,card\n17,4929401288981772\n", "4929401288981772", "payment_card"],
    ["name,ssn\nJo,512-38-4467\n", "512-38-4467", "us_ssn"],
    ["NY,512-38-4467,2026", "512-38-4467", "us_ssn"],
  ])("finds the value in %j", (text, value, type) => {
    const result = redactor.redact(text);
    expect(result.redacted).not.toContain(value);
    expect(result.findings.map((f) => [f.type, text.slice(f.start, f.end)])).toContainEqual([type, value]);
  });

  it("still reads 1,234,567 as one amount, not as numbers of its own", () => {
    expect(redactor.redact("revenue 1,234,567,890,123 this year").findings).toEqual([]);
  });
});
