/**
 * Second personal-data probe, written blind to the detectors (see types.ts): mail headers, vCard and
 * iCalendar, web/ELB/Cloudflare logs with X-Forwarded-For chains, auth.log, fail2ban, iptables, dig,
 * traceroute, whois, /etc/hosts, Ansible inventories, database errors, payment webhooks, CSV exports,
 * test assertions, SQL, GraphQL, and support tickets in sixteen languages. About half the samples hold
 * personal data; the rest are look-alike-heavy text that must come out untouched.
 *
 * Judgement calls (product policy, see the issue):
 * - Emails are personal data whatever the domain (example.com/.org/.net included), uppercase,
 *   subaddressed (+tag), IDN, URL-encoded (%40) or JSON-escaped (\u0040) — the whole address is the value.
 *   An email inside a mailto: link is labelled without the "mailto:" scheme.
 * - A Message-ID header (<id@host>) is not a mailbox: benign. `git@github.com:org/repo`, `ssh deploy@bastion`,
 *   npm `@scope/pkg@1.2.3`, CSS `@media`, decorators and social @handles are benign.
 * - Phones: international format with a country code (with or without separators, tel: links, extensions);
 *   the labelled value is the number without the tel: scheme and without the extension suffix.
 * - IP addresses: every public or private (RFC 1918) IPv4/IPv6 address is personal data, ports excluded from
 *   the value; the bracketed IPv6 form labels only the address. Not personal: RFC 5737 (192.0.2/24,
 *   198.51.100/24, 203.0.113/24) and RFC 3849 (2001:db8::/32) documentation ranges, loopback, 0.0.0.0, CIDR
 *   networks with zero host bits (10.0.0.0/8), netmasks (255.255.255.0), the ff02::1 all-nodes multicast group.
 * - IPv6 link-local with a zone id (fe80::…%eth0): an EUI-64 link-local address embeds the device MAC, so it is
 *   labelled (the address, without %zone); the short router form fe80::1%eth0 identifies nothing: benign.
 * - Cards: Luhn-valid numbers of real issuer prefixes and lengths, in any grouping, also as bare JSON numbers.
 *   Published test cards (4242…, 4111…, 5555 5555 5555 4444, 378282246310005…), masked cards and
 *   Luhn-failing look-alikes are benign.
 * - IBANs: mod-97 valid, printed compact or in groups of four. IBAN-shaped strings with wrong check digits are benign.
 * - IMEIs are Luhn-valid 15-digit device ids, but not on the policy's list: benign (labelled IMEI in context).
 *   MAC addresses, serials, EAN/GTIN/ISBN, tracking numbers, order ids, OIDs, coordinates: benign.
 * - US SSNs: AAA-GG-SSSS with a valid area (not 000, 666, 9xx), group and serial.
 */
import type { ProbeSample, ProbeSet, ProbeValue } from "./types";

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = ReturnType<typeof makeRng>;

function makeRng(seed: number) {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)] as T;
  const digits = (n: number) => Array.from({ length: n }, () => String(int(0, 9))).join("");
  const upper = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + int(0, 25))).join("");
  const alnum = (n: number) => Array.from({ length: n }, () => pick("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".split(""))).join("");
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
  return { next, int, pick, digits, upper, alnum, hex };
}

/** A keyed entry that the probe itself defines: a missing one is a bug in this file. */
function entry<T>(rec: Readonly<Record<string, T>>, key: string): T {
  const v = rec[key];
  if (v === undefined) throw new Error(`personal-data-2 probe: no entry for ${key}`);
  return v;
}

function nth<T>(xs: readonly T[], i: number): T {
  if (i >= xs.length) throw new Error(`personal-data-2 probe: no item ${i}`);
  return xs[i] as T;
}

// ---- checksums -------------------------------------------------------------------------------

function luhnCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

const ISSUERS = {
  visa: { prefixes: ["4539", "4716", "4929", "4485", "4024"], length: 16 },
  mastercard: { prefixes: ["5425", "5137", "2223", "2720", "5589"], length: 16 },
  amex: { prefixes: ["3714", "3787", "3400", "3456"], length: 15 },
  discover: { prefixes: ["6011", "6445", "6550"], length: 16 },
  jcb: { prefixes: ["3530", "3566", "3589"], length: 16 },
  diners: { prefixes: ["3056", "3600", "3852"], length: 14 },
  unionpay: { prefixes: ["6212", "6250", "6282"], length: 16 },
  maestro: { prefixes: ["6759", "5018", "6304"], length: 16 },
};

function cardNumber(rng: Rng, issuer: keyof typeof ISSUERS): string {
  const { prefixes, length } = ISSUERS[issuer];
  let body = rng.pick(prefixes);
  body += rng.digits(length - 1 - body.length);
  return body + luhnCheckDigit(body);
}

function luhnFailing(rng: Rng, issuer: keyof typeof ISSUERS): string {
  const valid = cardNumber(rng, issuer);
  const last = (Number(valid[valid.length - 1]) + rng.int(1, 9)) % 10;
  return valid.slice(0, -1) + last;
}

function group(n: string, sizes: number[], sep: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const s of sizes) {
    if (at >= n.length) break;
    parts.push(n.slice(at, at + s));
    at += s;
  }
  if (at < n.length) parts.push(n.slice(at));
  return parts.join(sep);
}

const cardGroups = (n: string) => (n.length === 15 ? [4, 6, 5] : n.length === 14 ? [4, 6, 4] : [4, 4, 4, 4]);

function mod97(s: string): number {
  let r = 0;
  for (const ch of s) {
    const v = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) r = (r * 10 + Number(d)) % 97;
  }
  return r;
}

function ibanWith(country: string, bban: string): string {
  const check = 98 - mod97(bban + country + "00");
  return country + String(check).padStart(2, "0") + bban;
}

/** BBAN shapes per country (n = digits, a = letters, c = alphanumerics). */
const IBAN_BBAN: Record<string, (rng: Rng) => string> = {
  BR: (r) => r.digits(23) + "P" + r.pick(["1", "2"]),
  TR: (r) => r.digits(5) + "0" + r.digits(16),
  SA: (r) => r.digits(2) + r.digits(18),
  QA: (r) => r.upper(4) + r.digits(21),
  KZ: (r) => r.digits(3) + r.alnum(13),
  UA: (r) => r.digits(6) + r.digits(19),
  RO: (r) => r.upper(4) + r.alnum(16),
  HU: (r) => r.digits(24),
  CZ: (r) => r.digits(20),
  GR: (r) => r.digits(7) + r.digits(16),
  IL: (r) => r.digits(19),
  AE: (r) => r.digits(3) + r.digits(16),
  PK: (r) => r.upper(4) + r.digits(16),
  MU: (r) => r.upper(4) + r.digits(16) + "000MUR",
};

const iban = (rng: Rng, country: string) => ibanWith(country, entry(IBAN_BBAN, country)(rng));

function ibanBadCheck(rng: Rng, country: string): string {
  const good = iban(rng, country);
  const check = Number(good.slice(2, 4));
  // Only one pair of check digits in 02..98 satisfies mod-97, so any other pair fails.
  const bad = check >= 98 ? check - 1 : check + 1;
  return good.slice(0, 2) + String(bad).padStart(2, "0") + good.slice(4);
}

const spaced = (s: string) => s.replace(/(.{4})(?=.)/g, "$1 ");

// ---- people, phones, addresses ---------------------------------------------------------------

const PEOPLE: Record<string, ReadonlyArray<readonly [string, string]>> = {
  es: [["Lucía", "Fernández"], ["Javier", "Ortega"], ["Carmen", "Ruiz"]],
  it: [["Giulia", "Bianchi"], ["Marco", "Esposito"], ["Chiara", "Ricci"]],
  pt: [["João", "Nascimento"], ["Fernanda", "Oliveira"], ["Thiago", "Carvalho"]],
  tr: [["Ayşe", "Yılmaz"], ["Emre", "Demir"], ["Zeynep", "Kaya"]],
  vi: [["Nguyễn", "Thị Lan"], ["Trần", "Văn Minh"], ["Phạm", "Thu Hà"]],
  id: [["Putri", "Wulandari"], ["Agus", "Setiawan"], ["Dewi", "Lestari"]],
  th: [["สมชาย", "ใจดี"], ["Kanya", "Srisuk"], ["Anan", "Chaiyaporn"]],
  he: [["נועה", "כהן"], ["Yonatan", "Levi"], ["Tamar", "Mizrahi"]],
  el: [["Γιώργος", "Παπαδόπουλος"], ["Eleni", "Georgiou"], ["Nikos", "Dimitriou"]],
  cs: [["Jan", "Novák"], ["Tereza", "Svobodová"], ["Petr", "Dvořák"]],
  hu: [["Bence", "Nagy"], ["Eszter", "Kovács"], ["Zsófia", "Tóth"]],
  ro: [["Andrei", "Popescu"], ["Ioana", "Ionescu"], ["Mihai", "Dumitru"]],
  sv: [["Elin", "Lindqvist"], ["Oskar", "Bergström"], ["Maja", "Johansson"]],
  fi: [["Aino", "Virtanen"], ["Mikko", "Korhonen"], ["Elina", "Mäkinen"]],
  uk: [["Олена", "Шевченко"], ["Dmytro", "Bondarenko"], ["Iryna", "Kovalenko"]],
  en: [["Priya", "Raman"], ["Tom", "Whitaker"], ["Ngozi", "Okafor"], ["Wanjiru", "Kamau"], ["Liam", "O'Brien"]],
};

const ASCII: Record<string, string> = { ç: "c", ã: "a", á: "a", é: "e", í: "i", ó: "o", ö: "o", ő: "o", ú: "u", ü: "u", ş: "s", ı: "i", ğ: "g", ř: "r", ž: "z", ễ: "e", ị: "i", ầ: "a", ă: "a", ạ: "a", ư: "u", ơ: "o", đ: "d", à: "a", ä: "a", å: "a", ñ: "n", ý: "y", ě: "e", ů: "u" };
const asciiOf = (s: string) =>
  s
    .toLowerCase()
    .split("")
    .map((c) => ASCII[c] ?? c)
    .join("")
    .replace(/[^a-z]/g, "");

function emailFor(rng: Rng, first: string, last: string, domain: string): string {
  const f = asciiOf(first) || rng.pick(["lan", "minh", "noa", "eleni", "olena", "somchai"]);
  const l = asciiOf(last) || rng.pick(["cohen", "nguyen", "papadopoulos", "shevchenko", "jaidee"]);
  const local = rng.pick([`${f}.${l}`, `${f[0]}${l}`, `${f}_${l}${rng.int(1, 99)}`, `${l}.${f}`]);
  return `${local}@${domain}`;
}

const PHONE_FORMATS: Record<string, (r: Rng) => string> = {
  "+55": (r) => `+55 ${r.pick(["11", "21", "31"])} 9${r.digits(4)}-${r.digits(4)}`,
  "+90": (r) => `+90 5${r.digits(2)} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  "+84": (r) => `+84 9${r.digits(1)} ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  "+62": (r) => `+62 812-${r.digits(4)}-${r.digits(4)}`,
  "+66": (r) => `+66 8${r.digits(1)} ${r.digits(3)} ${r.digits(4)}`,
  "+972": (r) => `+972-5${r.digits(1)}-${r.digits(3)}-${r.digits(4)}`,
  "+30": (r) => `+30 69${r.digits(1)} ${r.digits(3)} ${r.digits(4)}`,
  "+420": (r) => `+420 60${r.digits(1)} ${r.digits(3)} ${r.digits(3)}`,
  "+36": (r) => `+36 30 ${r.digits(3)} ${r.digits(4)}`,
  "+40": (r) => `+40 72${r.digits(1)} ${r.digits(3)} ${r.digits(3)}`,
  "+46": (r) => `+46 70 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  "+358": (r) => `+358 40 ${r.digits(7)}`,
  "+380": (r) => `+380 67 ${r.digits(3)} ${r.digits(2)} ${r.digits(2)}`,
  "+234": (r) => `+234 803 ${r.digits(3)} ${r.digits(4)}`,
  "+254": (r) => `+254 7${r.digits(2)} ${r.digits(6)}`,
  "+27": (r) => `+27 82 ${r.digits(3)} ${r.digits(4)}`,
  "+61": (r) => `+61 4${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
  "+64": (r) => `+64 21 ${r.digits(3)} ${r.digits(4)}`,
  "+65": (r) => `+65 9${r.digits(3)} ${r.digits(4)}`,
  "+852": (r) => `+852 9${r.digits(3)} ${r.digits(4)}`,
  "+971": (r) => `+971 50 ${r.digits(3)} ${r.digits(4)}`,
};
const phone = (rng: Rng, cc: string) => entry(PHONE_FORMATS, cc)(rng);

/** Public, non-documentation IPv4 addresses. */
function publicIp(rng: Rng): string {
  return `${rng.pick([23, 31, 45, 62, 77, 81, 91, 103, 109, 145, 151, 177, 185, 186, 195, 201, 212])}.${rng.int(1, 254)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}
const privateIp = (rng: Rng) => rng.pick([`10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}`, `192.168.${rng.int(0, 255)}.${rng.int(2, 254)}`, `172.${rng.int(16, 31)}.${rng.int(0, 255)}.${rng.int(2, 254)}`]);
function publicIpv6(rng: Rng): string {
  return `${rng.pick(["2a02:26f0", "2607:f8b0", "2a01:4f8", "2001:4860", "2400:cb00"])}:${rng.hex(4).replace(/^0+/, "") || "1"}:${rng.hex(3)}::${rng.hex(4).replace(/^0+/, "") || "2"}`;
}
function linkLocalEui64(rng: Rng): string {
  return `fe80::${rng.hex(4).replace(/^0+/, "") || "a"}:${rng.hex(2)}ff:fe${rng.hex(2)}:${rng.hex(4).replace(/^0+/, "") || "b"}`;
}
const mac = (rng: Rng) => Array.from({ length: 6 }, () => rng.hex(2)).join(":");

function ssn(rng: Rng): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, "0")}-${String(rng.int(1, 99)).padStart(2, "0")}-${String(rng.int(1, 9999)).padStart(4, "0")}`;
}

/** EAN-13 / GTIN with a valid check digit. */
function ean13(rng: Rng, prefix: string): string {
  const body = prefix + rng.digits(12 - prefix.length);
  const sum = body.split("").reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return body + ((10 - (sum % 10)) % 10);
}

function imei(rng: Rng): string {
  const body = rng.pick(["35", "86", "01"]) + rng.digits(12);
  return body + luhnCheckDigit(body);
}

// ---- sample builders -------------------------------------------------------------------------

const pii = (value: string, label: string): ProbeValue => ({ value, kind: "pii", label });

type Ctx = { rng: Rng; add: (s: ProbeSample) => void };

function mailAndCalendar({ rng, add }: Ctx) {
  const [f1, l1] = rng.pick(entry(PEOPLE, "it"));
  const [f2, l2] = rng.pick(entry(PEOPLE, "sv"));
  const [f3, l3] = rng.pick(entry(PEOPLE, "en"));
  const from = emailFor(rng, f1, l1, "example.com");
  const to = emailFor(rng, f2, l2, "nordlund.se");
  const cc = emailFor(rng, f3, l3, "example.org").toUpperCase();
  const relay = publicIp(rng);
  const origin = publicIp(rng);
  const msgId = `<CAK${rng.alnum(20)}=${rng.alnum(8)}@mail.gmail.com>`;
  add({
    id: "mail/headers-received",
    format: "raw email headers",
    text: `Return-Path: <${from}>
Received: from mail-ed1-f45.google.com (mail-ed1-f45.google.com [${relay}])
        by mx.nordlund.se (Postfix) with ESMTPS id 4Vb2mK1x3Qz9sT
        for <${to}>; Sun, 22 Nov 2026 09:14:07 +0100 (CET)
Received: from [${origin}] by smtp.gmail.com with ESMTPSA id c17-20020a05600c0ad100b0040e5a93ae53sm;
From: "${l1}, ${f1}" <${from}>
To: "${l2}, ${f2}" <${to}>
Cc: ${cc}
Message-ID: ${msgId}
Subject: Re: fattura 2026/0417
Date: Sun, 22 Nov 2026 09:13:58 +0100
X-Mailer: Apple Mail (2.3774.300.61.1.2)
Authentication-Results: mx.nordlund.se; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com`,
    sensitive: [pii(from, "email"), pii(to, "email"), pii(cc, "uppercase email"), pii(relay, "IPv4 in Received"), pii(origin, "IPv4 in Received")],
    benign: [msgId, "4Vb2mK1x3Qz9sT", "2.3774.300.61.1.2", "c17-20020a05600c0ad100b0040e5a93ae53sm"],
  });

  const [f4, l4] = rng.pick(entry(PEOPLE, "fi"));
  const e4 = emailFor(rng, f4, l4, "example.net");
  const p4 = phone(rng, "+358");
  const p4b = phone(rng, "+46");
  add({
    id: "vcard/finnish-contact",
    format: "vCard 3.0",
    text: `BEGIN:VCARD
VERSION:3.0
N:${l4};${f4};;;
FN:${f4} ${l4}
ORG:Kesko Oyj;Digitaalinen kauppa
TEL;TYPE=CELL:${p4}
TEL;TYPE=WORK,VOICE:${p4b}
EMAIL;TYPE=INTERNET:${e4}
ADR;TYPE=WORK:;;Satamakatu 3;Helsinki;;00160;Finland
REV:2026-11-20T08:41:12Z
UID:urn:uuid:6f1c2a0e-8b3d-4c55-9f0e-2d7a1b9c4e10
END:VCARD`,
    sensitive: [pii(p4, "Finnish phone"), pii(p4b, "Swedish phone"), pii(e4, "email (.net)")],
    benign: ["2026-11-20T08:41:12Z", "6f1c2a0e-8b3d-4c55-9f0e-2d7a1b9c4e10", "00160"],
  });

  const [f5, l5] = rng.pick(entry(PEOPLE, "hu"));
  const org = emailFor(rng, f5, l5, "example.com");
  const [f6, l6] = rng.pick(entry(PEOPLE, "ro"));
  const att = emailFor(rng, f6, l6, "bitdefender-partner.ro");
  add({
    id: "ics/meeting-invite",
    format: "iCalendar",
    text: `BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
DTSTART:20261124T130000Z
DTEND:20261124T140000Z
DTSTAMP:20261122T091500Z
ORGANIZER;CN=${f5} ${l5}:mailto:${org}
UID:0b7ls5k1pq3tq2f0v8i1m4r9dd@google.com
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=${f6} ${l6};X-NUM-GUESTS=0:mailto:${att}
SEQUENCE:0
SUMMARY:Q4 audit walkthrough
END:VEVENT
END:VCALENDAR`,
    sensitive: [pii(org, "email in mailto"), pii(att, "email in mailto")],
    benign: ["20261124T130000Z", "20261122T091500Z", "70.9054"],
  });

  add({
    id: "ics/no-attendees",
    format: "iCalendar",
    text: `BEGIN:VEVENT
DTSTART;TZID=Europe/Prague:20261201T090000
DURATION:PT1H30M
RRULE:FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270301T000000Z
UID:20261122T101500Z-4821@build-runner-07
LOCATION:Zasedačka 3.14
SUMMARY:Standup – release 4.12.0-rc.3
END:VEVENT`,
    sensitive: [],
    benign: ["20261201T090000", "PT1H30M", "20270301T000000Z", "20261122T101500Z-4821@build-runner-07", "4.12.0-rc.3", "3.14"],
  });
}

function webLogs({ rng, add }: Ctx) {
  const client = publicIp(rng);
  const proxy1 = publicIp(rng);
  const lb = privateIp(rng);
  add({
    id: "nginx/xff-chain",
    format: "nginx access log",
    text: `${lb} - - [22/Nov/2026:10:02:11 +0000] "POST /api/v2/checkout HTTP/1.1" 502 166 "-" "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15" "${client}, ${proxy1}" rt=30.002 uct="0.001" uht="-" urt="30.001"`,
    sensitive: [pii(client, "client IPv4 in X-Forwarded-For"), pii(proxy1, "proxy IPv4 in X-Forwarded-For"), pii(lb, "private IPv4")],
    benign: ["22/Nov/2026:10:02:11 +0000", "17_4", "605.1.15", "30.002"],
  });

  const a = publicIp(rng);
  const b = publicIp(rng);
  add({
    id: "apache/combined",
    format: "Apache combined log",
    text: `${a} - - [22/Nov/2026:07:55:40 +0100] "GET /wp-login.php HTTP/1.1" 404 196 "-" "python-requests/2.31.0"
${b} - frank [22/Nov/2026:07:55:41 +0100] "GET /static/app.3f9a1c7e.js HTTP/2.0" 200 48213 "https://shop.example.com/cart" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.6778.86"`,
    sensitive: [pii(a, "IPv4"), pii(b, "IPv4")],
    benign: ["2.31.0", "app.3f9a1c7e.js", "10.0", "131.0.6778.86", "48213"],
  });

  const c = publicIp(rng);
  const cport = rng.int(30000, 65000);
  const tgt = privateIp(rng);
  add({
    id: "elb/access-log",
    format: "AWS ALB access log",
    text: `https 2026-11-22T10:11:03.812345Z app/prod-web/50dc6c495c0c9188 ${c}:${cport} ${tgt}:8080 0.000 0.012 0.000 200 200 734 3721 "GET https://api.example.com:443/v1/orders?limit=50 HTTP/1.1" "okhttp/4.12.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-web/73e2d6bc24d8a067 "Root=1-67405a37-1b2c3d4e5f60718293a4b5c6" "api.example.com" "arn:aws:acm:eu-west-1:123456789012:certificate/9f1e0d2c-3b4a-5968-7a6b-5c4d3e2f1a0b" 0 2026-11-22T10:11:03.799000Z "forward" "-" "-" "${tgt}:8080" "200" "-" "-"`,
    sensitive: [pii(c, "client IPv4 with port"), pii(tgt, "private target IPv4 with port")],
    benign: ["2026-11-22T10:11:03.812345Z", "50dc6c495c0c9188", "123456789012", "73e2d6bc24d8a067", "Root=1-67405a37-1b2c3d4e5f60718293a4b5c6", "9f1e0d2c-3b4a-5968-7a6b-5c4d3e2f1a0b", "4.12.0"],
  });

  const cf = publicIpv6(rng);
  const cf4 = publicIp(rng);
  const ray = `${rng.hex(16)}-FRA`;
  add({
    id: "cloudflare/logpush-json",
    format: "Cloudflare Logpush JSON",
    text: `{"ClientIP":"${cf}","ClientRequestHost":"shop.example.com","ClientRequestURI":"/checkout","EdgeResponseStatus":403,"RayID":"${ray}","ClientASN":3320,"ClientCountry":"de","WAFAction":"block","WAFRuleID":"100015","EdgeStartTimestamp":1763805603120,"RequestHeaders":{"x-forwarded-for":"${cf4}"},"SecurityLevel":"med"}`,
    sensitive: [pii(cf, "IPv6"), pii(cf4, "IPv4 in x-forwarded-for")],
    benign: [ray, "1763805603120", "100015", "3320"],
  });

  const v6 = publicIpv6(rng);
  const port = rng.int(1025, 65000);
  add({
    id: "envoy/bracketed-v6",
    format: "Envoy access log",
    text: `[2026-11-22T10:20:44.102Z] "GET /healthz HTTP/2" 200 - 0 2 1 0 "-" "kube-probe/1.30" "a3c9e0f2-71d4-4b8e-9f15-0c2e6b7d8a91" "payments.svc" "[${v6}]:${port}" outbound|8443||payments.default.svc.cluster.local`,
    sensitive: [pii(v6, "IPv6 in [v6]:port")],
    benign: ["2026-11-22T10:20:44.102Z", "1.30", "a3c9e0f2-71d4-4b8e-9f15-0c2e6b7d8a91"],
  });

  add({
    id: "nginx/doc-ranges-only",
    format: "nginx access log",
    text: `203.0.113.42 - - [22/Nov/2026:10:02:11 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8.5.0"
198.51.100.7 - - [22/Nov/2026:10:02:12 +0000] "GET /favicon.ico HTTP/1.1" 404 153 "-" "curl/8.5.0"
127.0.0.1 - - [22/Nov/2026:10:02:13 +0000] "GET /nginx_status HTTP/1.1" 200 97 "-" "Go-http-client/1.1"
[2001:db8::17] - - [22/Nov/2026:10:02:14 +0000] "GET /robots.txt HTTP/1.1" 200 24 "-" "curl/8.5.0"`,
    sensitive: [],
    benign: ["203.0.113.42", "198.51.100.7", "127.0.0.1", "2001:db8::17", "8.5.0", "1.1"],
  });
}

function authAndFirewall({ rng, add }: Ctx) {
  const atk = publicIp(rng);
  const atk2 = publicIp(rng);
  const p1 = rng.int(30000, 65000);
  add({
    id: "auth/sshd-failed",
    format: "auth.log",
    text: `Nov 22 09:41:07 bastion-01 sshd[218934]: Failed password for invalid user admin from ${atk} port ${p1} ssh2
Nov 22 09:41:09 bastion-01 sshd[218934]: Connection closed by invalid user admin ${atk} port ${p1} [preauth]
Nov 22 09:43:51 bastion-01 sshd[219002]: Accepted publickey for deploy from ${atk2} port ${p1 + 17} ssh2: ED25519 SHA256:q7Vt0m3sYx1Fh8zKcE2nWpR4bL6uJ9dA5gT0iO3yXkQ
Nov 22 09:43:51 bastion-01 sshd[219002]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)`,
    sensitive: [pii(atk, "IPv4 in sshd"), pii(atk2, "IPv4 in sshd")],
    benign: ["218934", "SHA256:q7Vt0m3sYx1Fh8zKcE2nWpR4bL6uJ9dA5gT0iO3yXkQ", "219002"],
  });

  const ban = publicIp(rng);
  add({
    id: "fail2ban/ban",
    format: "fail2ban log",
    text: `2026-11-22 09:45:02,117 fail2ban.filter         [1123]: INFO    [sshd] Found ${ban} - 2026-11-22 09:45:01
2026-11-22 09:45:02,530 fail2ban.actions        [1123]: NOTICE  [sshd] Ban ${ban}
2026-11-22 10:45:02,612 fail2ban.actions        [1123]: NOTICE  [sshd] Unban ${ban}`,
    sensitive: [pii(ban, "IPv4 in fail2ban")],
    benign: ["2026-11-22 09:45:02,117", "2026-11-22 10:45:02,612"],
  });

  const src = publicIp(rng);
  const dst = privateIp(rng);
  const m = mac(rng);
  const macHdr = `${m}:${mac(rng)}:08:00`;
  add({
    id: "iptables/log",
    format: "kernel iptables LOG",
    text: `Nov 22 10:01:33 fw01 kernel: [8812345.123456] IPTABLES-DROP: IN=eth0 OUT= MAC=${macHdr} SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=3389 WINDOW=64240 RES=0x00 SYN URGP=0`,
    sensitive: [pii(src, "IPv4 SRC"), pii(dst, "private IPv4 DST")],
    benign: [macHdr, "8812345.123456"],
  });

  const ll = linkLocalEui64(rng);
  add({
    id: "ip/addr-show",
    format: "ip addr output",
    text: `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 1000
    link/ether 3c:22:fb:9a:10:4e brd ff:ff:ff:ff:ff:ff
    inet 127.0.0.1/8 scope host lo
    inet6 ${ll}%eth0/64 scope link
       valid_lft forever preferred_lft forever
default via fe80::1%eth0 dev eth0 proto ra metric 1024 expires 1798sec`,
    sensitive: [pii(ll, "IPv6 link-local EUI-64 with zone id")],
    benign: ["3c:22:fb:9a:10:4e", "ff:ff:ff:ff:ff:ff", "127.0.0.1/8", "fe80::1%eth0"],
  });

  const hop1 = privateIp(rng);
  const hop3 = publicIp(rng);
  const hop4 = publicIp(rng);
  add({
    id: "traceroute/hops",
    format: "traceroute output",
    text: `traceroute to api.example.com (93.184.216.34), 30 hops max, 60 byte packets
 1  _gateway (${hop1})  0.412 ms  0.388 ms  0.371 ms
 2  * * *
 3  ae-12.r01.fra03.de.bb.gin.ntt.net (${hop3})  9.115 ms  9.087 ms  9.201 ms
 4  ${hop4}  11.842 ms  11.790 ms  12.003 ms`,
    sensitive: [pii("93.184.216.34", "IPv4 destination"), pii(hop1, "private IPv4"), pii(hop3, "IPv4 hop"), pii(hop4, "IPv4 hop")],
    benign: ["0.412 ms", "9.115 ms", "11.842 ms"],
  });

  const aRec = publicIp(rng);
  const ns = publicIp(rng);
  add({
    id: "dig/answer",
    format: "dig output",
    text: `; <<>> DiG 9.18.28-0ubuntu0.24.04.1-Ubuntu <<>> shop.example.com A
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 48213
;; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1

;; ANSWER SECTION:
shop.example.com.	300	IN	A	${aRec}

;; Query time: 23 msec
;; SERVER: ${ns}#53(${ns}) (UDP)
;; WHEN: Sun Nov 22 10:15:12 UTC 2026
;; MSG SIZE  rcvd: 61`,
    sensitive: [pii(aRec, "IPv4 A record"), pii(ns, "IPv4 resolver")],
    benign: ["9.18.28-0ubuntu0.24.04.1-Ubuntu", "48213"],
  });

  add({
    id: "nslookup/loopback-resolver",
    format: "nslookup output",
    text: `Server:		127.0.0.53
Address:	127.0.0.53#53

Non-authoritative answer:
Name:	status.example.org
Address: 192.0.2.80
Name:	status.example.org
Address: 2001:db8:85a3::8a2e:370:7334`,
    sensitive: [],
    benign: ["127.0.0.53", "192.0.2.80", "2001:db8:85a3::8a2e:370:7334"],
  });

  const [fw, lw] = rng.pick(entry(PEOPLE, "cs"));
  const wmail = emailFor(rng, fw, lw, "seznam.cz");
  const wphone = phone(rng, "+420");
  add({
    id: "whois/registrant",
    format: "whois output",
    text: `Domain Name: PEKARNA-NOVAK.CZ
Registrar: REG-WEDOS
Creation Date: 2019-04-11T08:22:17Z
Registrant Name: ${fw} ${lw}
Registrant Email: ${wmail}
Registrant Phone: ${wphone.replace(/ /g, "")}
Name Server: ns1.wedos.net
DNSSEC: signedDelegation
>>> Last update of WHOIS database: 2026-11-22T10:00:00Z <<<`,
    sensitive: [pii(wmail, "email"), pii(wphone.replace(/ /g, ""), "Czech phone, no separators")],
    benign: ["2019-04-11T08:22:17Z", "2026-11-22T10:00:00Z"],
  });

  const h1 = privateIp(rng);
  const h2 = privateIp(rng);
  add({
    id: "hosts/etc-hosts",
    format: "/etc/hosts",
    text: `127.0.0.1	localhost
127.0.1.1	dev-laptop
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
${h1}	gitlab.internal.corp gitlab
${h2}	nexus.internal.corp
0.0.0.0	telemetry.vendor.example`,
    sensitive: [pii(h1, "private IPv4"), pii(h2, "private IPv4")],
    benign: ["127.0.0.1", "127.0.1.1", "::1", "ff02::1", "0.0.0.0"],
  });

  const w1 = publicIp(rng);
  const w2 = privateIp(rng);
  add({
    id: "ansible/inventory",
    format: "Ansible INI inventory",
    text: `[web]
web-01 ansible_host=${w1} ansible_port=2222
web-02 ansible_host=${w2}

[web:vars]
ansible_user=deploy
ansible_python_interpreter=/usr/bin/python3.11
ntp_servers=["0.pool.ntp.org","1.pool.ntp.org"]
allowed_cidrs=["10.0.0.0/8","172.16.0.0/12"]`,
    sensitive: [pii(w1, "IPv4 ansible_host"), pii(w2, "private IPv4 ansible_host")],
    benign: ["10.0.0.0/8", "172.16.0.0/12", "python3.11"],
  });

  add({
    id: "network/netplan-cidrs",
    format: "netplan YAML",
    text: `network:
  version: 2
  ethernets:
    ens3:
      dhcp4: true
      routes:
        - to: 0.0.0.0/0
          via: 192.0.2.1
        - to: 10.20.0.0/16
          via: 198.51.100.1
      nameservers:
        addresses: [127.0.0.53]
      # netmask 255.255.255.0 broadcast 203.0.113.255`,
    sensitive: [],
    benign: ["0.0.0.0/0", "192.0.2.1", "10.20.0.0/16", "198.51.100.1", "127.0.0.53", "255.255.255.0", "203.0.113.255"],
  });
}

function databasesAndCode({ rng, add }: Ctx) {
  const [f, l] = rng.pick(entry(PEOPLE, "pt"));
  const e = emailFor(rng, f, l, "example.com.br");
  add({
    id: "pg/unique-violation",
    format: "PostgreSQL error",
    text: `ERROR:  duplicate key value violates unique constraint "users_email_key"
DETAIL:  Key (email)=(${e}) already exists.
STATEMENT:  INSERT INTO users (id, email, created_at) VALUES ($1, $2, now())`,
    sensitive: [pii(e, "email in Key (email)=(…)")],
    benign: ["users_email_key"],
  });

  const [fm, lm] = rng.pick(entry(PEOPLE, "tr"));
  const em = emailFor(rng, fm, lm, "firma.com.tr").toUpperCase();
  add({
    id: "mysql/duplicate-entry",
    format: "MySQL error",
    text: `ERROR 1062 (23000) at line 4418: Duplicate entry '${em}' for key 'customers.uq_customers_email'
-- mysqldump 8.0.39, table customers, 48213 rows`,
    sensitive: [pii(em, "uppercase email")],
    benign: ["8.0.39", "48213"],
  });

  const [fs, ls] = rng.pick(entry(PEOPLE, "en"));
  const es = emailFor(rng, fs, ls, "example.org");
  const ip = publicIp(rng);
  add({
    id: "sql/where-clause",
    format: "SQL",
    text: `SELECT id, email, last_login_ip, created_at
FROM accounts
WHERE lower(email) = '${es}'
   OR last_login_ip = '${ip}'::inet
   AND created_at > '2026-11-01 00:00:00+00'
LIMIT 20; -- ticket SUP-48213`,
    sensitive: [pii(es, "email (.org)"), pii(ip, "IPv4 ::inet literal")],
    benign: ["2026-11-01 00:00:00+00", "SUP-48213"],
  });

  const [ft] = rng.pick(entry(PEOPLE, "id"));
  const et = `${asciiOf(ft)}+qa@example.com`;
  const pt = phone(rng, "+62");
  add({
    id: "test/jest-assertions",
    format: "TypeScript test",
    text: `it("normalises contact details", async () => {
  const user = await createUser({ email: "${et}", phone: "${pt}" });
  expect(user.email).toBe("${et}");
  expect(user.phoneE164).toBe("${pt.replace(/[ -]/g, "")}");
  expect(user.id).toMatch(/^usr_[0-9a-z]{24}$/);
});`,
    sensitive: [pii(et, "subaddressed email"), pii(pt, "Indonesian phone"), pii(pt.replace(/[ -]/g, ""), "Indonesian phone E.164")],
    benign: ["usr_[0-9a-z]{24}"],
  });

  const [fg, lg] = rng.pick(entry(PEOPLE, "el"));
  const eg = emailFor(rng, fg, lg, "example.gr");
  const pg = phone(rng, "+30");
  add({
    id: "graphql/customer-response",
    format: "GraphQL JSON response",
    text: `{"data":{"customer":{"id":"gid://shopify/Customer/7184620941482","displayName":"${fg} ${lg}","email":"${eg}","phone":"${pg.replace(/ /g, "")}","createdAt":"2026-03-14T11:20:05Z","tags":["vip","wholesale"]}},"extensions":{"cost":{"requestedQueryCost":3,"actualQueryCost":3}}}`,
    sensitive: [pii(eg, "email"), pii(pg.replace(/ /g, ""), "Greek phone E.164")],
    benign: ["gid://shopify/Customer/7184620941482", "2026-03-14T11:20:05Z"],
  });

  add({
    id: "code/decorators-and-scopes",
    format: "TypeScript source",
    text: `import { Injectable } from "@nestjs/common";
import { z } from "zod";
// requires @types/node@20.11.30 and @nestjs/core@10.3.8

@Injectable()
export class MailerService {
  @Inject("MAILER") private readonly transport: Transport;
  readonly from = process.env.MAIL_FROM ?? "<no-reply address>";
  schema = z.object({ email: z.string().email(), version: z.literal("2.4.1") });
}`,
    sensitive: [],
    benign: ["@nestjs/common", "@types/node@20.11.30", "@nestjs/core@10.3.8", "@Injectable()", '@Inject("MAILER")', "2.4.1"],
  });

  add({
    id: "css/media-queries",
    format: "CSS",
    text: `@import url("https://fonts.googleapis.com/css2?family=Inter:wght@400;600&display=swap");
@media (max-width: 768px) and (min-resolution: 2dppx) {
  .card { padding: 12px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
}
@font-face { font-family: "Inter"; src: url(/fonts/inter-4.0.woff2) format("woff2"); }
@supports (display: grid) { .grid { grid-template-columns: repeat(12, 1fr); } }`,
    sensitive: [],
    benign: ["wght@400;600", "@media (max-width: 768px)", "inter-4.0.woff2"],
  });

  add({
    id: "git/remotes-and-ssh",
    format: "shell session",
    text: `$ git remote -v
origin	git@github.com:acme-payments/ledger.git (fetch)
upstream	ssh://git@gitlab.internal.corp:2222/platform/ledger.git (push)
$ ssh -J deploy@bastion-01 ubuntu@web-02 'docker pull ghcr.io/acme/ledger:2026.11.22-3f9a1c7'
$ git log -1 --format=%H
9b2f4c61e8a07d3355c1f0e2a4b6d8c9e1f3a5b7
$ npm view @acme/ledger-sdk@3.2.1 dist.integrity
sha512-8mQfbG1xg2Vn0pZ6v3kR7cT9yH4jL2sW5dA1eU0oI8bN3mX6zC9qF7rK4tP2wY5sE1aB0gH3jD6lV9nM8uQ2oA==`,
    sensitive: [],
    benign: ["git@github.com:acme-payments/ledger.git", "ssh://git@gitlab.internal.corp:2222/platform/ledger.git", "deploy@bastion-01", "ubuntu@web-02", "ghcr.io/acme/ledger:2026.11.22-3f9a1c7", "9b2f4c61e8a07d3355c1f0e2a4b6d8c9e1f3a5b7", "@acme/ledger-sdk@3.2.1"],
  });

  add({
    id: "docker/compose-tags",
    format: "docker-compose.yml",
    text: `services:
  db:
    image: postgres:16.4-bookworm@sha256:3f7c1b8e9a0d2c4f6e8a1b3d5f7c9e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a
    ports: ["127.0.0.1:5432:5432"]
  app:
    image: node:20.11.1-alpine3.19
    environment:
      - SMTP_FROM=\${SMTP_FROM}
      - BIND=0.0.0.0:3000`,
    sensitive: [],
    benign: ["postgres:16.4-bookworm", "sha256:3f7c1b8e9a0d2c4f6e8a1b3d5f7c9e0a2b4d6f8a1c3e5b7d9f0a2c4e6b8d0f1a", "127.0.0.1:5432:5432", "node:20.11.1-alpine3.19", "0.0.0.0:3000"],
  });

  add({
    id: "snmp/oids",
    format: "snmpwalk output",
    text: `SNMPv2-MIB::sysObjectID.0 = OID: .1.3.6.1.4.1.9.1.2494
IF-MIB::ifPhysAddress.2 = STRING: 0:1b:54:c2:9e:31
HOST-RESOURCES-MIB::hrSystemUptime.0 = Timeticks: (123456789) 14 days, 6:56:07.89
1.3.6.1.4.1.311.21.8.16271949.10463453.12345678.1234567.1.42 = Hex-STRING: 0A 0B`,
    sensitive: [],
    benign: [".1.3.6.1.4.1.9.1.2494", "0:1b:54:c2:9e:31", "14 days, 6:56:07.89", "1.3.6.1.4.1.311.21.8.16271949.10463453.12345678.1234567.1.42"],
  });

  const enc = emailFor(rng, ...rng.pick(entry(PEOPLE, "es")), "example.com");
  const encoded = enc.replace("@", "%40");
  add({
    id: "url/encoded-email",
    format: "URL in log",
    text: `GET /unsubscribe?email=${encoded}&list=newsletter-2026&sig=9f1e0d2c3b4a HTTP/1.1 200`,
    sensitive: [pii(encoded, "URL-encoded email")],
    benign: ["newsletter-2026", "sig=9f1e0d2c3b4a"],
  });

  const escEmail = emailFor(rng, ...rng.pick(entry(PEOPLE, "ro")), "example.ro").replace("@", "\\u0040");
  add({
    id: "json/unicode-escaped-email",
    format: "JSON (escaped)",
    text: `{"event":"signup","user":{"email":"${escEmail}","locale":"ro-RO"},"ts":"2026-11-22T10:31:07.004Z"}`,
    sensitive: [pii(escEmail, "JSON \\u0040-escaped email")],
    benign: ["2026-11-22T10:31:07.004Z"],
  });

  const idn = rng.pick(["jürgen.weiß@müller-bau.de", "ömer@şirket.com.tr", "δοκιμή@παράδειγμα.ελ", "пользователь@пример.рф"]);
  add({
    id: "idn/email-in-prose",
    format: "plain text",
    text: `Bounce report: delivery to ${idn} failed with 550 5.1.1 (mailbox unavailable) after 3 attempts.`,
    sensitive: [pii(idn, "IDN email")],
    benign: ["550 5.1.1"],
  });
}

function payments({ rng, add }: Ctx) {
  const visa = cardNumber(rng, "visa");
  const [fs, ls] = rng.pick(entry(PEOPLE, "en"));
  const se = emailFor(rng, fs, ls, "example.com");
  const ip = publicIp(rng);
  add({
    id: "stripe/webhook-charge",
    format: "Stripe webhook JSON",
    text: `{
  "id": "evt_3QbX1uK9${rng.alnum(14)}",
  "type": "charge.failed",
  "created": 1763806211,
  "data": {"object": {
    "amount": 129900, "currency": "eur",
    "billing_details": {"email": "${se}", "name": "${fs} ${ls}"},
    "payment_method_details": {"card": {"brand": "visa", "last4": "${visa.slice(-4)}", "exp_month": 9, "exp_year": 2029, "fingerprint": "Xt5EWLLDS7FJjR1c"}},
    "metadata": {"raw_pan_debug": "${visa}", "client_ip": "${ip}"},
    "failure_code": "card_declined"
  }}
}`,
    sensitive: [pii(se, "email"), pii(visa, "Visa PAN, compact"), pii(ip, "IPv4")],
    benign: ["1763806211", "129900", "Xt5EWLLDS7FJjR1c"],
  });

  const mc = cardNumber(rng, "mastercard");
  const [fp, lp] = rng.pick(entry(PEOPLE, "pt"));
  const pe = emailFor(rng, fp, lp, "example.net");
  add({
    id: "paypal/ipn",
    format: "PayPal IPN form body",
    text: `mc_gross=249.90&protection_eligibility=Eligible&payer_id=LPLWNMTBWMFAY&payment_date=03%3A14%3A07+Nov+22%2C+2026+PST&payer_email=${pe.replace("@", "%40")}&txn_id=61E67681CH3238416&cc_debug=${mc}&mc_currency=BRL&verify_sign=AFcWxV21C7fd0v3bYYYRCpSSRl31A1yY3kNo.dBhKzI4Qh2r3tTf1q`,
    sensitive: [pii(pe.replace("@", "%40"), "URL-encoded email"), pii(mc, "Mastercard PAN, compact")],
    benign: ["LPLWNMTBWMFAY", "61E67681CH3238416", "249.90"],
  });

  const amex = cardNumber(rng, "amex");
  const productGtin = ean13(rng, "400");
  add({
    id: "json/card-as-number",
    format: "JSON",
    text: `{"order": 100482213, "card_number": ${amex}, "cvv_present": true, "amount": 1843.75, "gtin": "${productGtin}"}`,
    sensitive: [pii(amex, "Amex PAN as JSON number")],
    benign: ["100482213", "1843.75", productGtin],
  });

  const cards: Array<[keyof typeof ISSUERS, string]> = [
    ["discover", " "],
    ["jcb", "-"],
    ["diners", " "],
    ["unionpay", ""],
    ["maestro", " "],
    ["mastercard", "-"],
    ["amex", " "],
    ["visa", "."],
  ];
  const prose = [
    (c: string) => `Cliente dice que pagó con la tarjeta ${c} pero el cargo aparece dos veces.`,
    (c: string) => `Il cliente ha comunicato il numero di carta ${c} via chat, per favore cancellalo.`,
    (c: string) => `Müşteri kart numarasını yazdı: ${c}, son kullanma 09/29.`,
    (c: string) => `Khách hàng gửi số thẻ ${c} qua email, vui lòng xóa.`,
    (c: string) => `Pelanggan mengirim nomor kartu ${c} lewat WhatsApp.`,
    (c: string) => `ลูกค้าส่งหมายเลขบัตร ${c} มาในแชท กรุณาลบ`,
    (c: string) => `הלקוח שלח מספר כרטיס ${c} בצ'אט.`,
    (c: string) => `Klient poslal číslo karty ${c} do chatu, smažte ho prosím.`,
  ];
  cards.forEach(([issuer, sep], i) => {
    const n = cardNumber(rng, issuer);
    const shown = sep === "" ? n : group(n, cardGroups(n), sep);
    add({ id: `card/${issuer}-${i}`, format: "support chat", text: nth(prose, i)(shown), sensitive: [pii(shown, `${issuer} card`)] });
  });

  const ssnV = ssn(rng);
  const [fu, lu] = rng.pick(entry(PEOPLE, "en"));
  add({
    id: "hr/ssn-onboarding",
    format: "HR CSV",
    text: `employee_id,first_name,last_name,ssn,start_date,salary_usd
E-20418,${fu},${lu},${ssnV},2026-12-01,98500.00`,
    sensitive: [pii(ssnV, "US SSN")],
    benign: ["E-20418", "2026-12-01", "98500.00"],
  });

  const ssn2 = ssn(rng);
  add({
    id: "python/ssn-fixture",
    format: "Python test",
    text: `def test_masks_ssn():
    record = {"name": "Dana Whitfield", "ssn": "${ssn2}", "dob": "1988-07-14"}
    assert mask(record)["ssn"] == "***-**-${ssn2.slice(-4)}"`,
    sensitive: [pii(ssn2, "US SSN")],
    benign: ["1988-07-14"],
  });

  // Look-alikes around payments.
  const bad1 = luhnFailing(rng, "visa");
  const bad2 = luhnFailing(rng, "mastercard");
  add({
    id: "card/luhn-failing-and-test",
    format: "QA notes",
    text: `Checkout QA:
- 4242 4242 4242 4242 → succeeds (Stripe test card)
- 4111 1111 1111 1111 → succeeds (generic test Visa)
- 5555 5555 5555 4444 → succeeds
- 378282246310005 → Amex test, succeeds
- ${group(bad1, [4, 4, 4, 4], " ")} → "card number is invalid" (checksum failure, expected)
- ${bad2} → rejected by Luhn, expected
Saved card on file: **** **** **** 4821, exp 09/29`,
    sensitive: [],
    benign: ["4242 4242 4242 4242", "4111 1111 1111 1111", "5555 5555 5555 4444", "378282246310005", group(bad1, [4, 4, 4, 4], " "), bad2, "**** **** **** 4821"],
  });

  const isbn = "978-3-16-148410-0";
  const gtin = ean13(rng, "590");
  const gtin2 = ean13(rng, "869");
  add({
    id: "catalog/gtin-isbn",
    format: "product CSV",
    text: `sku,title,gtin,isbn,price,stock
BK-00417,"Çocuklar için Algoritmalar",${gtin2},${isbn},189.90,42
HW-2291-BLK,"Kabel USB-C 2m",${gtin},,24.99,1380
SW-LIC-365,"Office 365 E3 (12 months)",,,${"2.280,00"},0`,
    sensitive: [],
    benign: ["BK-00417", gtin2, isbn, gtin, "HW-2291-BLK", "SW-LIC-365", "2.280,00"],
  });

  const ups = `1Z${rng.alnum(6)}03${rng.digits(8)}`;
  const usps = `9400 1${rng.digits(3)} ${rng.digits(4)} ${rng.digits(4)} ${rng.digits(4)} ${rng.digits(2)}`;
  const dhl = rng.digits(10);
  add({
    id: "shipping/tracking",
    format: "shipping notification",
    text: `Your order #${rng.digits(9)}-${rng.digits(2)} has shipped.
UPS: ${ups}
USPS: ${usps}
DHL Express Waybill: ${dhl}
Weight 2.45 kg · 3 parcels · ETA 2026-11-25`,
    sensitive: [],
    benign: [ups, usps, dhl, "2.45 kg", "2026-11-25"],
  });

  const [imei1, imei2] = [imei(rng), imei(rng)];
  add({
    id: "mdm/device-inventory",
    format: "MDM export CSV",
    text: `serial,imei,imei2,wifi_mac,os,enrolled
C02ZK1ABMD6T,${imei1},${imei2},${mac(rng)},iOS 18.1.1 (22B91),2026-02-03T09:15:00Z`,
    sensitive: [],
    benign: ["C02ZK1ABMD6T", imei1, imei2, "18.1.1", "22B91", "2026-02-03T09:15:00Z"],
  });

  add({
    id: "invoice/ids-and-amounts",
    format: "accounting export",
    text: `Invoice INV-2026-004417 dated 22.11.2026, due 22.12.2026
Order 4006381333931 / PO 4500123987 / Customer no. 10048221
Net 12 480,00 SEK, VAT 25% 3 120,00 SEK, total 15 600,00 SEK
Bankgiro 5050-1055, OCR 1234567897, reference RF18539007547034`,
    sensitive: [],
    benign: ["RF18539007547034", "INV-2026-004417", "4006381333931", "4500123987", "10048221", "12 480,00", "5050-1055", "1234567897"],
  });

  const badIbans = ["TR", "HU", "BR", "AE"].map((c) => ibanBadCheck(rng, c));
  add({
    id: "iban/bad-check-digits",
    format: "validation log",
    text: badIbans.map((b) => `WARN iban_validator: rejected ${b} (mod-97 check failed)`).join("\n"),
    sensitive: [],
    benign: badIbans,
  });
}

function ibans({ rng, add }: Ctx) {
  const countries = Object.keys(IBAN_BBAN);
  const frames: Array<(v: string, c: string) => string> = [
    (v) => `Olá, segue meu IBAN para o reembolso: ${v}. Obrigado!`,
    (v) => `Lütfen iadeyi şu hesaba yapın: IBAN ${v} (Ziraat Bankası).`,
    (v) => `{"beneficiary":{"iban":"${v}","bic":"NCBKSAJE","name":"Al Noor Trading"}}`,
    (v) => `beneficiary_iban: ${v}\nbeneficiary_bic: QNBAQAQA\namount: 18250.00`,
    (v) => `Счёт получателя (IBAN): ${v}, БИК KCJBKZKX`,
    (v) => `Реквізити для повернення коштів: IBAN ${v}, ПриватБанк.`,
    (v) => `Vă rog să transferați suma în contul ${v} (Banca Transilvania).`,
    (v) => `Kérem, utalja vissza a ${v} számlára.`,
    (v) => `Prosím o vrácení na účet ${v}, děkuji.`,
    (v) => `Παρακαλώ επιστρέψτε το ποσό στον λογαριασμό ${v}.`,
    (v) => `נא להעביר את ההחזר לחשבון ${v}.`,
    (v) => `payout,AE,${v},AED,4200.00,2026-11-30`,
    (v) => `Account for refund — IBAN: ${v}, Meezan Bank, Karachi`,
    (v) => `<Cdtr><Nm>Ile Maurice Ltd</Nm></Cdtr><CdtrAcct><Id><IBAN>${v}</IBAN></Id></CdtrAcct>`,
  ];
  countries.forEach((c, i) => {
    const raw = iban(rng, c);
    const v = i % 3 === 1 ? spaced(raw) : raw;
    add({ id: `iban/${c.toLowerCase()}`, format: i % 3 === 1 ? "prose, grouped IBAN" : "payment text", text: nth(frames, i)(v, c), sensitive: [pii(v, `${c} IBAN`)] });
  });
}

function phones({ rng, add }: Ctx) {
  const frames: Record<string, (p: string) => string> = {
    "+55": (p) => `Oi, meu WhatsApp é ${p}, pode me ligar depois das 18h?`,
    "+90": (p) => `Kargo teslim edilmedi, lütfen beni ${p} numarasından arayın.`,
    "+84": (p) => `Vui lòng gọi lại cho tôi theo số ${p} trước 17:00.`,
    "+62": (p) => `Tolong hubungi saya di ${p}, terima kasih.`,
    "+66": (p) => `กรุณาติดต่อกลับที่เบอร์ ${p} ครับ`,
    "+972": (p) => `אפשר לחזור אליי בטלפון ${p} אחרי 16:00.`,
    "+30": (p) => `Παρακαλώ καλέστε με στο ${p} για την παραγγελία 58213.`,
    "+420": (p) => `Zavolejte mi prosím na <a href="tel:${p.replace(/ /g, "")}">${p}</a>.`,
    "+36": (p) => `Kérem, hívjon vissza a ${p} számon.`,
    "+40": (p) => `Mă puteți suna la ${p}, interior 214.`,
    "+46": (p) => `Ring mig på ${p} om leveransen.`,
    "+358": (p) => `Soittakaa minulle numeroon ${p}, kiitos.`,
    "+380": (p) => `Зателефонуйте мені, будь ласка: ${p}.`,
    "+234": (p) => `Please call the delivery rider on ${p}; order ref NG-2026-11-8841.`,
    "+254": (p) => `M-Pesa refund to ${p} please (till 522533).`,
    "+27": (p) => `Contact: ${p} ext. 4410`,
    "+61": (p) => `Call me on ${p} after 3pm AEST.`,
    "+64": (p) => `My mobile is ${p}.`,
    "+65": (p) => `phone: "${p}"\ncountry: SG\npostal_code: "238859"`,
    "+852": (p) => `聯絡電話：${p}（辦公時間）`,
    "+971": (p) => `{"contact":{"mobile":"${p.replace(/ /g, "")}","country":"AE"}}`,
  };
  for (const cc of Object.keys(PHONE_FORMATS)) {
    const p = phone(rng, cc);
    const text = entry(frames, cc)(p);
    const sensitive = [pii(cc === "+971" ? p.replace(/ /g, "") : p, `${cc} phone`)];
    if (cc === "+420") sensitive.push(pii(p.replace(/ /g, ""), "+420 phone in tel: link"));
    add({ id: `phone/${cc.slice(1)}`, format: "support ticket", text, sensitive });
  }
  const ext = `+1 (415) 555-${rng.digits(4)}`;
  add({
    id: "phone/us-extension",
    format: "email signature",
    text: `--\nSam Ortiz | Billing\n${ext} x2231 | Fax +1 415 555 0199\n`,
    sensitive: [pii(ext, "US phone with extension"), pii("+1 415 555 0199", "US fax")],
    benign: ["x2231"],
  });
}

function tickets({ rng, add }: Ctx) {
  const langs: Array<[string, string, (n: string, e: string, p: string, ip: string) => string, string]> = [
    ["es", "+34", (n, e, p, ip) => `Hola, soy ${n}. No puedo iniciar sesión desde ayer; mi correo es ${e} y mi móvil ${p}. La IP que me bloquearon es ${ip}.`, "Spanish ticket"],
    ["it", "+39", (n, e, p, ip) => `Buongiorno, sono ${n}. Il mio account ${e} risulta sospeso. Potete richiamarmi al ${p}? L'ultimo accesso era da ${ip}.`, "Italian ticket"],
    ["pt", "+55", (n, e, p, ip) => `Olá, meu nome é ${n}. Meu e-mail ${e} não recebe o código. Celular: ${p}. Acessei do IP ${ip}.`, "Brazilian Portuguese ticket"],
    ["tr", "+90", (n, e, p, ip) => `Merhaba, ben ${n}. ${e} adresiyle giriş yapamıyorum. Telefonum ${p}, IP adresim ${ip}.`, "Turkish ticket"],
    ["vi", "+84", (n, e, p, ip) => `Xin chào, tôi là ${n}. Email của tôi là ${e}, số điện thoại ${p}. Địa chỉ IP: ${ip}.`, "Vietnamese ticket"],
    ["id", "+62", (n, e, p, ip) => `Halo, saya ${n}. Akun ${e} terkunci. Nomor HP ${p}, login dari ${ip}.`, "Indonesian ticket"],
    ["th", "+66", (n, e, p, ip) => `สวัสดีครับ ผม${n} อีเมล ${e} เบอร์โทร ${p} เข้าระบบจาก IP ${ip} ไม่ได้`, "Thai ticket"],
    ["he", "+972", (n, e, p, ip) => `שלום, אני ${n}. המייל שלי ${e}, טלפון ${p}. ניסיתי להתחבר מ-${ip}.`, "Hebrew ticket"],
    ["el", "+30", (n, e, p, ip) => `Καλησπέρα, είμαι ${n}. Το email μου είναι ${e}, τηλέφωνο ${p}. Σύνδεση από ${ip}.`, "Greek ticket"],
    ["cs", "+420", (n, e, p, ip) => `Dobrý den, jmenuji se ${n}. Můj e-mail je ${e}, telefon ${p}. Přihlašoval jsem se z ${ip}.`, "Czech ticket"],
    ["hu", "+36", (n, e, p, ip) => `Jó napot, ${n} vagyok. Az e-mail címem ${e}, telefonszámom ${p}. IP-cím: ${ip}.`, "Hungarian ticket"],
    ["ro", "+40", (n, e, p, ip) => `Bună ziua, sunt ${n}. Adresa mea de e-mail este ${e}, telefon ${p}. M-am conectat de pe ${ip}.`, "Romanian ticket"],
    ["sv", "+46", (n, e, p, ip) => `Hej, jag heter ${n}. Min e-post är ${e} och mitt nummer ${p}. Inloggning från ${ip}.`, "Swedish ticket"],
    ["fi", "+358", (n, e, p, ip) => `Hei, olen ${n}. Sähköpostini on ${e}, puhelin ${p}. Kirjauduin osoitteesta ${ip}.`, "Finnish ticket"],
    ["uk", "+380", (n, e, p, ip) => `Доброго дня, я ${n}. Моя пошта ${e}, телефон ${p}. Вхід з адреси ${ip}.`, "Ukrainian ticket"],
  ];
  const extraPhones: Record<string, (r: Rng) => string> = {
    "+34": (r) => `+34 6${r.digits(2)} ${r.digits(3)} ${r.digits(3)}`,
    "+39": (r) => `+39 3${r.digits(2)} ${r.digits(3)} ${r.digits(4)}`,
  };
  for (const [lang, cc, frame, format] of langs) {
    const [f, l] = rng.pick(entry(PEOPLE, lang));
    const domain = rng.pick(["example.com", "gmail.com", "outlook.com", "yahoo.com", "example.org", "proton.me"]);
    const e = emailFor(rng, f, l, domain);
    const p = (extraPhones[cc] ?? entry(PHONE_FORMATS, cc))(rng);
    const ip = rng.next() < 0.25 ? publicIpv6(rng) : publicIp(rng);
    add({
      id: `ticket/${lang}`,
      format,
      text: frame(`${f} ${l}`, e, p, ip),
      sensitive: [pii(e, "email"), pii(p, `${cc} phone`), pii(ip, ip.includes(":") ? "IPv6" : "IPv4")],
    });
  }

  // Same languages, look-alikes only.
  const benignTickets: Array<[string, string, string[]]> = [
    ["es", "Versión 3.18.2 (build 20261122.4) falla al exportar; pedido PED-2026-000871, importe 1.234,56 €, duración 1h23m45s.", ["3.18.2", "20261122.4", "PED-2026-000871", "1.234,56", "1h23m45s"]],
    ["it", "Dopo l'aggiornamento alla 14.2.0 l'ordine n. 2026/004417 resta in stato 'in lavorazione' da 72:15:03.", ["14.2.0", "2026/004417", "72:15:03"]],
    ["pt", "Pedido 1029384756 com NF-e 35261112345678000190550010000123451234567890 travado desde 22/11/2026 10:31:07.", ["1029384756", "35261112345678000190550010000123451234567890", "22/11/2026 10:31:07"]],
    ["tr", "Sipariş no 7281946530, kargo takip 7300129384756, tutar 1.249,90 TL. Uygulama sürümü 5.0.12 (512).", ["7281946530", "7300129384756", "1.249,90", "5.0.12"]],
    ["vi", "Mã đơn hàng VN2611228841, tọa độ giao hàng 10.7769, 106.7009, phiên bản ứng dụng 2.7.1.", ["VN2611228841", "10.7769, 106.7009", "2.7.1"]],
    ["th", "หมายเลขคำสั่งซื้อ TH-88214573 พัสดุ EF582796541TH เวอร์ชัน 4.1.0 เวลา 10:31:07", ["TH-88214573", "EF582796541TH", "4.1.0", "10:31:07"]],
    ["he", "הזמנה מס' 558201447, גרסה 9.4.2, זמן תגובה 1532ms, קואורדינטות 32.0853, 34.7818.", ["558201447", "9.4.2", "1532ms", "32.0853, 34.7818"]],
    ["el", "Αριθμός παραγγελίας 2026-11-0042871, έκδοση 1.22.0-beta.3, ΑΦΜ πελάτη δεν δόθηκε.", ["2026-11-0042871", "1.22.0-beta.3"]],
    ["cs", "Objednávka č. 2611220457, variabilní symbol 2611220457, částka 12 450,00 Kč, verze 8.3.", ["2611220457", "12 450,00"]],
    ["hu", "Rendelésszám: 400812937, számla: SZLA-2026/118, összeg 45 990 Ft, build 7.12.0+20261120.", ["400812937", "SZLA-2026/118", "7.12.0+20261120"]],
    ["ro", "Comanda #RO-2026-11-88412 a fost livrată; AWB 1234567890123, versiunea aplicației 6.2.14.", ["RO-2026-11-88412", "1234567890123", "6.2.14"]],
    ["sv", "Ordernummer 100394857, OCR 7512345678902, belopp 2 499,00 kr, appversion 24.11.1.", ["100394857", "7512345678902", "24.11.1"]],
    ["fi", "Tilausnumero 5561029384, viitenumero 11 11112 22223, versio 3.0.7, kesto 00:04:12.", ["5561029384", "11 11112 22223", "3.0.7", "00:04:12"]],
    ["uk", "Замовлення № 84721930, ТТН 20450812345678, версія 2.3.9, час 10:31:07.", ["84721930", "20450812345678", "2.3.9"]],
    ["id", "Nomor pesanan INV/20261122/MPL/3847201956, resi JNE 0114212345678901, versi 4.88.1.", ["INV/20261122/MPL/3847201956", "0114212345678901", "4.88.1"]],
  ];
  for (const [lang, text, benign] of benignTickets) add({ id: `ticket-benign/${lang}`, format: "support ticket (look-alikes)", text, sensitive: [], benign });
}

function exports({ rng, add }: Ctx) {
  const rows = Array.from({ length: 3 }, () => {
    const [f, l] = rng.pick(entry(PEOPLE, rng.pick(["en", "sv", "it", "pt"])));
    return { f, l, e: emailFor(rng, f, l, rng.pick(["example.com", "gmail.com", "icloud.com"])), p: phone(rng, rng.pick(["+61", "+64", "+46", "+55"])) };
  });
  add({
    id: "shopify/customers-csv",
    format: "Shopify customer export CSV",
    text: `First Name,Last Name,Email,Accepts Email Marketing,Default Address Phone,Total Spent,Total Orders,Tags
${rows.map((r) => `${r.f},${r.l},${r.e},yes,'${r.p},1249.50,7,"vip, wholesale"`).join("\n")}`,
    sensitive: rows.flatMap((r) => [pii(r.e, "email"), pii(r.p, "phone")]),
    benign: ["1249.50"],
  });

  const [hf, hl] = rng.pick(entry(PEOPLE, "en"));
  const he = emailFor(rng, hf, hl, "example.com");
  const hp = phone(rng, "+27");
  add({
    id: "hubspot/contacts-csv",
    format: "HubSpot contacts export CSV",
    text: `"Record ID","First Name","Last Name","Email","Phone Number","Lifecycle Stage","Create Date","IP Country"
"58210934871","${hf}","${hl}","${he}","${hp}","lead","2026-11-02 14:21","za"`,
    sensitive: [pii(he, "email"), pii(hp, "South African phone")],
    benign: ["58210934871", "2026-11-02 14:21"],
  });

  const [mf, ml] = rng.pick(entry(PEOPLE, "en"));
  const me = emailFor(rng, mf, ml, "example.com");
  add({
    id: "html/mailto-and-handles",
    format: "HTML",
    text: `<footer>
  <a href="mailto:${me}?subject=Refund%20request">Email ${mf}</a> ·
  <a href="https://twitter.com/acme_support">@acme_support</a> ·
  <a href="https://github.com/acme">@acme</a> · build 2026.11.22+sha.9b2f4c6
</footer>`,
    sensitive: [pii(me, "email in mailto")],
    benign: ["@acme_support", "@acme", "2026.11.22+sha.9b2f4c6"],
  });

  add({
    id: "readme/placeholders",
    format: "Markdown docs",
    text: `## Configure mail
Set \`SMTP_USER=<your-email>\` and \`ALERT_TO=you@your-domain\`. Phone numbers must be E.164, e.g. \`+<country code><number>\`.
The API returns \`{"email": "<redacted>", "phone": null}\` for deleted users.
Example image: ![logo](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==)`,
    sensitive: [],
    benign: ["<your-email>", "you@your-domain", "+<country code><number>", "<redacted>", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="],
  });

  add({
    id: "metrics/prometheus",
    format: "Prometheus exposition",
    text: `# HELP http_request_duration_seconds Request latency
http_request_duration_seconds_bucket{le="0.005",route="/api/v1/orders"} 24054
http_request_duration_seconds_sum{route="/api/v1/orders"} 1843.7512
process_start_time_seconds 1.763805603e+09
node_network_info{address="00:1b:54:c2:9e:31",device="eth0",operstate="up"} 1
go_info{version="go1.22.5"} 1`,
    sensitive: [],
    benign: ["0.005", "24054", "1843.7512", "1.763805603e+09", "00:1b:54:c2:9e:31", "go1.22.5"],
  });

  add({
    id: "k8s/pod-describe",
    format: "kubectl describe",
    text: `Name:             ledger-web-7d9f8b6c5d-x2kq9
Start Time:       Sun, 22 Nov 2026 09:58:12 +0000
Labels:           app=ledger-web pod-template-hash=7d9f8b6c5d
Containers:
  web:
    Image:          ghcr.io/acme/ledger:v4.12.0
    Image ID:       ghcr.io/acme/ledger@sha256:b5d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3f7c1b8e9a0d2c4f6e8a1b3d5f7c9e0a2
    Port:           3000/TCP
    Limits:         cpu: 500m, memory: 512Mi
    Restart Count:  3`,
    sensitive: [],
    benign: ["ledger-web-7d9f8b6c5d-x2kq9", "v4.12.0", "sha256:b5d6f8a1c3e5b7d9f0a2c4e6b8d0f1a3f7c1b8e9a0d2c4f6e8a1b3d5f7c9e0a2", "512Mi"],
  });

  const pod = privateIp(rng);
  add({
    id: "k8s/pod-ips",
    format: "kubectl get -o wide",
    text: `NAME                          READY   STATUS    RESTARTS   AGE   IP            NODE
ledger-web-7d9f8b6c5d-x2kq9   1/1     Running   3          2d    ${pod}     pool-a-node-7xk2`,
    sensitive: [pii(pod, "private IPv4 pod IP")],
    benign: ["ledger-web-7d9f8b6c5d-x2kq9"],
  });

  add({
    id: "java/stacktrace",
    format: "Java stack trace",
    text: `2026-11-22 10:44:18.512 ERROR 1 --- [nio-8080-exec-7] o.a.c.c.C.[.[.[/].[dispatcherServlet] : Servlet.service() threw exception
java.lang.IllegalStateException: Checksum mismatch: expected 0x9f1e0d2c got 0x3b4a5968 for chunk 4821/10000
	at com.acme.ledger.sync.ChunkReader.verify(ChunkReader.java:118)
	at com.acme.ledger.sync.ChunkReader.read(ChunkReader.java:87)
	at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)
Caused by: java.net.SocketTimeoutException: Read timed out after 30000 ms (attempt 3 of 5)`,
    sensitive: [],
    benign: ["2026-11-22 10:44:18.512", "0x9f1e0d2c", "0x3b4a5968", "4821/10000", "30000 ms"],
  });

  add({
    id: "geo/coordinates-json",
    format: "GeoJSON",
    text: `{"type":"Feature","geometry":{"type":"Point","coordinates":[28.978359,41.008238]},"properties":{"name":"Sultanahmet depot","elevation_m":39.5,"h3":"8a1ec9b1a4dffff","updated":"2026-11-22T08:00:00+03:00"}}`,
    sensitive: [],
    benign: ["28.978359,41.008238", "8a1ec9b1a4dffff", "2026-11-22T08:00:00+03:00"],
  });

  add({
    id: "bench/durations-numbers",
    format: "benchmark output",
    text: `redact/mixed-1MB   x 142.31 ops/sec ±1.84% (88 runs sampled)  p50=6.92ms p99=11.408ms
total 4 096 000 000 bytes in 28.771s (142.36 MB/s); rss 212.4 MiB; gc 0.48s
seed=20261122 run=7c2f1e9a build=10.14.2-nightly.20261121`,
    sensitive: [],
    benign: ["142.31", "6.92ms", "11.408ms", "4 096 000 000", "28.771s", "20261122", "7c2f1e9a", "10.14.2-nightly.20261121"],
  });

  add({
    id: "hw/serials-macs",
    format: "inventory YAML",
    text: `- asset: LT-2026-0417
  model: ThinkPad X1 Carbon Gen 12
  serial: PF4X9K2M
  wifi_mac: a4:c3:f0:85:1d:6e
  eth_mac: A4-C3-F0-85-1D-6F
  bios: N3XET52W (1.27)
  uuid: 4c4c4544-0042-3510-8052-b4c04f4e3632
  warranty_until: 2029-11-21`,
    sensitive: [],
    benign: ["LT-2026-0417", "PF4X9K2M", "a4:c3:f0:85:1d:6e", "A4-C3-F0-85-1D-6F", "N3XET52W", "4c4c4544-0042-3510-8052-b4c04f4e3632", "2029-11-21"],
  });

  add({
    id: "phone-like/non-phones",
    format: "release notes",
    text: `Release 2026.11.22 (+0100 CET)
- Fixed overflow when quantity > 2147483647
- Timeout raised from +30 000 ms to +45 000 ms
- ISO week 2026-W47, fiscal period P11/2026
- Hotfix ticket numbers: #48213, #48217, #48230
- Coverage +12.45 % (from 71.30 % to 83.75 %)`,
    sensitive: [],
    benign: ["2026.11.22", "+0100", "2147483647", "+30 000 ms", "+45 000 ms", "2026-W47", "P11/2026", "+12.45 %"],
  });
}

function mixedPii({ rng, add }: Ctx) {
  const [f, l] = rng.pick(entry(PEOPLE, "en"));
  const e = emailFor(rng, f, l, "example.com");
  const ip = publicIp(rng);
  const p = phone(rng, "+234");
  add({
    id: "pino/log-json",
    format: "pino JSON log",
    text: `{"level":30,"time":1763806211004,"pid":1,"hostname":"ledger-web-7d9f8b6c5d-x2kq9","reqId":"req-4k","req":{"method":"POST","url":"/login","remoteAddress":"${ip}","remotePort":53122},"user":{"email":"${e}","phone":"${p}"},"msg":"login failed","responseTime":41.7}`,
    sensitive: [pii(ip, "IPv4 remoteAddress"), pii(e, "email"), pii(p, "Nigerian phone")],
    benign: ["1763806211004", "ledger-web-7d9f8b6c5d-x2kq9", "41.7"],
  });

  const [f2, l2] = rng.pick(entry(PEOPLE, "sv"));
  const e2 = emailFor(rng, f2, l2, "example.se");
  const card = cardNumber(rng, "visa");
  const shownCard = group(card, [4, 4, 4, 4], " ");
  const ib = iban(rng, "HU");
  add({
    id: "chat/mixed-customer-message",
    format: "customer chat transcript",
    text: `[10:31] ${f2}: hej! jag har betalat två gånger, kort ${shownCard}
[10:31] ${f2}: återbetala gärna till ${ib} istället
[10:32] Agent Kim: Tack! Jag skickar bekräftelse till ${e2} (ärende #58213).`,
    sensitive: [pii(shownCard, "Visa card, spaced"), pii(ib, "HU IBAN"), pii(e2, "email")],
    benign: ["#58213"],
  });

  const ssnV = ssn(rng);
  const e3 = `billing+${rng.digits(4)}@example.com`;
  const ip6 = publicIpv6(rng);
  add({
    id: "yaml/fixture-users",
    format: "YAML fixture",
    text: `users:
  - id: 7f3c9a1e-2b4d-4e6f-8a0c-1d2e3f4a5b6c
    email: ${e3}
    ssn: "${ssnV}"
    last_ip: "${ip6}"
    created_at: 2026-11-22T10:00:00Z`,
    sensitive: [pii(e3, "subaddressed email"), pii(ssnV, "US SSN"), pii(ip6, "IPv6")],
    benign: ["7f3c9a1e-2b4d-4e6f-8a0c-1d2e3f4a5b6c", "2026-11-22T10:00:00Z"],
  });

  const ip4port = `${publicIp(rng)}`;
  add({
    id: "redis/client-list",
    format: "redis CLIENT LIST",
    text: `id=3 addr=${ip4port}:52418 laddr=${"127.0.0.1"}:6379 fd=8 name= age=8412 idle=0 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=26 obl=0 oll=0 omem=0 tot-mem=22298 events=r cmd=client|list user=default lib-name=redis-py lib-ver=5.0.8`,
    sensitive: [pii(ip4port, "IPv4 with port")],
    benign: ["127.0.0.1", "5.0.8", "22298"],
  });

  const upperE = emailFor(rng, "Ngozi", "Okafor", "EXAMPLE.COM").toUpperCase();
  add({
    id: "mainframe/uppercase-report",
    format: "fixed-width report",
    text: `CUSTNO    NAME                  EMAIL                                  BAL
0001048221 OKAFOR NGOZI          ${upperE.padEnd(38)} 1,204.55`,
    sensitive: [pii(upperE, "uppercase email")],
    benign: ["0001048221", "1,204.55"],
  });

  const telLink = phone(rng, "+61").replace(/ /g, "");
  add({
    id: "html/tel-link",
    format: "HTML",
    text: `<p>Call us: <a href="tel:${telLink}">${telLink}</a> (Mon–Fri, 9:00–17:00 AEST)</p>`,
    sensitive: [pii(telLink, "Australian phone in tel: link")],
    benign: ["9:00–17:00"],
  });

  const sg = phone(rng, "+65");
  const hk = phone(rng, "+852");
  add({
    id: "markdown/oncall-table",
    format: "Markdown table",
    text: `| Region | On-call | Phone | Since |
|---|---|---|---|
| APAC-SG | Wei Ling Tan | ${sg} | 2026-11-16 |
| APAC-HK | Ka Ho Chan | ${hk} | 2026-11-16 |
| EU | (rotation paused) | — | v2 runbook |`,
    sensitive: [pii(sg, "Singapore phone"), pii(hk, "Hong Kong phone")],
    benign: ["2026-11-16"],
  });

  const ke = phone(rng, "+254").replace(/ /g, "");
  add({
    id: "sms/gateway-log",
    format: "SMS gateway log",
    text: `2026-11-22T10:40:12Z sms.send to=${ke} template=otp_v3 status=DELIVERED msgid=ATXid_7b1c9e2f0a4d provider_latency_ms=812`,
    sensitive: [pii(ke, "Kenyan phone E.164")],
    benign: ["2026-11-22T10:40:12Z", "ATXid_7b1c9e2f0a4d"],
  });

  const xffA = publicIp(rng);
  const xffB = publicIp(rng);
  add({
    id: "http/request-headers",
    format: "HTTP request dump",
    text: `POST /api/v1/session HTTP/1.1
Host: ledger.example.com
X-Forwarded-For: ${xffA}, ${xffB}, 127.0.0.1
X-Real-IP: ${xffA}
Forwarded: for="[${"2001:db8:cafe::17"}]:4711";proto=https
X-Request-Id: 0b7a3c9e-4f21-4d8e-9a6b-3c2d1e0f9a8b
User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) Safari/605.1.15`,
    sensitive: [pii(xffA, "IPv4 X-Forwarded-For"), pii(xffB, "IPv4 X-Forwarded-For")],
    benign: ["127.0.0.1", "2001:db8:cafe::17", "0b7a3c9e-4f21-4d8e-9a6b-3c2d1e0f9a8b", "14_6_1", "605.1.15"],
  });
}

export const personalDataProbe2: ProbeSet = {
  name: "personal data, second probe",
  build(seed: number): ProbeSample[] {
    const rng = makeRng(seed ^ 0x5eed2);
    const samples: ProbeSample[] = [];
    const ctx: Ctx = { rng, add: (s) => samples.push(s) };
    for (const part of [mailAndCalendar, webLogs, authAndFirewall, databasesAndCode, payments, ibans, phones, tickets, exports, mixedPii]) part(ctx);
    return samples;
  },
};
