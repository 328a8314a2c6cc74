import { createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ROLES, parseRoleMap, type RoleMap } from "./roles";

/**
 * The whole environment of Codex Ledger, validated once at boot. Nothing else in the
 * code base reads process.env: app, jobs and scripts all call getConfig().
 */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const port = z.coerce
  .number({ error: "must be a port number" })
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const positiveInt = z.coerce.number({ error: "must be a number" }).int("must be a whole number").positive("must be above 0");

function urlWith(protocols: string[], what: string) {
  return optionalText.refine(
    (value) => {
      if (value === undefined) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    // Never echo the value: a DATABASE_URL carries a password.
    { message: `must be ${what}` },
  );
}

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: port.default(3000),
  HOST: optionalText,
  /** Express "trust proxy": set behind a reverse proxy (e.g. "loopback" or a hop count) so client IPs and https are right. */
  TRUST_PROXY: optionalText,
  APP_URL: urlWith(["http:", "https:"], "the console's public URL, like https://ledger.example.com"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATA_DIR: z.string().trim().min(1, "must not be empty").default("./data"),
  DATABASE_URL: urlWith(["postgres:", "postgresql:"], "a postgres:// or postgresql:// URL"),
  OPENAI_API_BASE: urlWith(["http:", "https:"], "an http(s) URL").default("https://api.chatgpt.com"),
  OPENAI_COMPLIANCE_API_KEY: optionalText,
  OPENAI_ANALYTICS_API_KEY: optionalText,
  OPENAI_WORKSPACE_ID: optionalText,
  OPENAI_ORG_ID: optionalText.refine((v) => v === undefined || v.startsWith("org-"), {
    message: 'must start with "org-" (the organisation id that COSTS lives under)',
  }),
  OIDC_ISSUER: urlWith(["http:", "https:"], "the identity provider's issuer URL"),
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: z.string().trim().default("openid email profile groups"),
  OIDC_GROUPS_CLAIM: z.string().trim().min(1).default("groups"),
  ROLE_MAP: optionalText,
  SESSION_SECRET: optionalText,
  SESSION_IDLE_MINUTES: positiveInt.default(120),
  SESSION_MAX_HOURS: positiveInt.default(12),
  REDACTION_KEY: optionalText,
  LEDGER_SIGNING_KEY: optionalText,
  TEXT_POLICY: z.enum(["redacted", "hash-only"]).default("redacted"),
  TEXT_RETENTION_DAYS: positiveInt.default(90),
  DEMO_IDP_PORT: port.optional(),
  SYNC_BACKFILL_DAYS: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be between 1 and 30").max(30, "must be between 1 and 30 (OpenAI keeps 30 days)").default(30),
  SYNC_INTERVAL_MINUTES: positiveInt.default(15),
  SYNC_LAG_WARNING_HOURS: positiveInt.default(72),
  REDACT_IP_ADDRESSES: z.enum(["true", "false"], { error: "must be true or false" }).default("false"),
  /** Identity groups that are not teams (everyone, all engineers…): a person's team is their first other group. */
  TEAM_IGNORE_GROUPS: optionalText,
  /** Where the monthly leadership PDFs are kept; default DATA_DIR/reports. */
  REPORTS_DIR: optionalText,
  /** Optional: budget alerts are POSTed here as JSON, signed with BUDGET_WEBHOOK_SECRET. */
  BUDGET_WEBHOOK_URL: urlWith(["http:", "https:"], "an http(s) URL"),
  BUDGET_WEBHOOK_SECRET: optionalText,
});

export type Env = z.infer<typeof envSchema>;

export type Config = {
  mode: "demo" | "production";
  nodeEnv: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  host: string;
  port: number;
  trustProxy: boolean | number | string;
  appUrl: string;
  secureCookies: boolean;
  dataDir: string;
  database: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };
  openai: {
    apiBase: string;
    /** "simulator" when no keys are configured: the built-in simulated APIs are used. */
    source: "simulator" | "openai";
    complianceApiKey?: string;
    analyticsApiKey?: string;
    workspaceId?: string;
    orgId?: string;
  };
  oidc: {
    /** "demo": the built-in development identity provider, which never runs in production. */
    kind: "demo" | "external";
    issuer: string;
    clientId: string;
    clientSecret: string;
    scopes: string;
    groupsClaim: string;
    demoIdpPort: number;
  };
  roleMap: RoleMap;
  session: { secrets: string[]; idleMinutes: number; maxHours: number };
  redactionKey: Buffer;
  ledgerSigningKey: string;
  textPolicy: Env["TEXT_POLICY"];
  textRetentionDays: number;
  redactIpAddresses: boolean;
  teamIgnoreGroups: string[];
  sync: { backfillDays: number; intervalMinutes: number; lagWarningHours: number };
  /** Monthly PDFs (REPORTS_DIR) and budget alerts (BUDGET_WEBHOOK_URL, HMAC-SHA256 with BUDGET_WEBHOOK_SECRET). */
  reports: { dir: string; budgetWebhookUrl?: string; budgetWebhookSecret?: string };
  /** Set in demo mode: where generated secrets live, so start-up can say so. */
  demoSecretsFile?: string;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Codex Ledger cannot start: the configuration is invalid.\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

export const DEMO_ROLE_MAP = "admin:ledger-admins;auditor:ledger-auditors;finance:ledger-finance;viewer:ledger-viewers";
export const DEMO_OIDC_CLIENT_ID = "codex-ledger-demo";
// The simulated organisation's groups that span teams.
const DEMO_TEAM_IGNORE_GROUPS = "codex-users,engineering,chatgpt-admins";

type DemoSecrets = {
  sessionSecret: string;
  redactionKey: string;
  ledgerSigningKey: string;
  oidcClientSecret: string;
  idpCookieKey: string;
  idpJwk: Record<string, unknown>;
};

/** Parses and checks the environment without touching the disk. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".") || "environment"}: ${issue.message}`));
  }
  const env = result.data;
  const problems: string[] = [];

  const openaiKeys = (["OPENAI_COMPLIANCE_API_KEY", "OPENAI_ANALYTICS_API_KEY"] as const).filter((name) => env[name]);
  if (!env.OIDC_ISSUER && openaiKeys.length > 0) {
    problems.push(
      `${openaiKeys.join(" and ")} ${openaiKeys.length > 1 ? "are" : "is"} set but OIDC_ISSUER is not: real OpenAI data is never shown behind the demo sign-in. ` +
        "Configure OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, SESSION_SECRET and ROLE_MAP, or unset the OpenAI keys to run the demo.",
    );
  }
  if (env.OIDC_ISSUER) {
    const required = [
      "OIDC_CLIENT_ID",
      "OIDC_CLIENT_SECRET",
      "SESSION_SECRET",
      "ROLE_MAP",
      "APP_URL",
      "DATABASE_URL",
      "REDACTION_KEY",
      "LEDGER_SIGNING_KEY",
    ] as const;
    for (const name of required) {
      if (!env[name]) problems.push(`${name}: is required in production (OIDC_ISSUER is set)`);
    }
    if (env.DEMO_IDP_PORT) problems.push("DEMO_IDP_PORT: the demo identity provider never runs in production; unset it");
  } else {
    if (env.HOST && !["127.0.0.1", "localhost"].includes(env.HOST)) {
      problems.push(`HOST: demo mode binds to 127.0.0.1 only; configure OIDC_ISSUER to serve on ${env.HOST}`);
    }
    if (env.OIDC_CLIENT_ID || env.OIDC_CLIENT_SECRET) {
      problems.push("OIDC_ISSUER: is required when OIDC_CLIENT_ID or OIDC_CLIENT_SECRET is set");
    }
  }
  if (env.BUDGET_WEBHOOK_URL && (!env.BUDGET_WEBHOOK_SECRET || Buffer.byteLength(env.BUDGET_WEBHOOK_SECRET) < 32)) {
    problems.push("BUDGET_WEBHOOK_SECRET: must be set, at least 32 characters, when BUDGET_WEBHOOK_URL is set (alerts are signed with it)");
  }
  if (env.ROLE_MAP) {
    const parsed = parseRoleMap(env.ROLE_MAP);
    if (!parsed.ok) problems.push(...parsed.problems.map((p) => `ROLE_MAP: ${p}`));
  }
  if (env.SESSION_SECRET && env.SESSION_SECRET.split(",").some((s) => s.trim().length < 32)) {
    problems.push("SESSION_SECRET: every secret in the comma-separated list must be at least 32 characters");
  }
  if (env.REDACTION_KEY && Buffer.byteLength(env.REDACTION_KEY) < 32) {
    problems.push("REDACTION_KEY: must be at least 32 characters (use `openssl rand -base64 32`)");
  }
  if (env.LEDGER_SIGNING_KEY && !isEd25519PrivateKey(env.LEDGER_SIGNING_KEY)) {
    problems.push(
      "LEDGER_SIGNING_KEY: must be an Ed25519 private key in PKCS#8 PEM (`openssl genpkey -algorithm ed25519`); \\n escapes are accepted",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return env;
}

function pemFromEnv(value: string) {
  return value.replace(/\\n/g, "\n");
}

function isEd25519PrivateKey(value: string) {
  try {
    return createPrivateKey(pemFromEnv(value)).asymmetricKeyType === "ed25519";
  } catch {
    return false;
  }
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const env = parseEnv(source);
  const demo = !env.OIDC_ISSUER;
  const dataDir = path.resolve(env.DATA_DIR);
  const demoSecretsFile = demo ? path.join(dataDir, "secrets.json") : undefined;
  const secrets = demoSecretsFile ? readOrCreateDemoSecrets(demoSecretsFile) : undefined;
  const port = env.PORT;
  const host = demo ? "127.0.0.1" : (env.HOST ?? "0.0.0.0");
  const appUrl = (env.APP_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, "");
  const demoIdpPort = env.DEMO_IDP_PORT ?? port + 1;
  const roleMap = parseRoleMap(env.ROLE_MAP ?? DEMO_ROLE_MAP);
  if (!roleMap.ok) throw new ConfigError(roleMap.problems);

  return {
    mode: demo ? "demo" : "production",
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    host,
    port,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    appUrl,
    secureCookies: appUrl.startsWith("https:"),
    dataDir,
    database: env.DATABASE_URL
      ? { kind: "postgres", url: env.DATABASE_URL }
      : { kind: "pglite", dataDir: path.join(dataDir, "pglite") },
    openai: {
      apiBase: env.OPENAI_API_BASE ?? "https://api.chatgpt.com",
      source: env.OPENAI_COMPLIANCE_API_KEY || env.OPENAI_ANALYTICS_API_KEY ? "openai" : "simulator",
      complianceApiKey: env.OPENAI_COMPLIANCE_API_KEY,
      analyticsApiKey: env.OPENAI_ANALYTICS_API_KEY,
      workspaceId: env.OPENAI_WORKSPACE_ID,
      orgId: env.OPENAI_ORG_ID,
    },
    oidc: {
      kind: demo ? "demo" : "external",
      issuer: (env.OIDC_ISSUER ?? `http://127.0.0.1:${demoIdpPort}`).replace(/\/+$/, ""),
      clientId: env.OIDC_CLIENT_ID ?? DEMO_OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET ?? secrets!.oidcClientSecret,
      scopes: env.OIDC_SCOPES,
      groupsClaim: env.OIDC_GROUPS_CLAIM,
      demoIdpPort,
    },
    roleMap: roleMap.map,
    session: {
      secrets: (env.SESSION_SECRET ?? secrets!.sessionSecret).split(",").map((s) => s.trim()),
      idleMinutes: env.SESSION_IDLE_MINUTES,
      maxHours: env.SESSION_MAX_HOURS,
    },
    redactionKey: Buffer.from(env.REDACTION_KEY ?? secrets!.redactionKey),
    ledgerSigningKey: pemFromEnv(env.LEDGER_SIGNING_KEY ?? secrets!.ledgerSigningKey),
    textPolicy: env.TEXT_POLICY,
    textRetentionDays: env.TEXT_RETENTION_DAYS,
    redactIpAddresses: env.REDACT_IP_ADDRESSES === "true",
    teamIgnoreGroups: (env.TEAM_IGNORE_GROUPS ?? (demo ? DEMO_TEAM_IGNORE_GROUPS : ""))
      .split(",")
      .map((g) => g.trim())
      .filter(Boolean),
    sync: { backfillDays: env.SYNC_BACKFILL_DAYS, intervalMinutes: env.SYNC_INTERVAL_MINUTES, lagWarningHours: env.SYNC_LAG_WARNING_HOURS },
    reports: {
      dir: env.REPORTS_DIR ? path.resolve(env.REPORTS_DIR) : path.join(dataDir, "reports"),
      budgetWebhookUrl: env.BUDGET_WEBHOOK_URL,
      budgetWebhookSecret: env.BUDGET_WEBHOOK_SECRET,
    },
    demoSecretsFile,
  };
}

function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === "false") return false;
  if (value === "true") return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function readOrCreateDemoSecrets(file: string): DemoSecrets {
  if (fs.existsSync(file)) {
    try {
      return JSON.parse(fs.readFileSync(file, "utf8")) as DemoSecrets;
    } catch {
      throw new ConfigError([`${file}: the demo secrets file is not valid JSON; delete it to generate new demo secrets`]);
    }
  }
  const { privateKey } = generateKeyPairSync("ed25519");
  const { privateKey: idpKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const secrets: DemoSecrets = {
    sessionSecret: randomBytes(32).toString("base64url"),
    redactionKey: randomBytes(32).toString("base64url"),
    ledgerSigningKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    oidcClientSecret: randomBytes(24).toString("base64url"),
    idpCookieKey: randomBytes(32).toString("base64url"),
    idpJwk: { ...idpKey.export({ format: "jwk" }), kid: "demo-1", use: "sig", alg: "RS256" },
  };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** The demo identity provider's own keys, kept with the other demo secrets. */
export function readDemoIdpSecrets(config: Config) {
  if (!config.demoSecretsFile) throw new Error("the demo identity provider runs only in demo mode");
  const secrets = readOrCreateDemoSecrets(config.demoSecretsFile);
  return { cookieKey: secrets.idpCookieKey, jwk: secrets.idpJwk };
}

const CONFIG_KEY = Symbol.for("codex-ledger.config");
type GlobalWithConfig = typeof globalThis & { [CONFIG_KEY]?: Config };

/**
 * Parsed once per process. Kept on globalThis because the Remix server build and the
 * start script are separate module graphs in one process, and both must see one config.
 */
export function getConfig(): Config {
  const holder = globalThis as GlobalWithConfig;
  holder[CONFIG_KEY] ??= loadConfig(process.env);
  return holder[CONFIG_KEY];
}

export { ROLES };
