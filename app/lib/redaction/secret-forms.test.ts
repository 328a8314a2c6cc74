/**
 * Secret shapes a blind probe (scripts/bench/probe/secrets.ts) found leaking, each beside the
 * look-alike that must stay: values in config lines that hold punctuation, keywords glued to
 * another word, repeated values, SQL and directive forms, passwords in prose of several languages.
 * Values are synthetic.
 */
import { describe, expect, it } from "vitest";
import { createRedactor } from "./index";

const redactor = createRedactor({ key: Buffer.alloc(32, 11) });

/** Every value is gone from the output, each covered by one finding that spans exactly it. */
function expectRedacted(text: string, ...values: string[]) {
  const result = redactor.redact(text);
  const spans = result.findings.map((f) => text.slice(f.start, f.end));
  for (const value of values) {
    expect(spans, text).toContain(value);
    expect(result.redacted, text).not.toContain(value);
  }
  return result;
}

function expectUntouched(text: string, ...kept: string[]) {
  const result = redactor.redact(text);
  for (const k of kept) expect(result.redacted, text).toContain(k);
  return result;
}

describe("unquoted values on a config line run to its end", () => {
  it.each([
    ["DB_PASSWORD=Tr0ub4dor&3x!\nDB_HOST=db", "Tr0ub4dor&3x!"],
    ["export SMTP_PASSWORD=bX4&hJ7*qL2@\n", "bX4&hJ7*qL2@"],
    ["spring:\n  datasource:\n    password: Qz8(pL)3[vN]{x}|k\n", "Qz8(pL)3[vN]{x}|k"],
    ["  - password: f9&K;w2,Lq\n", "f9&K;w2,Lq"],
    ["db.password=Mx7<Rt>9&Yp\n", "Mx7<Rt>9&Yp"],
  ])("%s", (text, value) => {
    expectRedacted(text, value);
  });

  it("stops at the next pair of a query or connection string on the same line", () => {
    expectRedacted("access_token=q7Hf2LmX9pRt4WzK&state=1", "q7Hf2LmX9pRt4WzK");
    expectRedacted("Password=Zk4&mQ9x;Database=orders;", "Zk4&mQ9x");
  });

  it("keeps a call or a variable at the end of a statement out of the value", () => {
    expectUntouched("password = get_password(user)\n", "get_password");
    expectUntouched("password = configuredSecret;\n", "configuredSecret");
  });

  it("inside code, punctuation still ends an unquoted value", () => {
    const result = redactor.redact('connect(password=Hq93kLz7Wx, host="db")');
    expect(result.findings.map((f) => result.redacted && f)).toHaveLength(1);
    expect(result.redacted).toContain(', host="db")');
  });
});

describe("keywords glued to another word", () => {
  it.each([
    ["export PGPASSWORD='Winter2025!Blue'", "Winter2025!Blue"],
    ['$env:SQLCMDPASSWORD = "Vd7#kq2LmZ"', "Vd7#kq2LmZ"],
    ["keytool -importkeystore -srcstorepass 'Ks8!trE4wq' -deststorepass 'Dp3$mN7vxa'", "Ks8!trE4wq", "Dp3$mN7vxa"],
    ["const options = { apiKeyAuth: '3f9c0d2e8b7a41c6a5e0f1d2c3b4a596' };", "3f9c0d2e8b7a41c6a5e0f1d2c3b4a596"],
    ["EXEC sp_addlinkedsrvlogin @rmtuser = N'sa', @rmtpassword = N'Lk9#vT2qPz'", "Lk9#vT2qPz"],
    ["JWTSECRET=hQ8vN2kL5xR7tY3wZ9mB", "hQ8vN2kL5xR7tY3wZ9mB"],
  ])("%s", (text, ...values) => {
    expectRedacted(text, ...values);
  });

  it("leaves words that only end like a keyword", () => {
    expectUntouched("lowpass = 1200\nbypass: 4096\ncompass = North7", "1200", "4096", "North7");
    expectUntouched("set-cookie: csrftoken=8c1f0e9d7b6a5c4d3e2f1a0b9c8d7e6f; Path=/", "8c1f0e9d7b6a5c4d3e2f1a0b9c8d7e6f");
    expectUntouched('$secpasswd = ConvertTo-SecureString "x" -AsPlainText', "ConvertTo-SecureString");
  });
});

describe("a secret found once is redacted where it appears again nearby", () => {
  it("in R, after Sys.setenv", () => {
    const text = 'Sys.setenv(CENSUS_API_KEY = "a7Kq2Lm9Xz4Wp8Rt3Vn6")\ncensus <- get(key_for("a7Kq2Lm9Xz4Wp8Rt3Vn6"))';
    const result = expectRedacted(text, "a7Kq2Lm9Xz4Wp8Rt3Vn6");
    expect(result.findings).toHaveLength(2);
  });

  it("but not a plain word that was a password once", () => {
    const result = redactor.redact("password = 'postgres'\nconnect to postgres on localhost");
    expect(result.redacted).toContain("connect to postgres");
  });
});
