/**
 * Checksums and value heuristics shared by the detectors. Everything here is pure, allocation-light
 * and linear in the length of its (already bounded) argument.
 */

/** Luhn (mod 10) over a string of ASCII digits. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/**
 * Issuer prefixes of the card networks (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
 * Maestro, Mir), with the lengths each issues. A Luhn-valid number outside these is not a card.
 */
export function cardIssuerValid(digits: string): boolean {
  const n = digits.length;
  if (n < 12 || n > 19) return false;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === "4") return n === 13 || n === 16 || n === 19; // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16; // Mastercard
  if (p2 === 34 || p2 === 37) return n === 15; // Amex
  if (p4 === 6011 || p2 === 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) return n >= 16; // Discover
  if (p4 >= 3528 && p4 <= 3589) return n >= 16; // JCB
  if (p2 === 36 || p2 === 38 || p2 === 39 || (p3 >= 300 && p3 <= 305) || p3 === 309) return n >= 14; // Diners
  if (p2 === 62) return n >= 16; // UnionPay
  if (p4 >= 2200 && p4 <= 2204) return n >= 16; // Mir
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12; // Maestro
  return false;
}

/** IBAN lengths per country (SWIFT IBAN registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21,
  CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18,
  FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26,
  IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24,
  ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29,
  PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23,
  ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

export function ibanLength(country: string): number | undefined {
  return IBAN_LENGTHS[country];
}

/** ISO 13616 mod-97 check over a compact (no spaces) upper-case IBAN. */
export function ibanValid(iban: string): boolean {
  const expected = IBAN_LENGTHS[iban.slice(0, 2)];
  if (expected === undefined || iban.length !== expected) return false;
  const check = Number(iban.slice(2, 4));
  if (!(check >= 2 && check <= 98)) return false; // ISO 13616 never issues 00, 01 or 99
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      remainder = (remainder * 10 + (c - 48)) % 97;
    } else if (c >= 65 && c <= 90) {
      remainder = (remainder * 100 + (c - 55)) % 97;
    } else {
      return false;
    }
  }
  return remainder === 1;
}

/** US Social Security Number rules (SSA): no 000/666/9xx area, no 00 group, no 0000 serial, no famous samples. */
export function ssnValid(digits: string): boolean {
  if (!/^\d{9}$/.test(digits)) return false;
  const area = digits.slice(0, 3);
  if (area === "000" || area === "666" || area[0] === "9") return false;
  if (digits.slice(3, 5) === "00" || digits.slice(5) === "0000") return false;
  if (/^(\d)\1{8}$/.test(digits)) return false;
  // Woolworth's wallet card, the 1960s ad sample, and the obvious sequences.
  return !["078051120", "219099999", "123456789", "987654321"].includes(digits);
}

const entropyCounts = new Int32Array(128);

/** Shannon entropy in bits per character (for short, bounded values only). */
export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  let other = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) entropyCounts[c]!++;
    else other++;
  }
  let h = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) continue;
    const count = entropyCounts[c]!;
    if (count === 0) continue;
    const p = count / n;
    h -= p * Math.log2(p);
    entropyCounts[c] = 0;
  }
  if (other > 0) {
    const p = other / n;
    h -= p * Math.log2(p); // non-ASCII lumped together: a lower bound, fine for a heuristic
  }
  return h;
}

export type CharClasses = { lower: boolean; upper: boolean; digit: boolean; symbol: boolean; space: boolean; count: number };

export function charClasses(value: string): CharClasses {
  let lower = false;
  let upper = false;
  let digit = false;
  let symbol = false;
  let space = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = true;
    else if (c >= 65 && c <= 90) upper = true;
    else if (c >= 48 && c <= 57) digit = true;
    else if (c === 32 || c === 9) space = true;
    else symbol = true;
  }
  return { lower, upper, digit, symbol, space, count: +lower + +upper + +digit + +symbol };
}

/** Longest run of one repeated character. */
function longestRun(value: string): number {
  let best = 0;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    run = i > 0 && value.charCodeAt(i) === value.charCodeAt(i - 1) ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/**
 * Words and marks that give a value away as a stand-in. STRICT ones are long or contain
 * punctuation, so a random 100-character token cannot contain them by chance; the LOOSE four-letter
 * words (a random token contains "tOdO" about once in a thousand) only count in short values.
 */
const PLACEHOLDER_STRICT_RE = /example|x{6,}|\*{4,}|•{4,}|placeholder|change[_-]?me|redacted|replace[_-]?me|insert[_-]|dummy|your[_-]|[_-]here|…/i;
/**
 * Template marks: `<token>`, `${VAR}`, `{{ secret }}`, `sk-...`. A long random value of every
 * character class (a WordPress salt, a generated password) holds `<`, `{{` or `...` by chance, so
 * there they do not count.
 */
const PLACEHOLDER_MARKS_RE = /<[A-Za-z][\w .-]{2,}>|^<|>$|\$\{|\{\{|\}\}|\.\.\./;
const PLACEHOLDER_LOOSE_RE = /your|here|todo|fixme|xxxx|\*\*\*/i;

const PLACEHOLDER_EXACT = new Set([
  "password",
  "passwd",
  "pass",
  "pwd",
  "secret",
  "secrets",
  "token",
  "key",
  "apikey",
  "api_key",
  "api-key",
  "null",
  "nil",
  "none",
  "undefined",
  "true",
  "false",
  "empty",
  "string",
  "str",
  "required",
  "optional",
  "default",
  "hidden",
  "masked",
  "value",
  "mypassword",
  "my_password",
  "foobar",
  "foo",
  "bar",
  "abc",
  "test",
  "admin",
  "root",
  "user",
  "username",
]);

/**
 * A value someone typed to stand for a secret rather than a secret: documented examples,
 * `your-api-key-here`, `<TOKEN>`, `${DB_PASSWORD}`, `changeme`, masks like `********`.
 */
export function isPlaceholderValue(value: string, strictOnly = false): boolean {
  if (value.length <= 12 && PLACEHOLDER_EXACT.has(value.toLowerCase())) return true;
  if (PLACEHOLDER_STRICT_RE.test(value)) return true;
  if (PLACEHOLDER_MARKS_RE.test(value) && !(value.length >= 32 && charClasses(value).count === 4 && shannonEntropy(value) >= 4.5)) return true;
  if (!strictOnly && value.length < 24 && PLACEHOLDER_LOOSE_RE.test(value)) return true;
  if (value.length >= 4 && longestRun(value) * 2 > value.length) return true;
  if (/^(?:x+|\*+|\.+|-+|_+|#+|0+|1234(?:5(?:6(?:7(?:8(?:9(?:0)?)?)?)?)?)?|abcdef|qwerty)$/i.test(value)) return true;
  if (/^\((?:sensitive|known after apply)/.test(value)) return true; // terraform plan output
  return false;
}

const TYPE_WORDS = new Set([
  "string",
  "str",
  "int",
  "number",
  "bool",
  "boolean",
  "bytes",
  "any",
  "object",
  "optional",
  "secretstr",
  "char",
  "text",
  "varchar",
  "none",
  "null",
  "nil",
  "undefined",
  "true",
  "false",
]);

/**
 * A value that refers to a secret instead of containing it: environment lookups, template
 * variables, member accesses, function calls, type annotations.
 */
/** A name a programmer writes: snake_case, CONSTANT_CASE, camelCase or PascalCase words (not `KAsRiT`, `hPeyc42_cv`). */
const IDENTIFIER_SEGMENT_RE = /^(?:[a-z_$][a-z0-9_]*|[A-Z_][A-Z0-9_]*|[A-Za-z][a-z0-9]*(?:[A-Z][a-z0-9]+)*[A-Z]?)$/;

export function isReferenceValue(value: string, quoted: boolean, inCode = true): boolean {
  if (value.length === 0) return true;
  // $VAR ${VAR} $(cmd) %s %(name)s %NAME% @Microsoft.KeyVault(…) *ptr &ref — but not a password that starts with a symbol
  if (/^(?:\$\{|\$\(|\{\{|#\{|\$[A-Za-z_]\w*$|%[sd]$|%\([A-Za-z_]\w*\)[sd]|%[A-Za-z_]\w*%$|@[A-Za-z_][\w.]*(?:\(|$))/.test(value)) return true;
  if (/^(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|getenv|env\(|env\.|ENV\[|System\.getenv|Environment\.GetEnvironmentVariable|secrets\.|vault:|ref\+|arn:aws:secretsmanager|projects\/[^/]+\/secrets|sm:\/\/|!Ref|!Sub|!GetAtt|ENC\()/.test(value)) {
    return true;
  }
  if (/^ENC\[/.test(value)) return true; // sops: ENC[AES256_GCM,data:…]
  // Quoted, or a literal place (a config line, a query or connection string, a sentence): a value is a value
  if (quoted || !inCode) return false;
  // Unquoted in code: code rather than configuration.
  if (TYPE_WORDS.has(value.toLowerCase())) return true;
  if (/^[*&][a-z_][A-Za-z_.]*$/.test(value)) return true; // *ptr, &ref
  if (/^[A-Za-z_][A-Za-z0-9_]*(?:\??\.[A-Za-z_][A-Za-z0-9_]*)+(?:\(|\[)?$/.test(value) && value.split(/\??\./).every((s) => IDENTIFIER_SEGMENT_RE.test(s.replace(/[([]$/, "")))) return true; // a.b.c, a?.b
  if (/^[A-Za-z_][A-Za-z0-9_.]*\(.*\)[;,]?$/.test(value)) return true; // call(…)
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) return true; // CONSTANT_NAME
  if (/^[a-z]+(?:_[a-z]+)+$/.test(value)) return true; // snake_case_variable
  if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return true; // camelCaseVariable
  if (/^[A-Z][a-z]+[A-Z]?[a-z]*-[A-Z][A-Za-z]+$/.test(value)) return true; // a PowerShell cmdlet: ConvertTo-SecureString
  return false;
}

/** Looks like a random machine-made token rather than a word, path, URL or number. */
export function looksRandom(value: string, minLength: number): boolean {
  if (value.length < minLength) return false;
  if (value.includes("://")) return false;
  if (/^[./~]|^[A-Za-z]:\\/.test(value) || /\.(?:pem|key|json|txt|crt|p12|pfx|env|ya?ml)$/i.test(value)) return false;
  // words joined by separators or camelCase: identifiers and labels, not keys
  if (/^[a-z]+(?:[_.-][a-z]+)+$/i.test(value) || /^[a-z]+(?:[A-Z][a-z]+)+$/.test(value)) return false;
  const classes = charClasses(value);
  if (classes.space) return false;
  if (classes.count >= 3) return true;
  const entropy = shannonEntropy(value);
  if (classes.count === 2) return entropy >= 3 || (classes.digit && value.length >= 16);
  return value.length >= 20 && entropy >= 3.5;
}

const HEX = /^[0-9a-fA-F]+$/;

/** Identifiers that look random but are not secrets on their own: git SHAs, digests, UUIDs. */
export function isDigestOrUuid(value: string): boolean {
  if (/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(value)) return true;
  if (HEX.test(value) && [7, 8, 12, 32, 40, 56, 64, 96, 128].includes(value.length)) return true;
  return /^(?:sha(?:1|256|384|512)[:-]|md5:)/i.test(value);
}

/** Decodes standard or URL-safe base64; returns undefined when it is not valid base64. */
export function decodeBase64(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/** Printable ASCII `user:password` after base64 decoding, as in HTTP Basic credentials. */
export function isBasicCredential(value: string): boolean {
  const decoded = decodeBase64(value);
  if (!decoded || decoded.length < 3) return false;
  const text = decoded.toString("latin1");
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1 && /^[\x20-\x7e]+$/.test(text);
}
