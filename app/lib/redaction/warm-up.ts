/**
 * A text that takes every branch of the scan, redacted a few times when the first redactor is
 * created. Why: V8 optimizes scanText with the type feedback it has seen so far; a branch the
 * first texts never took (an IBAN, a `:thin:` URL, a flag) then throws the optimized code away
 * when it is first taken, and the big function is compiled again (100–350 ms each on a busy
 * machine, several times over the first thousand texts). Seeing every branch first means one
 * compilation. All values are synthetic; nothing here is a real credential.
 */

/** Deterministic filler of `n` characters from `alphabet` (no randomness needed, only shape). */
function filler(n: number, alphabet = "aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5zC2"): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[(i * 7 + 3) % alphabet.length];
  return s;
}

function warmUpParts(): string[] {
  const hex = (n: number) => filler(n, "0123456789abcdef");
  const upper = (n: number) => filler(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
  const b64 = (n: number) => filler(n, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo+/abcdefgh");
  const parts = [
    // token formats, at word starts, after `\n` escapes and inside other text
    `AKIA${upper(16)},${filler(20)}${filler(20, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+")}`,
    `ghp_${filler(36)} github_pat_11${upper(20)}_${filler(59)} "line\\nghp_${filler(36)}\\n"`,
    `glpat-${filler(20)} npm_${filler(36)} sk-proj-${filler(40)}T3BlbkFJ${filler(40)} sk-ant-api03-${filler(90)}AA`,
    `xoxb-123456789012-1234567890123-${filler(24)} sk_live_${filler(24)} SK${hex(32)} SG.${filler(22)}.${filler(43)}`,
    `AIza${filler(35)} GOCSPX-${filler(28)} ya29.${filler(40)} key-${hex(32)} ${hex(32)}-us12 hf_${filler(34)}`,
    `123456789:AA${filler(33)} abc8Q~${filler(34)} ${filler(14)}.atlasv1.${filler(64)} hvs.${filler(90)}`,
    `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${filler(43)} sk.eyJ${filler(40)}.${filler(30)}`,
    `hooks.slack.com/services/T${upper(8)}/B${upper(10)}/${filler(24)} discord.com/api/webhooks/123456789/${filler(60)}`,
    // private keys: complete, JSON-escaped, truncated, placeholder
    `-----BEGIN RSA PRIVATE KEY-----\n${b64(64)}\n${b64(64)}\n-----END RSA PRIVATE KEY-----`,
    `{"private_key": "-----BEGIN PRIVATE KEY-----\\n${b64(64)}\\n${b64(40)}==\\n-----END PRIVATE KEY-----\\n"}`,
    `-----BEGIN EC PRIVATE KEY-----\n${b64(64)}\n${b64(30)}`,
    `-----BEGIN OPENSSH PRIVATE KEY-----\n...\n-----END OPENSSH PRIVATE KEY----- BEGIN here`,
    // connection strings, URIs, Oracle thin, curl
    `postgres://app:S3cr3t-Pw_9x@db.internal:5432/x mongodb+srv://u:${filler(12)}@c0.example.net/?a=b https://host:8080/path`,
    `jdbc:oracle:thin:scott/${filler(10)}@db:1521/ORCL Server=tcp:sql,1433;Database=app;User Id=sa;Password=${filler(12)};`,
    `curl -u admin:${filler(12)} https://api.example.com -H "Authorization: Bearer ${filler(40)}"`,
    `Authorization: Basic dXNlcjpwYXNzd29yZDEyMw== Authorization: Token ${filler(32)} bearer x`,
    // assignments in code and config
    `password = "${filler(14)}" DB_PASSWORD=${filler(14)} api_key: '${filler(32)}' "client_secret": "${filler(30)}"`,
    `<password>${filler(14)}</password> <add key="ApiKey" value="${filler(32)}"/> --password ${filler(12)} -p x`,
    `- name: SMTP_PASSWORD\n  value: "${filler(14)}"\naws_secret_access_key = ${filler(40, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/+")}`,
    `AccountKey=${b64(86)}==;SharedAccessKey=${b64(43)}=; token: str = "${filler(20)}" secret := \`${filler(20)}\``,
    `password: \${DB_PASSWORD} key = process.env.API_KEY token=changeme public_key = x max_tokens = 4096`,
    `${filler(120, "abcdefghij_")} = 1 <${filler(120, "abcdefghij_")}>x</a> --${filler(120, "abcdefghij_")} y`,
    // personal data
    `alice.smith@example.com git@github.com:a/b.git x@y.png +1 415 555 0132 (415) 555-0132 415-555-0132`,
    `Telefon 030 1234567 +49 30 1234567 4929 4012 8898 1772 4929401288981772 371642891045338 4111111111111111 123-45-6789 SSN 123 45 6789`,
    `DE89 3704 0044 0532 0130 00 GB82WEST12345698765432 de89 3704 0044 0532 0130 00 192.168.1.20 10.0.0.0/8 http://10.0.0.1:80 2a02:8109::ff00:42:8329 ::ffff:88.9.62.1 ff02::1 fe80::1 ::1 a:b:c:d`,
    `id,name,phone\n17,Ana,"0171/4264185"\nINSERT INTO t (id, tel) VALUES (1, '090-7441-4233');\nq?email=jo%40corp.io o'brien@eir.ie scp a root@h.io:/x (555) 555-5555 NL06 TRIO 7466 8638 01`,
    `Telefon:\n  030 1234567\n| Name | Phone |\n|---|---|\n| Bo | 030 1234567 |\nCOPY t (id, mobile) FROM stdin;\n1\t030 1234567\ninet addr:172.20.1.5 GSM 850/900/1800`,
    `2024-01-15T10:23:45.123Z 15.01.2024 v1.2.3 version 10.1.2.3 1,234,567 order #123456 (+44) 20 7946 0958`,
    `<img src="data:image/png;base64,${b64(120)}"> ;b x~y Q~ -us :AA .atl \u0000 日本語 😀 é`,
    // the wrappings and the second-round formats
    `define('DB_PASSWORD', '${filler(14)}'); define( 'WP_DEBUG', false );\nENV DB_PASSWORD ${filler(14)}\nARG X=1`,
    `ds.setPassword("${filler(14)}"); cfg.password("${filler(14)}").build(); auth=("svc", "${filler(12)}") HTTPBasicAuth('a', 'b') log("x")`,
    `machine api.example.com\n  login deploy\n  password ${filler(14)}\nmysql -u root -p${filler(12)} db\nsshpass -p '${filler(12)}' ssh h\ndocker login -u ci -p ${filler(12)} r`,
    `$s = ConvertTo-SecureString "${filler(14)}" -AsPlainText -Force\n<entry key="db.password">${filler(14)}</entry><a href="x">y</a>`,
    `variable "db_password" {\n  default = "${filler(14)}"\n}\nhttps://a.blob.core.windows.net/c?sv=2022-11-02&sp=r&sig=${filler(43)}%3D`,
    `MTE${filler(23)}.${filler(6)}.${filler(38)} IQoJb3JpZ2luX2Vj${b64(200)} ${hex(32)}-${hex(8)}-${hex(8)} dckr_pat_${filler(27)} re_${filler(8)}_${filler(24)}`,
    // words instead of operators (prose.ts), and the shapes of the blind probe's round
    `Das Passwort ist ${filler(10)}! la contraseña del panel es ${filler(10)} mot de passe est « ${filler(10)} » password is x`,
    `密码是：${filler(12)}，口令 パスワードは ${filler(10)} です 비밀번호: ${filler(10)} Пароль от сервера: ${filler(10)} пример şifre: ${filler(9)}`,
    `CREATE USER a WITH PASSWORD '${filler(12)}'; ALTER USER 'a'@'%' IDENTIFIED BY '${filler(12)}';\nrequirepass ${filler(16)}\n  SetEnv DB_PASS "${filler(12)}"`,
    `  proxy_set_header X-Api-Key ${filler(32)};\nset-cookie: __Host-session=${filler(40)}; Path=/\nCookie: sid=${filler(32)}; theme=dark\nredis-cli -a '${filler(14)}' INFO`,
    `dsn := "app:${filler(12)}@tcp(db:3306)/x" api_secret <- "${filler(14)}" co = cohere.Client('${filler(40)}') PGPASSWORD='${filler(12)}' -srcstorepass x`,
    `<key>ClientSecret</key>\n<string>${filler(40)}</string>\n<key>Version</key><string>1.2</string> <add key="a:b" value="1"/> public key: age1${filler(58)}`,
    `signing_secret: >-\n  ${filler(16)}\n  ${filler(16)}\nDB_PASSWORD=Tr0ub4dor&3x!\naccess_token=${filler(16)}&state=1 dp.st.prd.${filler(43)} acme.webhook.office.com/webhookb2/${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}@${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}/IncomingWebhook/${hex(32)}/${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    `tls.key: ${Buffer.from(`-----BEGIN PRIVATE KEY-----\n${b64(64)}\n-----END PRIVATE KEY-----\n`).toString("base64")} AccountKey=/${b64(87)}=`,
  ];
  return parts;
}

/**
 * Texts that hold a construct at their very start or end, where a detector reads one character
 * before or after it (`charCodeAt(-1)`, a typed array past its end) and V8, having never seen that
 * read out of bounds, throws the optimized code away the first time a real text does it. Each
 * part of the warm-up text alone, each of its words alone, and some edges no word has.
 */
function edgeTexts(parts: string[]): string[] {
  const texts = [...parts];
  for (const part of parts) for (const word of part.split(/[ \n]+/)) if (word !== "") texts.push(word);
  texts.push(
    "token:",
    "password=",
    "password: str",
    "password: str = x",
    "api_key=AbC123dEf456GhI789",
    "secret ",
    ">x",
    "<",
    "'>",
    "a@",
    "@b",
    "..a@example.com",
    "été@exemple.fr",
    "4929401288981772",
    "(415) 555-0132",
    "2024-01-15 12:30:45 2024",
    "DE89370400440532013000",
    "192.168.1.20",
    "fe80::1",
    "Bearer",
    "Basic ",
    "-p",
    'db_password = "correcthorsebattery" password: "abcdef"',
    'password = "unterminated',
    "Authorization: Bearer abc123def",
    `-----BEGIN PRIVATE KEY-----\n${filler(64)}\nab12`,
    `-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00FF\n\n${filler(64)}\n${filler(40)}`,
  );
  // a function collects type feedback only after a few calls: the rarest wrapping, a few times over
  for (let i = 0; i < 4; i++) texts.push(`<entry key="db.password">${filler(14 + i)}</entry>`);
  return texts;
}

/** The whole warm-up text: scanned a few times, so that V8 optimises the scan. */
export function warmUpText(): string {
  return warmUpParts().join("\n");
}

/**
 * Scanned once, between rounds of the warm-up text: the edge texts, and a text longer than the
 * scan's first code-unit buffer, which grows it once.
 */
export function warmUpEdgeTexts(): string[] {
  return [...edgeTexts(warmUpParts()), `${filler(20_000)} password=${filler(16)}`];
}
