import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FINDING_TYPES, createRedactor, type RedactionResult } from "./index";
import { makeGenerator, syntheticTokens } from "./testing";

const key = Buffer.alloc(32, 7);
const redactor = createRedactor({ key });

function found(result: RedactionResult, text: string) {
  return result.findings.map((f) => ({ type: f.type, value: text.slice(f.start, f.end) }));
}

/** The value is found with this type, at offsets that point at it in the original, and is gone from the output. */
function expectRedacted(text: string, type: string, value: string) {
  const result = redactor.redact(text);
  expect(found(result, text), text).toContainEqual({ type, value });
  expect(result.redacted).not.toContain(value);
  return result;
}

function expectClean(text: string) {
  const result = redactor.redact(text);
  expect(found(result, text), text).toEqual([]);
  expect(result.redacted).toBe(text);
}

const g = makeGenerator(42);
const tokens = syntheticTokens(g);
const TOKEN_TYPE: Record<string, string> = {
  github_fine_grained: "github_token",
  mailgun_key_pair: "mailgun_api_key",
  openai_legacy: "openai_api_key",
  stripe_restricted: "stripe_secret_key",
};

describe("well-known token formats", () => {
  const contexts = [
    (v: string) => v,
    (v: string) => `export TOKEN=${v}`,
    (v: string) => `{"credentials": {"value": "${v}"}}`,
    (v: string) => `config:\n  api:\n    value: '${v}'\n`,
    (v: string) => `curl https://api.example.com -H "X-Thing: ${v}" -d @body.json`,
    (v: string) => `I pasted ${v}, is that ok?`,
    (v: string) => `"line one\\n${v}\\nline three"`,
    (v: string) => `<td>${v}</td>`,
    (v: string) => `日本語のテキスト ${v} 😀 続き`,
  ];
  for (const [name, value] of Object.entries(tokens)) {
    const type = TOKEN_TYPE[name] ?? name;
    it.each(contexts.map((c, i) => [i, c(value)]))(`${name} in context %i`, (_i, text) => {
      expectRedacted(text as string, type, value);
    });
  }

  it("knows every type it emits", () => {
    for (const [name] of Object.entries(tokens)) expect(FINDING_TYPES).toHaveProperty(TOKEN_TYPE[name] ?? name);
  });

  it("finds an AWS secret key next to its access key id without a label", () => {
    const id = `AKIA${g.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`;
    const secret = g.mixed(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
    const text = `User name,Password,Access key ID,Secret access key\nci-bot,,${id},${secret}\n`;
    expectRedacted(text, "aws_access_key_id", id);
    expectRedacted(text, "aws_secret_access_key", secret);
  });

  it.each([
    ["aws_secret_access_key = {v}", "aws_secret_access_key"],
    ["AWS_SECRET_ACCESS_KEY={v}", "aws_secret_access_key"],
    ['"SecretAccessKey": "{v}"', "aws_secret_access_key"],
    ["secretAccessKey: '{v}'", "aws_secret_access_key"],
  ])("AWS secret key by label: %s", (template, type) => {
    const v = g.mixed(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
    expectRedacted(template.replace("{v}", v), type, v);
  });

  it("Azure storage keys in connection strings", () => {
    const accountKey = `${g.base64(64)}`;
    const text = `DefaultEndpointsProtocol=https;AccountName=stsynthetic;AccountKey=${accountKey};EndpointSuffix=core.windows.net`;
    expectRedacted(text, "azure_storage_key", accountKey);
    const sas = g.base64(32);
    expectRedacted(`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${sas}`, "azure_shared_access_key", sas);
  });
});

describe("private keys", () => {
  const { privateKey: rsa } = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const { privateKey: ec } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const { privateKey: ed } = generateKeyPairSync("ed25519");
  const pkcs8 = rsa.export({ type: "pkcs8", format: "pem" }).toString();
  const pkcs1 = rsa.export({ type: "pkcs1", format: "pem" }).toString();
  const sec1 = ec.export({ type: "sec1", format: "pem" }).toString();
  const encrypted = rsa.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "synthetic" }).toString();
  const edPem = ed.export({ type: "pkcs8", format: "pem" }).toString();
  const openssh = `-----BEGIN OPENSSH PRIVATE KEY-----\n${g.base64(300).replace(/(.{70})/g, "$1\n")}\n-----END OPENSSH PRIVATE KEY-----\n`;
  const pgp = `-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: Synthetic\n\n${g.base64(300).replace(/(.{64})/g, "$1\n")}\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----`;
  const dsa = `-----BEGIN DSA PRIVATE KEY-----\n${g.base64(200).replace(/(.{64})/g, "$1\n")}\n-----END DSA PRIVATE KEY-----`;
  const legacyEncrypted = `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n${g.base64(300).replace(/(.{64})/g, "$1\n")}\n-----END RSA PRIVATE KEY-----`;
  const kinds = { pkcs8, pkcs1, sec1, encrypted, edPem, openssh, pgp, dsa, legacyEncrypted };

  /** The base64 lines of the key body: none of them may survive. */
  const bodyLines = (pem: string) => pem.split(/\r?\n/).filter((l) => /^[A-Za-z0-9+/=]{16,}$/.test(l));

  for (const [name, pem] of Object.entries(kinds)) {
    it(`${name}: raw, CRLF, indented YAML, JSON-escaped, truncated`, () => {
      const trimmed = pem.trim();
      const variants = [
        `here is my key:\n${trimmed}\nthanks`,
        `key_crlf:\r\n${trimmed.replace(/\n/g, "\r\n")}\r\n`,
        `tls:\n  key: |\n${trimmed.split("\n").map((l) => `    ${l}`).join("\n")}\n  cert: ok\n`,
        JSON.stringify({ type: "service_account", private_key: `${trimmed}\n` }),
        JSON.stringify(JSON.stringify({ private_key: trimmed })),
        `echo "${trimmed.split("\n").join(" ")}"`,
        `truncated paste:\n${trimmed.split("\n").slice(0, 5).join("\n")}`,
        `truncated in JSON: {"k": "${trimmed.split("\n").slice(0, 5).join("\\n")}`,
      ];
      for (const text of variants) {
        const result = redactor.redact(text);
        const keys = result.findings.filter((f) => f.type === "private_key");
        expect(keys.length, text).toBe(1);
        for (const line of bodyLines(pem)) {
          if (text.includes(line)) expect(result.redacted, name).not.toContain(line);
        }
        expect(result.redacted).toContain("[SECRET:private_key:");
      }
    });
  }

  it("fingerprints a key the same way however it is wrapped", () => {
    const raw = redactor.redact(pkcs8).findings[0]!.fingerprint;
    const json = redactor.redact(JSON.stringify({ k: pkcs8 })).findings[0]!.fingerprint;
    const crlf = redactor.redact(pkcs8.replace(/\n/g, "\r\n")).findings[0]!.fingerprint;
    expect(json).toBe(raw);
    expect(crlf).toBe(raw);
    expect(redactor.fingerprintValue(pkcs8)).toBe(raw);
    expect(createPrivateKey(pkcs8).type).toBe("private"); // the fixture is a real PEM
  });

  it.each([
    "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    "-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----",
    "Paste the block starting with -----BEGIN OPENSSH PRIVATE KEY----- here.",
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXyZ0\n-----END CERTIFICATE-----",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
  ])("no finding for placeholders and public material: %#", (text) => {
    expect(redactor.redact(text).findings.filter((f) => f.type === "private_key")).toEqual([]);
  });
});

describe("connection strings", () => {
  const pw = "S3cr3t-Pw_9x";
  it.each([
    [`postgres://app:${pw}@db.internal:5432/ledger`],
    [`postgresql://app:${pw}@db.internal/ledger?sslmode=require`],
    [`DATABASE_URL="mysql://root:${pw}@127.0.0.1:3306/shop"`],
    [`mongodb+srv://svc:${pw}@cluster0.ab1cd.mongodb.net/?retryWrites=true`],
    [`mongodb://svc:${pw}@h1:27017,h2:27017/db?replicaSet=rs0`],
    [`redis://default:${pw}@cache.internal:6379/0`],
    [`rediss://:${pw}@cache.internal:6380`],
    [`amqp://guest2:${pw}@rabbit.internal:5672/vhost`],
    [`amqps://user:${pw}@b-1.mq.eu-west-1.amazonaws.com:5671`],
    [`jdbc:postgresql://db:5432/app?user=app&password=${pw}&ssl=true`],
    [`jdbc:mysql://app:${pw}@db:3306/app`],
    [`jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=${pw};encrypt=true`],
    [`jdbc:oracle:thin:scott/${pw}@db.internal:1521:ORCL`],
    [`Server=tcp:srv.database.windows.net,1433;Initial Catalog=app;User ID=admin;Password=${pw};Encrypt=True;`],
    [`Data Source=.\\SQLEXPRESS;Initial Catalog=app;User Id=sa;Pwd=${pw};`],
    [`host=localhost port=5432 dbname=ledger user=app password=${pw} sslmode=disable`],
    [`psql "host=db dbname=app user=app password='${pw}'"`],
    [`"ConnectionStrings": { "Default": "Server=db;Database=app;User Id=app;Password=${pw};" }`],
    [`https://deploy:${pw}@git.example.com/org/repo.git`],
    [`ftp://anonymous2:${pw}@ftp.example.com/pub`],
  ])("%s", (text) => {
    const result = redactor.redact(text);
    expect(found(result, text).map((f) => f.value), text).toContain(pw);
    expect(result.redacted).not.toContain(pw);
  });

  it("calls the password a connection-string password", () => {
    expectRedacted(`postgres://app:${pw}@db/x`, "connection_string_password", pw);
    expectRedacted(`Server=db;User Id=sa;Password=${pw};`, "connection_string_password", pw);
    expectRedacted(`host=db user=app password=${pw}`, "connection_string_password", pw);
  });

  it.each([
    "postgres://app:${DB_PASSWORD}@db:5432/app",
    "postgres://user:password@localhost:5432/mydb",
    "postgresql://<user>:<password>@<host>:5432/<db>",
    "mysql://root:$MYSQL_ROOT_PASSWORD@db/app",
    "redis://localhost:6379/0",
    "https://example.com:8443/path/@handle",
    "mongodb+srv://cluster0.mongodb.net/test",
    "see http://user@example.com/",
    "Server=db;User Id=sa;Password=changeme;",
    "Server=db;User Id=sa;Password={your_password};",
  ])("no finding: %s", (text) => {
    expect(redactor.redact(text).findings.filter((f) => f.kind === "secret")).toEqual([]);
  });
});

describe("assignments in code and config", () => {
  const v = "q7Hf2LmX9pRt4WzK";
  it.each([
    [`password = "${v}"`],
    [`PASSWORD=${v}`],
    [`DB_PASSWORD='${v}'`],
    [`export API_KEY=${v}`],
    [`API_KEY: ${v}`],
    [`client_secret: "${v}"`],
    [`"clientSecret": "${v}",`],
    [`spring.datasource.password=${v}`],
    [`$password = '${v}';`],
    [`'password' => '${v}',`],
    [`:password => "${v}"`],
    [`password := "${v}"`],
    [`const apiKey = "${v}";`],
    [`self.secret_key = "${v}"`],
    [`SECRET_KEY_BASE=${v}`],
    [`os.environ["OPENAI_KEY"] = "${v}"`],
    [`-e POSTGRES_PASSWORD=${v}`],
    [`mysql --password=${v} -h db`],
    [`docker login --password ${v} registry`],
    [`<password>${v}</password>`],
    [`<add key="ApiKey" value="${v}" />`],
    [`- name: DB_PASSWORD\n  value: "${v}"`],
    [`x-api-key: ${v}`],
    [`auth_token = '${v}'`],
    [`access_token=${v}&state=1`],
    [`[client]\npassword = ${v}`],
    [`def connect(password: str = "${v}"):`],
    [`{"password":"${v}"}`],
    [`JSON.parse("{\\"password\\":\\"${v}\\"}")`],
    [`password: "${v}" # prod`],
  ])("%s", (text) => {
    const result = redactor.redact(text);
    expect(found(result, text).map((f) => f.value), text).toContain(v);
    expect(result.redacted).not.toContain(v);
  });

  it.each([
    'password = "your-api-key-here"',
    "password = ${DB_PASSWORD}",
    "API_KEY=process.env.API_KEY",
    "api_key: <TOKEN>",
    "password: changeme",
    'password = os.getenv("DB_PASSWORD")',
    "token: string;",
    "apiKey?: string",
    "password_min_length: 8",
    "max_tokens = 4096",
    "next_token = response.next_token",
    '"token_type": "bearer"',
    "secret_name: prod/db",
    "public_key: ssh-ed25519",
    '"password": "Password"',
    '"password": "Mot de passe oublié ?"',
    '"password": "Passwort"',
    "password: ********",
    "password=xxxxxxxx",
    "token = None",
    "if (!password) return;",
    "const token = await getToken();",
    "password = request.form['password']",
    "secret: {{ .Values.secret }}",
    "key: value",
    '"key": "welcome_message"',
    "primary_key: id",
    'token = "Bearer " + jwt',
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "KMS_KEY_ARN=arn:aws:kms:eu-west-1:123456789012:key/abc",
    "private_key_path = ~/.ssh/id_ed25519",
    "password_hash = bcrypt(password)",
  ])("no finding: %s", (text) => {
    expectClean(text);
  });
});

describe("secrets in wrappings without a key = value shape", () => {
  const pw = "S3cr3t-Pw_9x";
  it.each([
    ["PHP define", `define('DB_PASSWORD', '${pw}');`, "generic_secret_assignment", pw],
    ["PHP define with spaces", `define( "AUTH_TOKEN", "${pw}" );`, "generic_secret_assignment", pw],
    ["WordPress salt with spaces", `define('AUTH_KEY', 'k#8 Zq!m7 Lp@3 xR$9 wT&2 vB*5 nC^4 yH%6');`, "generic_secret_assignment", "k#8 Zq!m7 Lp@3 xR$9 wT&2 vB*5 nC^4 yH%6"],
    ["Dockerfile ENV without =", `FROM node:20\nENV DB_PASSWORD ${pw}\nRUN npm ci`, "generic_secret_assignment", pw],
    ["Java setter", `ds.setPassword("${pw}");`, "generic_secret_assignment", pw],
    ["builder call", `Config.builder().user("app").password("${pw}").build()`, "generic_secret_assignment", pw],
    ["Python auth tuple", `requests.get(url, auth=("svc", "${pw}"))`, "basic_auth_credentials", pw],
    ["HTTPBasicAuth", `auth = HTTPBasicAuth('svc', '${pw}')`, "basic_auth_credentials", pw],
    [".netrc", `machine api.example.com\n  login deploy\n  password ${pw}\n`, "generic_secret_assignment", pw],
    ["mysql -p", `mysql -h db -u root -p${pw} shop < dump.sql`, "generic_secret_assignment", pw],
    ["sshpass -p", `sshpass -p '${pw}' ssh deploy@host`, "generic_secret_assignment", pw],
    ["docker login -p", `docker login -u ci -p ${pw} registry.example.com`, "generic_secret_assignment", pw],
    ["PowerShell", `$s = ConvertTo-SecureString "${pw}" -AsPlainText -Force`, "generic_secret_assignment", pw],
    ["Java XML properties", `<entry key="db.password">${pw}</entry>`, "generic_secret_assignment", pw],
    ["Terraform default", `variable "db_password" {\n  type    = string\n  default = "${pw}"\n}`, "generic_secret_assignment", pw],
    ["Azure SAS", "https://a.blob.core.windows.net/c/f?sv=2022-11-02&sr=b&sp=r&se=2026-01-01&sig=kFXNRqplBZu%2BghH%2FInQiRQONebaJnGTZUsjkbRDupJQ%3D", "azure_sas_signature", "kFXNRqplBZu%2BghH%2FInQiRQONebaJnGTZUsjkbRDupJQ%3D"],
    ["Azure account key starting with /", "AccountName=x;AccountKey=/Hz/XJhlFJRgofLqiFUwgu1/TtR+Bj3nssCPtPBz+uddhIvXfP2qtQ9vEZmXtEGCVwhbTQ66X/v0sihYluQ7oA==;", "azure_storage_key", "/Hz/XJhlFJRgofLqiFUwgu1/TtR+Bj3nssCPtPBz+uddhIvXfP2qtQ9vEZmXtEGCVwhbTQ66X/v0sihYluQ7oA=="],
    ["URL password before #", `jdbc:mysql://root:9#bN${pw}@mysql:3306/shop`, "connection_string_password", `9#bN${pw}`],
  ])("%s", (_name, text, type, value) => {
    expectRedacted(text, type, value);
  });

  it("finds a private key that was base64-encoded once more (Kubernetes Secret data) and fingerprints it like the PEM", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const b64 = Buffer.from(pem).toString("base64");
    const result = expectRedacted(`apiVersion: v1\nkind: Secret\ndata:\n  tls.key: ${b64}\n`, "private_key", b64);
    expect(result.findings[0]!.fingerprint).toBe(redactor.redact(pem).findings[0]!.fingerprint);
    expect(redactor.fingerprintValue(b64)).toBe(result.findings[0]!.fingerprint);
  });

  it("finds a long unquoted value whole (an STS session token after a key)", () => {
    const token = `IQoJb3JpZ2luX2Vj${g.base64(900)}`;
    expectRedacted(`aws_session_token = ${token}`, "aws_session_token", token);
    const opaque = g.mixed(1500, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    expectRedacted(`SESSION_TOKEN=${opaque}`, "generic_secret_assignment", opaque);
  });

  it.each([
    "define('WP_DEBUG', false); define( 'DB_HOST', 'localhost' );",
    "ENV NODE_ENV production\nENV PASSWORD_FILE /run/secrets/db_password",
    "user.setPassword(request.getPassword()); builder.password(props.password()).build();",
    'validatePassword("candidate"); getToken("refresh"); hashPassword(input);',
    "r = requests.get(url, auth=(username, password))",
    "Please login to the portal and change your password immediately after the first sign-in.",
    "mysql -u root -p shop\ndocker run -p 8080:80 nginx\nssh -p 2222 deploy@host\nmysql --pipe -e 'select 1'",
    "$secure = ConvertTo-SecureString $plain -AsPlainText -Force",
    '<entry key="password.min.length">12</entry><option name="token">Select one</option>',
    "https://images.example.com/photo.jpg?w=640&sig=5f2b6c7d8e9f0a1b2c3d4e5f6a7b8c9d",
    `tls.crt: ${Buffer.from("-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n").toString("base64")}`,
    "urlpatterns = [re_path(r'^articles/$', views.index)]",
    "ssh deploy@build-01.internal\nssh -i ~/.ssh/id_ed25519 -p 2222 deploy@host.example.com",
  ])("no finding in %j", (text) => {
    expectClean(text);
  });
});

describe("bearer and basic credentials", () => {
  const token = "Zm9vYmFyMTIzNDU2Nzg5MGFiY2RlZmdo";
  it.each([
    [`curl -H "Authorization: Bearer ${token}" https://api.example.com`],
    [`curl -H 'Authorization: Bearer ${token}' https://api.example.com`],
    [`Authorization: Bearer ${token}`],
    [`headers = {"Authorization": "Bearer ${token}"}`],
    [`fetch(url, { headers: { authorization: \`bearer ${token}\` } })`],
    [`Authorization: Token ${token}`],
  ])("%s", (text) => {
    const result = redactor.redact(text);
    expect(found(result, text).map((f) => f.value)).toContain(token);
    expect(result.redacted).not.toContain(token);
  });

  it("basic credentials (base64 user:password) and curl -u", () => {
    const basic = Buffer.from("deploy:S3cr3t-Pw_9x").toString("base64");
    expectRedacted(`Authorization: Basic ${basic}`, "basic_auth_credentials", basic);
    expectRedacted("curl -u deploy:S3cr3t-Pw_9x https://api.example.com", "basic_auth_credentials", "S3cr3t-Pw_9x");
    expectRedacted("curl --user 'deploy:S3cr3t-Pw_9x' https://x", "basic_auth_credentials", "S3cr3t-Pw_9x");
  });

  it.each([
    'curl -H "Authorization: Bearer $TOKEN" https://api.example.com',
    'curl -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com',
    'curl -H "Authorization: Bearer <token>" https://api.example.com',
    "Authorization: Bearer YOUR_ACCESS_TOKEN",
    "The bearer of this letter is a friend.",
    "Basic usage: run the tool.",
    "git push -u origin main",
  ])("no finding: %s", (text) => {
    expectClean(text);
  });
});

describe("JWTs", () => {
  it("finds a JWT alone, in a header and in JSON", () => {
    const jwt = tokens.jwt!;
    expectRedacted(jwt, "jwt", jwt);
    expectRedacted(`{"id_token":"${jwt}"}`, "jwt", jwt);
    expectRedacted(`Cookie: session=${jwt}; Path=/`, "jwt", jwt);
  });
});

describe("personal data", () => {
  it.each([
    ["an internationalised address", "mail: jürgen.müller@example.de, please", "email", "jürgen.müller@example.de"],
    ["an address after user@", "ssh root@62.210.14.45", "ip_address", "62.210.14.45"],
  ])("%s", (_name, text, type, value) => {
    expectRedacted(text, type, value);
  });

  it.each([
    ["email", "alice.smith@example.com"],
    ["email", "bob+ledger@mail.example.co.uk"],
    ["email", "o'brien@example.ie".replace("'", "")],
    ["phone_number", "+1 415 555 0132"],
    ["phone_number", "+44 20 7946 0958"],
    ["phone_number", "+49 30 1234567"],
    ["phone_number", "+33 1 23 45 67 89"],
    ["phone_number", "+81-3-1234-5678"],
    ["phone_number", "+86 138 0013 8000"],
    ["phone_number", "+91 98765 43210"],
    ["phone_number", "+55 11 91234-5678"],
    ["phone_number", "+7 (495) 123-45-67"],
    ["phone_number", "+14155550132"],
    ["phone_number", "(415) 555-0132"],
    ["phone_number", "415-555-0132"],
    ["phone_number", "415.555.0132"],
    ["payment_card", "4929 4012 8898 1772"],
    ["payment_card", "4929-4012-8898-1772"],
    ["payment_card", "4929401288981772"],
    ["payment_card", "5154627833901641"],
    ["payment_card", "3716 428910 45338"],
    ["payment_card", "6011538902718462"],
    ["payment_card", "3530817263549107"],
    ["us_ssn", "536-22-1234"],
    ["iban", "DE89 3704 0044 0532 0130 00"],
    ["iban", "DE89370400440532013000"],
    ["iban", "GB82 WEST 1234 5698 7654 32"],
    ["iban", "FR1420041010050500013M02606"],
    ["iban", "NL91ABNA0417164300"],
    ["ip_address", "62.210.14.42"],
    ["ip_address", "2a02:8109:85a3::8a2e:370:7334"],
    ["ip_address", "2a02:8109:85a3:0000:0000:8a2e:0370:7334"],
  ])("%s: %s", (type, value) => {
    for (const text of [value, `contact: ${value}.`, `「${value}」にご連絡ください`, `😀 ${value} 😀`, `{"v":"${value}"}`]) {
      expectRedacted(text, type, value);
    }
  });

  it("phone numbers next to a label, in national formats", () => {
    expectRedacted("Tel.: 030 1234567", "phone_number", "030 1234567");
    expectRedacted("电话：010-1234-5678", "phone_number", "010-1234-5678");
    expectRedacted("mobile 06 12 34 56 78", "phone_number", "06 12 34 56 78");
  });

  it("SSNs with spaces or without separators only next to a label", () => {
    expectRedacted("SSN: 536 22 1234", "us_ssn", "536 22 1234");
    expectRedacted("social security number 536221234", "us_ssn", "536221234");
    expectClean("order 536221234 shipped");
  });

  it.each([
    "4111 1111 1111 1112", // Luhn fails
    "1234 5678 9012 3456",
    "DE89 3704 0044 0532 0130 01", // mod-97 fails
    "GB00 WEST 1234 5698 7654 32",
    "000-12-3456",
    "666-12-3456",
    "123-45-6789",
    "1700000000123",
    "2024-01-15T10:23:45.123Z",
    "2024-01-15 10:23:45",
    "15.01.2024 10:23",
    "version 1.2.3.4",
    "v10.20.30.40",
    "requests==2.31.0",
    "OID 1.3.6.1.4.1.311",
    "git@github.com:org/repo.git",
    "import x from '@scope/pkg'",
    "icon@2x.png",
    "npm i react@18.3.1",
    "user@localhost",
    "@decorator def f(): pass",
    "std::vector<int> v; a::b::c",
    "12:34:56",
    "00:1a:2b:3c:4d:5e",
    "::1",
    "127.0.0.1",
    "0.0.0.0",
    "price: 1234567.89",
    "Total: 12 345 678",
    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "550e8400-e29b-41d4-a716-446655440000",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "sk-your-api-key-here",
    "sk-button-primary-large-component-dark",
    "task-1234567890-abcdefghijklmnopqrstu",
    `<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg/AKIAZ4X7Q2LMN8PRT5VB+ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5AAAA==">`,
  ])("no finding: %s", (text) => {
    expectClean(text);
  });

  it("IP addresses can be switched off", () => {
    const noIp = createRedactor({ key, detectIpAddresses: false });
    expect(noIp.redact("client 62.210.14.42 connected").findings).toEqual([]);
    expect(redactor.redact("client 62.210.14.42 connected").findings).toHaveLength(1);
  });
});

describe("offsets, placeholders and fingerprints", () => {
  it("offsets are UTF-16 indices into the original text, unshifted by CJK and emoji", () => {
    const secret = tokens.github_token!;
    const prefixes = ["", "密码是 ", "パスワード：", "😀😀😀 ", "👩‍👩‍👧‍👦 family ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ", "e\u0301 combining ", "\u200b zero width "];
    for (const prefix of prefixes) {
      const text = `${prefix}${secret} ✓ 완료`;
      const [f] = redactor.redact(text).findings;
      expect(f).toBeDefined();
      expect(f!.start).toBe(prefix.length);
      expect(f!.end).toBe(prefix.length + secret.length);
      expect(text.slice(f!.start, f!.end)).toBe(secret);
    }
  });

  it("renders placeholders with the first 8 hex of HMAC-SHA256(key, value)", async () => {
    const { createHmac } = await import("node:crypto");
    const value = tokens.github_token!;
    const result = redactor.redact(`token ${value}`);
    const hmac = createHmac("sha256", key).update(value).digest("hex");
    expect(result.redacted).toBe(`token [SECRET:github_token:${hmac.slice(0, 8)}]`);
    expect(result.findings[0]!.fingerprint).toBe(hmac.slice(0, 16));
    expect(redactor.fingerprintValue(value)).toBe(result.findings[0]!.fingerprint);
    expect(result.textFingerprint).toBe(createHmac("sha256", key).update(`token ${value}`).digest("hex"));
    expect(result.length).toBe(`token ${value}`.length);
    const email = redactor.redact("mail alice@example.com");
    expect(email.redacted).toMatch(/^mail \[PII:email:[0-9a-f]{8}\]$/);
  });

  it("correlates the same value across texts, and only under the same key", () => {
    const value = tokens.stripe_secret_key!;
    const a = redactor.redact(`a ${value}`).findings[0]!.fingerprint;
    const b = redactor.redact(`STRIPE=${value}\n`).findings[0]!.fingerprint;
    const other = createRedactor({ key: Buffer.alloc(32, 8) }).redact(`a ${value}`).findings[0]!.fingerprint;
    expect(a).toBe(b);
    expect(other).not.toBe(a);
  });

  it("returns findings in order, without overlaps, deterministically", () => {
    const text = `API_KEY="${tokens.openai_api_key}" email=alice@example.com url=postgres://u:${"S3cr3t-Pw_9x"}@db/x ${tokens.jwt}`;
    const one = redactor.redact(text);
    const two = redactor.redact(text);
    expect(one).toEqual(two);
    for (let i = 1; i < one.findings.length; i++) expect(one.findings[i]!.start).toBeGreaterThanOrEqual(one.findings[i - 1]!.end);
    // the specific type wins over the generic assignment
    expect(one.findings[0]!.type).toBe("openai_api_key");
  });

  it("leaves text without findings untouched", () => {
    const text = "Just a normal sentence about tokens, keys and passwords. 日本語。";
    const result = redactor.redact(text);
    expect(result.redacted).toBe(text);
    expect(result.findings).toEqual([]);
  });

  it("redactWithoutTextFingerprint gives the same redaction without the whole-text HMAC", () => {
    const text = `token ${tokens.github_token} mail alice@example.com 😀`;
    const full = redactor.redact(text);
    const light = redactor.redactWithoutTextFingerprint(text);
    expect(light).toEqual({ redacted: full.redacted, findings: full.findings, length: full.length });
    expect(light).not.toHaveProperty("textFingerprint");
  });

  it("an earlier, longer text leaves nothing behind for the next one (the scan reuses its buffers)", () => {
    const long = `phone 415-555-0132 then ${tokens.github_token} and alice@example.com ${"x ".repeat(5000)}`;
    const blank = " ".repeat(long.length);
    for (let cut = 1; cut < 120; cut++) {
      const prefix = long.slice(0, cut);
      redactor.redact(blank);
      const afterBlank = redactor.redact(prefix);
      expect(redactor.redact(long).findings).toHaveLength(3);
      expect(redactor.redact(prefix), `cut at ${cut}`).toEqual(afterBlank);
    }
  });

  it("rejects a short or missing key", () => {
    expect(() => createRedactor({ key: Buffer.alloc(4) })).toThrow(/at least 16 bytes/);
  });
});

describe("no leaks on a generated corpus", () => {
  it("never outputs a planted value", () => {
    const gen = makeGenerator(7);
    const templates = [
      (v: string) => `export SECRET_TOKEN=${v}`,
      (v: string) => `{"api_key": "${v}", "user": "x"}`,
      (v: string) => `Here is the key ${v} — why does it fail?`,
      (v: string) => `  token: ${v}\n`,
      (v: string) => `fetch("https://x", {headers: {Authorization: "Bearer ${v}"}})`,
      (v: string) => `ログ: ${v} を使用しています`,
    ];
    for (let i = 0; i < 200; i++) {
      const set = syntheticTokens(gen);
      for (const value of Object.values(set)) {
        const text = gen.choice(templates)(value);
        expect(redactor.redact(text).redacted).not.toContain(value);
      }
    }
  });
});

describe("pathological inputs finish (linear time; no timing assertion)", () => {
  it.each([
    ["10 MB single line", () => "a".repeat(10 * 1024 * 1024)],
    ["unterminated BEGIN repeated", () => "-----BEGIN RSA PRIVATE KEY-----\n".repeat(100_000)],
    ["BEGIN without dashes repeated", () => "BEGIN ".repeat(500_000)],
    ["long base64 run", () => "QUJD".repeat(1_000_000)],
    ["long digit run", () => "1".repeat(3_000_000)],
    ["digits and spaces", () => "1 ".repeat(1_500_000)],
    ["spaces", () => " ".repeat(3_000_000)],
    ["at signs", () => "a@".repeat(1_000_000)],
    ["keyword soup", () => "password=".repeat(300_000)],
    ["prefix soup", () => " ghp_ eyJ sk- AKIA xoxb- ".repeat(100_000)],
    ["jwt-like dots", () => "eyJa.".repeat(500_000)],
    ["colons", () => "a:".repeat(1_000_000)],
    ["url soup", () => "://a:b".repeat(300_000)],
    ["dashes", () => "-".repeat(3_000_000)],
    ["quotes after key", () => `password="${"x".repeat(2_000_000)}`],
    ["password column soup", () => "password\t".repeat(300_000)],
    ["table of passwords", () => `user\tpassword\n${"a\tXk9!pQ2zLm\n".repeat(200_000)}`],
    ["prose soup", () => "Das Passwort ist ".repeat(200_000)],
    ["CJK password soup", () => "密码是：".repeat(500_000)],
    ["repeated secret", () => "password=Xk9!pQ2zLm\n".repeat(200_000)],
    ["block scalar soup", () => "secret: >-\n  ".repeat(200_000)],
    ["cookie soup", () => "Cookie: sid=".repeat(200_000)],
    ["dsn soup", () => "a:b@tcp(".repeat(300_000)],
    ["openvpn soup", () => "-----BEGIN OpenVPN Static key V1-----\n".repeat(100_000)],
  ])("%s", (_name, make) => {
    const text = make();
    const result = redactor.redact(text);
    expect(result.length).toBe(text.length);
  });
});
