import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseEnv } from "./config.server";

const tempDirs: string[] = [];
function tempDataDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-config-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>) {
  try {
    parseEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

const ed25519Pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const production = {
  OIDC_ISSUER: "https://idp.example.com",
  OIDC_CLIENT_ID: "ledger",
  OIDC_CLIENT_SECRET: "s3cret",
  SESSION_SECRET: "a".repeat(40),
  ROLE_MAP: "admin:platform-admins;auditor:secops;finance:finance;viewer:*",
  APP_URL: "https://ledger.example.com",
  DATABASE_URL: "postgres://ledger:pw@db.example.com:5432/ledger",
  REDACTION_KEY: "k".repeat(40),
  LEDGER_SIGNING_KEY: ed25519Pem.replace(/\n/g, "\\n"),
};

describe("demo mode (nothing configured)", () => {
  it("uses PGlite in the data folder, the demo IdP, loopback only, and generates secrets once", () => {
    const dataDir = tempDataDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.mode).toBe("demo");
    expect(config.host).toBe("127.0.0.1");
    expect(config.database).toEqual({ kind: "pglite", dataDir: path.join(dataDir, "pglite") });
    expect(config.oidc.kind).toBe("demo");
    expect(config.oidc.issuer).toBe("http://127.0.0.1:3001");
    expect(config.openai.source).toBe("simulator");
    expect(config.appUrl).toBe("http://127.0.0.1:3000");
    expect(config.secureCookies).toBe(false);
    const secretsFile = path.join(dataDir, "secrets.json");
    expect(fs.statSync(secretsFile).mode & 0o777).toBe(0o600);
    const again = loadConfig({ DATA_DIR: dataDir });
    expect(again.session.secrets).toEqual(config.session.secrets);
    expect(again.redactionKey.equals(config.redactionKey)).toBe(true);
  });

  it("follows PORT for the console and the demo IdP", () => {
    const config = loadConfig({ DATA_DIR: tempDataDir(), PORT: "4100" });
    expect(config.appUrl).toBe("http://127.0.0.1:4100");
    expect(config.oidc.issuer).toBe("http://127.0.0.1:4101");
  });

  it("refuses to bind anywhere but loopback", () => {
    expect(problemsOf({ HOST: "0.0.0.0" })).toEqual([expect.stringMatching(/^HOST: demo mode binds to 127\.0\.0\.1 only/)]);
  });

  it("refuses real OpenAI keys behind the demo sign-in, naming the keys", () => {
    const problems = problemsOf({ OPENAI_COMPLIANCE_API_KEY: "sk-real", OPENAI_ANALYTICS_API_KEY: "sk-real2" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("OPENAI_COMPLIANCE_API_KEY and OPENAI_ANALYTICS_API_KEY are set but OIDC_ISSUER is not");
    expect(problems[0]).not.toContain("sk-real");
  });
});

describe("production mode (OIDC configured)", () => {
  it("accepts a complete configuration", () => {
    const config = loadConfig(production);
    expect(config.mode).toBe("production");
    expect(config.host).toBe("0.0.0.0");
    expect(config.secureCookies).toBe(true);
    expect(config.database).toEqual({ kind: "postgres", url: production.DATABASE_URL });
    expect(config.roleMap).toContainEqual({ role: "viewer", group: "*" });
    expect(config.ledgerSigningKey).toContain("-----BEGIN PRIVATE KEY-----\n");
    expect(config.demoSecretsFile).toBeUndefined();
  });

  it("names every missing variable at once", () => {
    const problems = problemsOf({ OIDC_ISSUER: "https://idp.example.com" });
    for (const name of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "SESSION_SECRET", "ROLE_MAP", "APP_URL", "DATABASE_URL", "REDACTION_KEY", "LEDGER_SIGNING_KEY"]) {
      expect(problems).toContain(`${name}: is required in production (OIDC_ISSUER is set)`);
    }
  });

  it("names malformed values without echoing secrets", () => {
    const problems = problemsOf({ ...production, DATABASE_URL: "mysql://root:hunter2@db/ledger", PORT: "http", OPENAI_ORG_ID: "acme" });
    expect(problems).toEqual(
      expect.arrayContaining([
        "DATABASE_URL: must be a postgres:// or postgresql:// URL",
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^OPENAI_ORG_ID: must start with "org-"/),
      ]),
    );
    expect(problems.join("\n")).not.toContain("hunter2");
  });

  it("checks ROLE_MAP, session secret length and the signing key", () => {
    const problems = problemsOf({ ...production, ROLE_MAP: "boss:execs;viewer", SESSION_SECRET: "short", LEDGER_SIGNING_KEY: "nope" });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('ROLE_MAP: entry "boss:execs" names an unknown role "boss"'),
        expect.stringContaining('ROLE_MAP: entry "viewer" must look like role:group'),
        expect.stringContaining("SESSION_SECRET: every secret in the comma-separated list must be at least 32 characters"),
        expect.stringContaining("LEDGER_SIGNING_KEY: must be an Ed25519 private key"),
      ]),
    );
  });

  it("keeps a rotatable list of session secrets, newest first", () => {
    const config = loadConfig({ ...production, SESSION_SECRET: `${"n".repeat(32)}, ${"o".repeat(32)}` });
    expect(config.session.secrets).toEqual(["n".repeat(32), "o".repeat(32)]);
  });

  it("never starts the demo identity provider", () => {
    expect(problemsOf({ ...production, DEMO_IDP_PORT: "3001" })).toEqual([expect.stringMatching(/^DEMO_IDP_PORT: /)]);
  });
});
