/**
 * Held-out-style probe of personal-data detection and of precision, written without reading the
 * detectors (see types.ts). About half the samples carry personal data in the places developers
 * paste it (CSV/SQL/JSON fixtures, access and app logs, tickets in many languages, git output,
 * invoices, SEPA XML); the other half are look-alikes that must stay untouched.
 *
 * Labelling choices (the rules, applied by the probe writer):
 * - Documented examples are benign: RFC 2606 domains (example.com/.org/.net, .test, .invalid,
 *   .example), RFC 5737 IPv4 ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24), RFC 3849
 *   2001:db8::/32, and card-network test numbers published in payment docs (4111 1111 1111 1111,
 *   4242 4242 4242 4242, 5555 5555 5555 4444, 3782 822463 10005) when shown as test numbers.
 * - Fictional phone ranges (US 555, Ofcom 07700 900xxx / 020 7946 0xxx) are personal data: they are
 *   the only way to write a realistic synthetic phone, and a customer row cannot be told apart from
 *   a real one. Their labels say "(fictional range)" so a report can separate them.
 * - IP addresses are personal data (the product's default), private ranges included (labelled
 *   "private IPv4"); loopback, unspecified (0.0.0.0, ::), netmasks and CIDR network addresses are not.
 * - Phones written in national format (no country code) are personal data, labelled "(national)".
 * - user@host in ssh/scp/git remotes is not a mailbox and is benign.
 */
import type { ProbeSample, ProbeSet, ProbeValue } from "./types";

/** mulberry32: small, seedable, good enough to vary synthetic values. */
function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Gen = {
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  digits(count: number): string;
  hex(count: number): string;
  alnum(count: number, alphabet?: string): string;
};

function makeGen(seed: number): Gen {
  const random = makeRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const alnum = (count: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") => {
    let out = "";
    for (let i = 0; i < count; i++) out += alphabet[int(0, alphabet.length - 1)];
    return out;
  };
  return {
    int,
    pick: <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T,
    digits: (count) => alnum(count, "0123456789"),
    hex: (count) => alnum(count, "0123456789abcdef"),
    alnum,
  };
}

// ---------- checksummed numbers ----------

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let d = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

function luhnValid(g: Gen, prefix: string, length: number): string {
  const payload = prefix + g.digits(length - prefix.length - 1);
  return payload + String(luhnCheckDigit(payload));
}

function luhnInvalid(g: Gen, prefix: string, length: number): string {
  const valid = luhnValid(g, prefix, length);
  const last = Number(valid[valid.length - 1]);
  return valid.slice(0, -1) + String((last + g.int(1, 9)) % 10);
}

function group(value: string, sizes: number[], sep = " "): string {
  const parts: string[] = [];
  let at = 0;
  for (const size of sizes) {
    if (at >= value.length) break;
    parts.push(value.slice(at, at + size));
    at += size;
  }
  if (at < value.length) parts.push(value.slice(at));
  return parts.join(sep);
}

const fours = (value: string) => value.replace(/(.{4})(?=.)/g, "$1 ");

type CardBrand = { brand: string; prefixes: string[]; length: number; groups: number[] };
const CARD_BRANDS: CardBrand[] = [
  { brand: "Visa card", prefixes: ["4539", "4716", "4929", "4485", "4024"], length: 16, groups: [4, 4, 4, 4] },
  { brand: "Mastercard", prefixes: ["51", "52", "53", "54", "55", "2221", "2720", "2305"], length: 16, groups: [4, 4, 4, 4] },
  { brand: "Amex card", prefixes: ["34", "37"], length: 15, groups: [4, 6, 5] },
  { brand: "Discover card", prefixes: ["6011", "65"], length: 16, groups: [4, 4, 4, 4] },
  { brand: "JCB card", prefixes: ["3528", "3530", "3566", "3589"], length: 16, groups: [4, 4, 4, 4] },
  { brand: "UnionPay card", prefixes: ["62"], length: 16, groups: [4, 4, 4, 4] },
  { brand: "UnionPay card (19 digits)", prefixes: ["6212"], length: 19, groups: [4, 4, 4, 4, 3] },
  { brand: "Diners card", prefixes: ["36", "300", "305"], length: 14, groups: [4, 6, 4] },
];

function card(g: Gen, brandName: string): { compact: string; grouped: string; brand: string } {
  const brand = CARD_BRANDS.find((b) => b.brand === brandName) ?? CARD_BRANDS[0]!;
  const compact = luhnValid(g, g.pick(brand.prefixes), brand.length);
  return { compact, grouped: group(compact, brand.groups), brand: brand.brand };
}

function mod97(numeric: string): number {
  let rest = 0;
  for (const ch of numeric) rest = (rest * 10 + Number(ch)) % 97;
  return rest;
}

function ibanNumeric(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
}

/** BBAN shapes: n = digit, a = upper-case letter, c = letter or digit. */
const IBAN_SHAPES: Record<string, { bban: string; name: string }> = {
  DE: { bban: "nnnnnnnnnnnnnnnnnn", name: "German IBAN" },
  GB: { bban: "aaaannnnnnnnnnnnnn", name: "UK IBAN" },
  FR: { bban: "nnnnnnnnnnnnnnnnnnnnnnn", name: "French IBAN" },
  ES: { bban: "nnnnnnnnnnnnnnnnnnnn", name: "Spanish IBAN" },
  IT: { bban: "annnnnnnnnnnnnnnnnnnnnn", name: "Italian IBAN" },
  NL: { bban: "aaaannnnnnnnnn", name: "Dutch IBAN" },
  BE: { bban: "nnnnnnnnnnnn", name: "Belgian IBAN" },
  CH: { bban: "nnnnnnnnnnnnnnnnn", name: "Swiss IBAN" },
  AT: { bban: "nnnnnnnnnnnnnnnn", name: "Austrian IBAN" },
  PL: { bban: "nnnnnnnnnnnnnnnnnnnnnnnn", name: "Polish IBAN" },
  SE: { bban: "nnnnnnnnnnnnnnnnnnnn", name: "Swedish IBAN" },
  NO: { bban: "nnnnnnnnnnn", name: "Norwegian IBAN" },
  DK: { bban: "nnnnnnnnnnnnnn", name: "Danish IBAN" },
  FI: { bban: "nnnnnnnnnnnnnn", name: "Finnish IBAN" },
  IE: { bban: "aaaannnnnnnnnnnnnn", name: "Irish IBAN" },
  PT: { bban: "nnnnnnnnnnnnnnnnnnnnn", name: "Portuguese IBAN" },
  SA: { bban: "nnnnnnnnnnnnnnnnnnnn", name: "Saudi IBAN" },
  AE: { bban: "nnnnnnnnnnnnnnnnnnn", name: "UAE IBAN" },
  BR: { bban: "nnnnnnnnnnnnnnnnnnnnnnnac", name: "Brazilian IBAN" },
  LU: { bban: "nnnccccccccccccc", name: "Luxembourg IBAN" },
};

const BANK_CODES: Record<string, string[]> = {
  GB: ["NWBK", "BARC", "HBUK", "LOYD", "MIDL"],
  NL: ["ABNA", "INGB", "RABO", "TRIO"],
  IE: ["AIBK", "BOFI"],
};

function iban(g: Gen, country: string, valid = true): { compact: string; grouped: string; name: string } {
  const shape = IBAN_SHAPES[country];
  if (!shape) throw new Error(`no IBAN shape for ${country}`);
  let bban = "";
  const codes = BANK_CODES[country];
  if (codes) bban = g.pick(codes);
  for (const kind of shape.bban.slice(bban.length)) {
    if (kind === "n") bban += g.digits(1);
    else if (kind === "a") bban += g.alnum(1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    else bban += g.alnum(1);
  }
  const check = 98 - mod97(ibanNumeric(bban + country + "00"));
  let digits = check;
  if (!valid) digits = ((check + g.int(1, 50) - 2) % 97) + 2;
  if (!valid && digits === check) digits = check === 97 ? 96 : check + 1;
  const compact = `${country}${String(digits).padStart(2, "0")}${bban}`;
  return { compact, grouped: fours(compact), name: shape.name };
}

function ssn(g: Gen): string {
  let area = g.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, "0")}-${String(g.int(1, 99)).padStart(2, "0")}-${String(g.int(1, 9999)).padStart(4, "0")}`;
}

// ---------- people ----------

const FIRST = ["Jane", "Marcus", "Priya", "Lukas", "Sofia", "Mateo", "Chloé", "Giulia", "Sven", "Aoife", "Kenji", "Wei", "Olena", "Tomasz", "Fatima", "Arjun", "Ines", "Noah", "Emma", "Daan", "Min-jun", "Yuki", "Carlos", "Leila"];
const LAST = ["Doe", "Okafor", "Raman", "Schneider", "Rossi", "García", "Dubois", "Bianchi", "Lindqvist", "Murphy", "Tanaka", "Zhang", "Kovalenko", "Nowak", "Haddad", "Sharma", "Ferreira", "Smith", "Brown", "de Vries", "Kim", "Sato", "Mendoza", "Nasser"];
const DOMAINS = ["acme.io", "gmail.com", "outlook.com", "northwind-traders.com", "mail.contoso.co.uk", "proton.me", "web.de", "orange.fr", "libero.it", "fastmail.fm", "globex.dev", "initech.app", "uni-heidelberg.de", "telefonica.es", "yahoo.co.jp", "naver.com", "qq.com", "yandex.ru", "rediffmail.com", "hey.com"];

function ascii(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z]+/g, "");
}

type Person = { first: string; last: string; name: string; email: string };
function person(g: Gen, domain?: string): Person {
  const first = g.pick(FIRST);
  const last = g.pick(LAST);
  const shape = g.int(0, 3);
  const local =
    shape === 0 ? `${ascii(first)}.${ascii(last)}` : shape === 1 ? `${ascii(first)[0]}${ascii(last)}` : shape === 2 ? `${ascii(first)}_${ascii(last)}${g.int(1, 99)}` : `${ascii(first)}${ascii(last)[0]}`;
  return { first, last, name: `${first} ${last}`, email: `${local}@${domain ?? g.pick(DOMAINS)}` };
}

/** Public-looking IPv4 outside documentation, private, loopback and multicast ranges. */
function publicIpv4(g: Gen): string {
  const first = g.pick([31, 37, 46, 62, 77, 81, 85, 88, 91, 93, 95, 109, 141, 151, 176, 178, 185, 188, 212, 213, 217, 24, 67, 73, 98, 104, 142, 174]);
  return `${first}.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(1, 254)}`;
}
function privateIpv4(g: Gen): string {
  const kind = g.int(0, 2);
  if (kind === 0) return `10.${g.int(0, 255)}.${g.int(0, 255)}.${g.int(2, 254)}`;
  if (kind === 1) return `172.${g.int(16, 31)}.${g.int(0, 255)}.${g.int(2, 254)}`;
  return `192.168.${g.int(0, 255)}.${g.int(2, 254)}`;
}
function ipv6(g: Gen): string {
  const prefix = g.pick(["2a02:8108", "2a01:4f8", "2600:1700", "2001:16b8", "2a00:23c7", "2607:fb90", "240e:3b7", "2409:8a28"]);
  const groups = [prefix];
  for (let i = 0; i < 6; i++) groups.push(g.hex(g.int(1, 4)).replace(/^0+(?=.)/, ""));
  return groups.join(":");
}
function ipv6Compressed(g: Gen): string {
  return `${g.pick(["2a02:8108", "2a01:4f8", "2600:1f18", "2001:16b8"])}:${g.hex(4).replace(/^0+(?=.)/, "")}::${g.hex(3)}`;
}

// ---------- phones ----------

type PhoneMaker = (g: Gen) => { value: string; label: string };
const d = (g: Gen, n: number) => g.digits(n);
const PHONES: PhoneMaker[] = [
  (g) => ({ value: `+44 20 7946 0${d(g, 3)}`, label: "UK phone (fictional range)" }),
  (g) => ({ value: `+44 (0)161 496 0${d(g, 3)}`, label: "UK phone (fictional range)" }),
  (g) => ({ value: `+44 7700 900${d(g, 3)}`, label: "UK mobile (fictional range)" }),
  (g) => ({ value: `020 7946 0${d(g, 3)}`, label: "UK phone (national, fictional range)" }),
  (g) => ({ value: `+49 30 ${g.int(2, 9)}${d(g, 7)}`, label: "German phone" }),
  (g) => ({ value: `+49 (0)89 ${d(g, 4)} ${d(g, 4)}`, label: "German phone" }),
  (g) => ({ value: `+49 151 ${d(g, 4)} ${d(g, 4)}`, label: "German mobile" }),
  (g) => ({ value: `0171/${g.int(2, 9)}${d(g, 6)}`, label: "German mobile (national)" }),
  (g) => ({ value: `+33 1 ${d(g, 2)} ${d(g, 2)} ${d(g, 2)} ${d(g, 2)}`, label: "French phone" }),
  (g) => ({ value: `06 ${d(g, 2)} ${d(g, 2)} ${d(g, 2)} ${d(g, 2)}`, label: "French mobile (national)" }),
  (g) => ({ value: `+33 6 ${d(g, 2)} ${d(g, 2)} ${d(g, 2)} ${d(g, 2)}`, label: "French mobile" }),
  (g) => ({ value: `+34 91${d(g, 1)} ${d(g, 3)} ${d(g, 3)}`, label: "Spanish phone" }),
  (g) => ({ value: `+34 6${d(g, 2)} ${d(g, 2)} ${d(g, 2)} ${d(g, 2)}`, label: "Spanish mobile" }),
  (g) => ({ value: `+39 02 ${d(g, 4)} ${d(g, 4)}`, label: "Italian phone" }),
  (g) => ({ value: `+39 34${d(g, 1)} ${d(g, 3)} ${d(g, 4)}`, label: "Italian mobile" }),
  (g) => ({ value: `+31 20 ${d(g, 3)} ${d(g, 4)}`, label: "Dutch phone" }),
  (g) => ({ value: `06-${g.int(1, 9)}${d(g, 7)}`, label: "Dutch mobile (national)" }),
  (g) => ({ value: `+48 22 ${d(g, 3)} ${d(g, 2)} ${d(g, 2)}`, label: "Polish phone" }),
  (g) => ({ value: `+48 60${d(g, 1)} ${d(g, 3)} ${d(g, 3)}`, label: "Polish mobile" }),
  (g) => ({ value: `+81 3-${d(g, 4)}-${d(g, 4)}`, label: "Japanese phone" }),
  (g) => ({ value: `090-${d(g, 4)}-${d(g, 4)}`, label: "Japanese mobile (national)" }),
  (g) => ({ value: `+86 138 ${d(g, 4)} ${d(g, 4)}`, label: "Chinese mobile" }),
  (g) => ({ value: `+86 10 ${d(g, 4)} ${d(g, 4)}`, label: "Chinese phone" }),
  (g) => ({ value: `+82 2-${d(g, 3)}-${d(g, 4)}`, label: "Korean phone" }),
  (g) => ({ value: `010-${d(g, 4)}-${d(g, 4)}`, label: "Korean mobile (national)" }),
  (g) => ({ value: `+7 495 ${d(g, 3)}-${d(g, 2)}-${d(g, 2)}`, label: "Russian phone" }),
  (g) => ({ value: `8 (916) ${d(g, 3)}-${d(g, 2)}-${d(g, 2)}`, label: "Russian mobile (national)" }),
  (g) => ({ value: `+91 98${d(g, 3)} ${d(g, 5)}`, label: "Indian mobile" }),
  (g) => ({ value: `+91 22 ${d(g, 4)} ${d(g, 4)}`, label: "Indian phone" }),
  (g) => ({ value: `+1 (415) 555-01${d(g, 2)}`, label: "US phone (fictional range)" }),
  (g) => ({ value: `(212) ${g.int(2, 9)}${d(g, 2)}-${d(g, 4)}`, label: "US phone (national)" }),
  (g) => ({ value: `415.${g.int(2, 9)}${d(g, 2)}.${d(g, 4)}`, label: "US phone (national)" }),
  (g) => ({ value: `+1${g.pick(["415", "646", "312", "206"])}${g.int(2, 9)}${d(g, 6)}`, label: "US phone E.164" }),
  (g) => ({ value: `+1-617-${g.int(2, 9)}${d(g, 2)}-${d(g, 4)}`, label: "US phone" }),
  (g) => ({ value: `+55 11 9${d(g, 4)}-${d(g, 4)}`, label: "Brazilian mobile" }),
  (g) => ({ value: `+971 50 ${d(g, 3)} ${d(g, 4)}`, label: "UAE mobile" }),
  (g) => ({ value: `+966 5${d(g, 1)} ${d(g, 3)} ${d(g, 4)}`, label: "Saudi mobile" }),
  (g) => ({ value: `+61 2 ${d(g, 4)} ${d(g, 4)}`, label: "Australian phone" }),
  (g) => ({ value: `+41 44 ${d(g, 3)} ${d(g, 2)} ${d(g, 2)}`, label: "Swiss phone" }),
  (g) => ({ value: `+351 91${d(g, 1)} ${d(g, 3)} ${d(g, 3)}`, label: "Portuguese mobile" }),
  (g) => ({ value: `+52 55 ${d(g, 4)} ${d(g, 4)}`, label: "Mexican phone" }),
  (g) => ({ value: `+4930${g.int(2, 9)}${d(g, 7)}`, label: "German phone E.164" }),
  (g) => ({ value: `+33.1.${d(g, 2)}.${d(g, 2)}.${d(g, 2)}.${d(g, 2)}`, label: "French phone (dots)" }),
];

// ---------- helpers to build samples ----------

const pii = (value: string, label: string): ProbeValue => ({ value, kind: "pii", label });

class Builder {
  readonly samples: ProbeSample[] = [];
  add(id: string, format: string, text: string, sensitive: ProbeValue[], benign?: string[]): void {
    this.samples.push({ id, format, text, sensitive, ...(benign && benign.length > 0 ? { benign } : {}) });
  }
}

// ---------- personal data in context ----------

function fixtures(b: Builder, g: Gen): void {
  // CSV customer exports
  for (let i = 0; i < 6; i++) {
    const rows: string[] = ["id,first_name,last_name,email,phone,country,created_at"];
    const sensitive: ProbeValue[] = [];
    const benign: string[] = [];
    for (let r = 0; r < 4; r++) {
      const p = person(g);
      const phone = g.pick(PHONES)(g);
      const id = String(10_000 + g.int(0, 89_999));
      const created = `2024-0${g.int(1, 9)}-1${g.int(0, 9)}T0${g.int(0, 9)}:${g.int(10, 59)}:${g.int(10, 59)}Z`;
      rows.push(`${id},${p.first},${p.last},${p.email},"${phone.value}",${g.pick(["DE", "GB", "FR", "US", "JP", "BR"])},${created}`);
      sensitive.push(pii(p.email, "email"), pii(phone.value, phone.label));
      benign.push(created);
    }
    b.add(`csv/customers-${i}`, "CSV export", rows.join("\n") + "\n", sensitive, benign);
  }
  // CSV with cards and SSNs (a payments fixture someone wants to anonymise)
  for (let i = 0; i < 3; i++) {
    const rows = ["customer_id;name;ssn;card_number;exp;amount_usd"];
    const sensitive: ProbeValue[] = [];
    for (let r = 0; r < 3; r++) {
      const p = person(g);
      const s = ssn(g);
      const c = card(g, g.pick(["Visa card", "Mastercard", "Amex card", "Discover card"]));
      const written = g.int(0, 1) ? c.compact : c.grouped;
      rows.push(`C-${g.digits(6)};${p.name};${s};${written};0${g.int(1, 9)}/2${g.int(6, 9)};${g.int(10, 999)}.${g.digits(2)}`);
      sensitive.push(pii(s, "US SSN"), pii(written, c.brand));
    }
    b.add(`csv/payments-${i}`, "CSV (semicolon)", rows.join("\n"), sensitive);
  }
  // TSV
  for (let i = 0; i < 2; i++) {
    const sensitive: ProbeValue[] = [];
    const lines = ["user_id\temail\tlast_login_ip\tsignup"];
    for (let r = 0; r < 4; r++) {
      const p = person(g);
      const ip = r % 2 ? publicIpv4(g) : ipv6(g);
      lines.push(`${g.int(1000, 9999)}\t${p.email}\t${ip}\t2023-1${g.int(0, 2)}-0${g.int(1, 9)}`);
      sensitive.push(pii(p.email, "email"), pii(ip, r % 2 ? "IPv4" : "IPv6"));
    }
    b.add(`tsv/users-${i}`, "TSV", lines.join("\n"), sensitive);
  }
  // SQL INSERT
  for (let i = 0; i < 5; i++) {
    const sensitive: ProbeValue[] = [];
    const values: string[] = [];
    for (let r = 0; r < 3; r++) {
      const p = person(g);
      const phone = g.pick(PHONES)(g);
      const acct = iban(g, g.pick(["DE", "FR", "NL", "ES", "IT", "BE"]));
      values.push(`  (${g.int(1, 900)}, '${p.name.replace("'", "''")}', '${p.email}', '${phone.value}', '${acct.compact}', NOW())`);
      sensitive.push(pii(p.email, "email"), pii(phone.value, phone.label), pii(acct.compact, acct.name));
    }
    b.add(
      `sql/insert-${i}`,
      "SQL INSERT",
      `-- seed for local dev, copied from staging\nINSERT INTO customers (id, full_name, email, phone, iban, created_at) VALUES\n${values.join(",\n")};\n`,
      sensitive,
    );
  }
  {
    const p = person(g);
    const s = ssn(g);
    const c = card(g, "Visa card");
    b.add(
      "sql/update-where",
      "SQL",
      `UPDATE employees SET ssn = '${s}', payroll_card = '${c.compact}' WHERE email = '${p.email}' AND dept_id = 42;\n-- why does this fail with ERROR:  value too long for type character varying(11)?`,
      [pii(s, "US SSN"), pii(c.compact, c.brand), pii(p.email, "email")],
    );
  }
  // JSON fixtures
  for (let i = 0; i < 6; i++) {
    const p = person(g);
    const phone = g.pick(PHONES)(g);
    const c = card(g, g.pick(CARD_BRANDS).brand);
    const ip = publicIpv4(g);
    const uuid = `${g.hex(8)}-${g.hex(4)}-4${g.hex(3)}-a${g.hex(3)}-${g.hex(12)}`;
    const written = i % 2 ? c.grouped : c.compact;
    b.add(
      `json/fixture-${i}`,
      "JSON fixture",
      JSON.stringify(
        {
          id: uuid,
          customer: { name: p.name, email: p.email, phone: phone.value },
          payment: { method: "card", number: written, exp_month: g.int(1, 12), exp_year: 2027, cvc: String(g.int(100, 999)) },
          meta: { ip, user_agent: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15" },
        },
        null,
        2,
      ),
      [pii(p.email, "email"), pii(phone.value, phone.label), pii(written, c.brand), pii(ip, "IPv4")],
      [uuid, "605.1.15", "14_2_1", "17.2"],
    );
  }
  {
    const people = [person(g), person(g), person(g)];
    const ids = people.map(() => g.hex(24));
    b.add(
      "json/mongo-export",
      "MongoDB export (JSON lines)",
      people.map((p, k) => `{"_id":{"$oid":"${ids[k]}"},"email":"${p.email.toUpperCase()}","profile":{"displayName":"${p.name}"},"createdAt":{"$date":"2024-02-1${k}T10:15:0${k}.123Z"}}`).join("\n"),
      people.map((p) => pii(p.email.toUpperCase(), "email (upper case)")),
      ids,
    );
  }
  // YAML seeds
  for (let i = 0; i < 4; i++) {
    const p1 = person(g);
    const p2 = person(g);
    const ph = g.pick(PHONES)(g);
    const acct = iban(g, g.pick(["GB", "IE", "CH", "AT", "SE"]));
    b.add(
      `yaml/seed-${i}`,
      "YAML seed",
      `# db/seeds/users.yml\nusers:\n  - name: ${p1.name}\n    email: ${p1.email}\n    phone: "${ph.value}"\n    role: admin\n  - name: ${p2.name}\n    email: "${p2.email}"\n    bank:\n      iban: ${acct.grouped}\n      bic: ${g.pick(["DEUTDEFF", "NWBKGB2L", "BNPAFRPP", "UBSWCHZH80A"])}\n`,
      [pii(p1.email, "email"), pii(ph.value, ph.label), pii(p2.email, "email"), pii(acct.grouped, `${acct.name} (grouped)`)],
    );
  }
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function logs(b: Builder, g: Gen): void {
  // nginx access logs
  for (let i = 0; i < 6; i++) {
    const sensitive: ProbeValue[] = [];
    const lines: string[] = [];
    for (let r = 0; r < 4; r++) {
      const v6 = (i + r) % 3 === 0;
      const ip = v6 ? ipv6(g) : publicIpv4(g);
      const ts = `${10 + r}/${g.pick(MONTHS)}/2024:1${g.int(0, 9)}:${g.int(10, 59)}:${g.int(10, 59)} +0000`;
      let path = `/api/v2/orders/${g.int(1000, 99999)}`;
      if (r === 2) {
        const p = person(g);
        const encoded = p.email.replace("@", "%40");
        path = `/account/reset?email=${encoded}&lang=de`;
        sensitive.push(pii(encoded, "email (URL-encoded)"));
      }
      lines.push(`${ip} - - [${ts}] "GET ${path} HTTP/1.1" ${g.pick([200, 304, 404, 502])} ${g.int(200, 90000)} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36" ${g.int(0, 2)}.${g.digits(3)}`);
      sensitive.push(pii(ip, v6 ? "IPv6" : "IPv4"));
    }
    b.add(`nginx/access-${i}`, "nginx access log", lines.join("\n"), sensitive, ["120.0.6099.130", "537.36", "10.0; Win64"]);
  }
  {
    const client = publicIpv4(g);
    const upstream = privateIpv4(g);
    b.add(
      "nginx/error",
      "nginx error log",
      `2024/03/15 09:41:07 [error] 2817#2817: *19043 upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${client}, server: api.shop.io, request: "POST /checkout HTTP/2.0", upstream: "http://${upstream}:8080/checkout", host: "api.shop.io"`,
      [pii(client, "IPv4"), pii(upstream, "private IPv4")],
      ["2024/03/15 09:41:07", "2817#2817", "*19043"],
    );
  }
  // apache combined with X-Forwarded-For
  for (let i = 0; i < 3; i++) {
    const a = publicIpv4(g);
    const c = publicIpv4(g);
    const proxy = privateIpv4(g);
    b.add(
      `apache/combined-${i}`,
      "Apache access log",
      `${proxy} - frank [10/Oct/2024:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)" xff="${a}, ${c}"`,
      [pii(proxy, "private IPv4"), pii(a, "IPv4"), pii(c, "IPv4")],
      ["10/Oct/2024:13:55:36 -0700"],
    );
  }
  // application logs
  for (let i = 0; i < 8; i++) {
    const p = person(g);
    const ip = i % 2 ? publicIpv4(g) : ipv6Compressed(g);
    const reqId = `${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`;
    const shape = i % 4;
    let text: string;
    if (shape === 0) text = `2024-05-02T14:03:11.482Z INFO  [auth] login succeeded user=${p.email} ip=${ip} request_id=${reqId} duration_ms=132`;
    else if (shape === 1) text = `{"level":"warn","time":1714658591482,"msg":"password reset requested","email":"${p.email}","remote_addr":"${ip}","reqId":"${reqId}"}`;
    else if (shape === 2) text = `May 02 14:03:11 web-3 app[2291]: [${reqId}] Sending invoice INV-2024-${g.digits(5)} to ${p.name} <${p.email}> from ${ip}`;
    else text = `level=error ts=2024-05-02T14:03:11Z caller=mailer.go:88 msg="smtp: 550 5.1.1 mailbox unavailable" rcpt=${p.email} client_ip=${ip} attempt=3`;
    b.add(`applog/line-${i}`, "application log", text, [pii(p.email, "email"), pii(ip, i % 2 ? "IPv4" : "IPv6")], text.includes(reqId) ? [reqId] : []);
  }
  // auth logs
  for (let i = 0; i < 4; i++) {
    const ip = publicIpv4(g);
    const ip2 = publicIpv4(g);
    const port = g.int(30000, 65000);
    b.add(
      `authlog/sshd-${i}`,
      "auth.log",
      `Mar 15 03:12:4${i} bastion sshd[${g.int(1000, 60000)}]: Failed password for invalid user admin from ${ip} port ${port} ssh2\nMar 15 03:12:4${i + 2} bastion sshd[${g.int(1000, 60000)}]: Accepted publickey for deploy from ${ip2} port ${port + 7} ssh2: ED25519 SHA256:${g.alnum(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}`,
      [pii(ip, "IPv4"), pii(ip2, "IPv4")],
      [String(port), String(port + 7)],
    );
  }
  {
    const ip = publicIpv4(g);
    b.add(
      "fail2ban",
      "fail2ban log",
      `2024-03-15 03:14:02,117 fail2ban.actions        [812]: NOTICE  [sshd] Ban ${ip}\n2024-03-15 03:24:02,118 fail2ban.actions        [812]: NOTICE  [sshd] Unban ${ip}`,
      [pii(ip, "IPv4")],
      ["2024-03-15 03:14:02,117"],
    );
  }
  // stack traces with user data
  const traces: ((p: Person) => { text: string; extra: ProbeValue[] })[] = [
    (p) => ({
      text: `Traceback (most recent call last):\n  File "/srv/app/billing/tasks.py", line 214, in charge_customer\n    customer = Customer.objects.get(email="${p.email}")\n  File "/usr/local/lib/python3.11/site-packages/django/db/models/manager.py", line 87, in manager_method\ncustomers.models.Customer.DoesNotExist: Customer matching query does not exist.`,
      extra: [],
    }),
    (p) => {
      const c = card(g, "Mastercard");
      return {
        text: `org.springframework.dao.DataIntegrityViolationException: could not execute statement; SQL [n/a]; constraint [uk_card_number]\n\tat com.shop.payments.CardService.save(CardService.java:142)\nCaused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates unique constraint "uk_card_number"\n  Detail: Key (card_number)=(${c.compact}) already exists.\n  Where: user ${p.email}`,
        extra: [pii(c.compact, c.brand)],
      };
    },
    (p) => ({
      text: `Error: Request failed with status code 422\n    at createError (/app/node_modules/axios/lib/core/createError.js:16:15)\n    at settle (/app/node_modules/axios/lib/core/settle.js:17:12)\n  response: { data: { error: 'email_taken', detail: 'The address ${p.email} is already registered' } }`,
      extra: [],
    }),
    (p) => {
      const s = ssn(g);
      return {
        text: `System.FormatException: Input string '${s}' was not in a correct format for TaxId.\n   at Payroll.Import.W4Parser.Parse(String line) in C:\\src\\Payroll\\Import\\W4Parser.cs:line 57\n   Record: "${p.name}","${p.email}","${s}"`,
        extra: [pii(s, "US SSN")],
      };
    },
    (p) => {
      const acct = iban(g, "DE");
      return {
        text: `panic: sepa: invalid creditor reference for debtor "${p.name}" (${acct.compact})\n\ngoroutine 1 [running]:\nmain.buildMandate(...)\n\t/home/ci/src/sepa/mandate.go:77 +0x1a4\nnotify: ${p.email}`,
        extra: [pii(acct.compact, acct.name)],
      };
    },
  ];
  traces.forEach((make, i) => {
    const p = person(g);
    const { text, extra } = make(p);
    b.add(`stacktrace/${i}`, "stack trace", text, [pii(p.email, "email"), ...extra]);
  });
}

type TicketLang = { lang: string; make: (p: Person, phone: string, acct: string, order: string) => string };
const TICKETS: TicketLang[] = [
  { lang: "English", make: (p, ph, a, o) => `Hi support,\n\nI was charged twice for order ${o}. Please refund to my account ${a}. You can reach me at ${ph} or ${p.email}.\n\nThanks,\n${p.name}` },
  { lang: "German", make: (p, ph, a, o) => `Hallo,\n\nfür die Bestellung ${o} wurde mir der Betrag doppelt abgebucht. Bitte erstatten Sie ihn auf mein Konto ${a}. Sie erreichen mich unter ${ph} oder per E-Mail an ${p.email}.\n\nMit freundlichen Grüßen\n${p.name}` },
  { lang: "French", make: (p, ph, a, o) => `Bonjour,\n\nJ'ai été débité deux fois pour la commande ${o}. Merci de rembourser sur mon compte ${a}. Vous pouvez me joindre au ${ph} ou à l'adresse ${p.email}.\n\nCordialement,\n${p.name}` },
  { lang: "Spanish", make: (p, ph, a, o) => `Hola:\n\nMe cobraron dos veces el pedido ${o}. Por favor, devuelvan el importe a mi cuenta ${a}. Pueden llamarme al ${ph} o escribirme a ${p.email}.\n\nSaludos,\n${p.name}` },
  { lang: "Portuguese", make: (p, ph, a, o) => `Olá,\n\nFui cobrado duas vezes pelo pedido ${o}. Por favor, reembolsem na minha conta ${a}. Meu telefone é ${ph} e meu e-mail é ${p.email}.\n\nObrigado,\n${p.name}` },
  { lang: "Italian", make: (p, ph, a, o) => `Buongiorno,\n\nl'ordine ${o} mi è stato addebitato due volte. Vi prego di rimborsare sul conto ${a}. Potete contattarmi al ${ph} oppure a ${p.email}.\n\nCordiali saluti,\n${p.name}` },
  { lang: "Dutch", make: (p, ph, a, o) => `Beste klantenservice,\n\nBestelling ${o} is twee keer afgeschreven. Graag terugstorten op rekening ${a}. Bereikbaar op ${ph} of via ${p.email}.\n\nMet vriendelijke groet,\n${p.name}` },
  { lang: "Polish", make: (p, ph, a, o) => `Dzień dobry,\n\nza zamówienie ${o} pobrano opłatę dwukrotnie. Proszę o zwrot na konto ${a}. Mój telefon: ${ph}, e-mail: ${p.email}.\n\nPozdrawiam,\n${p.name}` },
  { lang: "Japanese", make: (p, ph, a, o) => `お世話になっております。\n注文番号 ${o} の代金が二重に請求されました。口座 ${a} へ返金をお願いします。\n連絡先：${ph}、メール：${p.email}\n${p.name}` },
  { lang: "Chinese", make: (p, ph, a, o) => `您好，\n订单 ${o} 被重复扣款了。请退款到我的账户 ${a}。\n我的电话是${ph}，邮箱是${p.email}，谢谢！\n${p.name}` },
  { lang: "Korean", make: (p, ph, a, o) => `안녕하세요.\n주문 ${o} 건이 두 번 결제되었습니다. 계좌 ${a} 로 환불 부탁드립니다.\n연락처: ${ph} / 이메일: ${p.email}\n${p.name} 드림` },
  { lang: "Russian", make: (p, ph, a, o) => `Здравствуйте!\n\nЗа заказ ${o} деньги списали дважды. Прошу вернуть средства на счёт ${a}. Мой телефон ${ph}, почта ${p.email}.\n\nС уважением,\n${p.name}` },
  { lang: "Arabic", make: (p, ph, a, o) => `مرحباً،\n\nتم خصم مبلغ الطلب ${o} مرتين. أرجو إعادة المبلغ إلى حسابي ${a}. يمكنكم التواصل معي على ${ph} أو عبر البريد ${p.email}.\n\nشكراً،\n${p.name}` },
  { lang: "Hindi", make: (p, ph, a, o) => `नमस्ते,\n\nऑर्डर ${o} के लिए मुझसे दो बार पैसे काटे गए। कृपया मेरे खाते ${a} में रिफंड करें। मुझसे ${ph} या ${p.email} पर संपर्क करें।\n\nधन्यवाद,\n${p.name}` },
];
const TICKET_COUNTRY: Record<string, { iban: string; phone: number[] }> = {
  English: { iban: "GB", phone: [0, 1, 2, 29] },
  German: { iban: "DE", phone: [4, 5, 6, 7] },
  French: { iban: "FR", phone: [8, 9, 10, 42] },
  Spanish: { iban: "ES", phone: [11, 12] },
  Portuguese: { iban: "PT", phone: [39, 34] },
  Italian: { iban: "IT", phone: [13, 14] },
  Dutch: { iban: "NL", phone: [15, 16] },
  Polish: { iban: "PL", phone: [17, 18] },
  Japanese: { iban: "DE", phone: [19, 20] },
  Chinese: { iban: "FR", phone: [21, 22] },
  Korean: { iban: "AT", phone: [23, 24] },
  Russian: { iban: "FI", phone: [25, 26] },
  Arabic: { iban: "SA", phone: [35, 36] },
  Hindi: { iban: "AE", phone: [27, 28] },
};

function tickets(b: Builder, g: Gen): void {
  for (const round of [0, 1]) {
    for (const t of TICKETS) {
      const country = TICKET_COUNTRY[t.lang]!;
      const p = person(g);
      const phone = PHONES[g.pick(country.phone)]!(g);
      const acct = iban(g, round === 0 ? country.iban : g.pick(["BE", "DK", "NO", "SE", "LU", "BR", "CH"]));
      const accountText = round === 0 ? acct.grouped : acct.compact;
      const order = round === 0 ? `#${g.int(100000, 999999)}` : `A-${g.digits(4)}-${g.digits(4)}`;
      b.add(
        `ticket/${t.lang.toLowerCase()}-${round}`,
        `support ticket (${t.lang})`,
        t.make(p, phone.value, accountText, order),
        [pii(p.email, "email"), pii(phone.value, phone.label), pii(accountText, round === 0 ? `${acct.name} (grouped)` : acct.name)],
        [order],
      );
    }
  }
}

function devTools(b: Builder, g: Gen): void {
  // git log with author emails
  for (let i = 0; i < 3; i++) {
    const a = person(g, g.pick(["acme.io", "users.noreply.github.com", "globex.dev", "gmail.com"]));
    const c = person(g);
    const sha1 = g.hex(40);
    const sha2 = g.hex(40);
    b.add(
      `git/log-${i}`,
      "git log",
      `commit ${sha1}\nAuthor: ${a.name} <${a.email}>\nDate:   Tue Mar 12 16:04:${10 + i} 2024 +0100\n\n    Fix rounding in VAT calculation (#${g.int(100, 999)})\n\n    Co-authored-by: ${c.name} <${c.email}>\n\ncommit ${sha2}\nMerge: ${sha2.slice(0, 7)} ${sha1.slice(0, 7)}\nAuthor: ${a.name} <${a.email}>\nDate:   Mon Mar 11 09:00:00 2024 +0100\n`,
      [pii(a.email, "email (git author)"), pii(c.email, "email (co-author)")],
      [sha1, sha2, "Tue Mar 12 16:04"],
    );
  }
  {
    const a = person(g);
    const c = person(g);
    const h1 = g.hex(8);
    const h2 = g.hex(8);
    b.add(
      "git/blame-e",
      "git blame -e",
      `${h1} (<${a.email}> 2023-11-02 10:14:55 +0100 41)   const total = items.reduce((s, i) => s + i.price, 0);\n${h2} (<${c.email}> 2024-01-19 17:30:02 +0000 42)   return Math.round(total * 100) / 100;`,
      [pii(a.email, "email (git blame)"), pii(c.email, "email (git blame)")],
      [h1, h2, "2023-11-02 10:14:55 +0100"],
    );
  }
  {
    const a = person(g);
    b.add(
      "git/format-patch",
      "git format-patch",
      `From ${g.hex(40)} Mon Sep 17 00:00:00 2001\nFrom: ${a.name} <${a.email}>\nDate: Wed, 6 Mar 2024 11:22:33 +0100\nSubject: [PATCH 2/3] parser: accept CRLF line endings\n\nSigned-off-by: ${a.name} <${a.email}>\n---\n src/parser.rs | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)`,
      [pii(a.email, "email (patch author)")],
      ["Mon Sep 17 00:00:00 2001"],
    );
  }
  // package.json authors
  for (let i = 0; i < 3; i++) {
    const a = person(g);
    const c = person(g);
    b.add(
      `package-json/${i}`,
      "package.json",
      `{\n  "name": "@${ascii(a.last)}/date-utils",\n  "version": "2.${i}.7",\n  "author": "${a.name} <${a.email}> (https://${ascii(a.last)}.dev)",\n  "contributors": [{ "name": "${c.name}", "email": "${c.email}" }],\n  "bugs": { "email": "${c.email}" },\n  "dependencies": { "date-fns": "^3.3.1" }\n}`,
      [pii(a.email, "email (package author)"), pii(c.email, "email (contributor)")],
      [`2.${i}.7`, "^3.3.1"],
    );
  }
  {
    const a = person(g);
    b.add(
      "pyproject",
      "pyproject.toml",
      `[project]\nname = "tinyetl"\nversion = "0.9.12"\nauthors = [{ name = "${a.name}", email = "${a.email}" }]\nrequires-python = ">=3.10"`,
      [pii(a.email, "email (package author)")],
      ["0.9.12", ">=3.10"],
    );
  }
  // HTML with mailto and a form
  for (let i = 0; i < 3; i++) {
    const a = person(g);
    const c = person(g);
    const phone = g.pick(PHONES)(g);
    b.add(
      `html/contact-${i}`,
      "HTML",
      `<footer class="site-footer">\n  <p>Questions? <a href="mailto:${a.email}?subject=Order%20help">${a.email}</a> or call <a href="tel:${phone.value.replace(/[^+\d]/g, "")}">${phone.value}</a></p>\n</footer>\n<form id="profile">\n  <input type="email" name="email" value="${c.email}">\n  <input type="text" name="name" value="${c.name}">\n</form>`,
      [pii(a.email, "email (mailto)"), pii(phone.value, phone.label), pii(phone.value.replace(/[^+\d]/g, ""), `${phone.label} (tel: link)`), pii(c.email, "email (form value)")],
    );
  }
  {
    const ph = PHONES[1]!(g);
    b.add(
      "vcard",
      "vCard",
      `BEGIN:VCARD\nVERSION:3.0\nFN:Aoife Murphy\nEMAIL;TYPE=work:aoife.murphy@ryanhall-legal.ie\nTEL;TYPE=cell:${ph.value}\nEND:VCARD`,
      [pii("aoife.murphy@ryanhall-legal.ie", "email"), pii(ph.value, ph.label)],
    );
  }
}

function emailShapes(b: Builder, g: Gen): void {
  const shapes: { id: string; format: string; text: (e: string) => string; email: string; label: string }[] = [
    { id: "plus", format: "Python", email: "maria.gonzalez+newsletter@gmail.com", label: "email (plus-addressing)", text: (e) => `send_welcome(to="${e}", template="onboarding_v2")` },
    { id: "subdomain", format: "Java", email: "r.okafor@finance.eu.globex-holdings.com", label: "email (subdomain)", text: (e) => `private static final String ESCALATION_CONTACT = "${e}";` },
    { id: "new-tld", format: "prose", email: "hello@kenji.photography", label: "email (new TLD)", text: (e) => `the contact form posts to ${e} but nothing arrives` },
    { id: "new-tld-2", format: "Ruby", email: "ops-oncall@paystream.finance", label: "email (new TLD)", text: (e) => `config.action_mailer.default_options = { from: "${e}" }` },
    { id: "upper", format: "Outlook header", email: "SVEN.LINDQVIST@VOLVOCARS.COM", label: "email (upper case)", text: (e) => `From: LINDQVIST Sven <${e}>\nSent: Tuesday, March 12, 2024 3:41 PM` },
    { id: "idn", format: "prose", email: "info@müller-bäckerei.de", label: "email (IDN domain)", text: (e) => `Die Adresse ${e} wird vom Validator abgelehnt, obwohl sie funktioniert.` },
    { id: "punycode", format: "mail log", email: "info@xn--mller-bckerei-blb5n.de", label: "email (punycode domain)", text: (e) => `postfix/smtp[3112]: 4F2A31C0E9: to=<${e}>, relay=mx.xn--mller-bckerei-blb5n.de[81.169.145.97]:25, status=sent (250 OK)` },
    { id: "eai", format: "prose", email: "josé.garcía@correo.es", label: "email (unicode local part)", text: (e) => `¿Por qué falla el regex con ${e}?` },
    { id: "hyphen-digits", format: "shell", email: "build-bot-42@ci.k8s-prod.example-corp.net", label: "email (hyphens, digits)", text: (e) => `git config --global user.email "${e}"` },
    { id: "underscore", format: "env file", email: "no_reply_billing@shop-eu.com", label: "email", text: (e) => `SMTP_FROM=${e}\nSMTP_PORT=587` },
    { id: "angle-list", format: "email header", email: "chloe.dubois@orange.fr", label: "email (in angle brackets)", text: (e) => `To: "Dubois, Chloé" <${e}>, "Team" <support-team@northwind-traders.com>` },
    { id: "json-escaped", format: "JSON", email: "kim.minjun@naver.com", label: "email (in JSON)", text: (e) => `{"recipients":["${e}","tanaka.yuki@yahoo.co.jp"],"cc":[]}` },
    { id: "cjk-adjacent", format: "Chinese prose", email: "zhang.wei@huaxin-tech.cn", label: "email (no spaces around, CJK)", text: (e) => `请发邮件到${e}联系我们` },
    { id: "trailing-dot", format: "prose", email: "priya.raman@infosys-partners.in", label: "email (end of sentence)", text: (e) => `Forward the logs to ${e}.` },
    { id: "parenthesised", format: "markdown", email: "leila.nasser@bayt-labs.ae", label: "email (parenthesised)", text: (e) => `- Maintainer: Leila Nasser (${e})` },
    { id: "apostrophe", format: "CSV", email: "sean.o'brien@eir.ie", label: "email (apostrophe)", text: (e) => `name,email\nSeán O'Brien,${e}` },
    { id: "numeric-local", format: "log", email: "13800138000@163.com", label: "email (numeric local part)", text: (e) => `WARN bounce: ${e} mailbox full` },
    { id: "gov-domain", format: "prose", email: "j.smith@dwp.gov.uk", label: "email (gov domain)", text: (e) => `the claimant's caseworker is ${e}` },
  ];
  for (const s of shapes) {
    const others: ProbeValue[] = [];
    if (s.id === "angle-list") others.push(pii("support-team@northwind-traders.com", "email (in angle brackets)"));
    if (s.id === "json-escaped") others.push(pii("tanaka.yuki@yahoo.co.jp", "email (in JSON)"));
    if (s.id === "punycode") others.push(pii("81.169.145.97", "IPv4 (mail relay)"));
    b.add(`email/${s.id}`, s.format, s.text(s.email), [pii(s.email, s.label), ...others]);
  }
  void g;
}

function phoneShapes(b: Builder, g: Gen): void {
  // every phone maker once, in varied realistic containers
  const containers: ((v: string) => { text: string; format: string })[] = [
    (v) => ({ text: `Kontakt: ${v} (Mo–Fr 9–17 Uhr)`, format: "prose" }),
    (v) => ({ text: `{"contact":{"phone":"${v}","preferred":"sms"}}`, format: "JSON" }),
    (v) => ({ text: `phone_number: "${v}"\nverified: true`, format: "YAML" }),
    (v) => ({ text: `2024-04-09 08:15:02 INFO sms.dispatch to=${v} template=otp status=queued`, format: "app log" }),
    (v) => ({ text: `| Name | Phone |\n|------|-------|\n| On-call lead | ${v} |`, format: "markdown table" }),
    (v) => ({ text: `<td class="phone">${v}</td>`, format: "HTML" }),
  ];
  PHONES.forEach((make, i) => {
    const phone = make(g);
    const c = containers[i % containers.length]!(phone.value);
    b.add(`phone/${i}-${phone.label.replace(/[^a-z]+/gi, "-").toLowerCase()}`, c.format, c.text, [pii(phone.value, phone.label)]);
  });
  {
    const v = `+1 (646) ${g.int(2, 9)}${g.digits(2)}-${g.digits(4)}`;
    b.add("phone/extension", "email signature", `--\nMarcus Brown | Account Executive\nT: ${v} ext. 214\nM: +1 917 ${g.int(2, 9)}${g.digits(2)} ${g.digits(4)}`, [pii(v, "US phone (with extension)")]);
    const s = b.samples[b.samples.length - 1]!;
    const mobile = s.text.split("M: ")[1]!;
    s.sensitive.push(pii(mobile, "US mobile"));
  }
  {
    const v = `+44 (0) 20 7946 0${g.digits(3)}`;
    b.add("phone/uk-signature", "email signature", `Kind regards,\nAoife\nDirect line ${v} | Switchboard 0800 ${g.digits(3)} ${g.digits(4)}`, [pii(v, "UK phone (fictional range)")]);
    const s = b.samples[b.samples.length - 1]!;
    const board = s.text.split("Switchboard ")[1]!;
    s.sensitive.push(pii(board, "UK freephone (national)"));
  }
}

function cardShapes(b: Builder, g: Gen): void {
  for (const brand of CARD_BRANDS) {
    const c = card(g, brand.brand);
    const c2 = card(g, brand.brand);
    b.add(
      `card/${brand.brand.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-prose`,
      "prose",
      `Customer says the charge on card ${c.grouped} (exp 0${g.int(1, 9)}/27) was declined with code 05 but the bank shows it as pending.`,
      [pii(c.grouped, `${c.brand} (grouped)`)],
    );
    b.add(
      `card/${brand.brand.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-json`,
      "JSON",
      `{"type":"payment_failed","card":{"number":"${c2.compact}","holder":"${g.pick(FIRST)} ${g.pick(LAST)}","brand":"${brand.brand.split(" ")[0]!.toLowerCase()}"},"amount":${g.int(100, 99999)},"currency":"EUR"}`,
      [pii(c2.compact, c2.brand)],
    );
  }
  {
    const c = card(g, "Visa card");
    const dashed = group(c.compact, [4, 4, 4, 4], "-");
    b.add("card/dashed-form", "HTML form post", `POST /checkout\ncc-number=${dashed}&cc-exp=11%2F26&cc-csc=${g.int(100, 999)}&amount=49.90`, [pii(dashed, "Visa card (dashes)")], ["49.90"]);
  }
  {
    const c = card(g, "Mastercard");
    b.add("card/python-test", "Python", `def test_refund_flow(client):\n    resp = client.post("/refund", json={"pan": "${c.compact}", "amount": "12.00"})\n    assert resp.status_code == 200`, [pii(c.compact, c.brand)]);
  }
  {
    const c = card(g, "Amex card");
    b.add("card/german-prose", "German prose", `Die Kreditkarte ${c.grouped} des Kunden wurde am 12.03.2024 belastet.`, [pii(c.grouped, `${c.brand} (grouped)`)], ["12.03.2024"]);
  }
}

function ssnShapes(b: Builder, g: Gen): void {
  const forms: ((s: string, p: Person) => { text: string; format: string; value: string; label: string })[] = [
    (s, p) => ({ format: "form dump", text: `Applicant: ${p.name}\nDOB: 1987-04-12\nSSN: ${s}\nEmployer EIN: 12-${g.digits(7)}`, value: s, label: "US SSN" }),
    (s) => ({ format: "JSON", text: `{"taxpayer":{"ssn":"${s.replace(/-/g, "")}","filing_status":"single"}}`, value: s.replace(/-/g, ""), label: "US SSN (no dashes)" }),
    (s, p) => ({ format: "CSV", text: `employee_id,name,ssn,start_date\nE${g.digits(5)},${p.name},${s},2021-06-01`, value: s, label: "US SSN" }),
    (s) => ({ format: "prose", text: `my social security number is ${s.replace(/-/g, " ")} and the IRS letter says it doesn't match`, value: s.replace(/-/g, " "), label: "US SSN (spaces)" }),
    (s) => ({ format: "log", text: `2024-02-01T12:00:00Z DEBUG kyc.verify ssn=${s} result=mismatch score=0.42`, value: s, label: "US SSN" }),
    (s, p) => ({ format: "SQL", text: `SELECT * FROM applicants WHERE ssn = '${s}' OR email = '${p.email}';`, value: s, label: "US SSN" }),
  ];
  forms.forEach((make, i) => {
    const p = person(g);
    const f = make(ssn(g), p);
    const sensitive = [pii(f.value, f.label)];
    if (f.text.includes(p.email)) sensitive.push(pii(p.email, "email"));
    b.add(`ssn/${i}`, f.format, f.text, sensitive);
  });
}

function ibanShapes(b: Builder, g: Gen): void {
  const countries = Object.keys(IBAN_SHAPES);
  countries.forEach((country, i) => {
    const acct = iban(g, country);
    const p = person(g);
    const style = i % 3;
    if (style === 0) {
      b.add(
        `iban/${country}-invoice`,
        "invoice text",
        `INVOICE ${g.int(2024, 2024)}-${g.digits(4)}\nBill to: ${p.name}\nPayable within 14 days to\nIBAN: ${acct.grouped}\nBIC: ${g.pick(["COBADEFFXXX", "BNPAFRPPXXX", "INGBNL2A", "NDEASESS"])}\nTotal due: EUR 1.249,00`,
        [pii(acct.grouped, `${acct.name} (grouped)`)],
        ["1.249,00"],
      );
    } else if (style === 1) {
      const e2e = `E2E-${g.digits(10)}`;
      b.add(
        `iban/${country}-sepa-xml`,
        "SEPA pain.001 XML",
        `<CdtTrfTxInf>\n  <PmtId><EndToEndId>${e2e}</EndToEndId></PmtId>\n  <Amt><InstdAmt Ccy="EUR">${g.int(10, 9999)}.${g.digits(2)}</InstdAmt></Amt>\n  <Cdtr><Nm>${p.name}</Nm></Cdtr>\n  <CdtrAcct><Id><IBAN>${acct.compact}</IBAN></Id></CdtrAcct>\n  <RmtInf><Ustrd>Invoice ${g.digits(6)}</Ustrd></RmtInf>\n</CdtTrfTxInf>`,
        [pii(acct.compact, acct.name)],
        [e2e],
      );
    } else {
      b.add(
        `iban/${country}-code`,
        "TypeScript test",
        `it("accepts a ${country} account", () => {\n  expect(parsePayee({ name: "${p.name}", iban: "${acct.compact}" }).ok).toBe(true);\n});`,
        [pii(acct.compact, acct.name)],
      );
    }
  });
  {
    const acct = iban(g, "DE");
    const lower = acct.grouped.toLowerCase();
    b.add("iban/lowercase", "chat", `kannst du mir sagen warum ${lower} als ungültig markiert wird?`, [pii(lower, "German IBAN (lower case)")]);
  }
}

function ipShapes(b: Builder, g: Gen): void {
  {
    const a = publicIpv4(g);
    const c = publicIpv4(g);
    b.add("ip/ufw", "firewall rules", `sudo ufw allow from ${a} to any port 22 proto tcp\nsudo ufw deny from ${c}\nsudo ufw allow 443/tcp`, [pii(a, "IPv4"), pii(c, "IPv4")], ["443/tcp"]);
  }
  {
    const a = publicIpv4(g);
    b.add("ip/iptables", "iptables", `-A INPUT -s ${a}/32 -p tcp -m tcp --dport 5432 -j ACCEPT\n-A INPUT -s 10.0.0.0/8 -j ACCEPT\n-A INPUT -j DROP`, [pii(a, "IPv4")], ["10.0.0.0/8"]);
  }
  {
    const v4 = privateIpv4(g);
    const v6 = ipv6(g);
    const ll = `fe80::${g.hex(4)}:${g.hex(2)}ff:fe${g.hex(2)}:${g.hex(4)}`;
    b.add(
      "ip/ip-addr",
      "ip addr output",
      `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 52:54:00:${g.hex(2)}:${g.hex(2)}:${g.hex(2)} brd ff:ff:ff:ff:ff:ff\n    inet ${v4}/24 brd ${v4.split(".").slice(0, 3).join(".")}.255 scope global dynamic eth0\n       valid_lft 86231sec preferred_lft 86231sec\n    inet6 ${v6}/64 scope global dynamic mngtmpaddr\n    inet6 ${ll}/64 scope link`,
      [pii(v4, "private IPv4"), pii(`${v4.split(".").slice(0, 3).join(".")}.255`, "private IPv4 (broadcast)"), pii(v6, "IPv6"), pii(ll, "IPv6 link-local")],
      ["1500", "86231sec"],
    );
  }
  {
    const a = publicIpv4(g);
    b.add("ip/pg-hba", "pg_hba.conf", `# TYPE  DATABASE  USER     ADDRESS            METHOD\nhost    all       analyst  ${a}/32   scram-sha-256\nhost    all       all      127.0.0.1/32       trust`, [pii(a, "IPv4")], ["127.0.0.1/32"]);
  }
  {
    const a = ipv6Compressed(g);
    b.add("ip/nginx-conf", "nginx config", `location /admin {\n    allow ${a};\n    allow 192.168.0.0/16;\n    deny  all;\n}\nlisten [::]:443 ssl http2;`, [pii(a, "IPv6")], ["192.168.0.0/16", "[::]:443"]);
  }
  {
    const a = ipv6(g);
    const port = g.int(1024, 65000);
    b.add("ip/bracketed-v6", "curl output", `* Trying [${a}]:${port}...\n* Connected to api.internal (${a}) port ${port}`, [pii(a, "IPv6")]);
  }
  {
    const a = publicIpv4(g);
    b.add("ip/mapped", "Node.js log", `req.socket.remoteAddress = '::ffff:${a}'`, [pii(a, "IPv4 (IPv4-mapped IPv6)")]);
  }
  {
    const a = publicIpv4(g);
    const c = publicIpv4(g);
    b.add("ip/cloudflare-headers", "HTTP headers", `CF-Connecting-IP: ${a}\nX-Forwarded-For: ${a}, ${c}\nX-Request-Id: ${g.hex(32)}`, [pii(a, "IPv4"), pii(c, "IPv4")]);
  }
  {
    const a = privateIpv4(g);
    const c = privateIpv4(g);
    b.add("ip/hosts", "/etc/hosts", `127.0.0.1   localhost\n::1         localhost ip6-localhost\n${a}  db-primary.internal\n${c}  db-replica.internal`, [pii(a, "private IPv4"), pii(c, "private IPv4")], ["127.0.0.1", "::1"]);
  }
  {
    const a = publicIpv4(g);
    b.add("ip/geo-json", "JSON", `{"ip":"${a}","city":"Lyon","region":"Auvergne-Rhône-Alpes","loc":"45.7485,4.8467","postal":"69001","timezone":"Europe/Paris"}`, [pii(a, "IPv4")], ["45.7485,4.8467", "69001"]);
  }
  {
    const a = publicIpv4(g);
    b.add("ip/sentence-end", "prose", `Our WAF keeps blocking the office, whose IP is ${a}.`, [pii(a, "IPv4 (end of sentence)")]);
  }
  {
    const a = publicIpv4(g);
    b.add("ip/docker-ps", "kubectl output", `NAME                      READY   STATUS    RESTARTS   AGE   IP\napi-7d9f8b6c5d-x2x7k      1/1     Running   0          3d    ${privateIpv4(g)}\nLoadBalancer Ingress:     ${a}`, [pii(a, "IPv4")], ["7d9f8b6c5d-x2x7k"]);
    const s = b.samples[b.samples.length - 1]!;
    const pod = s.text.split("3d    ")[1]!.split("\n")[0]!;
    s.sensitive.push(pii(pod, "private IPv4"));
  }
}

// ---------- look-alikes that must not be flagged ----------

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function lookAlikes(b: Builder, g: Gen): void {
  const none = (id: string, format: string, text: string, benign: string[]) => b.add(id, format, text, [], benign);

  // hashes and ids
  {
    const shas = [g.hex(7), g.hex(7), g.hex(7), g.hex(7)];
    none("benign/git-oneline", "git log --oneline", shas.map((s, i) => `${s} ${["fix: handle empty cart", "chore(deps): bump vite to 5.1.4", "feat: add SEPA export", "Revert \"feat: add SEPA export\""][i]}`).join("\n"), shas);
  }
  {
    const a = g.hex(7);
    const c = g.hex(7);
    none("benign/git-diff", "git diff", `diff --git a/src/price.ts b/src/price.ts\nindex ${a}..${c} 100644\n--- a/src/price.ts\n+++ b/src/price.ts\n@@ -12,7 +12,7 @@ export function vat(amount: number) {\n-  return amount * 0.19;\n+  return Math.round(amount * 19) / 100;`, [a, c, "100644", "@@ -12,7 +12,7 @@"]);
  }
  {
    const full = g.hex(40);
    none("benign/git-rev-parse", "shell", `$ git rev-parse HEAD\n${full}\n$ git describe --tags\nv3.14.2-18-g${full.slice(0, 9)}`, [full, `v3.14.2-18-g${full.slice(0, 9)}`]);
  }
  {
    const h = [g.hex(64), g.hex(64), g.hex(40), g.hex(128)];
    none("benign/sha256sum", "sha256sum output", `${h[0]}  node-v20.11.1-linux-x64.tar.xz\n${h[1]}  SHASUMS256.txt\n# sha1\n${h[2]}  release.zip\n# sha512\n${h[3]}  release.zip`, h);
  }
  {
    const dg = g.hex(64);
    none("benign/docker-digest", "docker pull", `latest: Pulling from library/postgres\nDigest: sha256:${dg}\nStatus: Downloaded newer image for postgres:16.2\nimage: postgres@sha256:${dg}`, [`sha256:${dg}`, "postgres:16.2"]);
  }
  {
    const u = Array.from({ length: 5 }, () => `${g.hex(8)}-${g.hex(4)}-${g.pick(["4", "7", "1"])}${g.hex(3)}-${g.pick(["8", "9", "a", "b"])}${g.hex(3)}-${g.hex(12)}`);
    none("benign/uuids", "JSON", JSON.stringify({ tenantId: u[0], userId: u[1], sessionId: u[2], items: [u[3], u[4]] }), u);
  }
  {
    const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const ulids = [`01H${g.alnum(23, crockford)}`, `01J${g.alnum(23, crockford)}`];
    const ksuid = g.alnum(27, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
    const oid = g.hex(24);
    none("benign/ulid-ksuid-oid", "log", `event_id=${ulids[0]} parent=${ulids[1]} ksuid=${ksuid} mongo_id=ObjectId("${oid}")`, [...ulids, ksuid, oid]);
  }
  {
    const integ = [`sha512-${g.alnum(86, B64)}==`, `sha512-${g.alnum(86, B64)}==`, `sha1-${g.alnum(27, B64)}=`];
    none("benign/package-lock", "package-lock.json", `"node_modules/lodash": {\n  "version": "4.17.21",\n  "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz",\n  "integrity": "${integ[0]}"\n},\n"node_modules/ms": {\n  "version": "2.1.3",\n  "integrity": "${integ[1]}"\n},\n"node_modules/old": { "version": "0.0.1", "integrity": "${integ[2]}" }`, [...integ, "4.17.21", "2.1.3"]);
  }
  {
    const h = g.hex(40);
    const integ = `sha512-${g.alnum(86, B64)}==`;
    none("benign/yarn-lock", "yarn.lock", `"@babel/core@^7.23.9", "@babel/core@^7.24.0":\n  version "7.24.0"\n  resolved "https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz#${h}"\n  integrity ${integ}`, [h, integ, "@babel/core@^7.23.9", "7.24.0"]);
  }
  {
    const integ = `sha512-${g.alnum(86, B64)}==`;
    none("benign/pnpm-lock", "pnpm-lock.yaml", `  /@types/node@20.11.24:\n    resolution: {integrity: ${integ}}\n    dependencies:\n      undici-types: 5.26.5`, [integ, "/@types/node@20.11.24", "5.26.5"]);
  }
  {
    const c = [g.hex(64), g.hex(64)];
    none("benign/cargo-lock", "Cargo.lock", `[[package]]\nname = "serde"\nversion = "1.0.197"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "${c[0]}"\n\n[[package]]\nname = "tokio"\nversion = "1.36.0"\nchecksum = "${c[1]}"`, [...c, "1.0.197", "1.36.0"]);
  }
  {
    const h = [`h1:${g.alnum(43, B64)}=`, `h1:${g.alnum(43, B64)}=`];
    none("benign/go-sum", "go.sum", `github.com/google/uuid v1.6.0 ${h[0]}\ngithub.com/google/uuid v1.6.0/go.mod ${h[1]}`, [...h, "v1.6.0"]);
  }
  {
    const png = `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAA${g.alnum(600, B64)}AAAAAElFTkSuQmCC`;
    none("benign/data-uri-png", "CSS", `.logo {\n  background-image: url("${png}");\n  width: 16px;\n}`, [png]);
  }
  {
    const jpg = `data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEASABIAAD/${g.alnum(900, B64)}/9k=`;
    none("benign/data-uri-jpeg", "HTML", `<img alt="avatar" src="${jpg}" width="64" height="64">`, [jpg]);
  }
  {
    const blob = g.alnum(1200, B64);
    none("benign/base64-attachment", "JSON", `{"filename":"report.pdf","contentType":"application/pdf","data":"JVBERi0xLjcK${blob}"}`, [`JVBERi0xLjcK${blob}`]);
  }
  {
    const min = `!function(e,t){"object"==typeof exports&&"undefined"!=typeof module?module.exports=t():"function"==typeof define&&define.amd?define(t):(e=e||self).dayjs=t()}(this,function(){"use strict";var e=1e3,t=6e4,n=36e5,r="millisecond",i="second",s="minute",u="hour",a="day",o="week",f="month",h="quarter",c="year",d="date",l="Invalid Date",$=/^(\\d{4})[-/]?(\\d{1,2})?[-/]?(\\d{0,2})[Tt\\s]*(\\d{1,2})?:?(\\d{1,2})?:?(\\d{1,2})?[.:]?(\\d+)?$/,y=/\\[([^\\]]+)]|Y{1,4}|M{1,4}|D{1,2}|d{1,4}|H{1,2}|h{1,2}|a|A|m{1,2}|s{1,2}|Z{1,2}|SSS/g,M={name:"en",weekdays:"Sunday_Monday_Tuesday_Wednesday_Thursday_Friday_Saturday".split("_"),months:"January_February_March_April_May_June_July_August_September_October_November_December".split("_")};var p=function(e,t,n){var r=String(e);return!r||r.length>=t?e:""+Array(t+1-r.length).join(n)+e}`;
    none("benign/minified-js", "minified JS", min, [min]);
  }
  {
    const mappings = Array.from({ length: 40 }, () => g.alnum(g.int(4, 8), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")).join(",");
    const text = `{"version":3,"file":"main.4f3a9c1e.js","sources":["webpack://app/./src/index.tsx"],"names":["React","render"],"mappings":"${mappings};AAAA,SAASA"}`;
    none("benign/source-map", "source map", text, [mappings, "main.4f3a9c1e.js"]);
  }

  // card-like numbers that fail Luhn, and test cards
  {
    const bad = [luhnInvalid(g, "4539", 16), luhnInvalid(g, "5412", 16), luhnInvalid(g, "3714", 15)];
    none("benign/luhn-fail-tests", "TypeScript test", `describe("isValidCard", () => {\n  it.each(["${bad[0]}", "${group(bad[1]!, [4, 4, 4, 4])}", "${group(bad[2]!, [4, 6, 5])}"])("rejects %s (bad check digit)", (n) => {\n    expect(isValidCard(n)).toBe(false);\n  });\n});`, [bad[0]!, group(bad[1]!, [4, 4, 4, 4]), group(bad[2]!, [4, 6, 5])]);
  }
  {
    const bad = luhnInvalid(g, "4716", 16);
    none("benign/luhn-fail-log", "app log", `2024-03-02T10:00:01Z WARN checkout: rejected card input len=16 luhn=false value_hash=${g.hex(16)} order=${g.int(100000, 999999)}\nreference ${bad} not found`, [bad]);
  }
  {
    const order = luhnInvalid(g, "5", 16);
    const track = `1Z${g.alnum(6)}${g.digits(10)}`;
    const usps = `9400 1${g.digits(3)} ${g.digits(4)} ${g.digits(4)} ${g.digits(4)} ${g.digits(2)}`;
    none("benign/order-tracking", "shipping email", `Your order ${order} has shipped!\nUPS tracking: ${track}\nUSPS: ${usps}\nEstimated delivery: Thu, Mar 21`, [order, track, usps]);
  }
  {
    const isbns = ["978-3-16-148410-0", "978-0-13-468599-1", "0-306-40615-2"];
    none("benign/isbn", "bibliography", `- Refactoring, 2nd ed. ISBN ${isbns[1]}\n- Example book ISBN ${isbns[0]}\n- Old print ISBN ${isbns[2]}`, isbns);
  }
  {
    const tests = ["4111 1111 1111 1111", "4242 4242 4242 4242", "5555 5555 5555 4444", "3782 822463 10005"];
    none("benign/documented-test-cards", "README", `## Testing payments\nUse Stripe's test cards in test mode:\n- \`${tests[1]}\` succeeds\n- \`${tests[0]}\` Visa (generic gateways)\n- \`${tests[2]}\` Mastercard\n- \`${tests[3]}\` Amex\nAny future expiry and any CVC work.`, tests);
  }
  {
    const bad = [iban(g, "DE", false), iban(g, "FR", false), iban(g, "GB", false)];
    none("benign/iban-bad-check", "Python test", `@pytest.mark.parametrize("value", [\n    "${bad[0]!.compact}",\n    "${bad[1]!.grouped}",\n    "${bad[2]!.compact}",\n])\ndef test_rejects_wrong_check_digits(value):\n    assert not is_valid_iban(value)`, bad.map((x, i) => (i === 1 ? x.grouped : x.compact)));
  }
  {
    const ibanPlaceholders = ["DE00 0000 0000 0000 0000 00", "DEkk bbbb bbbb cccc cccc cc", "XX00 0000 0000 0000"];
    none("benign/iban-placeholder", "form hint", `<input name="iban" placeholder="${ibanPlaceholders[0]}">\n<small>Format: ${ibanPlaceholders[1]} (k = check digits)</small>\n<!-- generic: ${ibanPlaceholders[2]} -->`, ibanPlaceholders);
  }
  {
    const bad = ["000-12-3456", "666-45-6789", "912-34-5678", "123-00-4567", "219-09-0000"];
    none("benign/ssn-invalid", "Go test", `var invalidSSNs = []string{\n\t"${bad[0]}", // area 000\n\t"${bad[1]}", // area 666\n\t"${bad[2]}", // 9xx is never issued\n\t"${bad[3]}", // group 00\n\t"${bad[4]}", // serial 0000\n}`, bad);
  }
  {
    const placeholders = ["XXX-XX-XXXX", "***-**-1234", "###-##-####"];
    none("benign/ssn-masked", "HTML", `<label>SSN <input placeholder="${placeholders[0]}"></label>\n<p>On file: ${placeholders[1]}</p>\n<!-- mask: ${placeholders[2]} -->`, placeholders);
  }

  // phone-like numbers that are not phones
  {
    const t = [`${1700000000000 + g.int(0, 99999999)}`, `${1690000000 + g.int(0, 9999999)}`, `${1710000000000 + g.int(0, 99999999)}`];
    none("benign/epoch", "JSON", `{"createdAt":${t[0]},"exp":${t[1]},"iat":${Number(t[1]) - 3600},"lastSeenMs":${t[2]}}`, t);
  }
  {
    const ts = ["2024-03-15 14:22:05.123456", "2024-03-15T14:22:05+01:00", "15/03/2024 14:22", "20240315142205"];
    none("benign/timestamps", "log", `started=${ts[0]} tz=${ts[1]} user_fmt="${ts[2]}" compact=${ts[3]} took 00:01:23.456`, [...ts, "00:01:23.456"]);
  }
  {
    const benign = ["1920x1080", "3840 x 2160", "1.7777777777777777", "0.5625", "59.94"];
    none("benign/dimensions", "ffprobe output", `Stream #0:0(und): Video: h264 (High), yuv420p(tv, bt709), ${benign[0]} [SAR 1:1 DAR 16:9], 8123 kb/s, ${benign[4]} fps\nscaled to ${benign[1]}; aspect ${benign[2]} (inverse ${benign[3]})`, benign);
  }
  {
    const v = ["1.2.3.4", "10.0.19045.3803", "4.8.09032", "120.0.6099.130", "2.0.50727.8950", "6.1.7601.24544"];
    none("benign/versions-4part", "C# / Windows", `[assembly: AssemblyVersion("${v[0]}")]\n// OS: Microsoft Windows ${v[1]}, .NET Framework ${v[2]} (CLR ${v[4]})\n// Chrome ${v[3]}\n// kernel32.dll ${v[5]}`, v);
  }
  {
    const v = ["3.12.1", "v18.19.0", "1.0.0-rc.1+build.20240315", "^5.3.3", "~2.8.8", "2.31.0"];
    none("benign/semver", "shell", `$ python --version\nPython ${v[0]}\n$ node -v\n${v[1]}\nversion: ${v[2]}\n"typescript": "${v[3]}", "prettier": "${v[4]}"\nrequests==${v[5]}`, v);
  }
  {
    const oids = ["1.3.6.1.4.1.311.21.8", "1.2.840.113549.1.1.11", "2.5.29.17", "1.3.6.1.2.1.1.5.0"];
    none("benign/oids", "openssl / snmp", `Signature Algorithm: sha256WithRSAEncryption (${oids[1]})\nX509v3 Subject Alternative Name (${oids[2]})\nCertificate Template (${oids[0]})\n$ snmpget -v2c -c public switch01 ${oids[3]}`, oids);
  }
  {
    const m = ["$1,234,567.89", "€ 12.499,00", "¥1,200,000", "-0.000123", "3.14159265358979", "1e-9", "6.02214076e23"];
    none("benign/money-decimals", "prose", `Q3 revenue ${m[0]}, EU invoice ${m[1]}, JP ${m[2]}; drift ${m[3]}; pi ${m[4]}; eps ${m[5]}; N_A ${m[6]}`, m);
  }
  {
    const z = ["94103", "10115", "75008", "SW1A 1AA", "100-0001", "01310-100"];
    const coords = ["37.7749, -122.4194", "52.520008,13.404954", "-33.8688, 151.2093"];
    none("benign/zip-coords", "CSV", `office,zip,lat_lng\nSF,${z[0]},"${coords[0]}"\nBerlin,${z[1]},"${coords[1]}"\nParis,${z[2]},\nLondon,${z[3]},\nTokyo,${z[4]},\nSão Paulo,${z[5]},\nSydney,2000,"${coords[2]}"`, [...z, ...coords]);
  }
  {
    const ports = ["0.0.0.0:5432", "127.0.0.1:6379", ":::8080", "localhost:3000"];
    none("benign/ports", "netstat", `tcp   0  0 ${ports[0]}   0.0.0.0:*   LISTEN   1234/postgres\ntcp   0  0 ${ports[1]}  0.0.0.0:*   LISTEN   987/redis-server\ntcp6  0  0 ${ports[2]}        :::*        LISTEN   4412/node\n# app at http://${ports[3]}`, [...ports, "0.0.0.0:*", ":::*"]);
  }
  {
    const nums = ["+1.5%", "+0.25", "-12.5", "(555)", "+49", "1-800", "2024-03-15"];
    none("benign/arith", "Python", `delta = +0.25  # rose +1.5% vs -12.5 last week\nassert format_phone("") == ""  # TODO edge case (555) alone\ncountry_codes = {"DE": "+49", "US": "+1"}\nTOLL_FREE_PREFIX = "1-800"\nrelease_date = date.fromisoformat("2024-03-15")`, nums);
  }
  {
    const ids = ["INV-2024-000183", "PO 4500012345", "ORD-9F3K2-77812", "Case #00482913", "RMA-20240315-0042"];
    none("benign/business-ids", "email", `Re: ${ids[0]} / ${ids[1]}\nYour order ${ids[2]} (${ids[3]}) was approved for return ${ids[4]}.`, ids);
  }
  {
    const ph = ["+1 (XXX) XXX-XXXX", "+49 30 XXXXXXXX", "(555) 555-5555", "+XX XXX XXX XXXX", "+1 (___) ___-____"];
    none("benign/phone-placeholders", "React", `<input type="tel" placeholder="${ph[0]}" />\n<input placeholder="${ph[1]}" />\n<input placeholder="${ph[2]}" />\n<Hint>Format: ${ph[3]}</Hint>\n<InputMask mask="${ph[4]}" />`, ph);
  }
  {
    const mac = "52:54:00:ab:cd:ef";
    const ipv6Like = ["fe80::/10", "::/0", "ff02::1"];
    none("benign/ipv6-ranges", "routing table", `::/0 via fe80::1 dev eth0 proto ra metric 1024\nfe80::/10 dev eth0 proto kernel metric 256\nmulticast ${ipv6Like[2]} dev eth0 table local\nlink/ether ${mac}`, ipv6Like);
  }
  {
    const m = ["255.255.255.0", "255.255.0.0", "0.0.0.0/0", "10.0.0.0/16", "172.16.0.0/12"];
    none("benign/netmasks-cidr", "Terraform", `resource "aws_vpc" "main" { cidr_block = "${m[3]}" }\nresource "aws_security_group_rule" "egress" { cidr_blocks = ["${m[2]}"] }\n# peer range ${m[4]}\nnetmask ${m[0]} / ${m[1]}`, m);
  }
  {
    const loop = ["127.0.0.1", "0.0.0.0", "::1", "localhost"];
    none("benign/loopback", "docker-compose.yml", `services:\n  api:\n    ports: ["${loop[0]}:8080:8080"]\n    environment:\n      HOST: ${loop[1]}\n      REDIS_URL: redis://${loop[3]}:6379\n    healthcheck:\n      test: ["CMD", "curl", "-f", "http://[${loop[2]}]:8080/health"]`, loop);
  }
  {
    const doc = ["192.0.2.10", "198.51.100.23", "203.0.113.7", "2001:db8::1", "2001:db8:85a3::8a2e:370:7334"];
    none("benign/doc-ip-ranges", "README", `Allow the bastion (e.g. \`${doc[0]}\`) and the NAT gateways \`${doc[1]}\`, \`${doc[2]}\`.\nIPv6 example: \`${doc[3]}\` or \`${doc[4]}\`.`, doc);
  }
  {
    const doc = ["user@example.com", "jane.doe@example.org", "admin@example.net", "alice@test.example", "bob@foo.invalid", "noreply@mydomain.test"];
    none("benign/doc-emails", "README", `\`\`\`bash\ncurl -X POST /api/invite -d '{"email":"${doc[0]}"}'\n\`\`\`\nReplace ${doc[1]} with your address. Other examples: ${doc[2]}, ${doc[3]}, ${doc[4]}, ${doc[5]}.`, doc);
  }
  {
    const ph = ["${USER_EMAIL}", "{{ user.email }}", "<your-email>", "your.name@company", "%(email)s"];
    none("benign/email-placeholders", "templates", `ADMIN_EMAIL=${ph[0]}\n<p>Hello {{ user.name }}, we sent a link to {{ user.email }}.</p>\ngit config user.email "${ph[2]}"\n# e.g. ${ph[3]}\nlog.info("invited %(email)s")`, ph);
  }
  // email-like strings that are not mailboxes
  {
    const s = ["git@github.com:acme/payments-api.git", "git@gitlab.com:platform/infra.git", "ssh://git@bitbucket.org/team/repo.git"];
    none("benign/git-remotes", "git remote -v", `origin\t${s[0]} (fetch)\norigin\t${s[0]} (push)\nmirror\t${s[1]} (push)\nold\t${s[2]} (fetch)`, s);
  }
  {
    const s = ["deploy@bastion", "ubuntu@ip-10-0-3-17", "root@db-primary.internal"];
    none("benign/ssh-user-host", "shell", `$ ssh -J ${s[0]} ${s[1]}\n$ scp dump.sql ${s[2]}:/var/backups/\n${s[1]}:~$ uptime`, s);
  }
  {
    const s = ["@angular/core@17.3.0", "@types/node@20.11.24", "react-dom@18.2.0", "@scope/pkg@1.2.3", "lodash@^4.17.21"];
    none("benign/npm-specs", "shell", `npm i ${s[0]} ${s[1]} ${s[2]}\npnpm add ${s[3]}\nyarn why ${s[4]}`, s);
  }
  {
    const s = ["@Component", "@Injectable", "@property", "@dataclass", "@media", "@keyframes", "@SpringBootApplication"];
    none("benign/decorators", "mixed code", `@Component({ selector: "app-root" })\nexport class AppComponent {}\n@Injectable()\nclass Svc {}\n\nclass P:\n    @property\n    def name(self): ...\n@dataclass\nclass D: ...\n@media (max-width: 600px) {}\n@keyframes spin {}\n@SpringBootApplication\npublic class App {}`, s);
  }
  {
    const s = ["logo@2x.png", "icon@3x.webp", "hero@1.5x.jpg"];
    none("benign/retina-assets", "HTML", `<img src="/img/${s[0]}" srcset="/img/${s[0]} 2x, /img/${s[1]} 3x">\n<img src="/img/${s[2]}">`, s);
  }
  {
    const s = ["golang.org/x/net@v0.21.0", "github.com/stretchr/testify@v1.9.0", "docker.io/library/nginx@sha256"];
    none("benign/go-module-at", "shell", `go get ${s[0]}\ngo install ${s[1]}\n# pinned ${s[2]}:${g.hex(64)}`, s);
  }
  {
    const s = ["@everyone", "@here", "@octocat", "@jane-doe"];
    none("benign/mentions", "GitHub comment", `cc ${s[3]} ${s[2]} — can you review? (${s[0]} ${s[1]} pls ignore)`, s);
  }
  {
    const s = ["user@host", "postgres@localhost", "admin@127.0.0.1"];
    none("benign/user-at-host-doc", "psql", `$ psql -h localhost -U postgres\npsql (16.2)\n${s[1]}=# \\conninfo\n-- sshd_config: AllowUsers ${s[0]} ${s[2]}`, s);
  }
  {
    const s = [`${g.hex(12)}`, `${g.hex(12)}`];
    none("benign/docker-ps", "docker ps", `CONTAINER ID   IMAGE          COMMAND                  CREATED       STATUS       PORTS                    NAMES\n${s[0]}   redis:7.2.4    "docker-entrypoint.s…"   2 hours ago   Up 2 hours   0.0.0.0:6379->6379/tcp   cache\n${s[1]}   postgres:16    "docker-entrypoint.s…"   2 hours ago   Up 2 hours   5432/tcp                 db`, [...s, "0.0.0.0:6379->6379/tcp", "redis:7.2.4"]);
  }
  {
    const s = ["k8s.gcr.io/pause:3.9", "registry.k8s.io/etcd:3.5.12-0"];
    const u = `${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`;
    none("benign/k8s-describe", "kubectl describe", `Name:         etcd-control-plane\nUID:          ${u}\nImage:        ${s[1]}\nSandbox:      ${s[0]}\nStart Time:   Fri, 15 Mar 2024 09:12:44 +0000\nRestart Count: 3`, [u, ...s, "Fri, 15 Mar 2024 09:12:44 +0000"]);
  }
  {
    const stack = [`0x${g.hex(16)}`, `0x${g.hex(16)}`, `0x${g.hex(8)}`];
    none("benign/hex-addresses", "crash dump", `#0  ${stack[0]} in __GI_raise (sig=sig@entry=6) at ../sysdeps/unix/sysv/linux/raise.c:50\n#1  ${stack[1]} in __GI_abort () at abort.c:79\nsegfault at ${stack[2]} ip 00007f3a2c1e4d8b sp 00007ffd5e9b3c10 error 4`, [...stack, "00007f3a2c1e4d8b", "00007ffd5e9b3c10", "sig@entry"]);
  }
  {
    const s = [g.digits(18), g.digits(18), g.digits(16)];
    const withPrefix = s.map((x, i) => (i === 2 ? `9${x.slice(1)}` : `1${x.slice(1)}`));
    // a 9-prefixed 16-digit id must not pass Luhn, or it would be a fair card detection
    if (luhnCheckDigit(withPrefix[2]!.slice(0, -1)) === Number(withPrefix[2]!.slice(-1))) withPrefix[2] = withPrefix[2]!.slice(0, -1) + String((Number(withPrefix[2]!.slice(-1)) + 1) % 10);
    none("benign/long-numeric-ids", "JSON", `{"guild_id":"${withPrefix[0]}","channel_id":"${withPrefix[1]}","trace_id":${withPrefix[2]},"span":"${g.hex(16)}"}`, withPrefix);
  }
  {
    const ga = ["G-7XK2P9QHZL", "UA-12345678-1", "GTM-5ZR8W3Q"];
    none("benign/analytics-ids", "HTML", `<script async src="https://www.googletagmanager.com/gtag/js?id=${ga[0]}"></script>\n<!-- legacy ${ga[1]} / ${ga[2]} -->`, ga);
  }
  {
    const s = ["#3B82F6", "#0f172a", "rgba(15, 23, 42, 0.8)", "hsl(217.2 91.2% 59.8%)"];
    none("benign/css-colors", "CSS", `:root { --primary: ${s[0]}; --bg: ${s[1]}; --overlay: ${s[2]}; --ring: ${s[3]}; }`, s);
  }
  {
    const s = ["E11000", "0x80070005", "ORA-01017", "HTTP/1.1 503", "errno -111"];
    none("benign/error-codes", "log", `MongoServerError: ${s[0]} duplicate key\nHRESULT ${s[1]} access denied\n${s[2]}: invalid username/password\n${s[3]} Service Unavailable\nconnect ECONNREFUSED (${s[4]})`, s);
  }
  {
    const uuids = Array.from({ length: 3 }, () => `${g.hex(8)}-${g.hex(4)}-${g.hex(4)}-${g.hex(4)}-${g.hex(12)}`);
    none("benign/sql-uuid-rows", "psql output", ` id                                   | status  | total  | created_at\n--------------------------------------+---------+--------+----------------------------\n ${uuids[0]} | paid    | 129.00 | 2024-03-15 10:22:31.482+00\n ${uuids[1]} | pending |  49.90 | 2024-03-15 10:25:02.117+00\n ${uuids[2]} | void    |   0.00 | 2024-03-16 08:01:59.903+00\n(3 rows)`, [...uuids, "2024-03-15 10:22:31.482+00", "129.00"]);
  }
  {
    none("benign/etag-and-ids", "HTTP headers", `ETag: W/"${g.hex(32)}"\nX-Amzn-Trace-Id: Root=1-${g.hex(8)}-${g.hex(24)}\nCache-Control: max-age=31536000\nLast-Modified: Fri, 15 Mar 2024 09:12:44 GMT`, ["max-age=31536000", "Fri, 15 Mar 2024 09:12:44 GMT"]);
  }
  {
    const v = ["1.2.3.4", "3.1.4.1", "2.0.0.1"];
    none("benign/version-ip-shaped", "changelog", `## ${v[0]} (2024-03-15)\n- Fixed CSV export\n## ${v[1]}\n- Upgraded protobuf to 25.3.0.1\n\n<Version>${v[2]}</Version>`, [...v, "25.3.0.1"]);
  }
  {
    const nums = ["1234567812345678", "0000000000000000", "9999999999999999"];
    none("benign/card-like-mixed", "Java test", `@ParameterizedTest\n@ValueSource(strings = {"${nums[0]}", "${nums[1]}", "${nums[2]}"})\nvoid rejectsInvalid(String pan) { assertFalse(Luhn.isValid(pan)); }`, nums);
  }
}

type QuietTicket = { lang: string; make: (order: string, date: string, amount: string, sku: string) => string };
const QUIET_TICKETS: QuietTicket[] = [
  { lang: "English", make: (o, d, a, s) => `Order ${o} placed on ${d} for ${a} (SKU ${s}) still shows "processing". Build 2024.03.1 of the app, iOS 17.4.1.` },
  { lang: "German", make: (o, d, a, s) => `Bestellung ${o} vom ${d} über ${a} (Artikel ${s}) hängt seit 3 Tagen. App-Version 5.12.0 (Build 51200).` },
  { lang: "French", make: (o, d, a, s) => `La commande ${o} du ${d} d'un montant de ${a} (réf. ${s}) n'est pas arrivée. Version 3.2.1, Android 14.` },
  { lang: "Spanish", make: (o, d, a, s) => `El pedido ${o} del ${d} por ${a} (código ${s}) sigue pendiente desde hace 48 h.` },
  { lang: "Portuguese", make: (o, d, a, s) => `O pedido ${o} de ${d} no valor de ${a} (item ${s}) não foi entregue. CEP 01310-100.` },
  { lang: "Italian", make: (o, d, a, s) => `L'ordine ${o} del ${d} di ${a} (codice ${s}) risulta ancora in lavorazione.` },
  { lang: "Dutch", make: (o, d, a, s) => `Bestelling ${o} van ${d} voor ${a} (artikel ${s}) is nog niet verzonden. Postcode 1012 AB.` },
  { lang: "Polish", make: (o, d, a, s) => `Zamówienie ${o} z dnia ${d} na kwotę ${a} (produkt ${s}) nadal nie zostało wysłane.` },
  { lang: "Japanese", make: (o, d, a, s) => `注文番号 ${o}（${d}、${a}、商品コード ${s}）がまだ発送されていません。バージョン 4.1.0 です。` },
  { lang: "Chinese", make: (o, d, a, s) => `订单${o}（${d}下单，金额${a}，商品编号${s}）一直显示处理中，版本号 2.8.13。` },
  { lang: "Korean", make: (o, d, a, s) => `주문 ${o} (${d}, ${a}, 상품코드 ${s}) 이 아직 배송되지 않았습니다. 앱 버전 6.0.2.` },
  { lang: "Russian", make: (o, d, a, s) => `Заказ ${o} от ${d} на сумму ${a} (артикул ${s}) до сих пор не отправлен. Версия 1.14.3.` },
  { lang: "Arabic", make: (o, d, a, s) => `الطلب ${o} بتاريخ ${d} بقيمة ${a} (رمز المنتج ${s}) لم يُشحن بعد.` },
  { lang: "Hindi", make: (o, d, a, s) => `ऑर्डर ${o} (${d}, ${a}, उत्पाद कोड ${s}) अभी तक नहीं भेजा गया है। ऐप संस्करण 3.0.7।` },
];

function quietPastes(b: Builder, g: Gen): void {
  for (const t of QUIET_TICKETS) {
    const order = g.pick([`#${g.int(1000000, 9999999)}`, `${g.int(100, 999)}-${g.digits(7)}-${g.digits(7)}`, `SO${g.digits(8)}`]);
    const date = g.pick([`${g.int(10, 28)}.0${g.int(1, 9)}.2024`, `2024-0${g.int(1, 9)}-${g.int(10, 28)}`, `${g.int(10, 28)}/0${g.int(1, 9)}/2024`]);
    const amount = g.pick([`€${g.int(10, 999)},${g.digits(2)}`, `${g.int(1, 9)} ${g.digits(3)},${g.digits(2)} zł`, `¥${g.int(1, 99)},${g.digits(3)}`, `US$ ${g.int(10, 999)}.${g.digits(2)}`, `₹${g.int(1, 99)},${g.digits(3)}`, `${g.int(100, 999)} ₽`]);
    const sku = `${g.alnum(3, "ABCDEFGHJKLMNPQRSTUVWXYZ")}-${g.digits(5)}-${g.digits(2)}`;
    b.add(`quiet/ticket-${t.lang.toLowerCase()}`, `support ticket without personal data (${t.lang})`, t.make(order, date, amount, sku), [], [order, date, amount, sku]);
  }
  const metrics = Array.from({ length: 6 }, () => `${g.int(1, 28)}/03/2024,${g.int(1000000, 99999999)},${g.int(100, 999)}.${g.digits(3)},${g.int(10000000000, 99999999999)}`);
  b.add("quiet/metrics-csv", "CSV of metrics", `day,requests,p95_ms,bytes_out\n${metrics.join("\n")}`, [], metrics);
  const bytes = [`${g.int(1000000000, 9999999999)}`, `${g.int(100000000, 999999999)}`];
  b.add("quiet/df-free", "shell output", `$ free -b\n              total        used        free\nMem:    ${bytes[0]}  ${bytes[1]}  ${g.int(100000000, 999999999)}\n$ df -h /\n/dev/nvme0n1p2  468G  211G  234G  48% /`, [], bytes);
  const ms = [`${g.int(100, 999)} ${g.digits(3)} ${g.digits(3)}`, `${g.int(10, 99)} ${g.digits(3)} ${g.digits(3)} ${g.digits(3)}`];
  b.add("quiet/bench-output", "benchmark output", `BenchmarkParse-8   \t ${g.int(100000, 999999)}\t      ${g.int(1000, 9999)} ns/op\t     ${g.int(100, 999)} B/op\nrows scanned: ${ms[0]}\nbytes read: ${ms[1]}`, [], ms);
  const py = `def luhn(number: str) -> bool:\n    digits = [int(c) for c in number if c.isdigit()]\n    checksum = sum(digits[-1::-2]) + sum(sum(divmod(2 * d, 10)) for d in digits[-2::-2])\n    return checksum % 10 == 0\n\nPHONE_RE = re.compile(r"^\\+?[1-9]\\d{1,14}$")\nEMAIL_RE = re.compile(r"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$")`;
  b.add("quiet/validators", "Python", py, [], ["PHONE_RE", "EMAIL_RE"]);
  const k8s = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  annotations:\n    checksum/config: ${g.hex(64)}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.42.0@sha256:${g.hex(64)}\n          resources: { limits: { memory: "512Mi", cpu: "500m" } }\n          ports: [{ containerPort: 8080 }]`;
  b.add("quiet/k8s-deployment", "Kubernetes YAML", k8s, [], ["ghcr.io/acme/api:1.42.0@sha256"]);
  const tf = `resource "aws_instance" "web" {\n  ami           = "ami-0c55b159cbfafe1f0"\n  instance_type = "t3.micro"\n  subnet_id     = "subnet-0bb1c79de3EXAMPLE"\n  tags = { CostCenter = "4410-2231" }\n}`;
  b.add("quiet/terraform", "Terraform", tf, [], ["ami-0c55b159cbfafe1f0", "subnet-0bb1c79de3EXAMPLE", "4410-2231"]);
  const migration = `CREATE TABLE payments (\n  id bigserial PRIMARY KEY,\n  card_last4 char(4) NOT NULL,\n  card_fingerprint char(64) NOT NULL,\n  iban_hash bytea,\n  amount_cents bigint NOT NULL CHECK (amount_cents > 0),\n  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX ON payments (created_at DESC);`;
  b.add("quiet/sql-migration", "SQL migration", migration, [], ["card_last4", "iban_hash"]);
  const docker = `FROM node:20.11.1-bookworm-slim@sha256:${g.hex(64)}\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci --omit=dev\nEXPOSE 3000\nHEALTHCHECK CMD curl -f http://localhost:3000/health || exit 1`;
  b.add("quiet/dockerfile", "Dockerfile", docker, [], ["node:20.11.1-bookworm-slim@sha256", "localhost:3000"]);
  const gql = `query { order(id: "T3JkZXI6MTIzNDU2Nzg5") { total { amount currency } lines(first: 50) { edges { node { sku quantity } } } } }`;
  b.add("quiet/graphql", "GraphQL", gql, [], ["T3JkZXI6MTIzNDU2Nzg5"]);
  const coverage = `File            | % Stmts | % Branch | % Funcs | % Lines | Uncovered Line #s\n----------------|---------|----------|---------|---------|-------------------\nAll files       |   91.42 |    84.17 |   93.33 |   91.88 |\n src/iban.ts    |     100 |    96.15 |     100 |     100 | 42\n src/phone.ts   |   87.50 |    75.00 |   85.71 |   88.23 | 17-19,64,101-108`;
  b.add("quiet/coverage", "test coverage table", coverage, [], ["17-19,64,101-108", "91.42"]);
  const jest = `  ● Pricing › applies VAT\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 1190.0000000000002\n    Received: 1190\n\n      at Object.<anonymous> (src/pricing.test.ts:27:31)`;
  b.add("quiet/jest-failure", "Jest output", jest, [], ["1190.0000000000002", "27:31"]);
  const excel = `=IF(AND(LEN(A2)=22,LEFT(A2,2)="DE"),"ok","check")\n=TEXT(B2,"+## ### ### ####")\n=MOD(VALUE(MID(C2,5,18)&"1314"&MID(C2,3,2)),97)`;
  b.add("quiet/excel-formulas", "spreadsheet formulas", excel, [], ['"+## ### ### ####"']);
  const geo = `{"type":"Feature","geometry":{"type":"Point","coordinates":[13.404954,52.520008]},"properties":{"population":3677472,"area_km2":891.12,"founded":1237}}`;
  b.add("quiet/geojson", "GeoJSON", geo, [], ["13.404954,52.520008", "3677472"]);
  const cron = `# m h dom mon dow command\n*/15 * * * * /usr/local/bin/rotate --keep 14 --max-size 104857600\n0 3 1-7 * 1 /usr/local/bin/backup --window 02:00-04:00`;
  b.add("quiet/crontab", "crontab", cron, [], ["104857600", "02:00-04:00", "1-7"]);
}

// ---------- mixed: personal data next to look-alikes ----------

function mixed(b: Builder, g: Gen): void {
  {
    const p = person(g);
    const ip = publicIpv4(g);
    const sha = g.hex(40);
    const u = `${g.hex(8)}-${g.hex(4)}-4${g.hex(3)}-8${g.hex(3)}-${g.hex(12)}`;
    b.add(
      "mixed/sentry-event",
      "Sentry event JSON",
      JSON.stringify({ event_id: g.hex(32), release: `web@${sha}`, user: { id: u, email: p.email, ip_address: ip }, sdk: { name: "sentry.javascript.react", version: "7.105.0" }, timestamp: 1710497531.482 }),
      [pii(p.email, "email"), pii(ip, "IPv4")],
      [sha, u, "7.105.0", "1710497531.482"],
    );
  }
  {
    const p = person(g);
    const c = card(g, "Visa card");
    const bad = luhnInvalid(g, "4", 16);
    b.add(
      "mixed/stripe-webhook",
      "webhook payload",
      `{"id":"evt_${g.alnum(24, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")}","type":"charge.failed","data":{"object":{"billing_details":{"email":"${p.email}"},"metadata":{"raw_pan":"${c.compact}","legacy_ref":"${bad}"},"created":1710497531}}}`,
      [pii(p.email, "email"), pii(c.compact, c.brand)],
      [bad, "1710497531"],
    );
  }
  {
    const p = person(g);
    const a = iban(g, "NL");
    const bad = iban(g, "NL", false);
    b.add(
      "mixed/iban-good-and-bad",
      "support chat",
      `klant ${p.email} zegt dat ${a.grouped} goed is, maar het oude nummer ${bad.grouped} werd geweigerd`,
      [pii(p.email, "email"), pii(a.grouped, `${a.name} (grouped)`)],
      [bad.grouped],
    );
  }
  {
    const s = ssn(g);
    const invalid = `666-${g.digits(2)}-${g.digits(4)}`;
    b.add("mixed/ssn-valid-invalid", "CSV", `name,ssn,note\nA. Kovalenko,${s},ok\nTest Row,${invalid},invalid area on purpose`, [pii(s, "US SSN")], [invalid]);
  }
  {
    const ip = publicIpv4(g);
    b.add("mixed/ip-and-versions", "app log", `2024-03-15T10:00:00Z INFO client=${ip} agent="okhttp/4.12.0" app_version=3.18.2.1044 os="Android 14; build UQ1A.240205.004"`, [pii(ip, "IPv4")], ["4.12.0", "3.18.2.1044", "UQ1A.240205.004"]);
  }
  {
    const p = person(g);
    const ph = g.pick(PHONES)(g);
    const ts = `${1700000000000 + g.int(0, 99999999)}`;
    b.add("mixed/phone-and-epoch", "JSON", `{"to":"${ph.value}","body":"Your code is 482913","sentAt":${ts},"user":"${p.email}","port":5060}`, [pii(ph.value, ph.label), pii(p.email, "email")], [ts, "482913"]);
  }
  {
    const p = person(g);
    b.add("mixed/git-remote-and-author", "shell", `$ git remote add origin git@github.com:${ascii(p.last)}/dotfiles.git\n$ git config user.email ${p.email}\n$ git push -u origin main`, [pii(p.email, "email")], [`git@github.com:${ascii(p.last)}/dotfiles.git`]);
  }
  {
    const p = person(g);
    b.add("mixed/doc-and-real-email", "Slack message", `the docs say use user@example.com but prod is rejecting ${p.email} with 422 — release 2.14.0 (${g.hex(7)})`, [pii(p.email, "email")], ["user@example.com", "2.14.0"]);
  }
  {
    const a = publicIpv4(g);
    b.add("mixed/doc-and-real-ip", "prose", `Docs use 203.0.113.5 for the allowlist, ours is ${a} behind the LB at 10.0.0.0/24`, [pii(a, "IPv4")], ["203.0.113.5", "10.0.0.0/24"]);
  }
}

export const personalDataProbe: ProbeSet = {
  name: "personal data and look-alikes",
  build(seed: number): ProbeSample[] {
    const g = makeGen(seed);
    const b = new Builder();
    fixtures(b, g);
    logs(b, g);
    tickets(b, g);
    devTools(b, g);
    emailShapes(b, g);
    phoneShapes(b, g);
    cardShapes(b, g);
    ssnShapes(b, g);
    ibanShapes(b, g);
    ipShapes(b, g);
    lookAlikes(b, g);
    quietPastes(b, g);
    mixed(b, g);
    return b.samples;
  },
};
