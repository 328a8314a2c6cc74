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

describe("passwords named by a word", () => {
  it.each([
    ["Das Passwort für den Server ist Hq7!vRt2xZ, bitte nicht weitergeben.", "Hq7!vRt2xZ"],
    ["Hola, la contraseña del panel es Vn4#kLq9Pz y el usuario admin.", "Vn4#kLq9Pz"],
    ["Le mot de passe est « Tz8$wQm3Lk » pour le compte.", "Tz8$wQm3Lk"],
    ["你好，我的数据库密码是：correct-horse-battery-9!，请帮我看看。", "correct-horse-battery-9!"],
    ["Пароль от сервера: Rk5%tBn8Wq", "Rk5%tBn8Wq"],
    ["MySQL 연결이 안 됩니다. 비밀번호: Tr0ub4dor&3x!", "Tr0ub4dor&3x!"],
    ["パスワードは Mz6^pQr2Vx です。", "Mz6^pQr2Vx"],
    ["The password is P4ss-Wq9z!kL, change it after login.", "P4ss-Wq9z!kL"],
    ["CREATE USER app WITH PASSWORD 'Sq1!zXc8Vb';", "Sq1!zXc8Vb"],
    ["ALTER USER 'app'@'%' IDENTIFIED BY 'My5#qlPw9d';", "My5#qlPw9d"],
  ])("%s", (text, value) => {
    expectRedacted(text, value);
  });

  it.each([
    "Das Passwort ist falsch.",
    "The password is required and must be at least 12 characters.",
    "パスワードを忘れました。リセット用のトークンはどこで発行できますか？",
    "DATABASE_URL=postgres://user:password@localhost:5432/app",
    "password_hash = bcrypt(password)",
    '<property name="password" value="x"/>',
    "~ password = (sensitive value)",
  ])("no finding: %s", (text) => {
    expect(redactor.redact(text).findings).toEqual([]);
  });
});

describe("directives, headers, commands and other shapes without an operator", () => {
  it.each([
    ["requirepass Rd7kQ2mZ9xLw4pVt\nmasterauth Rd7kQ2mZ9xLw4pVt\n", "Rd7kQ2mZ9xLw4pVt"],
    ['  SetEnv DB_PASS "Ap9!cHe2Sv"\n', "Ap9!cHe2Sv"],
    ["    proxy_set_header X-Api-Key 7hG2kL9qWz4xV8bN3mR6tY1uP5sD0fJc;\n", "7hG2kL9qWz4xV8bN3mR6tY1uP5sD0fJc"],
    ["set-cookie: __Host-session=B-j9IRwYPl-1loVmiEcVHCR5wuBd8NumvDg7RLuOp3J; Path=/; Secure", "B-j9IRwYPl-1loVmiEcVHCR5wuBd8NumvDg7RLuOp3J"],
    ["$ redis-cli -h cache.internal -a 'M4ry-h4d-4-l1ttl3' INFO", "M4ry-h4d-4-l1ttl3"],
    ['dsn := "app:h8Fq$w2!KzLp0x@tcp(mysql.internal:3306)/inventory"', "h8Fq$w2!KzLp0x"],
    ['api_secret <- "qR7#vLp2!mZs9Wd"', "qR7#vLp2!mZs9Wd"],
    [">>> co = cohere.Client('UqR1JASRfyb8cccTPfcjh7k5fhh0JLyaHuTcwI5L')", "UqR1JASRfyb8cccTPfcjh7k5fhh0JLyaHuTcwI5L"],
    ["<key>BackendClientSecret</key>\n<string>koP65UO1Py9rI9bEEv7YbUN3r03tDkE8PCyOLmeQ</string>", "koP65UO1Py9rI9bEEv7YbUN3r03tDkE8PCyOLmeQ"],
    ["DOPPLER_TOKEN=dp.st.prd.hmczdWWgVGAkHT0lESdjxTwpoZ4t697XUGleKH3clZR", "dp.st.prd.hmczdWWgVGAkHT0lESdjxTwpoZ4t697XUGleKH3clZR"],
  ])("%s", (text, value) => {
    expectRedacted(text, value);
  });

  it("a YAML block scalar: every line of the value", () => {
    const text = "slack:\n  signing_secret: >-\n    9f3Kq7LmZx2Wv8Rt\n    Yp4Nb6Hc1Jd5Gs0A\nother: 1\n";
    const result = redactor.redact(text);
    expect(result.redacted).not.toContain("9f3Kq7LmZx2Wv8Rt");
    expect(result.redacted).not.toContain("Yp4Nb6Hc1Jd5Gs0A");
    expect(result.redacted).toContain("other: 1");
  });

  it("a Teams webhook keeps its host, loses its path", () => {
    const path = "e22b761aaee1fe724bdfe8509b2cf742/2cd53472-011b-4cda-9078-ce0285835a6a/V2TRHyQsc_tgkaWwXolnWgQPWk5IGfjHOrqljo5g2x1ry";
    const text = `teams: https://acme.webhook.office.com/webhookb2/0c149f69-6fdb-41b9-9aab-5d71ff65023f@7fd7fe2a-e802-4d75-a29c-d9e73ce2dc46/IncomingWebhook/${path}`;
    const result = redactor.redact(text);
    expect(result.findings.map((f) => f.type)).toEqual(["teams_webhook_url"]);
    expect(result.redacted).not.toContain(path);
  });

  it.each([
    ['<add key="webpages:Version" value="3.0.0.0" />', "webpages:Version"],
    ["<key>CFBundleShortVersionString</key>\n<string>4.12.0</string>", "CFBundleShortVersionString"],
    ["# public key: age1ggnthrf3ra653v48nv5ng4s4fx4nysn2z7mp30h2tlz3mtqh4fg6tqpqa8", "age1ggnthrf3ra653v48nv5ng4s4fx4nysn2z7mp30h2tlz3mtqh4fg6tqpqa8"],
    ["STRIPE_PUBLISHABLE_KEY=pk_live_aoluBLFIj3WqPS6TzG9Y6XvmWBsJZcbrxNYgj", "pk_live_aoluBLFIj3WqPS6TzG9Y6XvmWBsJZcbrxNYgj"],
    ["Stripe's docs use sk_test_4eC39HqLyjWDarjtT1zdp7dc in every example.", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"],
    ["client = httpx.Client('https://api.internal.example:8443')", "https://api.internal.example:8443"],
  ])("names and examples stay: %s", (text, kept) => {
    expectUntouched(text, kept);
  });
});

describe("shapes from the second blind probe", () => {
  it.each([
    ["//nas01/backups /mnt/b cifs username=svc_backup,password=Meadow.Orbit87,uid=1000 0 0", "Meadow.Orbit87"],
    ["jdbc:mysql://db:3306/shop?user=shop&password=vkgoxfe.gRJjDK503&useSSL=false", "vkgoxfe.gRJjDK503"],
    ['"Env": ["POSTGRES_PASSWORD=Juniper.Walnut51", "PGDATA=/var/lib/postgresql/data"]', "Juniper.Walnut51"],
    ['static const char kPusherSecret[] = "9f8e7d6c5b4a39281706f5e4";', "9f8e7d6c5b4a39281706f5e4"],
    ['"adminPassword": {\n  "value": "Vm9!adminPw2024"\n}', "Vm9!adminPw2024"],
    ["$env:AZURE_DEVOPS_EXT_PAT = \"q3k4m5n6p7r8s9t2v3w4x5y6z7a2b3c4d5e6f7g2h3j4k5m6n7p8\"", "q3k4m5n6p7r8s9t2v3w4x5y6z7a2b3c4d5e6f7g2h3j4k5m6n7p8"],
    ['npmAuthIdent: "ci-bot:Nx7!yarnPw"', "ci-bot:Nx7!yarnPw"],
    ["pass_phrase=Oc1!keyPhrase9", "Oc1!keyPhrase9"],
    ["  routing_key: 4f3e2d1c0b9a88776655443322110ffe", "4f3e2d1c0b9a88776655443322110ffe"],
    ["ldapsearch -x -D 'cn=admin,dc=acme' -w 'Ld4p!Bind99' -b dc=acme", "Ld4p!Bind99"],
    ['local ok, err = red:auth("R3dis!Auth77xYq9Z")', "R3dis!Auth77xYq9Z"],
    ['cred = credential.Credential("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLX", "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA")', "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"],
    ["$ sqlplus scott/T1ger!Pass@ORCLPDB1", "T1ger!Pass"],
    ["curl https://api.telegram.org/bot7812345678:AAH4kLm9Qx2Wv7Rt3Yp8Nb6Hc1Jd5Gs0AfE/getMe", "7812345678:AAH4kLm9Qx2Wv7Rt3Yp8Nb6Hc1Jd5Gs0AfE"],
    ["Het wachtwoord voor de FTP-server is uLNC6G.IYuJ478!tL en de gebruikersnaam is upload_nl.", "uLNC6G.IYuJ478!tL"],
    ["Chào anh, mật khẩu của tài khoản quản trị là Juniper+Falcon68, còn token thì chưa có.", "Juniper+Falcon68"],
    ["Halo, kata sandi untuk server database: qgMtxJ_9GKmV01-rN", "qgMtxJ_9GKmV01-rN"],
    ["สวัสดีครับ รหัสผ่านของเซิร์ฟเวอร์คือ Walnut.Tundra32 ครับ", "Walnut.Tundra32"],
    ["היי דנה, הסיסמה לשרת היא Cobalt.Falcon79 ותודה", "Cobalt.Falcon79"],
    ["सर्वर का पासवर्ड P5aMOx*79mlC62*gq है", "P5aMOx*79mlC62*gq"],
    ["[09:16] Marta: user is staging_rw, pw Glacier-Cobalt23", "Glacier-Cobalt23"],
    ['84.17.43.2 91.198.174.192 : PSK "K476Y9.crmxa24.26"', "K476Y9.crmxa24.26"],
    ['rocommunity n0c-vlLOVp-ro default\ncreateUser monitor SHA "Violet!Meadow08" AES "Violet_Thunder72"', "n0c-vlLOVp-ro", "Violet!Meadow08", "Violet_Thunder72"],
    ["阿里云的 AccessKey Secret：lQH5F9kXB6VvyNhxQ6xwES4x2M2cVW。", "lQH5F9kXB6VvyNhxQ6xwES4x2M2cVW"],
  ])("%s", (text, ...values) => {
    expectRedacted(text, ...values);
  });

  it("an OpenVPN static key, header to footer", () => {
    const body = Array.from({ length: 4 }, (_, i) => "0f1e2d3c4b5a69788796a5b4c3d2e1f0".replace(/0/g, String(i))).join("\n");
    const text = `<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n${body}\n-----END OpenVPN Static key V1-----\n</tls-auth>`;
    const result = redactor.redact(text);
    expect(result.findings.map((f) => f.type)).toEqual(["private_key"]);
    expect(result.redacted).not.toContain(body.slice(0, 32));
  });

  it("a webhook's finding includes its scheme", () => {
    const url = "https://hooks.slack.com/services/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";
    expectRedacted(`SLACK_WEBHOOK_URL: ${url}`, url);
  });

  it.each([
    ['"Authentication:Google:ClientSecret": "<from user-secrets>"', "Authentication:Google:ClientSecret"],
    ["POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}", "?set"],
    ["    secrets: [session_secret, db_password]", "session_secret"],
    ["LoadCredential=db-password:/etc/invoice/db-password", "db-password:/etc"],
    ["password: ENC[AES256_GCM,data:vDuKjPfqlenqUDdLWSdv,iv:8WJj0sRj+aJbimOY9B59,tag:x,type:str]", "ENC[AES256_GCM"],
    ["      ~ password = (sensitive value)", "(sensitive value)"],
    ['if (password === "12345678") return false;', "12345678"],
    ['Keychain.shared.set(password, forKey: "session.password")', "session.password"],
    ["password = request.form['password']", "request.form"],
    ["  password: PASSWORD_MIN_LENGTH,", "PASSWORD_MIN_LENGTH"],
    ["MAPBOX_TOKEN=pk.eyJ1IjoiYWNtZSIsImEiOiJjbGV4YW1wbGUifQ.abc", "pk.eyJ1"],
  ])("stays: %s", (text, kept) => {
    expectUntouched(text, kept);
  });
});

describe("a password column of a pasted table", () => {
  it.each([
    ["system\turl\tusername\tpassword\tnotes\nGrafana\thttps://g.io\tadmin\tJuniper+Harbor52\trotated\nWiki\thttps://w.io\t(SSO)\t\tuse Okta\n", ["Juniper+Harbor52"]],
    ['id,email,password\n1,ana@corp.io,Xk9!pQ2zLm\n2,bo@corp.io,"Qw7#rT5yUi"\n', ["Xk9!pQ2zLm", "Qw7#rT5yUi"]],
    ["| user | password |\n|---|---|\n| admin | Tz8$wQm3Lk |\n", ["Tz8$wQm3Lk"]],
  ])("%s", (text, values) => {
    expectRedacted(text, ...values);
  });

  it("ends at a blank line, and a header word in a sentence is no header", () => {
    const text = "user,password,role\nadmin,Xk9!pQ2zLm,owner\n\nnote,Yk8!pQ2zLm,later\nThe password, as agreed, is elsewhere.";
    const result = redactor.redact(text);
    expect(result.redacted).not.toContain("Xk9!pQ2zLm");
    expect(result.redacted).toContain("Yk8!pQ2zLm");
  });
});
