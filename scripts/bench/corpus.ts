/**
 * A deterministic corpus of the text developers paste into Codex — code, logs, prose in several
 * languages, JSON, .env and YAML files, CJK, base64 blobs, stack traces — with synthetic secrets and
 * personal data planted at known places, plus look-alikes that must not be flagged.
 */
import { makeGenerator, syntheticTokens, type Generator, ALNUM, HEX_LOWER } from "../../app/lib/redaction/testing";

export type Planted = { type: string; value: string };

const WORDS_EN = "the of and to in is you that it he was for on are as with his they at be this from have or by one had not but what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know".split(" ");
const WORDS_DE = "der die und in den von zu das mit sich des auf für ist im dem nicht ein Die eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man sein wurde".split(" ");
const WORDS_FR = "le de un être et à il avoir ne je son que se qui ce dans en du elle au pour pas que vous par sur faire plus dire me on mon lui nous comme mais pouvoir avec tout y aller voir bien où sans tu ou leur homme si deux mari moi vouloir te femme venir quand".split(" ");
const CJK = ["用户登录失败，请检查密码是否正确。", "系统将在五分钟后重试。", "日本語のテキストもここにあります。", "エラーが発生しました。もう一度お試しください。", "데이터베이스 연결에 실패했습니다.", "配置文件已更新，请重新启动服务。", "このコードを修正してください。"];
const EMOJI = ["😀", "🚀", "✅", "🔥", "👩‍💻", "🎉", "⚠️"];
const FIRST = ["alice", "bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar", "peggy", "trent", "victor", "walter", "zoë", "li", "sato", "müller"];
const LAST = ["smith", "jones", "garcia", "nguyen", "kowalski", "tanaka", "schmidt", "rossi", "dubois", "silva", "kim", "patel", "cohen", "novak"];
const DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "example.co.uk", "acme-widgets.io", "example.de"];

function checkDigitLuhn(partial: string): string {
  for (let d = 0; d <= 9; d++) {
    const candidate = partial + d;
    let sum = 0;
    let double = false;
    for (let i = candidate.length - 1; i >= 0; i--) {
      let v = candidate.charCodeAt(i) - 48;
      if (double) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      double = !double;
    }
    if (sum % 10 === 0) return String(d);
  }
  return "0";
}

function ibanWithCheck(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`;
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    remainder = code >= 65 ? (remainder * 100 + (code - 55)) % 97 : (remainder * 10 + (code - 48)) % 97;
  }
  const check = String(98 - remainder).padStart(2, "0");
  return `${country}${check}${bban}`;
}

export function piiGenerators(g: Generator) {
  const digits = (n: number) => g.pick("0123456789", n);
  return {
    // mostly ASCII local parts, some internationalised (zoë.müller@…)
    email: () => `${g.int(0, 4) === 0 ? g.choice(FIRST) : g.choice(FIRST).replace("ë", "e").replace("ü", "u")}.${g.choice(LAST)}${g.int(0, 9) > 6 ? g.int(1, 99) : ""}@${g.choice(DOMAINS)}`,
    phone_number: () =>
      g.choice([
        () => `+1 ${g.int(201, 989)} 555 ${digits(4)}`,
        () => `+44 20 7946 ${digits(4)}`,
        () => `+49 30 ${digits(7)}`,
        () => `+33 1 ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
        () => `+81-3-${digits(4)}-${digits(4)}`,
        () => `+86 138 ${digits(4)} ${digits(4)}`,
        () => `(${g.int(201, 989)}) 555-${digits(4)}`,
        () => `${g.int(201, 989)}-555-${digits(4)}`,
        () => `+91 98${digits(3)} ${digits(5)}`,
      ])(),
    payment_card: () => {
      const [prefix, length] = g.choice([["4", 16], ["51", 16], ["55", 16], ["37", 15], ["6011", 16]] as const);
      const partial = prefix + digits(length - prefix.length - 1);
      const number = partial + checkDigitLuhn(partial);
      return g.int(0, 1) === 0 || length === 15 ? number : number.replace(/(\d{4})(?=\d)/g, "$1 ");
    },
    us_ssn: () => `${g.int(100, 665)}-${String(g.int(1, 99)).padStart(2, "0")}-${String(g.int(1, 9999)).padStart(4, "0")}`,
    iban: () => {
      const iban = g.choice([
        () => ibanWithCheck("DE", digits(18)),
        () => ibanWithCheck("GB", `WEST${digits(14)}`),
        () => ibanWithCheck("FR", `${digits(10)}${g.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 11)}${digits(2)}`),
        () => ibanWithCheck("NL", `ABNA${digits(10)}`),
      ])();
      return g.int(0, 1) === 0 ? iban : iban.replace(/(.{4})(?=.)/g, "$1 ");
    },
    ip_address: () => `${g.int(11, 126)}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`,
  };
}

/** Secrets by type; every value is synthetic. */
export function secretGenerators(g: Generator): Record<string, () => string> {
  const token = (name: string) => () => syntheticTokens(g)[name]!;
  const password = () => `${g.mixed(g.int(10, 18), `${ALNUM}!#%^*-_`)}`;
  return {
    aws_access_key_id: token("aws_access_key_id"),
    google_api_key: token("google_api_key"),
    github_token: () => (g.int(0, 3) === 0 ? syntheticTokens(g).github_fine_grained! : syntheticTokens(g).github_token!),
    gitlab_token: token("gitlab_token"),
    npm_token: token("npm_token"),
    openai_api_key: token("openai_api_key"),
    anthropic_api_key: token("anthropic_api_key"),
    slack_token: token("slack_token"),
    stripe_secret_key: token("stripe_secret_key"),
    twilio_api_key: token("twilio_api_key"),
    sendgrid_api_key: token("sendgrid_api_key"),
    huggingface_token: token("huggingface_token"),
    jwt: token("jwt"),
    connection_string_password: password,
    generic_secret_assignment: password,
    bearer_token: () => g.mixed(40, `${ALNUM}-_.`),
    private_key: () => {
      const body = g.base64(g.int(600, 1200)).replace(/(.{64})/g, "$1\n");
      const label = g.choice(["RSA ", "EC ", "", "OPENSSH ", "ENCRYPTED "]);
      return `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`;
    },
    // second round: more providers, and the same secrets in more wrappings
    google_oauth_client_secret: token("google_oauth_client_secret"),
    azure_ad_client_secret: token("azure_ad_client_secret"),
    telegram_bot_token: token("telegram_bot_token"),
    hashicorp_vault_token: token("hashicorp_vault_token"),
    groq_api_key: token("groq_api_key"),
    databricks_token: token("databricks_token"),
    digitalocean_token: token("digitalocean_token"),
    mailgun_api_key: () => (g.int(0, 1) === 0 ? syntheticTokens(g).mailgun_api_key! : syntheticTokens(g).mailgun_key_pair!),
    slack_webhook_url: token("slack_webhook_url"),
    discord_webhook_url: token("discord_webhook_url"),
    discord_bot_token: token("discord_bot_token"),
    aws_session_token: token("aws_session_token"),
    square_token: token("square_token"),
    pypi_token: token("pypi_token"),
    shopify_token: token("shopify_token"),
    heroku_api_key: token("heroku_api_key"),
    linear_api_key: token("linear_api_key"),
    notion_token: token("notion_token"),
    atlassian_api_token: token("atlassian_api_token"),
    docker_hub_token: token("docker_hub_token"),
    planetscale_token: token("planetscale_token"),
    pinecone_api_key: token("pinecone_api_key"),
    langsmith_api_key: token("langsmith_api_key"),
    sonarqube_token: token("sonarqube_token"),
    rubygems_api_key: token("rubygems_api_key"),
    figma_token: token("figma_token"),
    brevo_api_key: token("brevo_api_key"),
    resend_api_key: token("resend_api_key"),
    aws_secret_access_key: () => g.mixed(40, `${ALNUM}/+`),
    azure_storage_key: () => g.base64(64),
    azure_sas_signature: () => encodeURIComponent(g.base64(32)),
    basic_auth_credentials: () => Buffer.from(`${g.choice(["deploy", "ci-bot", "svc_app", "admin"])}:${password()}`).toString("base64"),
  };
}

/** Templates that put a value in a realistic place. `{v}` is the value. */
const SECRET_CONTEXTS: Record<string, string[]> = {
  connection_string_password: [
    "DATABASE_URL=postgres://app:{v}@db.internal:5432/ledger",
    'spring.datasource.url=jdbc:mysql://root:{v}@mysql:3306/shop',
    "mongodb+srv://svc:{v}@cluster0.ab1cd.mongodb.net/?retryWrites=true",
    'conn = "Server=tcp:sql.internal,1433;Database=app;User Id=sa;Password={v};"',
    "psql 'host=db port=5432 dbname=app user=app password={v}'",
    "REDIS_URL=redis://default:{v}@cache:6379/0",
    "amqp://guest:{v}@rabbit:5672/",
  ],
  generic_secret_assignment: [
    'password = "{v}"',
    "DB_PASSWORD={v}",
    "  client_secret: '{v}'",
    '"api_key": "{v}",',
    "export SERVICE_TOKEN={v}",
    "SECRET_KEY = '{v}'",
    "- name: SMTP_PASSWORD\n  value: \"{v}\"",
    "<password>{v}</password>",
    // languages and file formats
    "define('DB_PASSWORD', '{v}');",
    "define( 'AUTH_KEY', '{v}' );",
    "ENV DB_PASSWORD {v}",
    "ARG NPM_TOKEN={v}",
    'dataSource.setPassword("{v}");',
    'HikariConfig cfg = builder().username("app").password("{v}").build();',
    "machine api.example.com\n  login deploy\n  password {v}",
    "mysql -h db.internal -u root -p{v} shop < dump.sql",
    "sshpass -p '{v}' ssh deploy@build-01.internal",
    "docker login -u ci -p {v} registry.example.com",
    '$secure = ConvertTo-SecureString "{v}" -AsPlainText -Force',
    '$env:API_KEY = "{v}"',
    '<entry key="db.password">{v}</entry>',
    '<property name="password" value="{v}"/>',
    "[database]\nhost = \"db\"\npassword = \"{v}\"",
    "spring.datasource.password={v}",
    "GET https://api.example.com/v1/items?api_key={v}&page=2",
    "'password' => '{v}',",
    "apiVersion: v1\nkind: Secret\ndata:\n  password: {b64}",
    'variable "db_password" {\n  default = "{v}"\n}',
  ],
  aws_secret_access_key: [
    "User name,Password,Access key ID,Secret access key,Console login link\nci-bot,,{akid},{v},https://123456789012.signin.aws.amazon.com/console",
    "[default]\naws_access_key_id = {akid}\naws_secret_access_key = {v}",
    'export AWS_SECRET_ACCESS_KEY="{v}"',
    '"SecretAccessKey": "{v}",',
  ],
  azure_storage_key: [
    "DefaultEndpointsProtocol=https;AccountName=stsynthetic;AccountKey={v};EndpointSuffix=core.windows.net",
    '"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=fn;AccountKey={v}"',
    "AccountEndpoint=https://db.documents.azure.com:443/;AccountKey={v};",
  ],
  azure_sas_signature: [
    "https://acct.blob.core.windows.net/backups/db.bak?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&spr=https&sig={v}",
    "BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupx&se=2026-01-01T00:00:00Z&sig={v}",
    'az storage blob download --sas-token "sv=2021-06-08&sr=b&sp=r&sig={v}"',
  ],
  basic_auth_credentials: [
    "Authorization: Basic {v}",
    'curl -H "Authorization: Basic {v}" https://api.example.com/v1/me',
    "headers = {'Authorization': 'Basic {v}'}",
  ],
  slack_webhook_url: ["SLACK_WEBHOOK_URL=https://{v}", "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deployed\"}' https://{v}", "webhook: https://{v}"],
  discord_webhook_url: ["DISCORD_WEBHOOK=https://{v}", "requests.post(\"https://{v}\", json={\"content\": \"hi\"})"],
  bearer_token: ['curl -H "Authorization: Bearer {v}" https://api.example.com/v1/items', "Authorization: Bearer {v}", "headers = {'Authorization': 'Bearer {v}'}"],
  private_key: [
    "{v}",
    '{"type": "service_account", "private_key": "{json}"}',
    "tls:\n  key: |\n{indented}\n",
    "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.key: {b64}\n",
  ],
};
const DEFAULT_CONTEXTS = ["{v}", "export TOKEN={v}", '{"token": "{v}"}', "Here is my key {v}, why does the request fail?", "  api_key: {v}", "ログに {v} が出ています", "curl -H 'X-Api-Key: {v}' https://api.example.com"];
const PII_CONTEXTS = ["Contact: {v}", "{v}", "Kunde: Max, Telefon {v}", "お客様: {v}", '"value": "{v}"', "customer record -> {v} (verified)", "client {v} connected", "<td>{v}</td>"];
const PII_CONTEXTS_BY_TYPE: Record<string, string[]> = {
  ip_address: [...PII_CONTEXTS, "ssh deploy@{v}", "X-Forwarded-For: {v}", "Failed password for root from {v} port 52144 ssh2"],
};

/** Look-alikes and placeholders: must produce no finding. */
export function negatives(g: Generator): string[] {
  const sha = () => g.pick(HEX_LOWER, 40);
  const uuid = () => `${g.pick(HEX_LOWER, 8)}-${g.pick(HEX_LOWER, 4)}-4${g.pick(HEX_LOWER, 3)}-a${g.pick(HEX_LOWER, 3)}-${g.pick(HEX_LOWER, 12)}`;
  return [
    `commit ${sha()}\nMerge: 1a2b3c4 5d6e7f8`,
    `sha256:${g.pick(HEX_LOWER, 64)}`,
    `request_id=${uuid()} status=200`,
    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
    "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    'OPENAI_API_KEY="your-api-key-here"',
    "password: ${DB_PASSWORD}",
    "const key = process.env.API_KEY;",
    "Authorization: Bearer <TOKEN>",
    "password=changeme",
    `card 4111 1111 1111 ${g.int(1000, 9999) % 10 === 1 ? "1112" : "1113"}`,
    `IBAN DE00 ${g.pick("0123456789", 4)} ${g.pick("0123456789", 4)} ${g.pick("0123456789", 4)} ${g.pick("0123456789", 4)} ${g.pick("0123456789", 2)}`,
    `version ${g.int(1, 20)}.${g.int(0, 30)}.${g.int(0, 99)}`,
    `${2020 + g.int(0, 5)}-0${g.int(1, 9)}-1${g.int(0, 9)}T1${g.int(0, 9)}:2${g.int(0, 9)}:4${g.int(0, 9)}.${g.int(100, 999)}Z`,
    `<img src="data:image/png;base64,${g.base64(300)}">`,
    "git@github.com:acme/widgets.git",
    "npm install react@18.3.1 @types/node@20.19.0",
    `order #${g.int(100000, 999999)} total 1${g.int(0, 9)}.99 EUR`,
    "token_type: bearer\nexpires_in: 3600",
    "max_tokens = 4096",
    // look-alikes of the second-round formats and wrappings
    "define('WP_DEBUG', false);\ndefine( 'DB_HOST', 'localhost' );",
    "ENV NODE_ENV production\nENV PATH /usr/local/bin:$PATH",
    "user.setPassword(request.getPassword());\nbuilder.password(props.password()).build();",
    "r = requests.get(url, auth=(username, password), timeout=10)",
    "mysql -u root -p shop\ndocker run -p 8080:80 nginx\nssh -p 2222 deploy@host",
    "$cred = Get-Credential\n$secure = ConvertTo-SecureString $plain -AsPlainText -Force",
    "machine github.com login octocat",
    `tls.crt: ${Buffer.from(`-----BEGIN CERTIFICATE-----\n${g.base64(300)}\n-----END CERTIFICATE-----\n`).toString("base64")}`,
    "urlpatterns = [re_path(r'^articles/(?P<year>[0-9]{4})/$', views.year_archive)]",
    `https://images.example.com/photo.jpg?w=640&h=480&sig=${g.pick(HEX_LOWER, 32)}`,
    "<entry key=\"db.url\">jdbc:postgresql://db:5432/app</entry>",
    "password: ********\napi_key: <YOUR_API_KEY>",
    "Please login to the portal and change your password immediately after the first sign-in.",
    "Call setPassword(newPassword) only after validatePassword(\"candidate\") passes.",
    '<select name="auth"><option value="token">Token</option><option value="password">Password</option></select>',
    'mysql --pipe -e "select 1"\npsql -p 5432 -U app',
    "ENV PASSWORD_FILE /run/secrets/db_password",
    "<entry key=\"password.min.length\">12</entry>",
  ];
}

export type Sample = { text: string; planted: Planted[] };

/** One short labelled sample (a paste): a value planted in a context, or a look-alike. */
export function makeSampler(seed: number) {
  const g = makeGenerator(seed);
  const secrets = secretGenerators(g);
  const pii = piiGenerators(g);
  const secretTypes = Object.keys(secrets);
  const piiTypes = Object.keys(pii) as Array<keyof typeof pii>;
  const negativeSet = () => negatives(g);

  /** Puts the value in a context; returns the text, the value as written there, and other values the context holds. */
  function plant(value: string, contexts: string[]): { text: string; written: string; also: Planted[] } {
    let template = g.choice(contexts);
    const also: Planted[] = [];
    if (template.includes("{akid}")) {
      // an AWS credentials export: the access key id next to the secret is a finding too
      const akid = syntheticTokens(g).aws_access_key_id!;
      template = template.replace("{akid}", akid);
      also.push({ type: "aws_access_key_id", value: akid });
    }
    const written = template.includes("{json}")
      ? value.replace(/\n/g, "\\n")
      : template.includes("{indented}")
        ? value.split("\n").map((l) => `    ${l}`).join("\n").trimStart()
        : template.includes("{b64}")
          ? Buffer.from(value).toString("base64")
          : value;
    const text = template.replace("{json}", written).replace("{indented}", `    ${written}`).replace("{b64}", written).replace("{v}", written);
    return { text, written, also };
  }

  return {
    secretTypes,
    piiTypes: piiTypes as string[],
    sample(kind: "secret" | "pii" | "negative", type?: string): Sample {
      if (kind === "negative") return { text: g.choice(negativeSet()), planted: [] };
      if (kind === "secret") {
        const t = type ?? g.choice(secretTypes);
        const { text, written, also } = plant(secrets[t]!(), SECRET_CONTEXTS[t] ?? DEFAULT_CONTEXTS);
        return { text, planted: [{ type: t, value: written }, ...also] };
      }
      const t = (type ?? g.choice(piiTypes)) as keyof typeof pii;
      const { text, written } = plant(pii[t](), PII_CONTEXTS_BY_TYPE[t] ?? PII_CONTEXTS);
      return { text, planted: [{ type: t, value: written }] };
    },
  };
}

/** Filler segments without planted values. */
function fillers(g: Generator): Array<() => string> {
  const sentence = (words: string[], n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(g.choice(words));
    const s = out.join(" ");
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  return [
    () => `import { useState } from "react";\n\nexport function Counter({ step = ${g.int(1, 5)} }) {\n  const [count, setCount] = useState(0);\n  const token = useAuth().token;\n  return <button onClick={() => setCount(count + step)}>{count}</button>;\n}\n`,
    () => `def handler(event, context):\n    items = [x for x in event["items"] if x.get("id") != ${g.int(1, 999)}]\n    logger.info("processed %d items", len(items))\n    return {"statusCode": 200, "body": json.dumps(items)}\n`,
    () => `func (s *Server) Get(ctx context.Context, id int64) (*Item, error) {\n\trow := s.db.QueryRowContext(ctx, "SELECT name FROM items WHERE id = $1", id)\n\treturn scan(row)\n}\n`,
    () => {
      let s = "";
      for (let i = 0; i < 8; i++) {
        s += `2024-0${g.int(1, 9)}-${g.int(10, 28)}T${g.int(10, 23)}:${g.int(10, 59)}:${g.int(10, 59)}.${g.int(100, 999)}Z ${g.choice(["INFO ", "WARN ", "DEBUG", "ERROR"])} [${g.choice(["http", "db", "queue", "auth"])}] ${g.choice(["GET", "POST", "PUT"])} /api/v1/items/${g.int(1, 99999)} ${g.choice([200, 201, 404, 500])} ${g.int(1, 999)}ms req=${g.pick(HEX_LOWER, 16)}\n`;
      }
      return s;
    },
    () => `${sentence(WORDS_EN, g.int(12, 30))} ${sentence(WORDS_EN, g.int(8, 20))}\n`,
    () => `${sentence(WORDS_DE, g.int(10, 20))} ${sentence(WORDS_FR, g.int(10, 20))}\n`,
    () => `${g.choice(CJK)}${g.choice(CJK)}${g.choice(EMOJI)} ${g.choice(CJK)}\n`,
    () => `{"id": ${g.int(1, 99999)}, "name": "widget-${g.int(1, 999)}", "price": ${g.int(1, 999)}.${g.int(10, 99)}, "tags": ["a", "b"], "created_at": "2024-01-15T10:23:45Z", "sha": "${g.pick(HEX_LOWER, 40)}", "uuid": "${g.pick(HEX_LOWER, 8)}-${g.pick(HEX_LOWER, 4)}-4${g.pick(HEX_LOWER, 3)}-8${g.pick(HEX_LOWER, 3)}-${g.pick(HEX_LOWER, 12)}"}\n`,
    () => `NODE_ENV=production\nPORT=${g.int(3000, 9000)}\nLOG_LEVEL=info\nFEATURE_FLAGS=a,b,c\nDATABASE_POOL_SIZE=${g.int(5, 50)}\n`,
    () => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${g.int(1, 99)}\nspec:\n  replicas: ${g.int(1, 9)}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:1.${g.int(0, 99)}.${g.int(0, 99)}\n`,
    () => `Traceback (most recent call last):\n  File "/srv/app/handlers.py", line ${g.int(10, 900)}, in handle\n    result = process(payload)\nValueError: invalid literal for int() with base 10: 'abc'\n`,
    () => `data = "${g.base64(g.int(512, 4096))}"\n`,
    () => `diff --git a/src/app.ts b/src/app.ts\nindex ${g.pick(HEX_LOWER, 7)}..${g.pick(HEX_LOWER, 7)} 100644\n@@ -${g.int(1, 99)},7 +${g.int(1, 99)},8 @@\n-  const x = 1;\n+  const x = 2;\n`,
  ];
}

/**
 * A large mixed text of about `targetChars` UTF-16 units, with secrets and personal data sprinkled
 * roughly once per `plantEvery` characters.
 */
export function makeMixedText(seed: number, targetChars: number, plantEvery = 3000): Sample {
  const g = makeGenerator(seed);
  const sampler = makeSampler(seed + 1);
  const fill = fillers(g);
  const parts: string[] = [];
  const planted: Planted[] = [];
  let length = 0;
  let sinceLastPlant = 0;
  while (length < targetChars) {
    let piece: string;
    if (sinceLastPlant >= plantEvery) {
      const sample = sampler.sample(g.int(0, 2) === 0 ? "pii" : "secret");
      piece = `${sample.text}\n`;
      planted.push(...sample.planted);
      sinceLastPlant = 0;
    } else if (g.int(0, 30) === 0) {
      piece = `${sampler.sample("negative").text}\n`;
    } else {
      piece = g.choice(fill)();
    }
    parts.push(piece);
    length += piece.length;
    sinceLastPlant += piece.length;
  }
  return { text: parts.join(""), planted };
}
