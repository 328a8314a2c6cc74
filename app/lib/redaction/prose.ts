/**
 * Secrets named by a word rather than a `key = value` shape: a password in a sentence of any
 * language ("Das Passwort ist …", "la contraseña del panel es …", "密码是：…", "Пароль от сервера: …",
 * "비밀번호: …"), SQL (`WITH PASSWORD '…'`, `IDENTIFIED BY '…'`), configuration directives that take
 * a value after a space (`requirepass …`, `SetEnv DB_PASS "…"`, `proxy_set_header X-Api-Key …;`) and
 * session cookies in `Cookie:` / `Set-Cookie:` headers.
 *
 * The main scan calls in here only at a word whose first two characters could start one of these
 * words (Latin script), or at the first character of a non-Latin password word (a character class
 * of its own, so other text pays nothing). Each call reads a bounded window of one line.
 */
import type { Candidate } from "./detectors";
import type { ValueJudge } from "./wrappings";
import { charClasses, isPlaceholderValue, isReferenceValue, looksRandom } from "./validators";

const ASSIGNMENT = 60; // PRIORITY.assignment

/** Password words of other scripts, by their first character (the scan's trigger characters). */
export const NON_LATIN_PASSWORD_WORDS = ["密码", "密碼", "口令", "パスワード", "비밀번호", "암호", "пароль", "Пароль", "ПАРОЛЬ", "كلمة المرور", "كلمة السر", "पासवर्ड", "κωδικός", "Κωδικός", "סיסמה", "şifre", "Şifre", "ŞIFRE", "รหัสผ่าน"];
export const NON_LATIN_TRIGGERS = [...new Set(NON_LATIN_PASSWORD_WORDS.map((w) => w.charCodeAt(0)))];
const NON_LATIN_BY_FIRST = new Map<number, string[]>();
for (const w of NON_LATIN_PASSWORD_WORDS) NON_LATIN_BY_FIRST.set(w.charCodeAt(0), [...(NON_LATIN_BY_FIRST.get(w.charCodeAt(0)) ?? []), w]);

/** Latin-script password words, lower case, matched at a word start and ending at a non-letter. */
const LATIN_PASSWORD_WORDS = ["password", "passwort", "passwd", "passe", "parola", "parole", "contraseña", "contrasena", "senha", "wachtwoord", "hasło", "haslo", "heslo", "salasana", "lösenord", "losenord", "adgangskode", "passord", "mật khẩu", "kata sandi", "pw"];
const DIRECTIVE_WORDS = ["identified", "requirepass", "masterauth", "setenv", "proxy_set_header", "add_header", "cookie", "set-cookie", "psk", "rocommunity", "rwcommunity", "createuser"];
/** The first two characters (lower case) that may start a word handled here: the scan's dispatch table marks them. */
export const KEYWORD_HEADS = [...new Set([...LATIN_PASSWORD_WORDS, ...DIRECTIVE_WORDS].map((w) => w.slice(0, 2)))];
/**
 * The words by their first two characters (a slot; a non-ASCII second character counts as 0, as in
 * the scan's dispatch table) and a 128-bit set of their third characters: most words that share a
 * head with one of them ("co", "se", "re", "pr") stop at the third character, before any comparison.
 */
const HEAD_SLOT = new Uint8Array(128 * 128);
const SLOT_WORDS: string[][] = [[]];
const SLOT_THIRD: number[] = [0, 0, 0, 0];
/** The same for the fourth character: "con" of contraseña passes the third, "const" and "config" stop at the fourth. */
const SLOT_FOURTH: number[] = [0, 0, 0, 0];
for (const w of [...LATIN_PASSWORD_WORDS, ...DIRECTIVE_WORDS]) {
  const c1 = w.charCodeAt(1);
  const head = (w.charCodeAt(0) << 7) | (c1 < 128 ? c1 : 0);
  let slot = HEAD_SLOT[head]!;
  if (slot === 0) {
    slot = HEAD_SLOT[head] = SLOT_WORDS.length;
    SLOT_WORDS.push([]);
    SLOT_THIRD.push(0, 0, 0, 0);
    SLOT_FOURTH.push(0, 0, 0, 0);
  }
  SLOT_WORDS[slot]!.push(w);
  const c2 = w.charCodeAt(2);
  if (c2 < 128) SLOT_THIRD[slot * 4 + (c2 >> 5)]! |= 1 << (c2 & 31);
  const c3 = w.charCodeAt(3);
  if (c3 < 128) SLOT_FOURTH[slot * 4 + (c3 >> 5)]! |= 1 << (c3 & 31);
  // a word that ends before its third or fourth character ("pw", "psk"): anything but a letter or digit may follow
  const endsAt = w.length === 2 ? SLOT_THIRD : w.length === 3 ? SLOT_FOURTH : undefined;
  if (endsAt) for (let c = 0; c < 128; c++) if (!/[A-Za-z0-9]/.test(String.fromCharCode(c))) endsAt[slot * 4 + (c >> 5)]! |= 1 << (c & 31);
  if (w.length === 2) SLOT_FOURTH[slot * 4] = SLOT_FOURTH[slot * 4 + 1] = SLOT_FOURTH[slot * 4 + 2] = SLOT_FOURTH[slot * 4 + 3] = -1;
  // a non-ASCII character there (mật, lösenord) is let through to the comparison
}
for (let slot = 1; slot < SLOT_WORDS.length; slot++) {
  if (SLOT_WORDS[slot]!.some((w) => w.length > 3 && w.charCodeAt(3) >= 128)) SLOT_FOURTH[slot * 4] = SLOT_FOURTH[slot * 4 + 1] = SLOT_FOURTH[slot * 4 + 2] = SLOT_FOURTH[slot * 4 + 3] = -1;
}
const THIRD_BITS = Int32Array.from(SLOT_THIRD);
const FOURTH_BITS = Int32Array.from(SLOT_FOURTH);

/** The words that may start at i (its first two characters are a keyword head): none for most. */
function wordsAt(text: string, i: number): string[] | undefined {
  const c1 = lower(text.charCodeAt(i + 1));
  const slot = HEAD_SLOT[(lower(text.charCodeAt(i)) << 7) | (c1 < 128 ? c1 : 0)]!;
  if (slot === 0) return undefined;
  const c2 = lower(text.charCodeAt(i + 2));
  if (c2 < 128 && (THIRD_BITS[slot * 4 + (c2 >> 5)]! & (1 << (c2 & 31))) === 0) return undefined;
  const c3 = lower(text.charCodeAt(i + 3));
  if (c3 < 128 && (FOURTH_BITS[slot * 4 + (c3 >> 5)]! & (1 << (c3 & 31))) === 0) return undefined;
  return SLOT_WORDS[slot];
}

/** Words that join a password word to its value: "is", "ist", "es", "est", "é", "är", "er", "jest", "это"… */
const COPULAS = new Set(["is", "ist", "lautet", "es", "est", "era", "é", "è", "e", "är", "er", "jest", "je", "это", "—", "–", "-", "was", "sera", "será", "là", "adalah", "ialah", "היא", "הוא", "zijn"]);
/** Characters that end a sentence's copula on their own: colons, CJK particles. */
const MARK_CHARS = new Set([0x3a, 0xff1a, 0x3d, 0x662f, 0x4e3a, 0x70ba, 0x306f, 0xb294, 0xc740, 0x2192]); // : ： = 是 为 為 は 는 은 →
const OPENERS = new Map<number, number>([
  [0x22, 0x22], [0x27, 0x27], [0x60, 0x60], [0xab, 0xbb], [0x201e, 0x201c], [0x201c, 0x201d], [0x2018, 0x2019], [0x300c, 0x300d], [0x300e, 0x300f], [0x300a, 0x300b],
]);
const SENTENCE_WORD_RE = /^[\p{L}\p{M}'’-]+$/u;
const PASSWORD_CHARS_RE = /^[\x21-\x7e\u00a1-\u024f]+$/;
/** Trailing punctuation of a sentence, not of the password. */
const TRAILING = /[.,;:)\]}»”"'’。，、！？）」』]+$/;

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0x24f) || (c >= 0x370 && c <= 0x52f);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0 || c === 0x3000;
}

/** Lower case of ASCII and Latin-1 capitals (Ö → ö), other characters as they are. */
function lower(c: number): number {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? c + 32 : c === 0x141 ? 0x142 : c; // Ł → ł
}

/** `word` (lower case) at `pos`, in any case. */
export function startsWithLower(text: string, pos: number, word: string): boolean {
  if (pos + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(text.charCodeAt(pos + k)) !== word.charCodeAt(k)) return false;
  return true;
}

/** A sentence's mark at `i` (a colon, a CJK particle); a colon inside a word (`postgres://`, `12:30`) is none. */
function isMark(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return MARK_CHARS.has(c) && !(c === 0x3a && !isSpace(text.charCodeAt(i + 1)));
}

/** A value taken from a sentence: a password needs a digit or a symbol, or mixed case and some length. */
function proseValueOk(value: string, quoted: boolean): boolean {
  if (value.length < 4 || value.length > 128 || isPlaceholderValue(value) || isReferenceValue(value, quoted, false)) return false;
  if (!PASSWORD_CHARS_RE.test(value)) return false; // a password of a sentence is typed in Latin script
  const classes = charClasses(value);
  if (classes.space) return false;
  if (/^[A-Z]?[a-z\u00C0-\u024F]+$/.test(value) || /^\d{1,4}$/.test(value)) return false; // a word, a count
  if (/^\w+\.(?:txt|pem|key|json|ya?ml|env|cfg|conf|ini|md)$/i.test(value)) return false;
  if (/^(?:\/|~\/|\.\.?\/)[\w./-]+$/.test(value)) return false; // a path (`pwd /srv/app`)
  if ((classes.digit || classes.symbol) && (classes.lower || classes.upper)) return true;
  return classes.upper && classes.lower && value.length >= 8;
}

/**
 * The value a password word at [start, end) introduces, on the same line: after a copula or a colon
 * within a few words ("Das Passwort für den Server ist X", "密码是：X"), or a quoted value right after
 * the word (`PASSWORD 'X'`).
 */
function passwordValueAfter(text: string, end: number, out: Candidate[], operatorsToo: boolean): void {
  const limit = Math.min(text.length, end + 64);
  let i = end;
  let valueFrom = -1;
  let words = 0;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return;
    if (OPENERS.has(c) && i > end && i === skipSpaces(text, end)) {
      valueFrom = i; // a quoted value after the word and a space: PASSWORD 'x'
      break;
    }
    // right after the password word any colon is its mark (`비밀번호:X`)
    if (words === 0 ? MARK_CHARS.has(c) : isMark(text, i)) {
      // `password = x` / `password: x` are the assignment scanner's (ASCII keys); here only after other words
      if ((c === 0x3a || c === 0x3d) && words === 0 && !operatorsToo) return;
      // a CJK particle joins the word it follows ("密码是", "パスワードは"), not one a sentence later
      if (c > 0x2000 && c !== 0xff1a && i - end > 8) return;
      valueFrom = i + 1;
      while (valueFrom < limit && (isSpace(text.charCodeAt(valueFrom)) || text.charCodeAt(valueFrom) === 0x3a || text.charCodeAt(valueFrom) === 0xff1a)) valueFrom++;
      break;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    // a word: a copula ends the search; other words (up to five) are the sentence between
    let j = i;
    while (j < limit && !isSpace(text.charCodeAt(j)) && text.charCodeAt(j) !== 10 && !isMark(text, j)) j++;
    const word = text.slice(i, j).toLowerCase();
    if (COPULAS.has(word)) {
      valueFrom = skipSpaces(text, j);
      if (text.charCodeAt(valueFrom) === 0x3a) valueFrom = skipSpaces(text, valueFrom + 1);
      break;
    }
    // the words between are a sentence's ("del panel", "от сервера"), not code's (`, forKey:`);
    // a word that is plainly a password ends the search too, where a language puts the verb after
    // it ("पासवर्ड X है") or a copula we do not know comes before it ("הסיסמה לשרת היא X")
    if (!SENTENCE_WORD_RE.test(word)) {
      if (words <= 3) readStrongValue(text, i, j, out);
      return;
    }
    if (++words > 5) return;
    i = j;
  }
  if (valueFrom < 0 || valueFrom >= text.length) return;
  readValue(text, valueFrom, out);
}

/** A bare value with no word before it to vouch for it: only one that cannot be a word (8+ characters of three classes). */
function readStrongValue(text: string, from: number, to: number, out: Candidate[]): void {
  let value = text.slice(from, to);
  const trailing = TRAILING.exec(value);
  if (trailing) value = value.slice(0, trailing.index);
  if (value.length >= 8 && charClasses(value).count >= 3 && proseValueOk(value, false)) {
    out.push({ type: "generic_secret_assignment", kind: "secret", start: from, end: from + value.length, priority: ASSIGNMENT });
  }
}

const TABLE_ROWS_MAX = 500;
/** Header candidates tried per text: a text of `password\t` repeated must stay linear. */
const TABLE_TRIES_MAX = 64;
let tableTries = 0;

/** Called by the scan at the start of each text. */
export function startText(): void {
  tableTries = 0;
  cookieResume = 0;
}
/** Where the last cookie header read ended: a header inside it is not read again. */
let cookieResume = 0;
const HEADER_MAX = 1024;
/** A row longer than this ends the table (and keeps the work per header bounded). */
const ROW_MAX = 8192;

/**
 * A pasted table (tab- or comma-separated, or Markdown) whose header row has a password column: the
 * value in that column of each row below, until a blank line. True when the word was such a header.
 */
function passwordColumnAt(text: string, start: number, end: number, out: Candidate[]): boolean {
  // a header cell: a delimiter or the line's edge right before and after the word (spaces and a quote aside)
  let b = start - 1;
  while (b >= 0 && (text.charCodeAt(b) === 32 || text.charCodeAt(b) === 34)) b--;
  let a = end;
  while (a < text.length && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 34 || text.charCodeAt(a) === 13)) a++;
  if (!(b < 0 || isCellEdge(text.charCodeAt(b))) || !(a >= text.length || isCellEdge(text.charCodeAt(a)))) return false;
  if (++tableTries > TABLE_TRIES_MAX) return false;
  // a header row is short: look at most HEADER_MAX characters each way, so a long line costs no more than that
  let lineStart = start;
  while (lineStart > 0 && start - lineStart < HEADER_MAX && text.charCodeAt(lineStart - 1) !== 10) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && lineEnd - end < HEADER_MAX && text.charCodeAt(lineEnd) !== 10) lineEnd++;
  if ((lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) || (lineEnd < text.length && text.charCodeAt(lineEnd) !== 10)) return false;
  const header = text.slice(lineStart, lineEnd).replace(/\r$/, "");
  const delimiter = header.includes("\t") ? "\t" : (header.match(/\|/g)?.length ?? 0) >= 2 ? "|" : (header.match(/,/g)?.length ?? 0) >= 2 ? "," : undefined;
  if (delimiter === undefined) return false;
  // the column whose cell is just the word (maybe quoted, or with a word before it: "db password")
  const cells = header.split(delimiter);
  let column = -1;
  for (let k = 0, at = lineStart; k < cells.length; at += cells[k]!.length + 1, k++) {
    if (at <= start && start + (end - start) <= at + cells[k]!.length && cells[k]!.trim().replace(/^["']|["']$/g, "").length <= 32) column = k;
  }
  if (column === -1) return false;
  let from = lineEnd + 1;
  for (let row = 0; row < TABLE_ROWS_MAX && from < text.length; row++) {
    let to = from;
    while (to < text.length && to - from <= ROW_MAX && text.charCodeAt(to) !== 10) to++;
    if (to - from > ROW_MAX) break;
    const line = text.slice(from, to).replace(/\r$/, "");
    if (line.trim() === "") break;
    const rowCells = line.split(delimiter);
    if (rowCells.length === cells.length && !/^[\s|:-]+$/.test(line)) {
      let at = from;
      for (let k = 0; k < column; k++) at += rowCells[k]!.length + 1;
      const cell = rowCells[column]!;
      const value = cell.trim().replace(/^"(.*)"$/, "$1");
      if (value.length > 0 && proseValueOk(value, true)) {
        const valueStart = text.indexOf(value, at);
        out.push({ type: "generic_secret_assignment", kind: "secret", start: valueStart, end: valueStart + value.length, priority: ASSIGNMENT });
      }
    }
    from = to + 1;
  }
  return true;
}

/** Tab, comma, pipe or line break. */
function isCellEdge(c: number): boolean {
  return c === 9 || c === 44 || c === 124 || c === 10;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function readValue(text: string, from: number, out: Candidate[]): void {
  const open = text.charCodeAt(from);
  const close = OPENERS.get(open);
  if (close !== undefined) {
    let start = from + 1;
    while (start < text.length && isSpace(text.charCodeAt(start))) start++; // « valeur »
    const limit = Math.min(text.length, start + 256);
    let j = start;
    while (j < limit && text.charCodeAt(j) !== close && text.charCodeAt(j) !== 10) j++;
    if (j >= limit || text.charCodeAt(j) !== close) return;
    let end = j;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    const value = text.slice(start, end);
    if (proseValueOk(value, true)) out.push({ type: "generic_secret_assignment", kind: "secret", start, end, priority: ASSIGNMENT });
    return;
  }
  const limit = Math.min(text.length, from + 256);
  let j = from;
  // to a space, a line end or a character of another script (CJK punctuation ends the sentence's value)
  for (let c = text.charCodeAt(j); j < limit && !isSpace(c) && c !== 10 && c !== 13 && (c < 0x2e80 || c > 0xffef) && !(c >= 0xff00 && c <= 0xffef); c = text.charCodeAt(++j));
  let value = text.slice(from, j);
  const trailing = TRAILING.exec(value);
  if (trailing) value = value.slice(0, trailing.index);
  if (proseValueOk(value, false)) out.push({ type: "generic_secret_assignment", kind: "secret", start: from, end: from + value.length, priority: ASSIGNMENT });
}

/** At a non-Latin trigger character: a password word of another script. */
export function nonLatinPasswordAt(text: string, i: number, out: Candidate[]): number {
  for (const word of NON_LATIN_BY_FIRST.get(text.charCodeAt(i)) ?? []) {
    if (text.startsWith(word, i)) {
      passwordValueAfter(text, i + word.length, out, true);
      return i + word.length;
    }
  }
  return i;
}

const DIRECTIVE_RE = /(requirepass|masterauth)[ \t]+(["']?)([^\s"']{1,256})\2[ \t]*(?=\r?\n|$)/iyd;
const SETENV_RE = /setenv[ \t]+([A-Za-z_][\w.-]{0,80})[ \t]+(["']?)([^\s"']{1,512})\2/iyd;
const HEADER_DIRECTIVE_RE = /(?:proxy_set_header|add_header)[ \t]+([A-Za-z][\w-]{0,80})[ \t]+(["']?)([^\s"';]{1,1024})\2[ \t]*;/iyd;
const PSK_RE = /(psk)[ \t]+(["'])([^"'\n]{1,256})\2/iyd;
const COMMUNITY_RE = /(r[ow]community)[ \t]+(["']?)([^\s"']{1,128})\2/iyd;
const SNMP_USER_RE = /createUser[ \t]+\S{1,64}[ \t]+(?:MD5|SHA\S{0,8})[ \t]+(["']?)([^\s"']{1,256})\1[ \t]+(?:DES|AES\S{0,8})[ \t]+(["']?)([^\s"']{1,256})\3/iyd;
const COOKIE_HEADER_RE = /(?:set-)?cookie[ \t]*:[ \t]*/iy;
const SESSION_COOKIE_RE = /sess|sid|auth|token|jwt|remember|login/i;

/**
 * At a word start whose first two characters are in KEYWORD_HEADS (`p` is the character before).
 * `judge` is the assignment scanner's key-and-value test.
 */
export function keywordWrappingAt(text: string, i: number, p: number, judge: ValueJudge, out: Candidate[]): void {
  const words = wordsAt(text, i);
  if (words === undefined) return;
  // inside an identifier (`${POSTGRES_PASSWORD}`), a quoted key (`name="password"`) or a URL: not a word of its own
  if (isLetter(p) || (p >= 48 && p <= 57) || p === 95 || p === 45 || p === 46 || p === 36 || p === 123 || p === 34 || p === 39 || p === 96 || p === 58 || p === 47 || p === 64) return;
  for (const word of words) {
    if (!startsWithLower(text, i, word)) continue;
    const end = i + word.length;
    const after = text.charCodeAt(end);
    if (word === "identified") {
      // SQL: CREATE USER … IDENTIFIED BY '…'
      if (!startsWithLower(text, end, " by")) return;
      const from = skipSpaces(text, end + 3);
      if (OPENERS.has(text.charCodeAt(from))) readValue(text, from, out);
      return;
    }
    if (word === "requirepass" || word === "masterauth") return matchDirective(DIRECTIVE_RE, text, i, (m) => proseValueOk(m[3]!, m[2] !== ""), out);
    if (word === "setenv") return matchDirective(SETENV_RE, text, i, (m) => judge(m[1]!, m[3]!, m[2] !== ""), out);
    if (word === "proxy_set_header" || word === "add_header") return matchDirective(HEADER_DIRECTIVE_RE, text, i, (m) => judge(m[1]!, m[3]!, m[2] !== ""), out);
    if (word === "psk" || word === "rocommunity" || word === "rwcommunity") return matchDirective(word === "psk" ? PSK_RE : COMMUNITY_RE, text, i, (m) => proseValueOk(m[3]!, true) || m[3]!.length >= 6, out);
    if (word === "createuser") {
      // SNMPv3: createUser name SHA "auth passphrase" AES "privacy passphrase"
      SNMP_USER_RE.lastIndex = i;
      const m = SNMP_USER_RE.exec(text);
      if (m !== null) for (const g of [2, 4]) if (m[g]!.length >= 8 && !isPlaceholderValue(m[g]!)) push(out, m, g);
      return;
    }
    if (word === "cookie" || word === "set-cookie") {
      if (word === "cookie" || after === 58 || after === 32) cookiesAt(text, i, out);
      return;
    }
    // a password word of its own: password, Passwort, contraseña, senha, wachtwoord, hasło, heslo, salasana, lösenord
    if (isLetter(after) || (after >= 48 && after <= 57) || after === 95 || after === 45) continue;
    if (word === "passe" && !/mot de $/i.test(text.slice(Math.max(0, i - 7), i))) return;
    if (text.charCodeAt(skipSpaces(text, end)) === 64) return; // user:password@host
    if (passwordColumnAt(text, i, end, out)) return;
    // the assignment scanner reads `key: value` for ASCII keys; words with other letters are read here
    passwordValueAfter(text, end, out, !ASCII_WORD_RE.test(word));
    return;
  }
}

const ASCII_WORD_RE = /^[a-z]+$/;

function matchDirective(re: RegExp, text: string, i: number, ok: (m: RegExpExecArray) => boolean, out: Candidate[]): void {
  re.lastIndex = i;
  const m = re.exec(text);
  if (m !== null && ok(m)) push(out, m, 3);
}

function push(out: Candidate[], m: RegExpExecArray, group: number): void {
  const [start, end] = m.indices![group]!;
  out.push({ type: "generic_secret_assignment", kind: "secret", start, end, priority: ASSIGNMENT });
}

/** `Cookie: a=…; session=…` / `Set-Cookie: __Host-session=…; Path=/`: the values of session-like cookies. */
function cookiesAt(text: string, i: number, out: Candidate[]): void {
  if (i < cookieResume) return;
  COOKIE_HEADER_RE.lastIndex = i;
  if (COOKIE_HEADER_RE.exec(text) === null) return;
  let j = COOKIE_HEADER_RE.lastIndex;
  // the header's line, at most 4 KB: pairs are read within it, and it is not read again
  let lineEnd = j;
  while (lineEnd < text.length && lineEnd - j < 4096 && text.charCodeAt(lineEnd) !== 10 && text.charCodeAt(lineEnd) !== 13) lineEnd++;
  cookieResume = lineEnd;
  while (j < lineEnd) {
    let eq = j;
    while (eq < lineEnd && text.charCodeAt(eq) !== 61) eq++;
    if (eq >= lineEnd) return;
    let end = eq + 1;
    while (end < lineEnd && text.charCodeAt(end) !== 59) end++;
    const name = text.slice(j, eq).trim();
    const raw = text.slice(eq + 1, end);
    const value = raw.trim().replace(/^"|"$/g, "");
    if (SESSION_COOKIE_RE.test(name) && !/csrf|xsrf/i.test(name) && looksRandom(value, 16) && !isPlaceholderValue(value)) {
      const start = eq + 1 + raw.indexOf(value);
      out.push({ type: "generic_secret_assignment", kind: "secret", start, end: start + value.length, priority: ASSIGNMENT });
    }
    j = end + 1;
  }
}
