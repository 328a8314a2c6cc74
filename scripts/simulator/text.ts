/**
 * Prompt and response text, including pasted secrets and personal data in realistic carriers
 * (.env files, code, logs, curl commands, customer records), and the fixed canary values.
 */
import { Rng } from "./prng.js";

export const SECRET_KINDS = [
  "aws_access_key",
  "github_token",
  "gitlab_token",
  "slack_token",
  "stripe_key",
  "openai_key",
  "private_key",
  "jwt",
  "connection_string_password",
  "email",
  "phone",
  "credit_card",
  "ssn",
  "iban",
] as const;
export type SecretKind = (typeof SECRET_KINDS)[number];

export interface Secret {
  kind: SecretKind;
  value: string;
}

/** Complete a digit string with its Luhn check digit. */
export function luhnComplete(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export function luhnValid(digits: string): boolean {
  const d = digits.replace(/\D/g, "");
  return d.length > 1 && luhnComplete(d.slice(0, -1)) === d;
}

function mod97(numeric: string): number {
  let r = 0;
  for (let i = 0; i < numeric.length; i += 7) r = Number(String(r) + numeric.slice(i, i + 7)) % 97;
  return r;
}

function ibanNumeric(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
}

/** Build a valid IBAN from country and BBAN. */
export function ibanFrom(country: string, bban: string): string {
  const check = 98 - mod97(ibanNumeric(bban + country + "00"));
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

export function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s/g, "");
  return mod97(ibanNumeric(s.slice(4) + s.slice(0, 4))) === 1;
}

function pad36(prefix: string, len: number): string {
  const filler = "Zq7Wm3Xr9Tk5Vn1Bp8Hc4Jd6Lf2Gs0Ny";
  let s = prefix;
  while (s.length < len) s += filler;
  return s.slice(0, len);
}

/** A PEM private key canary: key-shaped base64 lines (not a usable key). */
function canaryPem(): string {
  const lines = [0, 1, 2, 3, 4, 5].map((i) => pad36(`MII${i}CanaryLedgerPem${"Q".repeat(i)}`, 64));
  return `-----BEGIN PRIVATE KEY-----\n${lines.join("\n")}\n${pad36("CanaryLedgerPemEnd", 22)}==\n-----END PRIVATE KEY-----`;
}

/** Canary values: fixed (seed-independent), planted in the data so tests can prove none is stored at rest. */
export const CANARY_SECRETS: readonly Secret[] = Object.freeze([
  { kind: "aws_access_key", value: "AKIACANARYLEDGER7Q2X" },
  { kind: "github_token", value: "ghp_" + pad36("CanaryLedgerGh", 36) },
  { kind: "openai_key", value: "sk-proj-" + pad36("CanaryLedgerOpenAiKey", 40) + "T3BlbkFJ" + pad36("CanaryTail", 40) },
  { kind: "slack_token", value: "xoxb-482915736021-5529174830166-" + pad36("CanaryLedgerSl", 24) },
  { kind: "stripe_key", value: "sk_live_" + pad36("51CanaryLedgerStripe", 32) },
  { kind: "email", value: "leaked.canary.d41f@globex-mail.example" },
  { kind: "credit_card", value: luhnComplete("492940128898177") },
  { kind: "connection_string_password", value: "Cnry-Ledger-9f3bQx" },
  { kind: "ssn", value: "512-38-4467" },
  { kind: "gitlab_token", value: "glpat-" + pad36("CanaryLedgerGl", 20) },
  { kind: "private_key", value: canaryPem() },
  { kind: "jwt", value: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"canary-ledger-7731","role":"admin","iat":1763000000}')}.${pad36("CanaryLedgerJwtSig", 43)}` },
  { kind: "phone", value: "+49 157 4829163" },
  { kind: "iban", value: ibanFrom("DE", "480700240934771265") },
] as const satisfies readonly Secret[]);
export const CANARIES: readonly string[] = Object.freeze(CANARY_SECRETS.map((s) => s.value));

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function b64url(s: string): string {
  return Buffer.from(s).toString("base64url");
}

const CUSTOMER_FIRST = ["Maria", "John", "Aisha", "Kenji", "Elena", "Pedro", "Fatou", "Liam", "Sara", "Tomasz"];
const CUSTOMER_LAST = ["Gonzalez", "Smith", "Bello", "Watanabe", "Popescu", "Alves", "Diop", "Walsh", "Cohen", "Nowak"];
const MAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "proton.me", "icloud.com", "web.de"];

/** A fresh random secret of the given kind. */
export function makeSecret(rng: Rng, kind: SecretKind): Secret {
  switch (kind) {
    case "aws_access_key":
      return { kind, value: "AKIA" + rng.alnum(16, UPPER32) };
    case "github_token":
      return { kind, value: rng.chance(0.7) ? "ghp_" + rng.alnum(36) : `github_pat_11${rng.alnum(20, UPPER32)}_${rng.alnum(59)}` };
    case "gitlab_token":
      return { kind, value: "glpat-" + rng.alnum(20) };
    case "slack_token":
      return { kind, value: `xox${rng.pick(["b", "p"])}-${rng.digits(12)}-${rng.digits(13)}-${rng.alnum(24)}` };
    case "stripe_key":
      return { kind, value: `${rng.pick(["sk_live_", "rk_live_"])}${rng.alnum(32)}` };
    case "openai_key":
      return { kind, value: `sk-proj-${rng.alnum(40, B64URL)}T3BlbkFJ${rng.alnum(40, B64URL)}` };
    case "private_key": {
      const header = rng.pick(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"]);
      const lines: string[] = [];
      const n = rng.range(6, 12);
      for (let i = 0; i < n; i++) lines.push(rng.alnum(64, B64));
      lines.push(rng.alnum(rng.range(8, 60), B64) + "==");
      return { kind, value: `-----BEGIN ${header}-----\n${lines.join("\n")}\n-----END ${header}-----` };
    }
    case "jwt": {
      const header = b64url(JSON.stringify({ alg: rng.pick(["HS256", "RS256"]), typ: "JWT" }));
      const payload = b64url(
        JSON.stringify({ sub: rng.digits(8), role: rng.pick(["admin", "service", "user"]), iat: 1760000000 + rng.int(9_000_000), exp: 1790000000 }),
      );
      return { kind, value: `${header}.${payload}.${rng.alnum(43, B64URL)}` };
    }
    case "connection_string_password":
      return { kind, value: rng.alnum(rng.range(12, 20)) + rng.pick(["!", "#", "-", "_", "9"]) + rng.alnum(3) };
    case "email":
      return {
        kind,
        value: `${rng.pick(CUSTOMER_FIRST).toLowerCase()}.${rng.pick(CUSTOMER_LAST).toLowerCase()}${rng.range(1, 99)}@${rng.pick(MAIL_DOMAINS)}`,
      };
    case "phone":
      return {
        kind,
        value: rng.pick([
          () => `+1 (${rng.range(201, 989)}) ${rng.range(200, 999)}-${rng.digits(4)}`,
          () => `+44 7${rng.digits(3)} ${rng.digits(6)}`,
          () => `+49 15${rng.digits(1)} ${rng.digits(7)}`,
          () => `+91 ${rng.range(70, 99)}${rng.digits(3)} ${rng.digits(5)}`,
        ])(),
      };
    case "credit_card": {
      const prefix = rng.pick(["4", "51", "52", "55", "37", "6011"]);
      const len = prefix === "37" ? 15 : 16;
      const digits = luhnComplete(prefix + rng.digits(len - prefix.length - 1));
      return { kind, value: rng.chance(0.5) ? digits : digits.replace(/(\d{4})(?=\d)/g, "$1 ") };
    }
    case "ssn":
      return { kind, value: `${rng.range(101, 665)}-${String(rng.range(1, 99)).padStart(2, "0")}-${String(rng.range(1, 9999)).padStart(4, "0")}` };
    case "iban": {
      const c = rng.pick(["DE", "GB", "FR", "NL"]);
      const bban =
        c === "DE" ? rng.digits(18) : c === "GB" ? "NWBK" + rng.digits(14) : c === "FR" ? rng.digits(10) + rng.alnum(11, UPPER32.slice(0, 26)) + rng.digits(2) : "ABNA" + rng.digits(10);
      return { kind, value: ibanFrom(c, bban) };
    }
  }
}

/** Wrap a secret in something a developer would really paste. */
export function carrierFor(rng: Rng, s: Secret): string {
  const v = s.value;
  switch (s.kind) {
    case "aws_access_key":
      return rng.pick([
        () => `# .env.production\nAWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=${v}\nAWS_SECRET_ACCESS_KEY=${rng.alnum(40, B64)}\nS3_BUCKET=nw-invoices-prod\n`,
        () => `const s3 = new S3Client({\n  region: "us-east-1",\n  credentials: { accessKeyId: "${v}", secretAccessKey: "${rng.alnum(40, B64)}" },\n});\n`,
        () => `[default]\naws_access_key_id = ${v}\naws_secret_access_key = ${rng.alnum(40, B64)}\n`,
      ])();
    case "github_token":
    case "gitlab_token":
      return rng.pick([
        () => `$ git remote set-url origin https://oauth2:${v}@${s.kind === "gitlab_token" ? "gitlab.com" : "github.com"}/northwind/api.git\n$ git push\nremote: Permission to northwind/api.git denied.\nfatal: unable to access: The requested URL returned error: 403\n`,
        () => `- name: Publish\n  env:\n    ${s.kind === "gitlab_token" ? "GITLAB_TOKEN" : "GITHUB_TOKEN"}: ${v}\n  run: npm publish\n`,
        () => `export ${s.kind === "gitlab_token" ? "GL_TOKEN" : "GH_TOKEN"}=${v}\ncurl -H "Authorization: token ${v}" https://api.github.com/repos/northwind/api/pulls\n`,
      ])();
    case "slack_token":
      return `SLACK_BOT_TOKEN=${v}\nSLACK_CHANNEL=#deploys\n\nslack.chat.postMessage failed: not_in_channel\n`;
    case "stripe_key":
      return rng.pick([
        () => `const stripe = new Stripe("${v}", { apiVersion: "2025-09-30" });\nconst intent = await stripe.paymentIntents.create({ amount, currency: "eur" });\n`,
        () => `STRIPE_SECRET_KEY=${v}\nSTRIPE_WEBHOOK_SECRET=whsec_${rng.alnum(32)}\n`,
      ])();
    case "openai_key":
      return rng.pick([
        () => `OPENAI_API_KEY=${v}\nOPENAI_ORG=org-${rng.alnum(24)}\n`,
        () => `client = OpenAI(api_key="${v}")\nresp = client.responses.create(model="gpt-5.4-mini", input=prompt)\n`,
      ])();
    case "private_key":
      return `here is the deploy key from the bastion:\n\n${v}\n`;
    case "jwt":
      return rng.pick([
        () => `curl -s https://api.northwind.internal/v2/orders \\\n  -H "Authorization: Bearer ${v}" | jq .\n{"error":"token_expired"}\n`,
        () => `2026-05-04T09:12:44.120Z WARN auth middleware rejected token=${v} reason=signature\n`,
      ])();
    case "connection_string_password":
      return rng.pick([
        () => `DATABASE_URL=postgres://svc_billing:${v}@db-prod.internal:5432/billing?sslmode=require\n`,
        () => `mongoose.connect("mongodb+srv://admin:${v}@cluster0.x7k2p.mongodb.net/orders");\n`,
        () => `redis:\n  url: redis://default:${v}@cache-prod-01:6379/0\n`,
        () => `Error: password authentication failed for user "app" (postgresql://app:${v}@10.2.3.4:5432/app)\n    at Connection.parseE (node_modules/pg/lib/connection.js:614:13)\n`,
      ])();
    case "email":
    case "phone":
    case "ssn":
    case "credit_card":
    case "iban": {
      const name = `${rng.pick(CUSTOMER_FIRST)} ${rng.pick(CUSTOMER_LAST)}`;
      const field = { email: "email", phone: "phone", ssn: "ssn", credit_card: "card_number", iban: "iban" }[s.kind];
      return rng.pick([
        () => `{"customer_id": ${rng.digits(7)}, "name": "${name}", "${field}": "${v}", "plan": "business", "status": "past_due"}\n`,
        () => `2026-05-04 10:22:17,551 ERROR billing.sync failed to update customer name="${name}" ${field}=${v} code=card_declined\n`,
        () => `id,name,${field},country\n${rng.digits(6)},${name},${v},DE\n`,
      ])();
    }
  }
}

const TASKS = [
  "fix the flaky test in {file}",
  "refactor {file} to use async/await instead of callbacks",
  "add pagination to the {thing} endpoint",
  "write unit tests for {file}",
  "why does {thing} time out under load?",
  "migrate {file} from moment.js to date-fns",
  "explain what this function does and simplify it",
  "add retries with exponential backoff to the {thing} client",
  "the CI build fails on main, can you find out why",
  "add an index for the slow {thing} query",
  "convert {file} to TypeScript strict mode",
  "implement the {thing} feature flag cleanup",
  "review my change to {file} for race conditions",
  "update the OpenAPI spec for the {thing} service",
  "bump the dependencies and fix the breaking changes",
];
const FILES = [
  "src/billing/invoice.ts", "services/auth/session.go", "api/orders/handlers.py", "web/src/components/Checkout.tsx",
  "pkg/queue/worker.go", "lib/search/indexer.rb", "app/models/subscription.ts", "infra/terraform/rds.tf",
  "mobile/ios/Sync/Engine.swift", "data/pipelines/daily_rollup.sql",
];
const THINGS = ["invoices", "payments", "search", "webhook", "notification", "export", "user-profile", "inventory", "reporting", "rate-limit"];

const BENIGN_PASTES = [
  () => `function total(items) {\n  let sum = 0;\n  for (const i of items) sum += i.price * i.qty;\n  return Math.round(sum * 100) / 100;\n}\n`,
  () => `FAIL src/billing/invoice.test.ts\n  ● computes VAT for EU customers\n    expect(received).toBe(expected)\n    Expected: 119\n    Received: 118.99999999999999\n`,
  () => `SELECT o.id, o.created_at, c.country\nFROM orders o JOIN customers c ON c.id = o.customer_id\nWHERE o.created_at > now() - interval '7 days'\nORDER BY o.created_at DESC;\n`,
  () => `panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x4a2b1c]\n\ngoroutine 42 [running]:\nmain.(*Worker).process(0x0)\n\t/app/pkg/queue/worker.go:88 +0x1c\n`,
  () => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders-api\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry.internal/orders-api:1.42.0\n`,
  () => `Traceback (most recent call last):\n  File "api/orders/handlers.py", line 212, in create\n    total = compute_total(cart)\nKeyError: 'discount'\n`,
];

function fill(rng: Rng, template: string): string {
  return template.replace("{file}", rng.pick(FILES)).replace("{thing}", rng.pick(THINGS));
}

/** The text of one prompt; `secrets` (possibly empty) are embedded in a pasted carrier. */
export function promptText(rng: Rng, secrets: readonly Secret[]): string {
  let s = fill(rng, rng.pick(TASKS));
  if (rng.chance(0.3)) s = s[0]?.toUpperCase() + s.slice(1);
  if (secrets.length > 0) {
    for (const sec of secrets) {
      s += rng.pick(["\n\nhere is what I have:\n\n", "\n\nI pasted the config below:\n\n", "\n\ncontext:\n```\n"]);
      s += carrierFor(rng, sec);
    }
  } else if (rng.chance(0.35)) {
    s += "\n\n```\n" + rng.pick(BENIGN_PASTES)() + "```\n";
  }
  if (rng.chance(0.25)) s += rng.pick(["\nKeep the public API unchanged.", "\nPlease run the tests after.", "\nNo new dependencies please."]);
  return s;
}

const RESPONSE_OPENERS = [
  "I traced the problem to {file}.",
  "Done. I updated {file} and added tests.",
  "The {thing} handler was doing the work twice; I moved it behind a single query.",
  "Here is what I changed:",
  "I could not reproduce the failure locally, but the logs point at {file}.",
];

/** The text of one response; with `echo`, it repeats the pasted secret (as real assistants do). */
export function responseText(rng: Rng, secrets: readonly Secret[], echo: boolean): string {
  let s = fill(rng, rng.pick(RESPONSE_OPENERS));
  const n = rng.range(1, 4);
  for (let i = 0; i < n; i++) {
    s += `\n- ${fill(rng, rng.pick(["Updated {file} to handle the empty case", "Added a regression test for {thing}", "Removed the unused import in {file}", "Wrapped the {thing} call in a retry with jitter", "Replaced the N+1 query with a join"]))}`;
  }
  if (rng.chance(0.4)) {
    s += `\n\n\`\`\`diff\n--- a/${rng.pick(FILES)}\n+++ b/${rng.pick(FILES)}\n@@ -${rng.range(10, 300)},7 +${rng.range(10, 300)},9 @@\n-  const result = await fetch(url)\n+  const result = await fetchWithRetry(url, { retries: 3 })\n+  if (!result.ok) throw new HttpError(result.status)\n\`\`\`\n`;
  }
  if (echo && secrets.length > 0) {
    const sec = secrets[0]!;
    s += `\n\nNote: the snippet you pasted contains a live credential (\`${sec.value}\`). Rotate it and load it from the environment or a secret manager instead of committing it.`;
  }
  if (rng.chance(0.5)) s += "\n\nAll tests pass (" + rng.range(12, 480) + " passed).";
  return s;
}

export function toolArguments(rng: Rng, tool: string): string {
  switch (tool) {
    case "shell":
      return JSON.stringify({ command: ["bash", "-lc", rng.pick(["npm test", "go test ./...", "pytest -q", "git status", "rg -n TODO src", "make lint", "curl -sI https://registry.npmjs.org", "rm -rf node_modules && npm ci"])] });
    case "apply_patch":
      return JSON.stringify({ input: `*** Begin Patch\n*** Update File: ${rng.pick(FILES)}\n@@\n-old\n+new\n*** End Patch` });
    case "read_file":
      return JSON.stringify({ path: rng.pick(FILES) });
    case "web_search":
      return JSON.stringify({ query: rng.pick(["date-fns parseISO timezone", "pg connection pool exhausted", "go nil map write panic"]) });
    case "mcp__github__create_pull_request":
      return JSON.stringify({ owner: "northwind", repo: rng.pick(["api", "web", "mobile"]), title: fill(rng, rng.pick(TASKS)) });
    default:
      return JSON.stringify({ plan: [{ step: "investigate", status: "completed" }] });
  }
}

/* ───────────────────────── secrets in tool calls ───────────────────────── */

/** Where in a TOOL_CALL event a planted secret sits: the call's `arguments` or its `output`. */
export type ToolSecretField = "arguments" | "output";

/** A shell line that uses the secret as a developer (or the agent) would run it. */
function shellLineWith(rng: Rng, s: Secret): string {
  const v = s.value;
  switch (s.kind) {
    case "aws_access_key":
      return `export AWS_ACCESS_KEY_ID=${v} AWS_REGION=eu-west-1 && aws s3 ls s3://nw-invoices-prod/${rng.pick(["2026/", "exports/", ""])}`;
    case "github_token":
      return `curl -sH "Authorization: Bearer ${v}" https://api.github.com/repos/northwind/${rng.pick(["api", "web", "infra"])}/pulls?state=open`;
    case "gitlab_token":
      return `git clone https://oauth2:${v}@gitlab.com/northwind/${rng.pick(["infra", "data-pipelines"])}.git /tmp/checkout`;
    case "slack_token":
      return `curl -s -X POST -H "Authorization: Bearer ${v}" -d channel=C0DEPLOYS -d text="deploy ${rng.digits(4)} done" https://slack.com/api/chat.postMessage`;
    case "stripe_key":
      return `curl -s https://api.stripe.com/v1/charges?limit=3 -u ${v}:`;
    case "openai_key":
      return `OPENAI_API_KEY=${v} python scripts/eval.py --model gpt-5.4-mini --limit ${rng.range(5, 50)}`;
    case "private_key":
      return `mkdir -p deploy && cat > deploy/bastion.pem <<'EOF'\n${v}\nEOF\nchmod 600 deploy/bastion.pem`;
    case "jwt":
      return `curl -s https://api.northwind.internal/v2/orders -H "Authorization: Bearer ${v}" | jq '.items | length'`;
    case "connection_string_password":
      return `psql "postgres://svc_billing:${v}@db-prod.internal:5432/billing" -c "select count(*) from invoices where status = 'open'"`;
    case "email":
      return `psql "$DATABASE_URL" -c "select id, plan, status from customers where email = '${v}'"`;
    case "phone":
      return `curl -s -X POST https://sms.northwind.internal/v1/send -d '{"to": "${v}", "text": "verification test"}'`;
    case "credit_card":
      return `rg -n "card_number=${v}" logs/billing/`;
    case "ssn":
      return `psql "$DATABASE_URL" -c "update customers set ssn = '${v}' where id = ${rng.digits(6)}"`;
    case "iban":
      return `node scripts/refund.js --customer ${rng.digits(6)} --iban ${v} --amount 49.00`;
  }
}

/** Files that hold secrets: env files, a key file, a log with customer records. */
function filesWith(rng: Rng, secrets: readonly Secret[]): Array<{ path: string; lines: string[] }> {
  const env: string[] = [];
  const log: string[] = [];
  const out: Array<{ path: string; lines: string[] }> = [];
  const envName: Partial<Record<SecretKind, string>> = {
    aws_access_key: "AWS_ACCESS_KEY_ID",
    github_token: "GITHUB_TOKEN",
    gitlab_token: "GITLAB_TOKEN",
    slack_token: "SLACK_BOT_TOKEN",
    stripe_key: "STRIPE_SECRET_KEY",
    openai_key: "OPENAI_API_KEY",
    jwt: "INTERNAL_API_TOKEN",
  };
  for (const s of secrets) {
    const name = envName[s.kind];
    if (name) env.push(`${name}=${s.value}`);
    else if (s.kind === "connection_string_password") env.push(`DATABASE_URL=postgres://svc_billing:${s.value}@db-prod.internal:5432/billing?sslmode=require`);
    else if (s.kind === "private_key") out.push({ path: "deploy/bastion.pem", lines: s.value.split("\n") });
    else {
      const field = { email: "email", phone: "phone", ssn: "ssn", credit_card: "card_number", iban: "iban" }[s.kind as "email"];
      const name = `${rng.pick(CUSTOMER_FIRST)} ${rng.pick(CUSTOMER_LAST)}`;
      log.push(`2026-11-${String(rng.range(10, 19)).padStart(2, "0")}T0${rng.range(0, 9)}:${rng.range(10, 59)}:${rng.range(10, 59)}Z ERROR billing.sync customer_id=${rng.digits(6)} name="${name}" ${field}=${s.value} status=past_due`);
    }
  }
  if (env.length > 0) out.unshift({ path: ".env.production", lines: ["NODE_ENV=production", ...env, `LOG_LEVEL=${rng.pick(["info", "debug"])}`] });
  if (log.length > 0) out.push({ path: "logs/billing-sync.log", lines: log });
  return out;
}

/**
 * A tool call that carries `secrets` in its `arguments` (a shell command, or a patch that adds
 * files) or in its `output` (a shell command that prints files), as real Codex logs do. The
 * arguments are the JSON text the TOOL_CALL event carries; `output` is null when the call has none.
 */
export function toolCallWithSecrets(rng: Rng, tool: string, field: ToolSecretField, secrets: readonly Secret[]): { arguments: string; output: string | null } {
  if (field === "arguments" && tool === "apply_patch") {
    const sections = filesWith(rng, secrets).map((f) => `*** Add File: ${f.path}\n${f.lines.map((l) => `+${l}`).join("\n")}`);
    return { arguments: JSON.stringify({ input: `*** Begin Patch\n${sections.join("\n")}\n*** End Patch` }), output: null };
  }
  if (field === "arguments") {
    return { arguments: JSON.stringify({ command: ["bash", "-lc", secrets.map((s) => shellLineWith(rng, s)).join("\n")] }), output: null };
  }
  const files = filesWith(rng, secrets);
  // head prints a "==> file <==" header before each file only when it is given more than one.
  const output = files.length === 1 ? `${files[0]!.lines.join("\n")}\n` : files.map((f) => `==> ${f.path} <==\n${f.lines.join("\n")}\n`).join("\n");
  return { arguments: JSON.stringify({ command: ["bash", "-lc", `head -n 40 ${files.map((f) => f.path).join(" ")}`] }), output };
}

/**
 * The spellings a secret can take inside a tool call's field text: as is, JSON-escaped (the
 * arguments are JSON text, so a key's line breaks are `\n` there), and as added lines of a patch.
 */
export function toolFieldForms(value: string): string[] {
  const escaped = JSON.stringify(value).slice(1, -1);
  const patched = JSON.stringify(value.replace(/\n/g, "\n+")).slice(1, -1);
  return [...new Set([value, escaped, patched])];
}
