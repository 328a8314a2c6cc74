/**
 * Secrets in wrappings that have no `key = value` shape: PHP define(), Dockerfile `ENV KEY value`,
 * setter and builder calls, Python auth tuples, .netrc, `mysql -p…` and friends, PowerShell's
 * ConvertTo-SecureString, Java XML properties, Terraform variable defaults, Azure SAS signatures.
 * Each is tried from a literal the main scan already stops at (a word start, `(`, `>`, `-p`), reads
 * a bounded window (at most a few hundred characters) and leaves the value judgement to the same
 * tests the assignments use (see detectors.ts).
 */
import type { Candidate } from "./detectors";
import { charClasses, isPlaceholderValue, isReferenceValue, shannonEntropy } from "./validators";

/** Judges a value found under a key (classify + value tests of the assignment detector). */
export type ValueJudge = (key: string, value: string, quoted: boolean) => boolean;

const ASSIGNMENT = 60; // PRIORITY.assignment
const BASIC = 70; // PRIORITY.bearer
const AZURE = 90; // PRIORITY.azure

function push(out: Candidate[], type: string, start: number, end: number, priority: number): void {
  out.push({ type, kind: "secret", start, end, priority });
}

/** A sticky regex (flags `yd`: group offsets in `indices`) run at `from`, or null. */
function at(re: RegExp, text: string, from: number): RegExpExecArray | null {
  re.lastIndex = from;
  return re.exec(text);
}

/** Where group `n` of a `d`-flag match is. */
function span(m: RegExpExecArray, n: number): [number, number] {
  return m.indices![n]!;
}

// PHP: define('DB_PASSWORD', 'value'); define( "AUTH_KEY", "…" );
const DEFINE_RE = /define\s{0,16}\(\s{0,16}(['"])([A-Za-z_][A-Za-z0-9_]{0,80})\1\s{0,16},\s{0,16}(['"])((?:(?!\3)[^\\\n]|\\.){1,512})\3\s{0,16}\)/dy;

export function phpDefineAt(text: string, start: number, judge: ValueJudge, out: Candidate[]): void {
  const m = at(DEFINE_RE, text, start);
  if (!m) return;
  const value = m[4]!;
  // WordPress salts are long random strings that may contain spaces
  const saltLike = value.length >= 32 && shannonEntropy(value) >= 4;
  if (!judge(m[2]!, value, true) && !(saltLike && /(?:KEY|SALT|SECRET|PASSWORD|TOKEN)/.test(m[2]!) && !isPlaceholderValue(value))) return;
  const [valueStart, end] = span(m, 4);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// Dockerfile: ENV KEY value / ARG KEY value (the legacy form without "=") at the start of a line
const DOCKER_ENV_RE = /(?:ENV|ARG)[ \t]{1,16}([A-Za-z_][A-Za-z0-9_.-]{0,80})[ \t]{1,16}(["']?)([^\s"'=][^\s"']{0,511})\2[ \t]{0,16}(?=\r?\n|$)/dy;

export function dockerEnvAt(text: string, start: number, judge: ValueJudge, out: Candidate[]): void {
  const before = start === 0 ? 10 : text.charCodeAt(start - 1);
  if (before !== 10 && before !== 13) return;
  const m = at(DOCKER_ENV_RE, text, start);
  if (!m || !judge(m[1]!, m[3]!, m[2] !== "")) return;
  const [valueStart, end] = span(m, 3);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// setPassword("…"), .password("…"), withApiKey("…"), HTTPBasicAuth("user", "…"), auth=("user", "…")
const CALL_ARGUMENT_RE = /\(\s{0,16}(["'])((?:(?!\1)[^\\\n]|\\.){1,512})\1\s{0,16}(\)|,)/dy;
const PAIR_RE = /\(\s{0,16}(["'])[^"'\\\n]{0,128}\1\s{0,16},\s{0,16}(["'])((?:(?!\2)[^\\\n]|\\.){1,256})\2\s{0,16}[),]/dy;
/** First words of a call that reads, checks or transforms a secret rather than setting one. */
const CALL_EXCLUDE = /^(?:get|find|fetch|load|read|lookup|check|validate|verify|compare|hash|encode|decode|encrypt|decrypt|is|has|require|reset|generate|create|make|parse|format|mask|redact|prompt|ask|input|log|print|show|test|assert|expect|should)(?:[A-Z_]|$)/i;

/** `(` at `paren` followed by a quote: a call with a string argument, or a tuple after `auth=`. */
export function callArgumentAt(text: string, paren: number, judge: ValueJudge, out: Candidate[]): void {
  let j = paren;
  while (j > 0 && (text.charCodeAt(j - 1) === 32 || text.charCodeAt(j - 1) === 9)) j--;
  const before = text.charCodeAt(j - 1);
  if (before === 61 /* = */) {
    // auth=("user", "password") / auth = ('user', 'password')
    let k = j - 1;
    while (k > 0 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
    const key = identifierBefore(text, k);
    if (!/^(?:auth|basic_auth|http_auth|credentials)$/i.test(key)) return;
    pairAt(text, paren, out);
    return;
  }
  const name = identifierBefore(text, j);
  if (name === "define") {
    phpDefineAt(text, j - 6, judge, out);
    return;
  }
  if (name === "Client" || name.endsWith("Client")) {
    clientKeyAt(text, paren, out);
    return;
  }
  // only names that say what they hold: no regex runs for print("…"), log.info("…"), t("…")
  if (name.length < 3 || !/pass|pwd|secret|token|key|cred|auth/i.test(name)) return;
  if (/Credentials?$/.test(name)) {
    lastArgumentAt(text, paren, out);
    return;
  }
  if (/BasicAuth$|^basic_auth$|^BasicAuthentication$/.test(name)) {
    pairAt(text, paren, out);
    return;
  }
  const dotted = text.charCodeAt(j - name.length - 1) === 46 || text.charCodeAt(j - name.length - 1) === 58; // .password("…"), Lua's red:auth("…")
  const setter = /^(?:set|with|use|put|update)[A-Z_]/.test(name);
  if ((!dotted && !setter) || CALL_EXCLUDE.test(name)) return;
  const m = at(CALL_ARGUMENT_RE, text, paren);
  if (!m || m[3] !== ")" || !judge(name.replace(/^(?:set|with|use|put|update)_?/, ""), m[2]!, true)) return;
  const [valueStart, valueEnd] = span(m, 2);
  push(out, "generic_secret_assignment", valueStart, valueEnd, ASSIGNMENT);
}

/**
 * An SDK client built from one string argument that looks machine-made: `cohere.Client('…')`,
 * `Groq("…")` is a key (a URL, a name or a region is not random).
 */
function clientKeyAt(text: string, paren: number, out: Candidate[]): void {
  const m = at(CALL_ARGUMENT_RE, text, paren);
  if (!m || m[3] !== ")") return;
  const value = m[2]!;
  const classes = charClasses(value);
  if (value.length < 24 || value.length > 256 || !/^[A-Za-z0-9_.+/=-]+$/.test(value) || classes.count < 3 || shannonEntropy(value) < 3.5 || isPlaceholderValue(value)) return;
  const [valueStart, valueEnd] = span(m, 2);
  push(out, "generic_secret_assignment", valueStart, valueEnd, ASSIGNMENT);
}

const STRING_ARGUMENTS_RE = /\(\s{0,16}(?:(["'])((?:(?!\1)[^\\\n]|\\.){0,256})\1\s{0,16}(,\s{0,16}|\)))(?:(["'])((?:(?!\4)[^\\\n]|\\.){0,256})\4\s{0,16}(,\s{0,16}|\)))?(?:(["'])((?:(?!\7)[^\\\n]|\\.){0,256})\7\s{0,16}(,\s{0,16}|\)))?(?:(["'])((?:(?!\10)[^\\\n]|\\.){0,256})\10\s{0,16}\))?/dy;

/**
 * `Credential("id", "secret")`, sbt's `Credentials("realm", "host", "user", "password")`: two to
 * four string arguments, the last is the secret.
 */
function lastArgumentAt(text: string, paren: number, out: Candidate[]): void {
  const m = at(STRING_ARGUMENTS_RE, text, paren);
  if (!m) return;
  const last = [11, 8, 5].find((g) => m[g] !== undefined);
  if (last === undefined || !m[0].endsWith(")")) return;
  const value = m[last]!;
  if (value.length < 4 || isPlaceholderValue(value) || isReferenceValue(value, true)) return;
  const [valueStart, valueEnd] = span(m, last);
  push(out, "basic_auth_credentials", valueStart, valueEnd, BASIC);
}

function pairAt(text: string, paren: number, out: Candidate[]): void {
  const m = at(PAIR_RE, text, paren);
  if (!m) return;
  const value = m[3]!;
  if (isPlaceholderValue(value) || isReferenceValue(value, true) || value.length < 4) return;
  const [valueStart, valueEnd] = span(m, 3);
  push(out, "basic_auth_credentials", valueStart, valueEnd, BASIC);
}

/** The identifier (letters, digits, `_`) that ends at `end`, at most 64 characters. */
function identifierBefore(text: string, end: number): string {
  let s = end;
  while (s > 0 && end - s < 64) {
    const c = text.charCodeAt(s - 1);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) s--;
    else break;
  }
  return text.slice(s, end);
}

// .netrc: machine host login user password value (on one line or several)
const NETRC_RE = /(password|passwd)[ \t]{1,16}([^\s]{1,256})/dy;
/** A .netrc entry before the password: `machine host … login user` (or `default … login user`). */
const NETRC_CONTEXT_RE = /\b(?:machine[ \t]{1,16}\S+|default)\s[\s\S]{0,120}\blogin[ \t]{1,16}\S+\s{1,16}$/;

export function netrcPasswordAt(text: string, start: number, judge: ValueJudge, out: Candidate[]): void {
  const before = start === 0 ? 10 : text.charCodeAt(start - 1);
  if (before !== 32 && before !== 9 && before !== 10 && before !== 13) return;
  const m = at(NETRC_RE, text, start);
  if (!m || !NETRC_CONTEXT_RE.test(text.slice(Math.max(0, start - 200), start))) return;
  if (!judge("password", m[2]!, false)) return;
  const [valueStart, end] = span(m, 2);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// command lines: mysql -pSECRET, sshpass -p 'SECRET' / -pSECRET, docker login -u x -p SECRET, redis-cli -a SECRET
const ATTACHED_P_RE = /-p(["']?)([^\s"']{1,256})\1/dy;
const SPACED_P_RE = /-[paw][ \t]{1,16}(["']?)([^\s"'-][^\s"']{0,255})\1/dy;
const REDIS_CLI_RE = /\bredis-cli\b/;
const LDAP_RE = /\bldap(?:search|modify|add|delete|passwd|whoami|compare|modrdn)\b/;
const MYSQL_RE = /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mariadb|mariadb-dump|sshpass)\b/;
const LOGIN_RE = /\b(?:sshpass|(?:docker|podman|buildah|skopeo|nerdctl|oc)\s+login|helm\s+registry\s+login)\b/;

/** `-p` at `dash` (a dash not inside a word, followed by p). */
export function commandPasswordAt(text: string, dash: number, out: Candidate[]): void {
  let line = text.slice(Math.max(0, dash - 300), dash);
  const newline = line.lastIndexOf("\n");
  if (newline !== -1) line = line.slice(newline + 1);
  const next = text.charCodeAt(dash + 2);
  const spaced = next === 32 || next === 9;
  const flag = text.charCodeAt(dash + 1);
  if (flag === 97 || flag === 119) {
    // -a is redis-cli's password flag, -w the LDAP tools' bind password
    if (!spaced || !(flag === 97 ? REDIS_CLI_RE : LDAP_RE).test(line)) return;
  } else if (!spaced && !MYSQL_RE.test(line)) return;
  else if (spaced && !LOGIN_RE.test(line)) return;
  const m = at(spaced ? SPACED_P_RE : ATTACHED_P_RE, text, dash);
  if (!m) return;
  const value = m[2]!;
  if (isPlaceholderValue(value) || isReferenceValue(value, m[1] !== "") || /^\d{1,5}$/.test(value)) return;
  const [valueStart, end] = span(m, 2);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// PowerShell: ConvertTo-SecureString "value" -AsPlainText -Force
const SECURE_STRING_RE = /ConvertTo-SecureString[ \t]{1,16}(?:-String[ \t]{1,16})?(["'])([^"'\n]{1,256})\1[ \t]{1,16}-AsPlainText/dy;

export function secureStringAt(text: string, start: number, out: Candidate[]): void {
  const m = at(SECURE_STRING_RE, text, start);
  if (!m) return;
  const value = m[2]!;
  if (isPlaceholderValue(value) || isReferenceValue(value, true)) return;
  const [valueStart, end] = span(m, 2);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// Java XML properties and friends: <entry key="db.password">value</entry>, <param name="apiKey">value</param>
const XML_KEY_RE = /<[A-Za-z][\w:.-]{0,40}[^<>]{0,200}?\b(?:key|name|id)\s{0,16}=\s{0,16}(["'])([^"'<>]{1,100})\1\s{0,16}$/;

/** `>` at `gt` right after a quote: the end of a start tag whose key/name attribute names the value that follows. */
export function xmlKeyedValueAt(text: string, gt: number, judge: ValueJudge, out: Candidate[]): void {
  const lt = text.lastIndexOf("<", gt);
  if (lt === -1 || gt - lt > 300) return;
  const m = XML_KEY_RE.exec(text.slice(lt, gt));
  if (!m) return;
  const close = text.indexOf("<", gt + 1);
  if (close === -1 || close - gt > 1025 || text.charCodeAt(close + 1) !== 47 /* </ */) return;
  const raw = text.slice(gt + 1, close);
  const value = raw.trim();
  if (value.length === 0 || value.includes("\n") || !judge(m[2]!, value, true)) return;
  const start = gt + 1 + raw.indexOf(value);
  push(out, "generic_secret_assignment", start, start + value.length, ASSIGNMENT);
}

// Terraform / HCL: variable "db_password" { … default = "value" … }
const TF_VARIABLE_RE = /variable[ \t]{1,16}"([A-Za-z0-9_-]{1,80})"[ \t]{0,16}\{([^{}]{0,400}?)\bdefault[ \t]{0,16}=[ \t]{0,16}"([^"\n\\]{1,512})"/dy;

export function terraformDefaultAt(text: string, start: number, judge: ValueJudge, out: Candidate[]): void {
  const m = at(TF_VARIABLE_RE, text, start);
  if (!m || !judge(m[1]!, m[3]!, true)) return;
  const [valueStart, end] = span(m, 3);
  push(out, "generic_secret_assignment", valueStart, end, ASSIGNMENT);
}

// Azure shared access signatures: …?sv=2022-11-02&…&sig=<url-encoded base64>
const SAS_VALUE_RE = /sig=([A-Za-z0-9%+/=_-]{20,256})(?![A-Za-z0-9%+/=_-])/y;

/** `sig=` at `start` after `?`, `&` or `;`; a SAS when `sv=` precedes it in the same URL or string. */
export function azureSasAt(text: string, start: number, out: Candidate[]): void {
  const m = at(SAS_VALUE_RE, text, start);
  if (!m) return;
  const window = text.slice(Math.max(0, start - 600), start);
  const sv = Math.max(window.lastIndexOf("?sv="), window.lastIndexOf("&sv="), window.lastIndexOf("=sv="), window.lastIndexOf("\"sv="), window.lastIndexOf(";sv="), window.lastIndexOf("'sv="));
  if (sv === -1 || /[\s<>]/.test(window.slice(sv))) return;
  const value = m[1]!;
  const decoded = value.includes("%") ? safeDecode(value) : value;
  // an HMAC-SHA256 in base64: 43 characters and a "=" (the context, sv= then sig=, is specific enough)
  const classes = charClasses(decoded);
  if (decoded.length < 30 || classes.count < 2 || isPlaceholderValue(decoded)) return;
  push(out, "azure_sas_signature", start + 4, start + 4 + value.length, AZURE);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
