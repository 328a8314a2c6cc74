/**
 * The detectors. Each one is a pass over the text that finds *candidates* with a cheap literal
 * prefilter (indexOf, or a global regex that is a plain alternation of literals / single character
 * classes) and then confirms each candidate with a sticky regex anchored at that position, or a
 * bounded hand-written scan. Every quantifier is bounded or runs over a single character class with
 * nothing ambiguous after it, so each candidate costs O(bounded window) and the whole scan is linear
 * in the text length, whatever the input. See README.md beside this file.
 */
import {
  cardIssuerValid,
  charClasses,
  ibanLength,
  ibanValid,
  isBasicCredential,
  isDigestOrUuid,
  isPlaceholderValue,
  isReferenceValue,
  looksRandom,
  luhnValid,
  shannonEntropy,
  ssnValid,
} from "./validators";
import { KEYWORD_HEADS, NON_LATIN_TRIGGERS, keywordWrappingAt, nonLatinPasswordAt, startText, startsWithLower } from "./prose";
import { azureSasAt, callArgumentAt, commandPasswordAt, dockerEnvAt, netrcPasswordAt, secureStringAt, terraformDefaultAt, xmlKeyedValueAt } from "./wrappings";

export type FindingKind = "secret" | "pii";

export type Candidate = {
  type: string;
  kind: FindingKind;
  start: number;
  end: number;
  /** Higher wins an overlap: specific formats beat generic heuristics, secrets beat personal data. */
  priority: number;
  /** How the value is normalised before fingerprinting (a PEM key is the same key however it is wrapped, base64 included). */
  normalize?: "pem" | "pem64";
};

export const PRIORITY = {
  privateKey: 110,
  token: 100,
  jwt: 95,
  azure: 90,
  awsSecret: 88,
  connection: 80,
  bearer: 70,
  assignment: 60,
  iban: 56,
  card: 55,
  ssn: 53,
  email: 45,
  phone: 40,
  ip: 30,
} as const;

// ---------------------------------------------------------------------------------------------
// Character tests (char codes, no allocation)

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}
/** Characters that continue a token: a token that starts right after one of these is part of something bigger. */
function isTokenChar(c: number): boolean {
  return isAlnum(c) || c === 95 /* _ */ || c === 45 /* - */;
}
/** A token may start here: at the text start, after a non-token character, or after a `\n`-style escape. */
function tokenBoundary(text: string, start: number): boolean {
  if (start === 0) return true;
  const c = text.charCodeAt(start - 1);
  if (!isTokenChar(c)) return true;
  return (c === 110 || c === 114 || c === 116) && text.charCodeAt(start - 2) === 92;
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentChar(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 45 || c === 46; // _ - .
}
function isSpaceOrTab(c: number): boolean {
  return c === 32 || c === 9;
}
function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}
/**
 * text.charCodeAt(i), or -1 before or after the text (where charCodeAt gives NaN): for reads that
 * may fall one character outside it and are only compared with character codes. V8 optimises
 * charCodeAt for in-range reads; the first text that made one read outside threw the optimised
 * code away and had the function compiled again.
 */
function codeAt(text: string, i: number): number {
  return i >= 0 && i < text.length ? text.charCodeAt(i) : -1;
}

// ---------------------------------------------------------------------------------------------
// The text as UTF-16 code units in a typed array. V8 reads a Uint16Array element several times
// faster than String.prototype.charCodeAt, and the hot loops read every character; the copy is a
// native memcpy (Buffer#write, utf16le). Zeros after the text let loops read a few units past its
// end without a bounds check. One buffer is reused from call to call: scanning is synchronous.

const CODES_PAD = 16;
/** Buffers up to this many code units (8 MB) are kept for the next call; a longer text gets its own. */
const CODES_KEEP = 1 << 22;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let codesBuffer = new Uint16Array(1 << 14);
let codesBytes = Buffer.from(codesBuffer.buffer);
/** The code units of the text being scanned (valid during scanText). */
let C: Uint16Array = codesBuffer;

function loadCodes(text: string): void {
  const n = text.length;
  let codes = codesBuffer;
  let bytes = codesBytes;
  if (codes.length < n + CODES_PAD) {
    let size = codes.length;
    while (size < n + CODES_PAD) size *= 2;
    codes = new Uint16Array(size);
    bytes = Buffer.from(codes.buffer);
    if (size <= CODES_KEEP) {
      codesBuffer = codes;
      codesBytes = bytes;
    }
  }
  if (LITTLE_ENDIAN) bytes.write(text, 0, n * 2, "utf16le");
  else for (let i = 0; i < n; i++) codes[i] = text.charCodeAt(i);
  codes.fill(0, n, n + CODES_PAD);
  C = codes;
}

/**
 * What the main loop needs to know about a code unit, in one table lookup: a word character
 * (ASCII letter or digit, >= K_WORD), punctuation some detector starts from, or nothing (0; every
 * other character, all non-ASCII included).
 */
const K_PLAIN = 0;
const K_COLON = 1;
const K_EQUALS = 2;
const K_GT = 3;
const K_DASH = 4;
const K_AT = 5;
const K_SEMICOLON = 6;
const K_TILDE = 7;
const K_NUMBER = 8; // + and ( may start a number
const K_NUL = 9; // also the end-of-text sentinel
const K_SCRIPT_WORD = 10; // the first character of a password word in another script (prose.ts)
const K_WORD = 16;
const K_DIGIT = 16;
const K_UPPER = 17;
const K_LOWER = 18;
const CLASS = new Uint8Array(65536);
for (let c = 48; c <= 57; c++) CLASS[c] = K_DIGIT;
for (let c = 65; c <= 90; c++) CLASS[c] = K_UPPER;
for (let c = 97; c <= 122; c++) CLASS[c] = K_LOWER;
CLASS[58] = K_COLON;
CLASS[0xff1a] = K_COLON; // ： after a key in CJK text
CLASS[61] = K_EQUALS;
CLASS[62] = K_GT;
CLASS[45] = K_DASH;
CLASS[64] = K_AT;
CLASS[59] = K_SEMICOLON;
CLASS[126] = K_TILDE;
CLASS[43] = K_NUMBER;
CLASS[40] = K_NUMBER;
CLASS[0] = K_NUL;
for (const c of NON_LATIN_TRIGGERS) CLASS[c] = K_SCRIPT_WORD;
/** 1 for identifier characters: letters, digits, `_ - .` (see isIdentChar). */
const IDENT = new Uint8Array(65536);
for (let c = 0; c < 128; c++) if (isIdentChar(c)) IDENT[c] = 1;

/** A growable list of text positions, reused from call to call. */
class Positions {
  a = new Int32Array(256);
  n = 0;
  push(position: number): void {
    if (this.n === this.a.length) {
      const bigger = new Int32Array(this.a.length * 2);
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[this.n++] = position;
  }
  reset(): void {
    this.n = 0;
    if (this.a.length > 1 << 16) this.a = new Int32Array(256);
  }
}

// ---------------------------------------------------------------------------------------------
// 1. Well-known token formats, found by a literal prefix.

type TokenRule = {
  type: string;
  /** Literal prefixes that trigger the rule (case-sensitive). */
  prefixes: string[];
  /** Matched (sticky) at the token start; must end with a right-boundary check. */
  re: RegExp;
  /** How many characters of the class may precede the prefix inside the token (e.g. Telegram's bot id). */
  back?: { min: number; max: number; test: (c: number) => boolean };
  /** Extra check on the matched token (placeholders, entropy, sub-type). Returns the type or null. */
  check?: (token: string) => string | null;
  /** How the value is normalised before fingerprinting (see Candidate). */
  normalize?: Candidate["normalize"];
};

const END = "(?![A-Za-z0-9_-])";
const ENDA = "(?![A-Za-z0-9])";

function sticky(source: string): RegExp {
  return new RegExp(source, "y");
}

/** Keys that providers print in their own documentation: examples, not anyone's secret. */
const DOCUMENTED_EXAMPLES = new Set(["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_BQokikJOvBiI2HlWgH4olfQ2", "pk_test_TYooMQauvdEDq54NiTphI7jx", "ghp_16C7e42F292c6912E7710c838347Ae178B4a"]);

function randomBody(token: string, from: number, type: string): string | null {
  const body = token.slice(from);
  if (isPlaceholderValue(body, true) || DOCUMENTED_EXAMPLES.has(token)) return null;
  if (body.length >= 16 && shannonEntropy(body) < 2.5) return null;
  return type;
}

const hex = (c: number) => isDigit(c) || (c >= 97 && c <= 102);

const TOKEN_RULES: TokenRule[] = [
  {
    type: "aws_access_key_id",
    prefixes: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    re: sticky(`(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${ENDA}`),
    check: (t) => randomBody(t, 4, "aws_access_key_id"),
  },
  { type: "google_api_key", prefixes: ["AIza"], re: sticky(`AIza[0-9A-Za-z_-]{35}${END}`), check: (t) => randomBody(t, 4, "google_api_key") },
  {
    type: "google_oauth_client_secret",
    prefixes: ["GOCSPX-"],
    re: sticky(`GOCSPX-[0-9A-Za-z_-]{28}${END}`),
    check: (t) => randomBody(t, 7, "google_oauth_client_secret"),
  },
  {
    type: "google_oauth_token",
    prefixes: ["ya29.", "1//0"],
    re: sticky(`(?:ya29\\.[0-9A-Za-z_-]{20,2048}|1//0[0-9A-Za-z_-]{35,512})${END}`),
    check: (t) => randomBody(t, 4, "google_oauth_token"),
  },
  {
    type: "github_token",
    prefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    re: sticky(`(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,244})${ENDA}`),
    check: (t) => randomBody(t, 4, "github_token"),
  },
  {
    type: "gitlab_token",
    prefixes: ["glpat-", "glptt-", "gldt-", "glrt-", "glcbt-", "glft-", "glimt-", "gloas-", "glsoat-", "glagent-", "glffct-", "GR1348941"],
    re: sticky(`(?:gl(?:pat|ptt|dt|rt|cbt|ft|imt|oas|soat|agent|ffct)-|GR1348941)[0-9A-Za-z_-]{20,255}(?:\\.[0-9A-Za-z_-]{2,64}){0,2}${END}`),
    check: (t) => randomBody(t, t.indexOf("-") + 1 || 9, "gitlab_token"),
  },
  { type: "npm_token", prefixes: ["npm_"], re: sticky(`npm_[A-Za-z0-9]{36}${ENDA}`), check: (t) => randomBody(t, 4, "npm_token") },
  {
    // sk-… is shared by OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-…).
    type: "openai_api_key",
    prefixes: ["sk-"],
    re: sticky(`sk-[A-Za-z0-9_-]{20,300}${END}`),
    check: (t) => {
      if (t.startsWith("sk-ant-")) return randomBody(t, 7, "anthropic_api_key");
      const classes = charClasses(t.slice(3));
      if (!t.includes("T3BlbkFJ") && !(classes.digit && classes.upper && classes.lower)) return null;
      return randomBody(t, 3, "openai_api_key");
    },
  },
  {
    type: "slack_token",
    prefixes: ["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.", "xapp-"],
    re: sticky(`(?:xox[bpaosre]|xoxe\\.xox[bp]|xapp)-[0-9A-Za-z-]{10,250}${END}`),
    check: (t) => (/\d/.test(t) ? randomBody(t, 5, "slack_token") : null),
  },
  {
    type: "slack_webhook_url",
    prefixes: ["hooks.slack.com/"],
    re: sticky(`hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+-]{20,200}${END}`),
  },
  {
    type: "discord_webhook_url",
    prefixes: ["discord.com/api/webhooks/", "discordapp.com/api/webhooks/"],
    re: sticky(`discord(?:app)?\\.com/api/webhooks/\\d{5,30}/[A-Za-z0-9_-]{30,100}${END}`),
  },
  { type: "dropbox_token", prefixes: ["sl."], re: sticky(`sl\\.(?:u\\.)?[A-Za-z0-9_-]{120,1400}${END}`) },
  {
    // Microsoft Teams incoming webhooks: tenant and group ids, then the secret path
    type: "teams_webhook_url",
    prefixes: ["webhook.office.com/webhookb2/", "outlook.office.com/webhook/"],
    re: sticky(`(?:webhook\\.office\\.com/webhookb2|outlook\\.office\\.com/webhook)/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{20,100})?${END}`),
  },
  {
    type: "stripe_secret_key",
    prefixes: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
    re: sticky(`[sr]k_(?:live|test)_[0-9A-Za-z]{10,247}${ENDA}`),
    check: (t) => randomBody(t, 8, "stripe_secret_key"),
  },
  { type: "stripe_webhook_secret", prefixes: ["whsec_"], re: sticky(`whsec_[A-Za-z0-9+/=]{24,100}${ENDA}`), check: (t) => randomBody(t, 6, "stripe_webhook_secret") },
  { type: "twilio_api_key", prefixes: ["SK"], re: sticky(`SK[0-9a-fA-F]{32}${ENDA}`), check: (t) => randomBody(t, 2, "twilio_api_key") },
  {
    type: "sendgrid_api_key",
    prefixes: ["SG."],
    re: sticky(`SG\\.[A-Za-z0-9_-]{16,32}\\.[A-Za-z0-9_-]{30,64}${END}`),
    check: (t) => randomBody(t, 3, "sendgrid_api_key"),
  },
  { type: "mailgun_api_key", prefixes: ["key-"], re: sticky(`key-[0-9a-f]{32}${ENDA}`), check: (t) => randomBody(t, 4, "mailgun_api_key") },
  {
    type: "mailchimp_api_key",
    prefixes: ["-us"],
    back: { min: 32, max: 32, test: hex },
    re: sticky(`[0-9a-f]{32}-us\\d{1,2}${ENDA}`),
    check: (t) => randomBody(t.slice(0, 32), 0, "mailchimp_api_key"),
  },
  { type: "shopify_token", prefixes: ["shpat_", "shpca_", "shppa_", "shpss_"], re: sticky(`shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}${ENDA}`) },
  {
    type: "huggingface_token",
    prefixes: ["hf_", "api_org_"],
    re: sticky(`(?:hf_[A-Za-z0-9]{30,40}|api_org_[A-Za-z0-9]{30,40})${ENDA}`),
    check: (t) => randomBody(t, t.startsWith("hf_") ? 3 : 8, "huggingface_token"),
  },
  { type: "digitalocean_token", prefixes: ["dop_v1_", "doo_v1_", "dor_v1_"], re: sticky(`do[por]_v1_[a-f0-9]{64}${ENDA}`) },
  { type: "pypi_token", prefixes: ["pypi-AgEIcHlwaS5vcmc"], re: sticky(`pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300}${END}`) },
  { type: "databricks_token", prefixes: ["dapi"], re: sticky(`dapi[a-f0-9]{32}(?:-\\d)?${ENDA}`), check: (t) => randomBody(t, 4, "databricks_token") },
  {
    type: "telegram_bot_token",
    prefixes: [":AA"],
    back: { min: 8, max: 10, test: isDigit },
    re: sticky(`\\d{8,10}:AA[A-Za-z0-9_-]{33}${END}`),
  },
  {
    type: "square_token",
    prefixes: ["sq0atp-", "sq0csp-", "EAAA"],
    re: sticky(`(?:sq0(?:atp|csp)-|EAAA)[0-9A-Za-z_-]{22,60}${END}`),
    check: (t) => randomBody(t, 4, "square_token"),
  },
  { type: "atlassian_api_token", prefixes: ["ATATT3"], re: sticky(`ATATT3[A-Za-z0-9_=-]{150,250}${END}`) },
  { type: "linear_api_key", prefixes: ["lin_api_", "lin_oauth_"], re: sticky(`(?:lin_api_[A-Za-z0-9]{40}|lin_oauth_[a-f0-9]{64})${ENDA}`) },
  { type: "postman_api_key", prefixes: ["PMAK-"], re: sticky(`PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}${ENDA}`) },
  { type: "age_secret_key", prefixes: ["AGE-SECRET-KEY-1"], re: sticky(`AGE-SECRET-KEY-1[0-9A-Z]{58}${ENDA}`) },
  {
    type: "grafana_token",
    prefixes: ["glsa_", "glc_eyJ"],
    re: sticky(`(?:glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_eyJ[A-Za-z0-9+/]{30,400}={0,2})${ENDA}`),
  },
  {
    type: "hashicorp_vault_token",
    prefixes: ["hvs.", "hvb.", "hvr."],
    re: sticky(`hv[sbr]\\.[A-Za-z0-9_-]{24,300}${END}`),
    check: (t) => randomBody(t, 4, "hashicorp_vault_token"),
  },
  {
    type: "terraform_cloud_token",
    prefixes: [".atlasv1."],
    back: { min: 14, max: 14, test: isAlnum },
    re: sticky(`[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9=_-]{60,70}${END}`),
  },
  { type: "sentry_token", prefixes: ["sntrys_", "sntryu_"], re: sticky(`sntry[su]_[A-Za-z0-9+/=_-]{40,300}${END}`) },
  { type: "newrelic_api_key", prefixes: ["NRAK-", "NRJS-", "NRII-"], re: sticky(`NR(?:AK|JS|II)-[A-Za-z0-9]{19,32}${ENDA}`) },
  { type: "supabase_token", prefixes: ["sbp_"], re: sticky(`sbp_[a-f0-9]{40}${ENDA}`) },
  { type: "alibaba_access_key_id", prefixes: ["LTAI"], re: sticky(`LTAI[A-Za-z0-9]{12,24}${ENDA}`), check: (t) => randomBody(t, 4, "alibaba_access_key_id") },
  {
    type: "notion_token",
    prefixes: ["secret_", "ntn_"],
    re: sticky(`(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,50})${ENDA}`),
    check: (t) => randomBody(t, 4, "notion_token"),
  },
  { type: "groq_api_key", prefixes: ["gsk_"], re: sticky(`gsk_[A-Za-z0-9]{48,56}${ENDA}`), check: (t) => randomBody(t, 4, "groq_api_key") },
  { type: "replicate_api_token", prefixes: ["r8_"], re: sticky(`r8_[A-Za-z0-9]{37}${ENDA}`), check: (t) => randomBody(t, 3, "replicate_api_token") },
  { type: "xai_api_key", prefixes: ["xai-"], re: sticky(`xai-[A-Za-z0-9]{60,100}${ENDA}`), check: (t) => randomBody(t, 4, "xai_api_key") },
  { type: "perplexity_api_key", prefixes: ["pplx-"], re: sticky(`pplx-[A-Za-z0-9]{40,60}${ENDA}`), check: (t) => randomBody(t, 5, "perplexity_api_key") },
  {
    type: "azure_ad_client_secret",
    prefixes: ["Q~"],
    back: { min: 4, max: 4, test: (c) => isAlnum(c) || c === 95 || c === 126 || c === 46 },
    re: sticky(`[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`),
  },
  // a service token may carry its config's name: dp.st.prd.<key>
  { type: "doppler_token", prefixes: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."], re: sticky(`dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{1,40}\\.)?[A-Za-z0-9]{40,50}${ENDA}`) },
  { type: "flyio_token", prefixes: ["fo1_"], re: sticky(`fo1_[A-Za-z0-9_-]{43}${END}`) },
  { type: "pulumi_token", prefixes: ["pul-"], re: sticky(`pul-[a-f0-9]{40}${ENDA}`) },
  { type: "dynatrace_token", prefixes: ["dt0c01."], re: sticky(`dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}${ENDA}`) },
  { type: "heroku_api_key", prefixes: ["HRKU-"], re: sticky(`HRKU-[A-Za-z0-9_-]{60}${END}`) },
  { type: "mapbox_token", prefixes: ["sk.eyJ"], re: sticky(`sk\\.eyJ[A-Za-z0-9_-]{20,400}\\.[A-Za-z0-9_-]{20,100}${END}`) },
  { type: "onepassword_token", prefixes: ["ops_eyJ"], re: sticky(`ops_eyJ[A-Za-z0-9+/]{100,4000}={0,3}${ENDA}`) },
  // second round (docs/decisions/0103-redaction-speed-and-breadth.md)
  {
    // Discord bot tokens: the base64 of the bot's numeric id (so MT…, Nj…, OD…), a timestamp, an HMAC
    type: "discord_bot_token",
    prefixes: ["MT", "Mj", "Mz", "ND", "NT", "Nj", "Nz", "OD", "OT"],
    re: sticky(`[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,38}${END}`),
    check: (t) => randomBody(t, t.lastIndexOf(".") + 1, "discord_bot_token"),
  },
  {
    // STS session tokens: base64 that always starts with the same serialised header
    type: "aws_session_token",
    prefixes: ["IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE"],
    re: sticky(`(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/]{100,4096}={0,2}(?![A-Za-z0-9+/=])`),
  },
  {
    // a PEM private key, base64-encoded once more (Kubernetes Secret data, CI variables): "-----BEGIN" is LS0tLS1CRUdJTi
    type: "private_key",
    prefixes: ["LS0tLS1CRUdJTi"],
    re: sticky(`LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,65536}={0,2}(?![A-Za-z0-9+/=])`),
    check: (t) => (/PRIVATE KEY/.test(Buffer.from(t.slice(0, 120), "base64").toString("latin1")) ? "private_key" : null),
    normalize: "pem64",
  },
  { type: "docker_hub_token", prefixes: ["dckr_pat_", "dckr_oat_"], re: sticky(`dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,36}${END}`), check: (t) => randomBody(t, 9, "docker_hub_token") },
  { type: "planetscale_token", prefixes: ["pscale_tkn_", "pscale_pw_", "pscale_oauth_"], re: sticky(`pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}${END}`) },
  { type: "pinecone_api_key", prefixes: ["pcsk_"], re: sticky(`pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80}${ENDA}`), check: (t) => randomBody(t, 5, "pinecone_api_key") },
  { type: "langsmith_api_key", prefixes: ["lsv2_pt_", "lsv2_sk_"], re: sticky(`lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}${ENDA}`) },
  { type: "sonarqube_token", prefixes: ["squ_", "sqp_", "sqa_"], re: sticky(`sq[upa]_[a-f0-9]{40}${ENDA}`) },
  { type: "rubygems_api_key", prefixes: ["rubygems_"], re: sticky(`rubygems_[a-f0-9]{48}${ENDA}`) },
  { type: "figma_token", prefixes: ["figd_", "figu_"], re: sticky(`fig[du]_[A-Za-z0-9_-]{38,48}${END}`), check: (t) => randomBody(t, 5, "figma_token") },
  { type: "brevo_api_key", prefixes: ["xkeysib-", "xsmtpsib-"], re: sticky(`x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}${ENDA}`) },
  { type: "resend_api_key", prefixes: ["re_"], re: sticky(`re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}${ENDA}`), check: (t) => randomBody(t, 3, "resend_api_key") },
  { type: "contentful_token", prefixes: ["CFPAT-"], re: sticky(`CFPAT-[A-Za-z0-9_-]{43}${END}`) },
  { type: "netlify_token", prefixes: ["nfp_"], re: sticky(`nfp_[A-Za-z0-9]{36,40}${ENDA}`), check: (t) => randomBody(t, 4, "netlify_token") },
  { type: "sourcegraph_token", prefixes: ["sgp_"], re: sticky(`sgp_(?:[a-f0-9]{16}_)?[a-f0-9]{40}${ENDA}`) },
  { type: "tavily_api_key", prefixes: ["tvly-"], re: sticky(`tvly-(?:dev-|prod-)?[A-Za-z0-9]{32}${ENDA}`), check: (t) => randomBody(t, 5, "tavily_api_key") },
  { type: "buildkite_token", prefixes: ["bkua_"], re: sticky(`bkua_[a-f0-9]{40}${ENDA}`) },
  { type: "circleci_token", prefixes: ["CCIPAT_", "CCIPRJ_"], re: sticky(`CCIP(?:AT|RJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}${ENDA}`) },
  { type: "jfrog_token", prefixes: ["AKCp", "cmVmdGtu"], re: sticky(`(?:AKCp[A-Za-z0-9]{69}|cmVmdGtuOjAxOj[A-Za-z0-9]{50,70})${ENDA}`) },
  { type: "nuget_api_key", prefixes: ["oy2"], re: sticky(`oy2[a-z0-9]{43}${ENDA}`), check: (t) => randomBody(t, 3, "nuget_api_key") },
];

const JWT_RE = sticky(`eyJ[A-Za-z0-9_-]{8,8192}\\.eyJ[A-Za-z0-9_-]{8,16384}\\.[A-Za-z0-9_-]{0,8192}(?:\\.[A-Za-z0-9_-]{0,16384}\\.[A-Za-z0-9_-]{0,8192})?${END}`);

const RULES_BY_PREFIX = new Map<string, TokenRule[]>();
for (const rule of TOKEN_RULES) {
  for (const prefix of rule.prefixes) {
    const list = RULES_BY_PREFIX.get(prefix) ?? [];
    list.push(rule);
    RULES_BY_PREFIX.set(prefix, list);
  }
}
/** Prefixes that sit inside a token (found by indexOf, then the token start is found backwards). */
const INNER_PREFIXES = TOKEN_RULES.filter((r) => r.back).flatMap((r) => r.prefixes);
const START_PREFIXES = [...RULES_BY_PREFIX.keys(), "eyJ"].filter((p) => !INNER_PREFIXES.includes(p)).sort((a, b) => b.length - a.length);
/**
 * The start prefixes by their first two characters (both ASCII): a token start is looked up with one
 * array index instead of trying every prefix. Each list is longest first, like a regex alternation
 * sorted by length, so the longest literal prefix wins.
 */
const PREFIXES_BY_HEAD: Array<Array<{ prefix: string; codes: number[] }> | undefined> = new Array(128 * 128);
/** 1 for the first two characters of a start prefix, at c0 * 128 + c1. */
const TOKEN_HEAD = new Uint8Array(128 * 128);
for (const prefix of START_PREFIXES) {
  TOKEN_HEAD[(prefix.charCodeAt(0) & 127) * 128 + (prefix.charCodeAt(1) & 127)] = 1;
  const c0 = prefix.charCodeAt(0);
  const c1 = prefix.charCodeAt(1);
  if (prefix.length < 2 || c0 >= 128 || c1 >= 128 || !isAlnum(c0)) throw new Error(`token prefix ${prefix} must start with two ASCII characters, the first alphanumeric`);
  (PREFIXES_BY_HEAD[c0 * 128 + c1] ??= []).push({ prefix, codes: [...prefix].map((ch) => ch.charCodeAt(0)) });
}
/**
 * The third characters the start prefixes of each head allow, a 128-bit set per head (at its slot
 * in HEAD_SLOT): most words that share a head with a prefix ("api", "req", "set" — api_org_, re_,
 * secret_) differ at the third character, and are let go without walking the head's prefix list.
 * A two-character prefix allows any third character; one that is not ASCII is looked up as 0.
 */
const HEAD_SLOT = new Uint8Array(128 * 128);
const THIRD_CHARS: number[] = [];
for (const prefix of START_PREFIXES) {
  const head = prefix.charCodeAt(0) * 128 + prefix.charCodeAt(1);
  if (HEAD_SLOT[head] === 0) {
    THIRD_CHARS.push(0, 0, 0, 0);
    HEAD_SLOT[head] = THIRD_CHARS.length / 4;
  }
  const at = (HEAD_SLOT[head]! - 1) * 4;
  if (prefix.length === 2) {
    for (let w = 0; w < 4; w++) THIRD_CHARS[at + w] = -1;
  } else {
    const c2 = prefix.charCodeAt(2);
    if (c2 === 0 || c2 >= 128) throw new Error(`token prefix ${prefix}: the third character must be ASCII and not NUL`);
    THIRD_CHARS[at + (c2 >> 5)]! |= 1 << (c2 & 31);
  }
}
if (THIRD_CHARS.length / 4 > 255) throw new Error("more token heads than HEAD_SLOT can number");
const THIRD = Int32Array.from(THIRD_CHARS);

/**
 * What may start at a word whose first two characters are c0 c1, at (c0 << 7) | c1 (c1 = 0 when the
 * second character is not ASCII): bits for the main loop, so a word that starts nothing costs one
 * lookup.
 */
const A_TOKEN = 1; // a token prefix begins with c0 c1
const A_ESCAPE = 2; // n r t: after a backslash, a `\n`-style escape that may precede a token
const A_DIGIT = 4; // numbers (cards, SSNs, phones) and IPv4
const A_IBAN = 8; // two capitals: an IBAN country code
const A_AA = 16; // AA after ":" (Telegram)
const A_BEGIN = 32; // BE (PEM BEGIN)
const A_US = 64; // us after "-" (Mailchimp)
const A_ATLAS = 128; // at after "." (Terraform .atlasv1.)
const A_VALUE = 256; // va (value= / value:)
const A_SCHEME = 512; // Be, Ba in any case (Bearer, Basic)
const A_DOCKER = 1024; // EN, AR (Dockerfile ENV / ARG)
const A_NETRC = 2048; // pa (.netrc password)
const A_KEYWORD = 4096; // password words of Latin scripts, SQL, directives, cookies (prose.ts: KEYWORD_HEADS)
const A_WRAPPING = A_DOCKER | A_NETRC | A_VALUE | A_KEYWORD;
const A_OTHER = A_IBAN | A_AA | A_BEGIN | A_US | A_ATLAS | A_VALUE | A_SCHEME | A_WRAPPING;

/** The wrappings (wrappings.ts) that start at a word: out of the main loop, which stays small for the compiler. */
function wrappingAt(text: string, i: number, act: number, p: number, out: Candidate[]): void {
  const codes = C;
  if ((act & A_KEYWORD) !== 0) keywordWrappingAt(text, i, p, judgeValue, out);
  if ((act & A_VALUE) !== 0) {
    if (codes[i + 2] === 114 && text.startsWith("variable", i)) terraformDefaultAt(text, i, judgeValue, out);
  } else if ((act & A_DOCKER) !== 0) {
    if ((codes[i + 3] === 32 || codes[i + 3] === 9) && (p === 10 || p === 13 || i === 0)) dockerEnvAt(text, i, judgeValue, out);
  } else if ((act & A_NETRC) !== 0) {
    if (codes[i + 2] === 115 && codes[i + 3] === 115) netrcPasswordAt(text, i, judgeValue, out);
  }
}
const WORD_START = new Uint16Array(128 * 128);
/** Heads of two ASCII characters, and a single letter for words whose second character is not ASCII (lösenord). */
const KEYWORD_HEAD_SET = new Set(KEYWORD_HEADS.map((h) => (h.charCodeAt(1) < 128 ? h : h[0]!)));
for (let c0 = 0; c0 < 128; c0++) {
  if (!isAlnum(c0)) continue;
  for (let c1 = 0; c1 < 128; c1++) {
    let act = TOKEN_HEAD[c0 * 128 + c1]! === 1 ? A_TOKEN : 0;
    if (c0 === 110 || c0 === 114 || c0 === 116 || (c0 === 117 && c1 === 48)) act |= A_ESCAPE;
    if (isDigit(c0)) act |= A_DIGIT;
    if (isUpper(c0) && isUpper(c1)) act |= A_IBAN;
    if (c0 === 65 && c1 === 65) act |= A_AA;
    if (c0 === 66 && c1 === 69) act |= A_BEGIN;
    if (c0 === 117 && c1 === 115) act |= A_US;
    if (c0 === 97 && c1 === 116) act |= A_ATLAS;
    if (c0 === 118 && c1 === 97) act |= A_VALUE;
    if ((c0 | 32) === 98 && ((c1 | 32) === 101 || (c1 | 32) === 97)) act |= A_SCHEME;
    if ((c0 === 69 && c1 === 78) || (c0 === 65 && c1 === 82)) act |= A_DOCKER;
    if (c0 === 112 && c1 === 97) act |= A_NETRC;
    if (KEYWORD_HEAD_SET.has(String.fromCharCode(c0 | 32) + (c1 === 0 ? "" : String.fromCharCode(c1 < 65 || c1 > 90 ? c1 : c1 | 32)))) act |= A_KEYWORD;
    WORD_START[(c0 << 7) | c1] = act;
  }
}

function withScheme(text: string, start: number): number {
  if (text.startsWith("https://", start - 8)) return start - 8;
  if (text.startsWith("http://", start - 7)) return start - 7;
  return start;
}

function tryRulesAt(text: string, start: number, prefix: string, out: Candidate[]): number {
  if (prefix === "eyJ") {
    JWT_RE.lastIndex = start;
    if (!JWT_RE.test(text)) return -1;
    out.push({ type: "jwt", kind: "secret", start, end: JWT_RE.lastIndex, priority: PRIORITY.jwt });
    return JWT_RE.lastIndex;
  }
  for (const rule of RULES_BY_PREFIX.get(prefix) ?? []) {
    rule.re.lastIndex = start;
    const match = rule.re.exec(text);
    if (!match) continue;
    const end = start + match[0].length;
    const type = rule.check ? rule.check(match[0]) : rule.type;
    if (!type) continue;
    // a webhook's URL is the secret, scheme included
    const from = type.endsWith("_webhook_url") ? withScheme(text, start) : start;
    out.push(rule.normalize ? { type, kind: "secret", start: from, end, priority: PRIORITY.token, normalize: rule.normalize } : { type, kind: "secret", start: from, end, priority: PRIORITY.token });
    if (type === "aws_access_key_id") findAwsSecretNear(text, end, out);
    return end;
  }
  return -1;
}

/**
 * Tries the token rules whose literal prefix starts at `start` (a token start: see tokenBoundary).
 * Returns where the scan may look for the next token boundary: past the token when one matched,
 * past the prefix when none did (as a global regex `boundary(prefix|prefix…)` would resume), or -1
 * when no prefix starts here.
 */
function tokenAt(text: string, start: number, out: Candidate[]): number {
  if (start + 1 >= text.length) return -1;
  const c0 = C[start]!;
  const c1 = C[start + 1]!;
  if (c0 >= 128 || c1 >= 128) return -1;
  const head = c0 * 128 + c1;
  const list = PREFIXES_BY_HEAD[head];
  if (list === undefined) return -1;
  let c2 = C[start + 2]!;
  if (c2 >= 128) c2 = 0;
  if ((THIRD[(HEAD_SLOT[head]! - 1) * 4 + (c2 >> 5)]! & (1 << (c2 & 31))) === 0) return -1;
  next: for (let p = 0; p < list.length; p++) {
    const { prefix, codes } = list[p]!;
    if (start + codes.length > text.length) continue;
    for (let k = 2; k < codes.length; k++) if (C[start + k] !== codes[k]) continue next;
    const end = tryRulesAt(text, start, prefix, out);
    return Math.max(end, start + prefix.length);
  }
  return -1;
}

/**
 * A token whose recognisable part sits inside it (Mailchimp's `-us`, Telegram's `:AA`, Terraform's
 * `.atlasv1.`, Azure AD's `Q~`), that part found at `pos`. Returns where the next occurrence of the
 * same part may be looked for.
 */
function innerTokenAt(text: string, pos: number, prefix: string, out: Candidate[]): number {
  for (const rule of RULES_BY_PREFIX.get(prefix) ?? []) {
    const back = rule.back!;
    let k = 0;
    while (k <= back.max && pos - k - 1 >= 0 && back.test(text.charCodeAt(pos - k - 1))) k++;
    if (k < back.min) continue;
    const start = pos - Math.min(k, back.max);
    // a Telegram bot token in its API URL: https://api.telegram.org/bot<id>:AA…
    if (!tokenBoundary(text, start) && !(prefix === ":AA" && text.startsWith("/bot", start - 4))) continue;
    rule.re.lastIndex = start;
    const match = rule.re.exec(text);
    if (!match) continue;
    const type = rule.check ? rule.check(match[0]) : rule.type;
    if (!type) continue;
    out.push({ type, kind: "secret", start, end: start + match[0].length, priority: PRIORITY.token });
    return start + match[0].length;
  }
  return pos + prefix.length;
}

// The scan finds these parts by the character before a word ("-", ":", ".") or by "~".
if (INNER_PREFIXES.join(" ") !== "-us :AA .atlasv1. Q~") throw new Error(`inner token prefixes changed (${INNER_PREFIXES.join(" ")}): teach scanText to find them`);

const MAILGUN_PAIR_RE = sticky(`[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8}${END}`);

/** Mailgun's current API keys, 32-8-8 lower-case hex, from the first dash at `dash` (no prefix to look for). */
function mailgunKeyPairAt(text: string, dash: number, out: Candidate[]): void {
  const start = dash - 32;
  if (start < 0 || !tokenBoundary(text, start)) return;
  MAILGUN_PAIR_RE.lastIndex = start;
  if (!MAILGUN_PAIR_RE.test(text)) return;
  if (randomBody(text.slice(start, start + 32), 0, "mailgun_api_key") === null) return;
  out.push({ type: "mailgun_api_key", kind: "secret", start, end: MAILGUN_PAIR_RE.lastIndex, priority: PRIORITY.token });
}

const AWS_SECRET_NEAR_RE = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/;

/** An AWS secret key is 40 base64 characters; next to an access key id (CSV exports, CLI output) it needs no label. */
function findAwsSecretNear(text: string, from: number, out: Candidate[]): void {
  const window = text.slice(from, from + 160);
  const match = AWS_SECRET_NEAR_RE.exec(window);
  if (!match) return;
  const value = match[0];
  const classes = charClasses(value);
  if (!(classes.lower && classes.upper && classes.digit) || isPlaceholderValue(value)) return;
  const start = from + match.index;
  out.push({ type: "aws_secret_access_key", kind: "secret", start, end: start + 40, priority: PRIORITY.awsSecret });
}

// ---------------------------------------------------------------------------------------------
// 2. PEM private keys (raw, CRLF, indented YAML, `\n`-escaped inside JSON strings, unterminated).

const PEM_HEADER_RE = sticky(`BEGIN ((?:[A-Z0-9]{1,16} ){0,4})PRIVATE KEY(?: BLOCK)? ?-{3,5}`);
const PEM_FOOTER_RE = sticky(`END (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY(?: BLOCK)? ?-{3,5}`);
const PEM_MAX = 64 * 1024;

/** Skips separators inside a PEM body: whitespace, escaped newlines (`\n`, `\\r\\n`), quotes and string concatenation. */
function skipPemSeparators(text: string, i: number, limit: number): number {
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (isWhitespace(c)) {
      i++;
    } else if (c === 92 /* \ */) {
      let j = i;
      while (j < limit && text.charCodeAt(j) === 92) j++;
      const n = text.charCodeAt(j);
      if (n === 110 || n === 114 || n === 116) i = j + 1; // n r t
      else return i;
    } else {
      return i;
    }
  }
  return i;
}

function isBase64Char(c: number): boolean {
  return isAlnum(c) || c === 43 || c === 47 || c === 61; // + / =
}

/** The end of the base64 body that follows a BEGIN line whose END line is missing (truncated paste). */
function walkPemBody(text: string, from: number, limit: number): number {
  let end = from;
  let i = from;
  for (;;) {
    i = skipPemSeparators(text, i, limit);
    if (text.startsWith("Proc-Type:", i) || text.startsWith("DEK-Info:", i) || text.startsWith("Comment:", i) || text.startsWith("Version:", i)) {
      while (i < limit && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 92) i++;
      end = i;
      continue;
    }
    const tokenStart = i;
    while (i < limit && isBase64Char(text.charCodeAt(i))) i++;
    const length = i - tokenStart;
    if (length === 0) break;
    const token = text.slice(tokenStart, i);
    if (length >= 16 || /[0-9+/=]/.test(token)) {
      end = i;
    } else {
      break;
    }
    if (token.endsWith("=")) break;
  }
  return end;
}

/** `begins`: the positions of "BEGIN " at a word start (a PEM header has dashes or a space before it). */
function scanPrivateKeys(text: string, begins: Positions, out: Candidate[]): void {
  let footerAt = -2; // cached next "END " position, so many BEGINs without END stay linear
  let resume = 0;
  for (let b = 0; b < begins.n; b++) {
    const pos = begins.a[b]!;
    if (pos < resume) continue;
    let next = pos + 6;
    // at least three dashes (optionally a space) before BEGIN
    let d = pos - 1;
    if (d >= 0 && text.charCodeAt(d) === 32) d--;
    let dashes = 0;
    while (d >= 0 && dashes < 5 && text.charCodeAt(d) === 45) {
      d--;
      dashes++;
    }
    PEM_HEADER_RE.lastIndex = pos;
    if (dashes >= 3 && PEM_HEADER_RE.test(text)) {
      const start = d + 1;
      const bodyStart = PEM_HEADER_RE.lastIndex;
      const limit = Math.min(text.length, bodyStart + PEM_MAX);
      if (footerAt !== -1 && footerAt < bodyStart) footerAt = findFooter(text, bodyStart);
      // The next "BEGIN " matters only before the footer (a body with another header inside is
      // not closed by that footer) or, without a footer, before the limit of the body walk.
      const footerInReach = footerAt !== -1 && footerAt < limit;
      const beginInWindow = text.slice(bodyStart, (footerInReach ? footerAt : limit) + 5).indexOf("BEGIN ");
      const nextBegin = beginInWindow === -1 ? -1 : bodyStart + beginInWindow;
      let end = -1;
      if (footerInReach && (nextBegin === -1 || nextBegin > footerAt)) {
        PEM_FOOTER_RE.lastIndex = footerAt;
        if (PEM_FOOTER_RE.test(text)) {
          const body = text.slice(bodyStart, footerAt);
          if (countBase64(body) >= 32) end = PEM_FOOTER_RE.lastIndex;
          else next = PEM_FOOTER_RE.lastIndex; // `-----BEGIN … KEY-----\n...\n-----END … KEY-----`: a placeholder
        }
      }
      if (end === -1 && next === pos + 6) {
        const bodyEnd = walkPemBody(text, bodyStart, nextBegin === -1 ? limit : Math.min(limit, nextBegin));
        if (countBase64(text.slice(bodyStart, bodyEnd)) >= 32) end = bodyEnd;
      }
      if (end !== -1) {
        out.push({ type: "private_key", kind: "secret", start, end, priority: PRIORITY.privateKey, normalize: "pem" });
        next = end;
      }
    }
    resume = next;
  }
}

function findFooter(text: string, from: number): number {
  let i = text.indexOf("END ", from);
  while (i !== -1) {
    PEM_FOOTER_RE.lastIndex = i;
    if (text.charCodeAt(i - 1) === 45 || text.charCodeAt(i - 1) === 32) {
      if (PEM_FOOTER_RE.test(text)) return i;
    }
    i = text.indexOf("END ", i + 4);
  }
  return -1;
}

function countBase64(body: string): number {
  let n = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (isBase64Char(c)) n++;
  }
  // escaped newlines contribute an 'n' each; discount them
  let escapes = 0;
  let j = body.indexOf("\\n");
  while (j !== -1) {
    escapes++;
    j = body.indexOf("\\n", j + 2);
  }
  return n - escapes;
}

/** The key material of a PEM block without headers, line breaks, indentation or escapes. */
export function normalizePem(value: string): string {
  const header = /BEGIN ((?:[A-Z0-9]{1,16} ){0,4})PRIVATE KEY/.exec(value);
  const label = header?.[1]?.trim() ?? "";
  const bodyStart = header ? value.indexOf("-", header.index + header[0].length) : 0;
  let afterHeader = bodyStart;
  while (afterHeader < value.length && value.charCodeAt(afterHeader) === 45) afterHeader++;
  const footer = value.indexOf("END ", afterHeader);
  let bodyEnd = footer === -1 ? value.length : footer;
  while (bodyEnd > afterHeader && (value.charCodeAt(bodyEnd - 1) === 45 || value.charCodeAt(bodyEnd - 1) === 32)) bodyEnd--;
  const prefix = footer === -1 ? "" : linePrefixBefore(value, bodyEnd);
  let body = "";
  for (const line of value.slice(afterHeader, bodyEnd).split(/(?:\\+[nrt]|[\r\n])+/)) {
    const unquoted = prefix && line.startsWith(prefix) ? line.slice(prefix.length) : line;
    for (const word of unquoted.split(/\s+/)) {
      if (/^(?:Proc-Type|DEK-Info|Comment|Version):/.test(word)) continue;
      body += word.replace(/[^A-Za-z0-9+/=]/g, "");
    }
  }
  return `${label}|${body}`;
}

/**
 * What stands before the footer's dashes on its line, when it is not just indentation: a diff's
 * `+`, a mail quote's `> `, a comment's `# `. Every line of such a block carries it, and it is not
 * key material (a diff's `+` is even a base64 character), so the fingerprint must not count it.
 */
function linePrefixBefore(value: string, footerEnd: number): string {
  let dashes = footerEnd;
  while (dashes > 0 && value.charCodeAt(dashes - 1) === 45) dashes--;
  let start = dashes;
  while (start > 0 && dashes - start <= 8) {
    const c = value.charCodeAt(start - 1);
    if (c === 10 || c === 13) break;
    if ((value[start - 1] === "n" || value[start - 1] === "r") && value[start - 2] === "\\") break;
    start--;
  }
  const prefix = value.slice(start, dashes);
  return prefix.length <= 8 && prefix.trim() !== "" ? prefix : "";
}

// ---------------------------------------------------------------------------------------------
// 3. Credentials in URIs: scheme://user:password@host (postgres, mysql, mongodb+srv, redis, amqp,
//    JDBC, http basic-auth URLs…) and Oracle's jdbc:oracle:thin:user/password@host.

function isUriStop(c: number): boolean {
  return isWhitespace(c) || c === 34 || c === 39 || c === 96 || c === 60 || c === 62 || c === 92; // " ' ` < > \
}

/** `scheme://user:password@host` with its `://` at `pos`; returns where the next URI may start. */
function uriCredentialsAt(text: string, pos: number, out: Candidate[]): number {
  const a = pos + 3;
  const limit = Math.min(text.length, a + 2048);
  let colon = -1;
  let at = -1;
  for (let i = a; i < limit; i++) {
    const c = C[i]!;
    if (isUriStop(c)) break;
    if (c === 58 && C[i + 1] === 47 && C[i + 2] === 47) break; // the next URI
    if (colon === -1) {
      if (c === 58) colon = i;
      else if (c === 47 || c === 63 || c === 35 || c === 64) break; // / ? # @ before any colon: no password
    } else if (c === 64) {
      at = i;
    }
  }
  if (colon !== -1 && at > colon + 1 && colon - a <= 128) {
    const password = text.slice(colon + 1, at);
    if (!/^\d{1,5}(?:[/?]|$)/.test(password) && password.length <= 2048 && credentialValue(password)) {
      out.push({ type: "connection_string_password", kind: "secret", start: colon + 1, end: at, priority: PRIORITY.connection });
    }
  }
  return Math.max(pos + 3, at + 1);
}

/** `:thin:user/password@host` at `thin`; returns where the next one may start. */
function oracleThinAt(text: string, thin: number, out: Candidate[]): number {
  ORACLE_THIN_RE.lastIndex = thin + 6;
  const m = ORACLE_THIN_RE.exec(text);
  if (m && m[1] !== undefined && m[2] !== undefined && credentialValue(m[2])) {
    const start = thin + 6 + m[1].length + 1;
    out.push({ type: "connection_string_password", kind: "secret", start, end: start + m[2].length, priority: PRIORITY.connection });
  }
  return thin + 6;
}

const ORACLE_THIN_RE = sticky(`([A-Za-z0-9_$#.]{1,64})/([^\\s@"'/]{1,128})@`);

function credentialValue(value: string): boolean {
  if (value.length === 0) return false;
  let decoded = value;
  if (value.includes("%")) {
    try {
      decoded = decodeURIComponent(value);
    } catch {
      decoded = value;
    }
  }
  return !isPlaceholderValue(decoded) && !isReferenceValue(decoded, true);
}

// ---------------------------------------------------------------------------------------------
// 4. Keyword assignments: password = "…", API_KEY=…, client_secret:, Authorization: Bearer …,
//    ADO.NET / libpq / JDBC key=value pairs, curl -u user:password.

type KeyClass = "password" | "secret" | "token" | "key" | "bare" | "auth";

const PASSWORD_WORDS = new Set(["password", "passwd", "pwd", "passphrase", "passcode", "pass", "pw", "passwort", "contrasena", "senha", "motdepasse"]);
const SECRET_WORDS = new Set(["secret", "secrets", "credential", "credentials", "creds", "cred", "privatekey", "secretkey", "accesskey", "apikey", "apitoken", "authtoken", "accesstoken", "sessiontoken", "clientsecret"]);
const TOKEN_WORDS = new Set(["token", "pat"]);
const AUTH_WORDS = new Set(["auth", "authorization", "authentication"]);
const TRAILING_OK = new Set([
  "base", "value", "val", "b64", "base64", "hex", "raw", "str", "string", "prod", "production", "dev", "development",
  "test", "staging", "stage", "live", "local", "old", "new", "current", "1", "2", "3", "v1", "v2", "enc", "plain", "plaintext",
]);
const PASSWORD_PREV_EXCLUDE = new Set(["show", "hide", "has", "is", "min", "max", "require", "requires", "required", "check", "validate", "forgot", "reset", "no", "skip", "by", "allow", "enable", "disable", "use", "compass", "first", "second", "single", "multi", "two", "one"]);
const TOKEN_PREV_EXCLUDE = new Set([
  "next", "page", "continuation", "pagination", "cursor", "sync", "max", "min", "num", "total", "input", "output", "prompt",
  "completion", "cancel", "cancellation", "lexer", "parser", "eos", "bos", "pad", "unk", "sep", "cls", "mask", "special",
  "end", "start", "stop", "type", "is", "has", "validate", "verify", "parse", "count", "limit", "reasoning", "cached", "embed",
  "word", "sentence", "last", "first", "sync", "resume", "continue", "progress", "etag", "csrf", "xsrf",
]);
const KEY_PREV_EXCLUDE = new Set([
  "public", "pub", "primary", "foreign", "sort", "partition", "cache", "map", "dict", "hash", "row", "idempotency", "object",
  "unique", "composite", "lookup", "registry", "range", "hot", "short", "react", "i18n", "translation", "message", "msg",
  "query", "param", "header", "field", "column", "table", "index", "sequence", "group", "sharding", "shard", "dedup",
  "dedupe", "natural", "surrogate", "compound", "order", "bucket", "s3", "file", "path", "event", "state", "store", "redis",
  "memcache", "item", "entry", "node", "element", "list", "ssh", "gpg", "host", "known", "trusted", "lock", "mutex", "prefix",
  "suffix", "id", "name", "type", "tab", "menu", "shortcut", "press", "up", "down", "enter", "escape", "esc", "mod", "meta",
  "ctrl", "alt", "shift", "option", "kms", "cmk", "label", "locale", "lang", "sort", "cache", "dynamo", "hash", "range",
  "cluster", "template", "component", "route", "storage_path", "config", "setting", "settings", "json", "yaml", "dict", "media",
  "music", "piano", "answer", "license_plate", "api_gateway", "foreign_key", "next", "last", "first", "sub", "child", "parent",
  "publishable",
]);

type KeyInfo = { cls: KeyClass; words: string[] };

function splitWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

function classifyKey(key: string): KeyInfo | null {
  const words = splitWords(key);
  let idx = words.length - 1;
  let trailing = 0;
  while (idx > 0 && trailing < 2 && TRAILING_OK.has(words[idx]!)) {
    idx--;
    trailing++;
  }
  const last = words[idx];
  if (last === undefined) return null;
  const prev = idx > 0 ? words[idx - 1] : undefined;
  if (PASSWORD_WORDS.has(last)) {
    if ((last === "pass" || last === "pw") && idx === 0 && words.length === 1 && key.length <= 2) return null;
    if (prev && PASSWORD_PREV_EXCLUDE.has(prev)) return null;
    return { cls: "password", words };
  }
  if (SECRET_WORDS.has(last)) {
    // a verb names an action on a secret (LoadCredential=, getSecret:), not a secret
    if (prev && (prev === "is" || prev === "has" || prev === "use" || prev === "no" || prev === "show" || prev === "load" || prev === "get" || prev === "fetch" || prev === "read")) return null;
    return { cls: "secret", words };
  }
  if (TOKEN_WORDS.has(last)) {
    if (prev && TOKEN_PREV_EXCLUDE.has(prev)) return null;
    if (last === "pat" && idx === 0) return null;
    return { cls: "token", words };
  }
  if (last === "key") {
    if (prev === undefined) return { cls: "bare", words };
    if (KEY_PREV_EXCLUDE.has(prev)) return null;
    return { cls: "key", words };
  }
  if (last === "phrase" && prev === "pass") return { cls: "password", words }; // pass_phrase
  if (last === "ident" && prev === "auth") return { cls: "secret", words }; // npmAuthIdent: user:password
  if (AUTH_WORDS.has(last)) {
    if (prev === "basic" || prev === "use" || prev === "require" || prev === "no" || prev === "is") return null;
    if (prev === "key") return { cls: "key", words }; // apiKeyAuth: an API key, which may be hex
    return { cls: "auth", words };
  }
  return gluedKeyClass(last, words);
}

/** Words that end like a glued secret word and are not one. */
const GLUED_EXCLUDE = new Set([
  "compass", "bypass", "surpass", "overpass", "underpass", "trespass", "encompass", "multipass", "onepass", "firstpass", "secondpass",
  "renderpass", "subpass", "highpass", "lowpass", "bandpass", "allpass", "notchpass", "oauth", "preauth", "reauth", "unauth", "noauth",
]);

/**
 * Keywords glued to another word, as tools name them: PGPASSWORD, SQLCMDPASSWORD, -storepass,
 * requirepass, masterauth, JWTSECRET, GITHUBTOKEN.
 */
function gluedKeyClass(last: string, words: string[]): KeyInfo | null {
  if (last.length <= 4 || GLUED_EXCLUDE.has(last)) return null;
  if (last.endsWith("password") || last.endsWith("passwd") || last.endsWith("pass")) return { cls: "password", words };
  if (last.endsWith("secret")) return { cls: "secret", words };
  if (last.endsWith("auth")) return { cls: "auth", words };
  if (last.endsWith("token") && last.length > 5 && !TOKEN_PREV_EXCLUDE.has(last.slice(0, -5))) return { cls: "token", words };
  return null;
}

/**
 * `literal`: the value sits where code cannot (a config line, a query or connection string), so
 * `a.b` is a value, not a member access. `statement`: it ended with `;` or `,` like a line of code.
 */
type ParsedValue = { start: number; end: number; quoted: boolean; op: string; literal?: boolean; statement?: boolean };

const OPERATORS = [":=", "=>", "===", "==", "=", ":", "<-", "："];
const SCHEMES = new Set(["token", "bearer", "basic", "digest", "apikey", "api-key", "key", "sso-key", "jwt", "splunk", "hmac", "dsn", "ghtoken"]);

/**
 * How long a value may be. A long secret (an STS session token, a base64 blob) cut short would leak
 * its rest; a long value is skipped past once parsed (scanAssignments), so this stays linear.
 */
const VALUE_MAX = 16 * 1024;

function parseQuoted(text: string, i: number, quote: number): ParsedValue | null {
  const limit = Math.min(text.length, i + 1 + VALUE_MAX);
  let j = i + 1;
  for (; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (c === 92) {
      j++;
      continue;
    }
    if (c === quote) return { start: i + 1, end: j, quoted: true, op: "" };
    if (c === 10 && quote !== 96) return null;
  }
  return null;
}

/**
 * Where an unquoted value ends. In code and URLs (`QUERY`, `CODE`) punctuation ends it; a
 * `KEY=value` / `key: value` line of a config file (`LINE`) has nothing after its value, so only
 * whitespace does: `DB_PASSWORD=Tr0ub4dor&3x!` is one value there. `&` ends a value only in a
 * query string (`?a=…&b=…`); elsewhere it is a password character like any other.
 */
const enum ValueExtent {
  CODE,
  QUERY,
  LINE,
}

const NEXT_PAIR_RE = /^\s?[A-Za-z_][\w .-]{0,40}=/;

function parseUnquoted(text: string, i: number, extent = ValueExtent.QUERY): ParsedValue {
  const limit = Math.min(text.length, i + VALUE_MAX);
  let j = i;
  for (; j < limit; j++) {
    const c = text.charCodeAt(j);
    if (isWhitespace(c) || c === 34 || c === 39 || c === 96) break;
    if (c >= 0x3000 && (c <= 0x303f || (c >= 0xff00 && c <= 0xffef))) break; // CJK punctuation (。，、) ends a sentence's value
    if (c === 92 && (text.charCodeAt(j + 1) === 110 || text.charCodeAt(j + 1) === 114 || text.charCodeAt(j + 1) === 34)) break; // \n \r \" inside a JSON string
    if (extent === ValueExtent.LINE) {
      // a call is code even on a line of its own: `password = getpass.getpass("Password: ")`
      if (c === 40 && j > i && /^(?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][A-Za-z_$]*$/.test(text.slice(i, j))) break;
      // the next pair of a query or connection string: `token=…&state=1`, `Password=…;Database=x`
      if ((c === 38 || c === 59 || c === 44) && NEXT_PAIR_RE.test(text.slice(j + 1, j + 1 + 48))) break;
      continue;
    }
    // , ; < > ( ) [ ] { } |, and & in a query string
    if (c === 44 || c === 59 || c === 60 || c === 62 || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 124) break;
    if (c === 38 && extent === ValueExtent.QUERY) break;
  }
  // `password = other_variable;` at the end of a statement: the terminator is not part of the value
  if (extent === ValueExtent.LINE && j > i + 1 && (text.charCodeAt(j - 1) === 59 || text.charCodeAt(j - 1) === 44) && /^[\w$.]+$/.test(text.slice(i, j - 1))) {
    return { start: i, end: j - 1, quoted: false, op: "", statement: true };
  }
  return { start: i, end: j, quoted: false, op: "" };
}

/** How far an unquoted value after the key at `keyStart` and operator `op` reaches (see ValueExtent). */
function valueExtent(text: string, keyStart: number, op: string): ValueExtent {
  let b = keyStart - 1;
  while (b >= 0 && (text.charCodeAt(b) === 34 || text.charCodeAt(b) === 39)) b--; // "KEY"=
  const before = b < 0 ? 10 : text.charCodeAt(b);
  if (before === 63 || before === 38) return ValueExtent.QUERY;
  if (op !== "=" && op !== ":") return ValueExtent.CODE;
  // the key opens its line, after indentation, a YAML list dash or `export` / `set`
  let lineStart = b;
  while (lineStart >= 0 && text.charCodeAt(lineStart) !== 10 && text.charCodeAt(lineStart) !== 13 && b - lineStart < 16) lineStart--;
  if (lineStart >= 0 && text.charCodeAt(lineStart) !== 10 && text.charCodeAt(lineStart) !== 13) return ValueExtent.CODE;
  const lead = text.slice(lineStart + 1, b + 1).trim();
  return lead === "" || lead === "-" || lead === "export" || lead === "set" || lead === "setx" ? ValueExtent.LINE : ValueExtent.CODE;
}

function skipSpaces(text: string, i: number, max: number): number {
  const limit = Math.min(text.length, i + max);
  while (i < limit && isSpaceOrTab(text.charCodeAt(i))) i++;
  return i;
}

function parseValueAt(text: string, i: number, extent = ValueExtent.QUERY): ParsedValue | null {
  let c = codeAt(text, i);
  // Python/C# string prefixes: b"…", r'…', f"…", u"…", @"…"
  // …and T-SQL's N'…'
  if ((c === 98 || c === 114 || c === 102 || c === 117 || c === 64 || c === 78) && (codeAt(text, i + 1) === 34 || codeAt(text, i + 1) === 39)) {
    i++;
    c = text.charCodeAt(i);
  }
  if (c === 34 || c === 39 || c === 96) return parseQuoted(text, i, c) ?? parseUnquoted(text, i + 1, extent === ValueExtent.LINE ? ValueExtent.CODE : extent);
  if (c === 92 && codeAt(text, i + 1) === 34) {
    // \"value\" inside a JSON-encoded string
    const end = text.indexOf('\\"', i + 2);
    if (end !== -1 && end - i < VALUE_MAX) return { start: i + 2, end, quoted: true, op: "" };
  }
  return parseUnquoted(text, i, extent);
}

/** Finds the operator and the value after a key that ends at `pos`. */
function parseAssignment(text: string, keyStart: number, pos: number, isFlag: boolean): ParsedValue | null {
  let i = pos;
  // closing quote / bracket of the key: "password": , ['password'] = , password?: , os.environ["KEY"]
  for (let k = 0; k < 3 && i < text.length; k++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96 || c === 93 || c === 63 || c === 33) i++;
    else if (c === 91 && codeAt(text, i + 1) === 93) i += 2; // kSecret[]
    else if (c === 92 && codeAt(text, i + 1) === 34) i += 2;
    else break;
  }
  i = skipSpaces(text, i, 16);
  let op = "";
  // <password>value</password>
  if (codeAt(text, keyStart - 1) === 60 && codeAt(text, pos) === 62) {
    const close = text.indexOf("<", pos + 1);
    if (close === -1 || close - pos > 512) return null;
    return { start: pos + 1, end: close, quoted: true, op: ">" };
  }
  for (const candidate of OPERATORS) {
    if (text.startsWith(candidate, i)) {
      op = candidate;
      break;
    }
  }
  if (op === "" && text.startsWith("value=", i)) op = "value="; // <add key="ApiKey" value="…"/>
  if (op === "" && (codeAt(text, i) === 10 || codeAt(text, i) === 13)) {
    // Kubernetes / compose: - name: DB_PASSWORD \n   value: "…"
    let j = i;
    while (j < text.length && j - i < 48 && isWhitespace(text.charCodeAt(j))) j++;
    if (text.startsWith("value:", j)) {
      op = "value:";
      i = j;
    }
  }
  if (op === "" && isFlag && i > pos) op = " "; // --password secret
  if (op === "") return null;
  if (op === ":" && codeAt(text, i + 1) === 58) return null; // C++ / Rust paths
  const opAt = i;
  i = skipSpaces(text, i + (op === " " ? 0 : op.length), 16);
  const extent = valueExtent(text, keyStart, op);
  let value = parseValueAt(text, i, extent);
  if (!value) return null;
  // `password: str = "…"` (type annotation) → the value after the `=`
  if (!value.quoted && op === ":" && /^[A-Za-z_][\w.[\]|]*$/.test(text.slice(value.start, value.end))) {
    const after = skipSpaces(text, value.end, 8);
    if (codeAt(text, after) === 61 && codeAt(text, after + 1) !== 61 && codeAt(text, after + 1) !== 62) {
      value = parseValueAt(text, skipSpaces(text, after + 1, 16));
      if (!value) return null;
    }
  }
  value.op = op;
  const before = codeAt(text, keyStart - 1);
  // `KEY=value` and `key: value` lines are configuration; `name = value` with spaces is as often a line of code
  const spacedEquals = op === "=" && isSpaceOrTab(codeAt(text, opAt - 1));
  value.literal = extent === ValueExtent.QUERY || (extent === ValueExtent.LINE && !spacedEquals && !value.statement) || (op === "=" && (before === 44 || before === 59 || before === 34));
  return value;
}

const CONNECTION_CONTEXT_RE = /(?:^|[\s;?&"'])(?:host|hostaddr|dbname|server|data source|datasource|user id|userid|uid|database|initial catalog|sslmode|port)=/i;

const PUBLIC_BY_DESIGN_RE = /^pk(?:_live_|_test_|\.eyJ)/;

function secretValueOk(value: string, info: KeyInfo, quoted: boolean, literal = false): boolean {
  if (value.length === 0 || value.length > VALUE_MAX) return false;
  if (value.startsWith("-----BEGIN")) return false; // the PEM detector handles it, with the right span
  if (isPlaceholderValue(value) || isReferenceValue(value, quoted, !literal)) return false;
  const classes = charClasses(value);
  if (info.cls === "password") {
    if (value.length < 4 || value.length > 256) return false;
    if (classes.space) {
      if (!quoted) return false;
      let spaces = 0;
      for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 32) spaces++;
      if (spaces >= 2) return false; // a sentence (a label or an error message), not a password
    }
    if (/^[A-Z][a-z\u00C0-\u024F]+$/.test(value)) return false; // a translated label: "Passwort", "Contraseña"
    if (/^\w+\.(?:txt|pem|key|json|ya?ml|env|cfg|conf|ini)$/i.test(value)) return false; // a file name
    if (/^(?:\/|~\/|\.\.?\/)[\w.-]+(?:\/[\w.-]+)+$/.test(value)) return false; // a path
    if (classes.digit || classes.symbol || classes.upper) return true;
    return value.length >= 8;
  }
  if (PUBLIC_BY_DESIGN_RE.test(value)) return false; // Stripe publishable and Mapbox public tokens
  // an AWS secret key or any base64 key may start with "/", like a path
  if (isAwsSecretShape(value, info) || looksLikeBase64Key(value)) return true;
  if (/^(?:arn:|https?:|s3:|gs:|file:|\/|\.\/|~\/)/.test(value)) return false;
  if (info.cls === "bare" || info.cls === "auth") {
    if (isDigestOrUuid(value)) return false;
    return looksRandom(value, 16);
  }
  return looksRandom(value, 8);
}

/**
 * Random base64 (an Azure account key, a signing key): all three character classes, and the odd
 * "/" a path would have many more of (base64 has one in 64 characters, a path one per word).
 */
function looksLikeBase64Key(value: string): boolean {
  if (value.length < 24 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return false;
  let slashes = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) === 47) slashes++;
  if (slashes * 12 > value.length) return false;
  const classes = charClasses(value);
  return classes.lower && classes.upper && classes.digit && shannonEntropy(value) >= 4;
}

/** 40 base64 characters of all three classes under a key that names AWS or a secret access key. */
function isAwsSecretShape(value: string, info: KeyInfo): boolean {
  if (value.length !== 40 || !/^[A-Za-z0-9/+]{40}$/.test(value)) return false;
  const joined = info.words.join("");
  if (!(joined.includes("aws") || joined.includes("secretaccesskey"))) return false;
  const classes = charClasses(value);
  return classes.lower && classes.upper && classes.digit;
}

function assignmentType(info: KeyInfo, value: string, text: string, keyStart: number, valueEnd: number): { type: string; priority: number } {
  const joined = info.words.join("");
  if ((joined.includes("aws") || joined.includes("secretaccesskey")) && /^[A-Za-z0-9/+]{40}$/.test(value) && (joined.includes("secret") || info.cls === "secret")) {
    return { type: "aws_secret_access_key", priority: PRIORITY.awsSecret };
  }
  if (joined === "accountkey" || joined.endsWith("storageaccountkey") || joined.endsWith("storagekey")) {
    return { type: "azure_storage_key", priority: PRIORITY.azure };
  }
  if (joined === "sharedaccesskey") return { type: "azure_shared_access_key", priority: PRIORITY.azure };
  if (info.cls === "password") {
    const before = codeAt(text, keyStart - 1);
    const after = codeAt(text, valueEnd);
    const lineStart = Math.max(0, keyStart - 200);
    if (before === 59 || before === 63 || before === 38 || after === 59 || after === 38 || CONNECTION_CONTEXT_RE.test(text.slice(lineStart, keyStart))) {
      return { type: "connection_string_password", priority: PRIORITY.connection };
    }
  }
  return { type: "generic_secret_assignment", priority: PRIORITY.assignment };
}

const keyClassCache = new Map<string, KeyInfo | null>();

function classifyKeyCached(key: string): KeyInfo | null {
  let info = keyClassCache.get(key);
  if (info === undefined) {
    info = classifyKey(key);
    if (keyClassCache.size > 4096) keyClassCache.clear();
    keyClassCache.set(key, info);
  }
  return info;
}

/** Cheap test: can an operator follow the key that ends at `i`? (most keyword hits are plain code) */
function operatorFollows(text: string, keyStart: number, i: number, isFlag: boolean): boolean {
  for (let k = 0; k < 3 && i < text.length; k++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96 || c === 93 || c === 63 || c === 33 || c === 92) i++;
    else if (c === 91 && text.charCodeAt(i + 1) === 93) i += 2; // kSecret[]
    else break;
  }
  const afterKey = i;
  while (i < text.length && i - afterKey < 16 && isSpaceOrTab(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  if (c === 61 || c === 58 || c === 0xff1a) return true; // = : ：
  if (c === 62) return text.charCodeAt(keyStart - 1) === 60; // <password>…
  if (c === 60) return text.charCodeAt(i + 1) === 45; // R: api_secret <- "…"
  if (c === 10 || c === 13) return true; // k8s name/value pairs
  if (c === 118) return text.startsWith("value=", i); // <add key="…" value="…">
  return isFlag && i > afterKey;
}

/** The keywords a key must contain (as the keyword scan of earlier versions required). */
const KEY_KEYWORD_RE = /pass|pwd|secret|token|key|cred|auth|pat(?![a-z])/i;
/** A bit per letter, either case (a = 1, b = 2, …), 0 for anything else. */
const LETTER_BIT = new Int32Array(65536);
for (let c = 65; c <= 90; c++) LETTER_BIT[c] = LETTER_BIT[c + 32] = 1 << (c - 65);
function lettersOf(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) mask |= LETTER_BIT[word.charCodeAt(i)]!;
  return mask;
}
/** The letters of each keyword: a key whose letters include none of these sets cannot contain one. */
const KEYWORD_LETTERS = ["pass", "pwd", "secret", "token", "key", "cred", "auth", "pat"].map(lettersOf);
/** Every letter that appears in some keyword: an identifier without two of them is rejected at once. */
function mayHoldKeyword(mask: number): boolean {
  for (let k = 0; k < KEYWORD_LETTERS.length; k++) {
    const letters = KEYWORD_LETTERS[k]!;
    if ((mask & letters) === letters) return true;
  }
  return false;
}
/** Characters that may close a key before its operator (see operatorFollows): " ' ` ] ? ! \ */
function isKeyCloser(c: number): boolean {
  return c === 34 || c === 39 || c === 96 || c === 93 || c === 63 || c === 33 || c === 92;
}
const KEY_RUN_MAX = 100;

/** Key candidates: identifier runs [start, end) that contain a keyword, in an array of pairs. */
type KeyRuns = number[];

function pushKeyRun(text: string, start: number, end: number, mask: number, runs: KeyRuns): void {
  if (end <= start || !mayHoldKeyword(mask) || !KEY_KEYWORD_RE.test(text.slice(start, end))) return;
  runs.push(start, end);
}

/**
 * The identifier run that ends at `end` (maximal to the left, at most KEY_RUN_MAX long; a longer one
 * is no key) and the letters in it: pushed as a key run when they may hold a keyword.
 */
function keyRunEndingAt(text: string, end: number, runs: KeyRuns, needsLt: boolean): void {
  let s = end;
  let mask = 0;
  const limit = end - KEY_RUN_MAX - 1 > 0 ? end - KEY_RUN_MAX - 1 : 0;
  while (s > limit) {
    const c = C[s - 1]!;
    if (IDENT[c] === 0) break;
    mask |= LETTER_BIT[c]!;
    s--;
  }
  if (s === limit && s > 0 && IDENT[C[s - 1]!] === 1) return;
  if (needsLt && !(s > 0 && s < end && C[s - 1] === 60)) return;
  pushKeyRun(text, s, end, mask, runs);
}

/** The key before an operator at `op`: back over spaces (at most `spaces`), up to three closers, then the identifier. */
function keyBeforeOperator(text: string, op: number, spaces: number, anyWhitespace: boolean, runs: KeyRuns): void {
  let j = op;
  const limit = Math.max(0, op - spaces);
  if (anyWhitespace) {
    while (j > limit && isWhitespace(C[j - 1]!)) j--;
  } else {
    while (j > limit && isSpaceOrTab(C[j - 1]!)) j--;
  }
  for (let k = 0; k < 3 && j > 0 && isKeyCloser(C[j - 1]!); k++) j--;
  if (j > 1 && C[j - 1] === 91 && C[j] === 93) j--; // C's kSecret[] = "…"
  if (j > 0 && IDENT[C[j - 1]!] === 1) keyRunEndingAt(text, j, runs, false);
}

/**
 * Finds the keys that an operator follows, from the operators: every `=` and `:`, `>` after
 * `<key`, `value=` / `value:` after a key (XML attributes, Kubernetes name/value pairs), and
 * command-line flags (`--password secret`). A key must contain a keyword (pass, pwd, secret,
 * token, key, cred, auth); a cheap letter-set test rejects almost every other identifier before
 * the regex does.
 */
function collectKeyRuns(text: string, marks: Marks, opRuns: KeyRuns): KeyRuns {
  const runs: KeyRuns = opRuns.slice();
  const { gts, values, dashes } = marks;
  for (let k = 0; k < gts.n; k++) {
    const gt = gts.a[k]!;
    if (gt > 0 && IDENT[C[gt - 1]!] === 1) keyRunEndingAt(text, gt, runs, true);
  }
  for (let k = 0; k < values.n; k++) {
    const v = values.a[k]!;
    if (C[v + 5] === 61) keyBeforeOperator(text, v, 16, false, runs);
    else keyBeforeOperator(text, v, 80, true, runs);
  }
  let dashResume = 0;
  for (let k = 0; k < dashes.n; k++) {
    const d = dashes.a[k]!;
    if (d < dashResume || (d > 0 && IDENT[C[d - 1]!] === 1)) continue;
    let e = d;
    let mask = 0;
    const limit = Math.min(text.length, d + KEY_RUN_MAX + 1);
    while (e < limit && IDENT[C[e]!] === 1) mask |= LETTER_BIT[C[e++]!]!;
    if (e - d <= KEY_RUN_MAX) pushKeyRun(text, d, e, mask, runs);
    dashResume = e;
  }
  if (runs.length <= 2) return runs;
  // in text order, each run once
  const order: number[] = [];
  for (let k = 0; k < runs.length; k += 2) order.push(k);
  order.sort((a, b) => runs[a]! - runs[b]!);
  const sorted: KeyRuns = [];
  for (const k of order) {
    if (sorted.length > 0 && sorted[sorted.length - 2] === runs[k]) continue;
    sorted.push(runs[k]!, runs[k + 1]!);
  }
  return sorted;
}

function scanAssignments(text: string, marks: Marks, opRuns: KeyRuns, out: Candidate[]): void {
  const runs = collectKeyRuns(text, marks, opRuns);
  let skipUntil = 0; // a key inside a value already parsed is not a key
  for (let r = 0; r < runs.length; r += 2) {
    let ks = runs[r]!;
    const ke = runs[r + 1]!;
    if (ks < skipUntil) continue;
    let isFlag = false;
    while (ks < ke && text.charCodeAt(ks) === 45) {
      ks++;
      isFlag = true;
    }
    let keyEnd = ke;
    while (keyEnd > ks && (text.charCodeAt(keyEnd - 1) === 46 || text.charCodeAt(keyEnd - 1) === 45)) keyEnd--;
    if (keyEnd <= ks || keyEnd - ks > 80 || !operatorFollows(text, ks, keyEnd, isFlag)) continue;
    const key = text.slice(ks, keyEnd);
    if (key === "key" && !isFlag && bareKeyIsAName(text, ks, keyEnd, out)) continue;
    const info = classifyKeyCached(key);
    if (!info) continue;
    const parsed = parseAssignment(text, ks, keyEnd, isFlag);
    if (!parsed) continue;
    // A long value is parsed once: skip it (short ones may hold the next key, as in key="ApiKey" value="…")
    if (parsed.end - parsed.start > 64) skipUntil = Math.max(skipUntil, parsed.end);
    if (parsed.op === " " && parsed.start === parsed.end) continue;
    if (!keyHoldsValue(text, ks, keyEnd, parsed)) continue;
    let { start, end } = parsed;
    let value = text.slice(start, end);
    if (!parsed.quoted && codeAt(text, start) === 123) {
      // ARM / Bicep parameter files: "adminPassword": { "value": "…" }
      ARM_VALUE_RE.lastIndex = start;
      const m = ARM_VALUE_RE.exec(text);
      if (m === null) continue;
      [start, end] = m.indices![1]!;
      value = m[1]!;
      if (!secretValueOk(value, info, true)) continue;
      out.push({ type: "generic_secret_assignment", kind: "secret", start, end, priority: PRIORITY.assignment });
      skipUntil = Math.max(skipUntil, end);
      continue;
    }
    if (!parsed.quoted && codeAt(text, start) === 91) continue; // a YAML flow list: secrets: [a, b]
    if (info.cls === "auth" || info.cls === "token") {
      // Authorization: Token abc…, Authorization: Bearer … (Bearer and Basic are left to schemeAt)
      const lower = value.toLowerCase();
      if (SCHEMES.has(lower)) {
        if (lower === "bearer" || lower === "basic") continue;
        const tokenStart = skipSpaces(text, end, 4);
        if (tokenStart === end) continue;
        const tokenValue = parseUnquoted(text, tokenStart);
        start = tokenValue.start;
        end = tokenValue.end;
        value = text.slice(start, end);
        if (!looksRandom(value, 8) || isPlaceholderValue(value) || isReferenceValue(value, true)) continue;
        out.push({ type: "bearer_token", kind: "secret", start, end, priority: PRIORITY.bearer });
        skipUntil = Math.max(skipUntil, end);
        continue;
      }
      if (parsed.quoted && value.includes(" ")) {
        const space = value.indexOf(" ");
        if (SCHEMES.has(value.slice(0, space).toLowerCase())) continue; // handled by the scheme scanner or not a secret
      }
    }
    if (!parsed.quoted && BLOCK_SCALAR_RE.test(value)) {
      // YAML `key: >-` / `key: |`: the value is on the indented lines below
      const block = blockScalarAt(text, end);
      if (block === null) continue;
      skipUntil = Math.max(skipUntil, block.end); // its lines are read: keys in them are not keys
      start = block.start;
      end = block.end;
      value = block.value;
    }
    if (!secretValueOk(value, info, parsed.quoted, parsed.literal)) continue;
    const { type, priority } = assignmentType(info, value, text, ks, end);
    out.push({ type, kind: "secret", start, end, priority });
    skipUntil = Math.max(skipUntil, end);
  }
}

const KEY_ATTRIBUTE_RE = /^\s*=\s*(["'])[^"'\n]{0,128}\1\s+value\s*=/;
const PLIST_RE = /([^<>\n]{1,128})<\/key>\s{0,64}<string>([^<\n]{1,4096})<\/string>/dy;

/**
 * A key named just "key" that names the setting rather than holding it: a plist
 * `<key>ClientSecret</key><string>…</string>` (the value is judged under that name here), an
 * `<add key="Name" value="…"/>` attribute (value= is read from its own mark), or a "key" after a word
 * that says what kind (`public key: age1…`, `primary key: id`), as it would inside one identifier.
 */
function bareKeyIsAName(text: string, ks: number, keyEnd: number, out: Candidate[]): boolean {
  if (codeAt(text, ks - 1) === 60 && codeAt(text, keyEnd) === 62) {
    PLIST_RE.lastIndex = keyEnd + 1;
    const m = PLIST_RE.exec(text);
    if (m !== null && judgeValue(m[1]!.trim(), m[2]!, true)) {
      const [start, end] = m.indices![2]!;
      out.push({ type: "generic_secret_assignment", kind: "secret", start, end, priority: PRIORITY.assignment });
    }
    return true;
  }
  if (KEY_ATTRIBUTE_RE.test(text.slice(keyEnd, keyEnd + 160))) return true;
  const before = /([A-Za-z]+)[ \t]+$/.exec(text.slice(Math.max(0, ks - 24), ks));
  return before !== null && KEY_PREV_EXCLUDE.has(before[1]!.toLowerCase());
}

// Logins written before an @ that are not emails: Go's MySQL DSNs and Oracle's user/password@db.
// Go's MySQL driver: user:password@tcp(host:3306)/db, user:password@unix(/path)/db
const GO_DSN_USER_RE = /(?:^|[\s"'`=(])([^\s"'`=(:@/]{1,64}):([^\s"'`@]{1,128})$/d;

// sqlplus scott/tiger@ORCL, conn system/pw@//host:1521/svc, rman target sys/pw@db
const ORACLE_LOGIN_RE = /\b(?:sqlplus|conn(?:ect)?|rman(?:\s+target)?|expdp|impdp|dgmgrl)\s+(?:-\w+\s+)*[A-Za-z_][\w$#]{0,63}\/([^\s"'@/]{1,128})$/id;

const OPENVPN_HEADER = "BEGIN OpenVPN Static key V1-----";
const OPENVPN_FOOTER = "-----END OpenVPN Static key V1-----";

/** An OpenVPN static key (`--tls-auth`, `--secret`): hex lines between its own header and footer. */
function scanOpenVpnKeys(text: string, begins: Positions, out: Candidate[]): void {
  let footer = -2; // the next footer, looked for again only once passed: many headers stay linear
  for (let b = 0; b < begins.n; b++) {
    const pos = begins.a[b]!;
    if (!text.startsWith(OPENVPN_HEADER, pos)) continue;
    if (footer !== -1 && footer < pos) footer = text.indexOf(OPENVPN_FOOTER, pos);
    if (footer === -1) return;
    if (footer - pos > 4096) continue;
    const start = text.startsWith("-----", pos - 5) ? pos - 5 : pos;
    out.push({ type: "private_key", kind: "secret", start, end: footer + OPENVPN_FOOTER.length, priority: PRIORITY.privateKey });
  }
}

/** A `/` in the run of non-space characters before `at` (user/password@): most `@`s are emails, with none. */
function slashBefore(at: number): boolean {
  for (let i = at - 1, n = 0; i >= 0 && n < 130; i--, n++) {
    const c = C[i]!;
    if (c === 47) return true;
    if (c === 32 || c === 10 || c === 9 || c === 34 || c === 39 || c === 64) return false;
  }
  return false;
}

function scanLoginsBeforeAt(text: string, ats: Positions, out: Candidate[]): void {
  for (let k = 0; k < ats.n; k++) {
    const at = ats.a[k]!;
    if (C[at - 1] !== 47 && C[at - 1] !== 32 && slashBefore(at)) {
      const before = Math.max(0, at - 200);
      const oracle = ORACLE_LOGIN_RE.exec(text.slice(before, at));
      if (oracle !== null && judgeValue("password", oracle[1]!, true)) {
        const [s, e] = oracle.indices![1]!;
        out.push({ type: "connection_string_password", kind: "secret", start: before + s, end: before + e, priority: PRIORITY.connection });
        continue;
      }
    }
    if (!text.startsWith("tcp(", at + 1) && !text.startsWith("unix(", at + 1)) continue;
    const from = Math.max(0, at - 200);
    const m = GO_DSN_USER_RE.exec(text.slice(from, at));
    if (m === null || !judgeValue("password", m[2]!, true)) continue;
    const [start, end] = m.indices![2]!;
    out.push({ type: "connection_string_password", kind: "secret", start: from + start, end: from + end, priority: PRIORITY.connection });
  }
}

const ARM_VALUE_RE = /\{\s{0,64}"value"\s{0,16}:\s{0,16}"([^"\n]{1,4096})"/dy;

/**
 * A key that names a place rather than holding a value: a segment of a .NET configuration path
 * (`"Authentication:Google:ClientSecret"`), a shell default (`${DB_PASSWORD:?unset}`).
 */
function keyHoldsValue(text: string, ks: number, keyEnd: number, parsed: ParsedValue): boolean {
  if (codeAt(text, ks - 1) === 123 && codeAt(text, ks - 2) === 36) return false; // ${NAME:-…}
  if (parsed.op === ":" && !parsed.quoted && codeAt(text, ks - 1) === 34 && parsed.start === keyEnd + 1) return false; // "A:B:C"
  return true;
}

const BLOCK_SCALAR_RE = /^[|>][-+]?$/;
const BLOCK_LINE_RE = /\r?\n([ \t]+)([^\r\n]*)/y;

/** The indented lines of a YAML block scalar that starts after `at` (at most 32 lines): its span and its text without line breaks. */
function blockScalarAt(text: string, at: number): { start: number; end: number; value: string } | null {
  let indent: string | undefined;
  let start = -1;
  let end = -1;
  let value = "";
  BLOCK_LINE_RE.lastIndex = at;
  for (let n = 0; n < 32; n++) {
    const m = BLOCK_LINE_RE.exec(text);
    if (m === null || (indent !== undefined && m[1] !== indent) || m[2]!.length === 0) break;
    indent = m[1]!;
    const lineStart = m.index + m[0].length - m[2]!.length;
    if (start === -1) start = lineStart;
    end = lineStart + m[2]!.trimEnd().length;
    value += m[2]!.trim();
    if (value.length > VALUE_MAX) return null;
  }
  return start === -1 ? null : { start, end, value };
}

/** `Bearer …` / `Basic …` at a word start (any case). */
function schemeAt(text: string, pos: number, out: Candidate[]): void {
  if (startsWithLower(text, pos, "bearer")) scanScheme(text, pos, "bearer", out);
  else if (startsWithLower(text, pos, "basic")) scanScheme(text, pos, "basic", out);
}

/** `text` has `word` (lower-case ASCII letters) at `pos`, in any case. */
const BEARER_VALUE_RE = sticky(`[A-Za-z0-9._~+/:-]{8,4096}=*(?![A-Za-z0-9._~+/:=-])`.replace(/\._~/g, "._~_"));
const BASIC_VALUE_RE = sticky(`[A-Za-z0-9+/]{6,1024}={0,2}(?![A-Za-z0-9+/=])`);

/** `Bearer <token>` and `Basic <base64 user:password>` wherever they appear (headers, curl -H, code strings). */
function scanScheme(text: string, pos: number, word: string, out: Candidate[]): number {
  if (pos > 0 && isAlnum(text.charCodeAt(pos - 1))) return pos + word.length;
  const after = pos + word.length;
  if (codeAt(text, after) !== 32 && codeAt(text, after) !== 9) return after;
  const valueStart = skipSpaces(text, after, 4);
  const re = word === "bearer" ? BEARER_VALUE_RE : BASIC_VALUE_RE;
  re.lastIndex = valueStart;
  const match = re.exec(text);
  if (!match) return after;
  const value = match[0];
  const end = valueStart + value.length;
  if (word === "basic") {
    if (!isBasicCredential(value)) return after;
    out.push({ type: "basic_auth_credentials", kind: "secret", start: valueStart, end, priority: PRIORITY.bearer });
    return end;
  }
  if (isPlaceholderValue(value) || isReferenceValue(value, true) || /^[A-Z][A-Z0-9_]*$/.test(value)) return after;
  const classes = charClasses(value);
  if (!(value.length >= 16 ? classes.count >= 2 || shannonEntropy(value) >= 3.5 : classes.digit && classes.count >= 2)) return after;
  out.push({ type: "bearer_token", kind: "secret", start: valueStart, end, priority: PRIORITY.bearer });
  return end;
}

const CURL_USER_RE = /(?:^|\s)(?:-u|--user)[ =]?(["']?)([^\s:"'@]{0,128}):([^\s"']{1,256})\1/y;

/** curl -u user:password / --user user:password */
/** `<entry key="db.password">…</entry>`: a start tag ending in a quoted key attribute, then the value. */
function scanXmlKeyedValues(text: string, gts: Positions, out: Candidate[]): void {
  for (let k = 0; k < gts.n; k++) {
    const gt = gts.a[k]!;
    const before = gt > 0 ? C[gt - 1]! : -1;
    if ((before === 34 || before === 39) && C[gt + 1] !== 60) xmlKeyedValueAt(text, gt, judgeValue, out);
  }
}

/** `(` followed by a quote: a call or tuple with a string argument, setPassword("…"), auth=("user", "…"). */
function parenAt(text: string, i: number, out: Candidate[]): void {
  const q = C[i + 1] === 32 ? C[i + 2] : C[i + 1];
  if ((q === 34 || q === 39) && i > 0) callArgumentAt(text, i, judgeValue, out);
}

/** A value found by one of the wrappings (wrappings.ts), judged like an assignment to `key`. */
function judgeValue(key: string, value: string, quoted: boolean): boolean {
  const info = classifyKeyCached(key);
  return info !== null && secretValueOk(value, info, quoted);
}

function scanCurlUser(text: string, dashes: Positions, out: Candidate[]): void {
  for (let k = 0; k < dashes.n; k++) {
    const pos = dashes.a[k]!;
    if ((C[pos + 1] === 112 || C[pos + 1] === 97 || C[pos + 1] === 119) && (pos === 0 || IDENT[C[pos - 1]!] === 0)) {
      commandPasswordAt(text, pos, out); // mysql -p…, sshpass -p …, docker login -p …, redis-cli -a …, ldapsearch -w …
      continue;
    }
    if (C[pos + 1] !== 117) continue; // -u
    let context = text.slice(Math.max(0, pos - 300), pos);
    const newline = context.lastIndexOf("\n");
    if (newline !== -1) context = context.slice(newline + 1);
    if (/\b(?:curl|wget|http|httpie)\b/.test(context)) {
      // the leftmost match that starts within three characters before the -u (sticky, so bounded)
      let m: RegExpExecArray | null = null;
      for (let from = Math.max(0, pos - 3); from <= pos && m === null; from++) {
        CURL_USER_RE.lastIndex = from;
        m = CURL_USER_RE.exec(text);
      }
      if (m && m[3] !== undefined && credentialValue(m[3])) {
        const end = m.index + m[0].length - (m[1] ?? "").length;
        const start = end - m[3].length;
        out.push({ type: "basic_auth_credentials", kind: "secret", start, end, priority: PRIORITY.bearer });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Personal data.

/** Latin letters with diacritics (À–ɏ but × and ÷): internationalised addresses such as jürgen.müller@…. */
function isAccentedLetter(c: number): boolean {
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x386 && c <= 0x52f); // and Greek, Cyrillic (δοκιμή@παράδειγμα.ελ)
}
function isEmailLocalChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45 || isAccentedLetter(c); // . _ % + -
}
function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === 46 || c === 45 || isAccentedLetter(c);
}

const FILE_TLDS = new Set(["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "js", "mjs", "cjs", "ts", "tsx", "jsx", "css", "scss", "json", "map", "lock", "yaml", "yml", "html", "xml", "txt", "vue", "wasm"]);

function scanEmails(text: string, ats: Positions, out: Candidate[]): void {
  let resume = 0;
  for (let k = 0; k < ats.n; k++) {
    const at = ats.a[k]!;
    if (at < resume) continue;
    // `%40`, the @ of a URL-encoded address (email=jo%40corp.io); `\u0040`, of a JSON-escaped one
    const ds = C[at] === 37 ? at + 3 : C[at] === 92 ? at + 6 : at + 1;
    let ls = at;
    const leftLimit = Math.max(0, at - 64);
    for (;;) {
      while (ls > leftLimit && isEmailLocalChar(C[ls - 1]!)) ls--;
      // o'brien@: an apostrophe between letters belongs to the local part
      if (ls - 1 > leftLimit && C[ls - 1] === 39 && isLetter(C[ls - 2]!) && ls < at && isLetter(C[ls]!)) ls -= 2;
      else break;
    }
    while (ls < at && (C[ls] === 46 || C[ls] === 45 || C[ls] === 43)) ls++;
    let de = ds;
    const rightLimit = Math.min(text.length, ds + 253);
    while (de < rightLimit && isDomainChar(C[de]!)) de++;
    while (de > ds && (C[de - 1] === 46 || C[de - 1] === 45)) de--;
    let next = at + 1;
    if (ls < at && de > ds + 2 && !(ls > 0 && isAlnum(C[ls - 1]!) && ls === leftLimit)) {
      const local = text.slice(ls, at);
      const domain = text.slice(ds, de);
      const lastDot = domain.lastIndexOf(".");
      const tld = domain.slice(lastDot + 1).toLowerCase();
      if (
        lastDot > 0 &&
        /^(?:[a-z]{2,24}|[\u0386-\u052f]{2,24})$/.test(tld) &&
        !domain.includes("..") &&
        !local.endsWith(".") &&
        local !== "git" &&
        !FILE_TLDS.has(tld) &&
        !isUriUserinfo(text, ls) &&
        !isRemoteLogin(text, ls) &&
        !isRemotePath(text, de) &&
        !isMessageId(text, ls)
      ) {
        out.push({ type: "email", kind: "pii", start: ls, end: de, priority: PRIORITY.email });
        next = de;
      }
    }
    resume = next;
  }
}

const MESSAGE_ID_LINE_RE = /(?:^|\n)[ \t]*(?:message-id|in-reply-to|references|content-id|resent-message-id|uid)[ \t]*:[^\n]*$/i;

/** `Message-ID: <…@mail.gmail.com>`, an iCalendar `UID:…@google.com`: identifiers shaped like addresses. */
function isMessageId(text: string, ls: number): boolean {
  return MESSAGE_ID_LINE_RE.test(text.slice(Math.max(0, ls - 200), ls));
}

const REMOTE_LOGIN_RE = /\b(?:ssh|scp|sftp|mosh|rsync|ssh-copy-id)(?:[ \t]+-\S+(?:[ \t]+[^\s@-]\S*)?)*[ \t]+$/;

/** `ssh deploy@build-01.internal`: a login on a host, not a mailbox. */
function isRemoteLogin(text: string, ls: number): boolean {
  let line = text.slice(Math.max(0, ls - 80), ls);
  const newline = line.lastIndexOf("\n");
  if (newline !== -1) line = line.slice(newline + 1);
  return REMOTE_LOGIN_RE.test(line);
}

function isLetter(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

/**
 * `root@db-primary.internal:/var/backups/`, `deploy@host:~/app`, `me@host:dump.sql` (scp, rsync):
 * a login on a host followed by a path on it, not a mailbox. A colon and a port or a space is not
 * a path.
 */
function isRemotePath(text: string, de: number): boolean {
  if (C[de] !== 58) return false;
  const c = C[de + 1]!;
  if (c === 47 || c === 126) return true;
  let i = de + 1;
  let pathMark = false;
  while (i < de + 128 && (isAlnum(C[i]!) || C[i] === 46 || C[i] === 95 || C[i] === 45 || C[i] === 47)) {
    if (C[i] === 47 || (C[i] === 46 && isAlnum(C[i + 1]!))) pathMark = true;
    i++;
  }
  return pathMark && i > de + 1 && !isAlnum(codeAt(text, i)) && !isDigit(c);
}

/** `scheme://user:password@host`: the part before @ is a password, not a mailbox. */
function isUriUserinfo(text: string, ls: number): boolean {
  if (codeAt(text, ls - 1) !== 58) return false;
  const from = Math.max(0, ls - 160);
  const window = text.slice(from, ls);
  const scheme = window.lastIndexOf("://");
  if (scheme === -1) return false;
  for (let i = scheme; i < window.length; i++) if (isWhitespace(window.charCodeAt(i))) return false;
  return true;
}

/**
 * Numeric candidates: digits with single separators (space . - parentheses), at least 7 digits,
 * optionally starting with + or (, not preceded by a letter, digit or `_ + - / .`, nor by a
 * thousands comma (continuesNumber, checked by the scan). As a regex (numericSpanEnd matches it by
 * hand): `(?:\+|\(\+?)?\d(?:\d|[ .-]\(?\d|\(\d|\)[ .-]?\d){6,40}`.
 */

/**
 * Phone labels, tested against the (up to 32) characters before a number, on its line. Words of
 * alphabetic scripts count only at a word start (`Hotel`, `Bestellung`, `erstellt`, `отель` hold
 * no label); `phone` and the spelled-out words for telephone count anywhere (`iPhone`, `workPhone`,
 * `Mobiltelefon`), and so do CJK and Hangul labels, which have no word breaks.
 */
const PHONE_CONTEXT_RE =
  /phone|telefon|telefoon|telepon|tel[eé]fono|telefone|telem[oó]vel|t[eé]l[eé]phone|whatsapp|puhelin|电话|電話|手机|手機|携帯|連絡先|联系|聯絡|연락처|전화|휴대폰|핸드폰|телефон|هاتف|جوال|טלפון|โทร|फ़ोन|फोन|मोबाइल|(?<![\p{L}\p{M}])(?:t[eé]l(?![\p{L}])|telnr|tlf|telf|fone(?![\p{L}])|ph(?![\p{L}])|cel(?![\p{L}])|m[oó]v(?![\p{L}])|ruf|mobil(?!it|iz|is)|mob(?![\p{L}])|m[oó]vil|mobiel|cell|celular|portable|handy|fax|call|contact|contat|kontakt|reach(?:able| me| us)|erreich|joindre|joignable|appel|rappel|anruf|rufnummer|durchwahl|festnetz|bellen|bereikbaar|sms|viber|gsm|n[uú]m[eé]ro(?!\s*(?:de|di|do|da|d')(?![\p{L}]))|nummer|my number|ring me|text me|chiam|ll[aá]m(?:ame|anos|ar|enos)|lig(?:ue|ar)|bel(?![\p{L}])|switchboard|hotline|helpline|reception|landline|freephone|dial(?![\p{L}])|тел(?![\p{L}])|моб|сотов|звон|τηλ|sđt|điện thoại)/iu;
/** The same words inside a camelCase name: `homeTel`, `emergencyContact`, `workMobile`. */
const CAMEL_PHONE_RE = /[a-z](?:Tel(?![a-z])|TelNr|Mobil|Mob(?![a-z])|Cell|Fax|Contact|Kontakt|Handy|Sms(?![a-z])|SMS|Whatsapp|WhatsApp|Landline)/;
/** A column name that holds phones (`phone`, `mobile_no`, `Tel`, `電話番号`…), for table rows. */
const PHONE_COLUMN_RE =
  /phone|telefon|telefoon|telepon|tel[eé]fono|telefone|telem[oó]vel|t[eé]l[eé]phone|whatsapp|msisdn|puhelin|电话|電話|手机|手機|携帯|連絡先|연락처|전화|휴대폰|핸드폰|телефон|هاتف|جوال|טלפון|(?<![\p{L}\p{M}])(?:(?:t[eé]l|tlf|telf|mob|fax|тел|моб)(?![\p{L}])|mobil|m[oó]vil|mobiel|cell|celular|handy|landline|festnetz)/iu;
/** Any phone word at all: finds the header lines PHONE_COLUMN_RE then judges cell by cell. */
const PHONE_COLUMN_WORD_RE = /phone|t[eé]l|tlf|puhelin|mob|m[oó]vil|cell|celular|handy|fax|msisdn|whatsapp|landline|festnetz|电话|電話|手机|手機|携帯|連絡先|연락처|전화|휴대폰|핸드폰|тел|моб|هاتف|جوال|טלפון/giu;
const SSN_CONTEXT_RE = /ssn|social security|soc\. sec|sozialversicherung|tax id|taxpayer/i;

type Group = { start: number; end: number };

/**
 * Column context for national phones in tables: a CSV/TSV/`;`/`|` header line, or the column list
 * of an SQL `INSERT … (cols) VALUES`, naming a phone column labels the numbers in that column of
 * the rows after it. Only numbers that already look like phones and have no label before them on
 * their line ask (phoneColumnAt), and the text is searched for header lines once, incrementally:
 * each ask looks only at the part between the previous ask and itself (at most TABLE_REACH back).
 * A blank line ends a table, and so do TABLE_REACH characters without an ask that used it.
 */
type TableHeader = { end: number; sql: boolean; delimiter: number; phone: boolean[] };
const TABLE_REACH = 4096;
const TABLE_DELIMITERS = [9, 44, 59, 124]; // tab , ; |
let tableHeader: TableHeader | null = null;
let tableSearchedTo = 0;
let tableUsedAt = 0;
/** The start of the line holding tableSearchedTo (-1: more than TABLE_REACH back), and the last line read as a possible header. */
let tableLineStart = 0;
let tableParsedLine = -1;

function resetTableContext(): void {
  tableHeader = null;
  tableSearchedTo = 0;
  tableUsedAt = 0;
  tableLineStart = 0;
  tableParsedLine = -1;
  columnLine = -1;
  columnHeader = null;
}

const SQL_COLUMNS_RE = /insert\s+(?:into\s+)?[^\s(]{1,128}\s*\(([^()]{1,2048})\)/i;
/** pg_dump's `COPY public.customers (id, name, phone) FROM stdin;`, whose rows follow tab-separated. */
const COPY_COLUMNS_RE = /copy\s+[^\s(]{1,128}\s*\(([^()]{1,2048})\)\s*from\s+stdin/i;

/** The header that the line `lineStart..lineEnd` is, or null. */
function parseTableHeader(line: string, end: number): TableHeader | null {
  const sql = SQL_COLUMNS_RE.exec(line);
  let cells: string[];
  let delimiter = 44;
  const copy = sql === null ? COPY_COLUMNS_RE.exec(line) : null;
  if (sql !== null) {
    cells = sql[1]!.split(",");
  } else if (copy !== null) {
    cells = copy[1]!.split(",");
    delimiter = 9;
  } else {
    let best = 0;
    for (const d of TABLE_DELIMITERS) {
      let count = 0;
      for (let i = 0; i < line.length; i++) if (line.charCodeAt(i) === d) count++;
      if (count > best) {
        best = count;
        delimiter = d;
      }
    }
    if (best === 0) return null;
    cells = line.split(String.fromCharCode(delimiter));
  }
  let any = false;
  const phone: boolean[] = [];
  for (const raw of cells) {
    const cell = raw.trim().replace(/^["'`[]+|["'`\]]+$/g, "");
    // a header names its columns: a cell with an @ or a digit run is a data row
    if (cell.length > 40 || cell.includes("@") || /\d{5}/.test(cell)) return null;
    const isPhone = PHONE_COLUMN_RE.test(cell) || CAMEL_PHONE_RE.test(cell);
    phone.push(isPhone);
    any ||= isPhone;
  }
  return any && cells.length >= 2 ? { end, sql: sql !== null, delimiter, phone } : null;
}

/** Looks for header lines and blank lines between the previous ask and `upTo` (the number). */
function searchTableHeader(text: string, lineStart: number, upTo: number): void {
  const from = Math.max(tableSearchedTo, lineStart - TABLE_REACH);
  if (tableHeader !== null && (from > tableSearchedTo || tableUsedAt < lineStart - TABLE_REACH)) tableHeader = null;
  tableSearchedTo = upTo;
  if (from >= upTo) return;
  const region = text.slice(from, upTo);
  const blank = Math.max(region.lastIndexOf("\n\n"), region.lastIndexOf("\n\r\n"));
  if (tableHeader !== null && blank !== -1 && from + blank >= tableHeader.end) tableHeader = null;
  PHONE_COLUMN_WORD_RE.lastIndex = 0;
  let lastLine = -1;
  for (let m = PHONE_COLUMN_WORD_RE.exec(region); m !== null; m = PHONE_COLUMN_WORD_RE.exec(region)) {
    const at = from + m.index;
    // the line of the number is a row, unless it is an INSERT with its VALUES: read it once
    const current = at >= lineStart;
    if (current && tableParsedLine === lineStart) break;
    const ls = current ? lineStart : lineStartWithin(at, TABLE_REACH);
    const le = current ? upTo : lineEndWithin(text, at, TABLE_REACH);
    PHONE_COLUMN_WORD_RE.lastIndex = Math.max(PHONE_COLUMN_WORD_RE.lastIndex, le - from);
    if (ls === -1 || ls === lastLine || le - ls > TABLE_REACH || (blank !== -1 && ls < from + blank)) continue;
    lastLine = ls;
    if (current) tableParsedLine = lineStart;
    const header = parseTableHeader(text.slice(ls, le), current ? lineEndWithin(text, upTo, TABLE_REACH) : le);
    if (header !== null && (!current || header.sql)) {
      tableHeader = header;
      tableUsedAt = lineStart;
    }
  }
}

/** The start of the line holding `i`, or -1 if it is more than `limit` characters back. */
function lineStartWithin(i: number, limit: number): number {
  const stop = Math.max(0, i - limit);
  for (let j = i; j > stop; j--) if (C[j - 1] === 10) return j;
  return stop === 0 ? 0 : -1;
}

/** The end of the line holding `i` (its newline or the text end), looking at most `limit` characters ahead. */
function lineEndWithin(text: string, i: number, limit: number): number {
  const stop = Math.min(text.length, i + limit + 1);
  for (let j = i; j < stop; j++) if (C[j] === 10) return j;
  return stop;
}

/** `Telefon:\n  030 1234567`: a number alone at its line's start takes the label at the end of the line before. */
function labelOnLineBefore(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (C[i] === 32 || C[i] === 9 || C[i] === 34 || C[i] === 39)) i--;
  if (i < 0 || C[i] !== 10) return false;
  if (i > 0 && C[i - 1] === 13) i--;
  const line = text.slice(Math.max(0, i - 32), i);
  const newline = line.lastIndexOf("\n");
  const label = newline === -1 ? line : line.slice(newline + 1);
  return label.trim() !== "" && (PHONE_CONTEXT_RE.test(label) || CAMEL_PHONE_RE.test(label));
}

/** Whether the span `start..end` is a whole table cell: between delimiters (a quote and spaces aside), `(` or a line's ends. */
function isTableCell(start: number, end: number): boolean {
  let i = start - 1;
  while (i >= 0 && C[i] === 32) i--;
  if (i >= 0 && (C[i] === 34 || C[i] === 39)) i--;
  while (i >= 0 && C[i] === 32) i--;
  const b = i < 0 ? 10 : C[i]!;
  if (!(b === 10 || b === 40 || b === 9 || b === 44 || b === 59 || b === 124)) return false;
  let j = end;
  if (C[j] === 34 || C[j] === 39) j++;
  while (C[j] === 32) j++;
  const a = C[j]!;
  return a === 0 || a === 10 || a === 13 || a === 41 || a === 9 || a === 44 || a === 59 || a === 124;
}

/** Whether the number at `start` sits in a table row, in a column whose header names a phone. */
function phoneColumnAt(text: string, start: number): boolean {
  // the line start, looking back only over what the previous ask has not seen (each character once)
  let lineStart = -2;
  const stop = Math.max(tableSearchedTo, start - TABLE_REACH);
  for (let j = start; j > stop; j--) {
    if (C[j - 1] === 10) {
      lineStart = j;
      break;
    }
  }
  if (lineStart === -2) lineStart = stop === tableSearchedTo ? tableLineStart : -1;
  if (lineStart === -1 || start - lineStart > TABLE_REACH) {
    tableSearchedTo = Math.max(tableSearchedTo, start);
    tableLineStart = -1;
    tableHeader = null;
    return false;
  }
  tableLineStart = lineStart;
  searchTableHeader(text, lineStart, start);
  const header = tableHeader;
  if (header === null) return false;
  // the column of the number: delimiters outside quotes (and for SQL, since the row's opening
  // parenthesis), counted on from the previous ask on the same line
  let column = 0;
  let quote = 0;
  let i = lineStart;
  if (columnLine === lineStart && columnAt <= start && columnHeader === header) {
    column = columnCount;
    quote = columnQuote;
    i = columnAt;
  }
  for (; i < start; i++) {
    const c = C[i]!;
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === (header.sql ? 39 : 34)) {
      quote = c;
    } else if (c === header.delimiter) {
      column++;
    } else if (header.sql && c === 40) {
      column = 0;
    }
  }
  columnLine = lineStart;
  columnAt = start;
  columnCount = column;
  columnQuote = quote;
  columnHeader = header;
  if (header.phone[column] !== true) return false;
  tableUsedAt = lineStart;
  return true;
}
let columnLine = -1;
let columnAt = 0;
let columnCount = 0;
let columnQuote = 0;
let columnHeader: TableHeader | null = null;

/** Characters that may not precede a numeric span. */
function blocksNumber(c: number): boolean {
  return isAlnum(c) || c === 95 || c === 43 || c === 45 || c === 47 || c === 46; // _ + - / .
}

/**
 * Whether the number starting at `i` continues a number before it. A comma does so only as a
 * thousands separator (a digit before it, exactly three digits after): in CSV rows such as
 * `Liam,4929401288981772,DE` or `42,512-38-4467` the value after the comma starts a number.
 */
function continuesNumber(i: number): boolean {
  if (i === 0) return false;
  const p = C[i - 1]!;
  if (p !== 44) return blocksNumber(p);
  if (!(i >= 2 && isDigit(C[i - 2]!) && isDigit(C[i + 1]!) && isDigit(C[i + 2]!) && !isDigit(C[i + 3]!))) return false;
  // `17,030 1234567`: a group that goes on as a phone does is a CSV cell, not thousands
  const d = C[i + 3]!;
  return !((d === 32 || d === 45 || d === 47) && isDigit(C[i + 4]!));
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 46 || c === 45 || c === 47; // space . - / (0171/9106990: only a label makes it a phone)
}

/**
 * The end of the numeric span at `start`, or -1: NUMERIC_BODY matched by hand. Each repetition
 * starts with a different character class (a digit, a separator, `(`, `)`), so the first character
 * decides the branch and nothing backtracks; up to 40 repetitions, at least 6.
 */
function numericSpanEnd(start: number): number {
  let i = start;
  const first = C[i]!;
  if (first === 43) i++;
  else if (first === 40) i += C[i + 1] === 43 ? 2 : 1;
  if (!isDigit(C[i]!)) return -1;
  i++;
  let units = 0;
  for (; units < 40; units++) {
    const c = C[i]!;
    if (isDigit(c)) {
      i++;
    } else if (isSeparator(c)) {
      const d = C[i + 1]!;
      if (isDigit(d)) i += 2;
      else if (d === 40 && isDigit(C[i + 2]!)) i += 3;
      else break;
    } else if (c === 40) {
      if (!isDigit(C[i + 1]!)) break;
      i += 2;
    } else if (c === 41) {
      const d = C[i + 1]!;
      if (isDigit(d)) i += 2;
      else if (isSeparator(d) && isDigit(C[i + 2]!)) i += 3;
      else break;
    } else {
      break;
    }
  }
  return units >= 6 ? i : -1;
}

/** A numeric span at `start` (a digit, `+` or `(` not preceded by blocksNumber); returns its end or -1. */
function numberAt(text: string, start: number, out: Candidate[]): number {
  const end = numericSpanEnd(start);
  if (end === -1) return -1;
  const after = C[end]!;
  if (!(isAlnum(after) || after === 95)) analyseNumber(text, start, end, out);
  return end;
}

/** Digit groups of a numeric span, and the separator text before each group. */
type Groups = { groups: Group[]; seps: string[]; text: string };

function digitsOf(g: Groups, a: number, b: number): string {
  let s = "";
  for (let k = a; k <= b; k++) s += g.text.slice(g.groups[k]!.start, g.groups[k]!.end);
  return s;
}

function groupLength(g: Groups, k: number): number {
  return g.groups[k]!.end - g.groups[k]!.start;
}

function analyseNumber(text: string, start: number, end: number, out: Candidate[]): void {
  const first = text.charCodeAt(start);
  const plus = first === 43 || (first === 40 && text.charCodeAt(start + 1) === 43);
  const g: Groups = { groups: [], seps: [], text };
  let i = start;
  let sepStart = start;
  let totalDigits = 0;
  while (i < end) {
    if (isDigit(text.charCodeAt(i))) {
      const gs = i;
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      g.groups.push({ start: gs, end: i });
      g.seps.push(text.slice(sepStart, gs));
      totalDigits += i - gs;
      sepStart = i;
    } else {
      i++;
    }
  }
  if (totalDigits < 8 && !plus) return;
  // the tail of an IBAN-like string (DE00 1234 5678 …, NL06 TRIO 7466 …) is not a card or a phone
  if (start >= 5 && isSeparator(C[start - 1]!)) {
    const head = text.slice(Math.max(0, start - 16), start);
    if (IBAN_TAIL_RE.test(head)) return;
    // a lower-case IBAN (de28 6117 4656 …) is found from its first digit group: lower-case words
    // are too common to try at every one
    if (C[start - 1] === 32) {
      const lower = LOWER_IBAN_HEAD_RE.exec(head);
      if (lower !== null && ibanAt(text, start - head.length + lower.index, out) !== -1) return;
    }
  }
  let before: string | undefined;
  const context = () => {
    if (before === undefined) {
      before = text.slice(Math.max(0, start - 32), start);
      const newline = before.lastIndexOf("\n");
      if (newline !== -1) before = before.slice(newline + 1);
    }
    return before;
  };
  let labelled: boolean | undefined;
  const phoneLabel = () => {
    if (labelled === undefined) labelled = PHONE_CONTEXT_RE.test(context()) || CAMEL_PHONE_RE.test(context()) || labelOnLineBefore(text, start) || (isTableCell(start, end) && phoneColumnAt(text, start));
    return labelled;
  };

  if (plus) {
    // E.164: + country code and 7–14 more digits; the longest prefix of groups within 15 digits
    let best = -1;
    let count = 0;
    for (let k = 0; k < g.groups.length; k++) {
      count += groupLength(g, k);
      if (count > 15) break;
      if (count >= 8) best = k;
    }
    const cc = text.charCodeAt(g.groups[0]!.start);
    if (best >= 0 && cc !== 48 && !(best > 0 && sameDigit(text, g.groups[1]!.start, g.groups[best]!.end))) {
      let e = g.groups[best]!.end;
      if (first === 40 && text.charCodeAt(e) === 41) e++;
      out.push({ type: "phone_number", kind: "pii", start, end: e, priority: PRIORITY.phone });
    }
    return;
  }

  let k = 0;
  while (k < g.groups.length) {
    // dates and times: 2024-01-15, 2024/01/15, 15.01.2024 are never cards or phones
    if (k + 2 < g.groups.length && isDatePart(g, k)) {
      k += 3;
      continue;
    }
    const found = matchAt(g, k, context, phoneLabel, k === 0 ? start : g.groups[k]!.start, out);
    k = found > k ? found : k + 1;
  }
}

function isDatePart(g: Groups, k: number): boolean {
  const a = groupLength(g, k);
  const b = groupLength(g, k + 1);
  const c = groupLength(g, k + 2);
  const s1 = g.seps[k + 1];
  const s2 = g.seps[k + 2];
  if (s1 !== s2 || (s1 !== "-" && s1 !== "/" && s1 !== ".")) return false;
  return (a === 4 && b <= 2 && c <= 2) || (a <= 2 && b <= 2 && c === 4);
}

/** Tries card, SSN and phone shapes starting at group k; returns the index after the groups used, or k. */
function matchAt(g: Groups, k: number, context: () => string, phoneLabel: () => boolean, spanStart: number, out: Candidate[]): number {
  const { groups, seps, text } = g;
  const first = groups[k]!;
  // A group that continues a previous one with "." is not a start (the tail of a decimal or a version).
  if (k > 0 && seps[k] === ".") return k;
  const openParen = codeAt(text, first.start - 1) === 40;

  // payment card: 13–19 digits, one group or groups of 4 (4-6-5 / 4-6-4 for Amex/Diners), one separator kind
  const firstLength = groupLength(g, k);
  let bestCard = -1;
  // a bare 13-digit number is an EAN/GTIN far more often than a 13-digit Visa of the 1990s
  if (firstLength >= 14 && firstLength <= 19) {
    const digits = text.slice(first.start, first.end);
    if (luhnValid(digits) && cardIssuerValid(digits)) bestCard = k;
  } else if (firstLength === 4) {
    let digits = "";
    // 4539.3437.3230.5764: dots only as four groups of four, never more (a version or an OID goes on)
    const dotted = seps[k + 1] === "." && k + 3 < groups.length && seps[k + 2] === "." && seps[k + 3] === "." && !(seps[k + 4] === "." && k + 4 < groups.length) && groupLength(g, k + 1) === 4 && groupLength(g, k + 2) === 4 && groupLength(g, k + 3) === 4;
    for (let j = k; j < groups.length; j++) {
      if (j > k && (seps[j] !== seps[k + 1] || (seps[j] !== " " && seps[j] !== "-" && !(dotted && j <= k + 3)))) break;
      const length = groupLength(g, j);
      digits += text.slice(groups[j]!.start, groups[j]!.end);
      if (digits.length > 19) break;
      if (digits.length >= 13 && luhnValid(digits) && cardIssuerValid(digits) && cardGrouping(groups, k, j)) bestCard = j;
      if (length !== 4 && !(j === k + 1 && length === 6)) break; // only the last group may differ (or 4-6-x)
    }
  }
  if (bestCard >= 0) {
    if (TEST_CARDS.has(digitsOf(g, k, bestCard))) return bestCard + 1; // a documented test number, not a person's card
    out.push({ type: "payment_card", kind: "pii", start: first.start, end: groups[bestCard]!.end, priority: PRIORITY.card });
    return bestCard + 1;
  }

  // US SSN: 123-45-6789 (with spaces, or 9 bare digits, only next to an SSN label)
  if (k + 2 < groups.length && groupLength(g, k) === 3 && groupLength(g, k + 1) === 2 && groupLength(g, k + 2) === 4 && seps[k + 1] === seps[k + 2]) {
    const s = seps[k + 1];
    if ((s === "-" || (s === " " && SSN_CONTEXT_RE.test(context()))) && ssnValid(digitsOf(g, k, k + 2))) {
      out.push({ type: "us_ssn", kind: "pii", start: first.start, end: groups[k + 2]!.end, priority: PRIORITY.ssn });
      return k + 3;
    }
  }
  if (groupLength(g, k) === 9 && SSN_CONTEXT_RE.test(context()) && ssnValid(digitsOf(g, k, k))) {
    out.push({ type: "us_ssn", kind: "pii", start: first.start, end: first.end, priority: PRIORITY.ssn });
    return k + 1;
  }

  // NANP: (415) 555-0132, 415-555-0132, 415.555.0132, 1-415-555-0132
  let n = k;
  if (groupLength(g, n) === 1 && groups[n]!.start === spanStart && text.charCodeAt(groups[n]!.start) === 49 && n + 1 < groups.length) n++;
  if (n + 2 < groups.length && groupLength(g, n) === 3 && groupLength(g, n + 1) === 3 && groupLength(g, n + 2) === 4) {
    const area = text.charCodeAt(groups[n]!.start);
    const exch = text.charCodeAt(groups[n + 1]!.start);
    const s1 = seps[n + 1]!;
    const s2 = seps[n + 2]!;
    const parenArea = codeAt(text, groups[n]!.start - 1) === 40 && (s1 === ") " || s1 === ")" || s1 === ")-");
    const same = (s1 === "-" || s1 === ".") && s2 === s1;
    const spaced = s1 === " " && s2 === " " && phoneLabel();
    const afterParen = parenArea && (s2 === "-" || s2 === " " || s2 === ".");
    if (area >= 50 && exch >= 50 && (same || spaced || afterParen) && !sameDigit(text, groups[n]!.start, groups[n + 2]!.end)) {
      const s = parenArea ? groups[n]!.start - 1 : n > k ? first.start : groups[n]!.start;
      out.push({ type: "phone_number", kind: "pii", start: openParen && n === k && !parenArea ? first.start - 1 : s, end: groups[n + 2]!.end, priority: PRIORITY.phone });
      return n + 3;
    }
  }

  // national formats next to a phone label: 030 1234567, 06 12 34 56 78, 090-1234-5678
  if ((k > 0 && seps[k] === "/") || !phoneLabel()) return k; // a slash only after an area code
  let count = 0;
  let best = -1;
  for (let j = k; j < groups.length; j++) {
    if (j > k && seps[j] === ".") break;
    if (j > k + 1 && seps[j] === "/") break; // only an area code ends in a slash (0171/9106990), not GSM 900/1800/1900
    count += groupLength(g, j);
    if (count > 15) break;
    if (count >= 8) best = j;
  }
  if (best >= 0 && !sameDigit(text, first.start, groups[best]!.end)) {
    out.push({ type: "phone_number", kind: "pii", start: openParen ? first.start - 1 : first.start, end: groups[best]!.end, priority: PRIORITY.phone });
    return best + 1;
  }
  return k;
}

/** `(555) 555-5555`, `000-000-0000`: every digit from `start` to `end` the same is a placeholder. */
function sameDigit(text: string, start: number, end: number): boolean {
  let digit = -1;
  for (let i = start; i < end; i++) {
    const c = C[i]!;
    if (!isDigit(c)) continue;
    if (digit === -1) digit = c;
    else if (c !== digit) return false;
  }
  return true;
}

/** Card numbers the networks and payment providers publish for testing: documentation, not a person's card. */
const TEST_CARDS = new Set([
  "4242424242424242", "4111111111111111", "5555555555554444", "378282246310005", "371449635398431", "6011111111111117",
  "5105105105105100", "4012888888881881", "4000056655665556", "3530111333300000", "30569309025904", "38520000023237",
]);

/** Before a number: an IBAN's country code, check digits and letter groups (`NL06 TRIO `, `GB29 NWBK `). */
const IBAN_TAIL_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d\d[ -]?(?:[A-Z0-9]{4}[ -]?){0,2}$/;
const LOWER_IBAN_HEAD_RE = /(?<![A-Za-z0-9])[a-z]{2}\d\d (?:[a-z0-9]{4} ){0,2}$/;

function cardGrouping(groups: Group[], a: number, b: number): boolean {
  if (a === b) return true;
  const lens: number[] = [];
  for (let j = a; j <= b; j++) lens.push(groups[j]!.end - groups[j]!.start);
  const shape = lens.join("-");
  if (shape === "4-6-5" || shape === "4-6-4") return true;
  for (let j = 0; j < lens.length - 1; j++) if (lens[j] !== 4) return false;
  const last = lens[lens.length - 1]!;
  return (last >= 1 && last <= 4) || (last === 7 && lens.length === 4);
}

/**
 * An IBAN whose country code starts at `start` (a word start: `\b[A-Z]{2}\d{2}` follows, or the
 * same in lower case before a number: see analyseNumber); returns its end or -1. A lower-case one
 * (`de28 6117 4656 …`) must be written in groups: a hex id that starts with `de12` passes mod-97
 * once in 97.
 */
function ibanAt(text: string, start: number, out: Candidate[]): number {
  const lower = isLower(C[start]!);
  const expected = ibanLength(lower ? text.slice(start, start + 2).toUpperCase() : text.slice(start, start + 2));
  if (expected === undefined) return -1;
  let compact = "";
  let i = start;
  let lastSpace = -1;
  while (i < text.length && compact.length < expected) {
    const c = text.charCodeAt(i);
    if ((c >= 65 && c <= 90) || isDigit(c)) {
      if (lower && !isDigit(c)) return -1;
      compact += text[i];
      i++;
    } else if (lower && c >= 97 && c <= 122) {
      compact += String.fromCharCode(c - 32);
      i++;
    } else if (c === 32 && lastSpace !== i - 1 && compact.length >= 4) {
      lastSpace = i;
      i++;
    } else {
      break;
    }
  }
  if (compact.length !== expected) return -1;
  if (isAlnum(codeAt(text, i))) return -1;
  if (lower && lastSpace === -1) return -1;
  if (!ibanValid(compact)) return -1;
  out.push({ type: "iban", kind: "pii", start, end: i, priority: PRIORITY.iban });
  return i;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** `\b[A-Z]{2}\d{2}(?= ?[A-Z0-9])` at a word start. */
function ibanHead(i: number): boolean {
  if (!isUpper(C[i + 1]!) || !isDigit(C[i + 2]!) || !isDigit(C[i + 3]!)) return false;
  let c = C[i + 4]!;
  if (c === 32) c = C[i + 5]!;
  return isUpper(c) || isDigit(c);
}

const IPV4_RE = /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;
// "@" is not among them: package@1.2.3 has three parts, user@203.0.113.45 is an address
// the words count at a word start only: `globex.dev\t62.195.124.193` is no `v 62.195.124.193`
const VERSION_CONTEXT_RE = /(?:(?<![a-z])(?:version|ver\.?|release|build|v|python|node|java|sdk|api)|==|>=|<=|~|\^)\s*[:=]?\s*["']?$/i;

function isHexOrColon(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58;
}

const IPV4_STICKY_RE = sticky(IPV4_RE.source);

/** A dotted quad at `start` (a digit not preceded by an alphanumeric, `_ . - / :`). */
function ipv4At(text: string, start: number, out: Candidate[]): void {
  // quick reject: a dot within the first four characters
  if (C[start + 1] !== 46 && C[start + 2] !== 46 && C[start + 3] !== 46) return;
  IPV4_STICKY_RE.lastIndex = start;
  const m = IPV4_STICKY_RE.exec(text);
  if (m === null) return;
  const end = start + m[0].length;
  const after = codeAt(text, end);
  if (isAlnum(after) || after === 95 || (after === 46 && isDigit(codeAt(text, end + 1)))) return;
  const parts = m[0].split(".");
  let small = true;
  let ok = true;
  for (const part of parts) {
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part[0] === "0")) ok = false;
    if (n > 9) small = false;
  }
  if (!ok || small) return; // 1.2.3.4 is a version far more often than an address
  const a = Number(parts[0]);
  if (a === 0 || a === 127 || a === 255) return;
  const address = ((a << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
  if (documentationIpv4(address) || cidrNetwork(text, end, address)) return;
  if (VERSION_CONTEXT_RE.test(text.slice(Math.max(0, start - 16), start))) return;
  out.push({ type: "ip_address", kind: "pii", start, end, priority: PRIORITY.ip });
}

/** RFC 5737's documentation ranges 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24: examples, no one's address. */
function documentationIpv4(address: number): boolean {
  const net = address >>> 8;
  return net === 0xc00002 || net === 0xc63364 || net === 0xcb0071;
}

/** `10.0.0.0/8`, `172.16.0.0/12`: an address followed by a prefix length whose host bits are all zero names a network. */
function cidrNetwork(text: string, end: number, address: number): boolean {
  if (C[end] !== 47 || !isDigit(C[end + 1]!)) return false;
  const two = isDigit(C[end + 2]!);
  if (two && isDigit(C[end + 3]!)) return false;
  const prefix = two ? (C[end + 1]! - 48) * 10 + C[end + 2]! - 48 : C[end + 1]! - 48;
  if (prefix >= 32) return false; // /32 is one host
  return (address & (0xffffffff >>> prefix)) === 0;
}

function hexRun(i: number): number {
  let n = 0;
  while (n < 5 && isHexOrColon(C[i + n]!) && C[i + n] !== 58) n++;
  return n;
}

/**
 * IPv6 from the colon at `p`: triggered by `::` or three colon-separated hex groups, then expanded
 * both ways. Returns where the next trigger may start.
 */
function ipv6At(text: string, p: number, out: Candidate[]): number {
  let triggerEnd = -1;
  if (C[p + 1] === 58) {
    triggerEnd = p + 2;
  } else {
    // :h{1,4}:h{1,4}:
    const a = hexRun(p + 1);
    if (a >= 1 && a <= 4 && C[p + 1 + a] === 58) {
      const b = hexRun(p + 2 + a);
      if (b >= 1 && b <= 4 && C[p + 2 + a + b] === 58) triggerEnd = p + 3 + a + b;
    }
  }
  if (triggerEnd === -1) return p;
  let start = p;
  const leftLimit = Math.max(0, start - 40);
  while (start > leftLimit && isHexOrColon(C[start - 1]!)) start--;
  let end = triggerEnd;
  const rightLimit = Math.min(text.length, end + 40);
  while (end < rightLimit && isHexOrColon(C[end]!)) end++;
  const before = codeAt(text, start - 1);
  const after = codeAt(text, end);
  if (isAlnum(before) || before === 95 || before === 46 || isAlnum(after) || after === 95) return end;
  if (after === 46 && isDigit(text.charCodeAt(end + 1))) return mappedIpv4At(text, start, end, out); // ::ffff:88.9.62.161
  const value = text.slice(start, end);
  if (validIpv6(value) && !documentationOrMulticastIpv6(value)) out.push({ type: "ip_address", kind: "pii", start, end, priority: PRIORITY.ip });
  return end;
}

/**
 * 2001:db8::/32 (RFC 3849's documentation prefix), multicast groups (ff00::/8, `ff02::1`) and a
 * router's short link-local address (`fe80::1`; a device's EUI-64 one carries its MAC and stays) are no one's address.
 */
function documentationOrMulticastIpv6(value: string): boolean {
  const lower = value.toLowerCase();
  return lower.startsWith("2001:db8:") || lower.startsWith("2001:0db8:") || /^ff[0-9a-f]{2}:/.test(lower) || /^fe80::[0-9a-f]{1,4}$/.test(lower);
}

/**
 * An IPv6 address ending in a dotted quad (`::ffff:88.9.62.161`, `64:ff9b::10.2.3.4`): the whole
 * address is one finding. `end` is where the hex run stopped, at the quad's first dot.
 */
function mappedIpv4At(text: string, start: number, end: number, out: Candidate[]): number {
  const lastColon = text.lastIndexOf(":", end);
  if (lastColon < start) return end;
  IPV4_STICKY_RE.lastIndex = lastColon + 1;
  const m = IPV4_STICKY_RE.exec(text);
  if (m === null) return end;
  const quadEnd = lastColon + 1 + m[0].length;
  const after = codeAt(text, quadEnd);
  if (isAlnum(after) || after === 95 || (after === 46 && isDigit(codeAt(text, quadEnd + 1)))) return quadEnd;
  const parts = m[0].split(".");
  for (const part of parts) if (Number(part) > 255 || (part.length > 1 && part[0] === "0")) return quadEnd;
  const a = Number(parts[0]);
  if (a === 0 || a === 127) return quadEnd; // ::ffff:127.0.0.1 is loopback
  const address = ((a << 24) | (Number(parts[1]) << 16) | (Number(parts[2]) << 8) | Number(parts[3])) >>> 0;
  if (documentationIpv4(address)) return quadEnd;
  // the hex part with the quad as its last two groups
  if (validIpv6(`${text.slice(start, lastColon + 1)}0:0`)) out.push({ type: "ip_address", kind: "pii", start, end: quadEnd, priority: PRIORITY.ip });
  return quadEnd;
}

/** Positions of the punctuation and words that the detectors after the main pass start from. */
type Marks = {
  /** every `>` (`<password>…`) */
  gts: Positions;
  /** every `-` that may start a flag (no identifier character before it) or is followed by `u` (curl -u) */
  dashes: Positions;
  /** every `@` (emails) */
  ats: Positions;
  /** every `;` followed by `b` (`;base64,` data URIs) */
  semicolons: Positions;
  /** `value=` / `value:` at a word start */
  values: Positions;
  /** `BEGIN ` at a word start (PEM headers) */
  begins: Positions;
};

const MARKS: Marks = {
  gts: new Positions(),
  dashes: new Positions(),
  ats: new Positions(),
  semicolons: new Positions(),
  values: new Positions(),
  begins: new Positions(),
};

/** Key runs found before `=` and `:` during the main loop, reused from call to call. */
const OP_RUNS: KeyRuns = [];

export type ScanResult = {
  /** base64 runs of `data:…;base64,` URIs: candidates that start inside them are dropped */
  dataUris: Array<[number, number]>;
};

/**
 * Runs every detector over `text`, pushing candidates to `out`.
 *
 * One loop walks the text once, over its code units in a typed array, with one table lookup per
 * character (CLASS). Inside a run of ASCII letters and digits (most of any text, and all of a
 * base64 blob) that is all it does. At a word start it dispatches on the character to the trigger
 * of each detector that starts there: token prefixes (a two-character table), numbers (cards,
 * SSNs, phones), IBANs, IPv4 addresses, `Bearer`/`Basic`, the inner parts of some tokens, PEM
 * `BEGIN`. Each is tried at exactly the positions its own global regex or indexOf loop would try,
 * with the same resume-after-a-match rule, so results do not depend on this loop. Punctuation that
 * other detectors start from (`=` `:` `>` `-` `@` `;`) is recorded on the way and those detectors
 * then visit only those positions.
 */
export function scanText(text: string, out: Candidate[], detectIpAddresses: boolean): ScanResult {
  loadCodes(text);
  startText();
  const codes = C;
  const { gts, dashes, ats, semicolons, values, begins } = MARKS;
  const opRuns = OP_RUNS;
  opRuns.length = 0;
  gts.reset();
  dashes.reset();
  ats.reset();
  semicolons.reset();
  values.reset();
  begins.reset();
  resetTableContext();
  const n = text.length;
  let tokenResume = 0; // the next token boundary must be at or after this index
  let numberResume = 0;
  let ibanResume = 0;
  let usResume = 0; // inner token parts: -us, :AA, .atlasv1., Q~
  let aaResume = 0;
  let atlasResume = 0;
  let tildeResume = 0;
  let uriResume = 0; // detectors that start from a colon
  let thinResume = 0;
  let ipv6Resume = 0;
  let i = 0;
  scan: for (;;) {
    let k = CLASS[codes[i]!]!;
    // characters between words
    while (k < K_WORD) {
      if (k !== K_PLAIN) {
        switch (k) {
          case K_NUL:
            if (i >= n) break scan; // the sentinel after the text
            break;
          case K_COLON: {
            // the key before an assignment operator (while this part of the text is in cache)
            keyBeforeOperator(text, i, 16, false, opRuns);
            if (codes[i] !== 58) break;
            const next = codes[i + 1]!;
            if (next === 47 && codes[i + 2] === 47 && i >= uriResume) uriResume = uriCredentialsAt(text, i, out);
            else if (next === 116 && i >= thinResume && text.startsWith(":thin:", i)) thinResume = oracleThinAt(text, i, out);
            if (detectIpAddresses && i >= ipv6Resume) ipv6Resume = ipv6At(text, i, out);
            break;
          }
          case K_EQUALS:
            keyBeforeOperator(text, i, 16, false, opRuns);
            // sig= of an Azure shared access signature, after ? & ; or a quote
            if (i >= 4 && codes[i - 1] === 103 && codes[i - 2] === 105 && codes[i - 3] === 115) {
              const p = codes[i - 4];
              if (p === 38 || p === 63 || p === 59 || p === 34) azureSasAt(text, i - 3, out);
            }
            break;
          case K_GT:
            gts.push(i);
            break;
          case K_DASH:
            if (i === 0 || IDENT[codes[i - 1]!] === 0 || codes[i + 1] === 117 || codes[i + 1] === 112) dashes.push(i);
            if (i > 0 && codes[i - 1] === 60) keyBeforeOperator(text, i - 1, 16, false, opRuns); // R's <-
            else if (codes[i + 9] === 45) mailgunKeyPairAt(text, i, out);
            else if (codes[i + 1] === 83 && i >= 9 && codes[i - 1] === 111 && text.startsWith("ConvertTo-SecureString", i - 9)) secureStringAt(text, i - 9, out);
            break;
          case K_AT:
            ats.push(i);
            break;
          case K_SEMICOLON:
            if (codes[i + 1] === 98) semicolons.push(i);
            break;
          case K_SCRIPT_WORD:
            nonLatinPasswordAt(text, i, out);
            break;
          case K_TILDE:
            if (i > 0 && i - 1 >= tildeResume && codes[i - 1] === 81 /* Q */) tildeResume = innerTokenAt(text, i - 1, "Q~", out);
            break;
          case K_NUMBER:
            if (i >= numberResume && !continuesNumber(i)) {
              const end = numberAt(text, i, out);
              if (end !== -1) numberResume = end;
            }
            if (codes[i] === 40) parenAt(text, i, out);
            break;
        }
      }
      k = CLASS[codes[++i]!]!;
    }
    // a word starts at i: one lookup on its first two characters says which detectors may start here
    const c = codes[i]!;
    const c1 = codes[i + 1]!;
    const act = WORD_START[(c << 7) | (c1 < 128 ? c1 : 0)]!;
    if (act !== 0) {
      const p = i === 0 ? 32 : codes[i - 1]!;
      if ((act & A_TOKEN) !== 0 && p !== 95 && p !== 45) {
        // token prefixes: after a non-token character (not _ or -)
        if (i === 0) {
          tokenAt(text, 0, out); // like a regex anchored at the start: does not move the scan on
        } else if (i - 1 >= tokenResume) {
          const next = tokenAt(text, i, out);
          if (next !== -1) tokenResume = next;
        }
      }
      if ((act & A_ESCAPE) !== 0 && p === 92 && i - 1 >= tokenResume) {
        if (c === 117) {
          if (text.startsWith("u0040", i)) ats.push(i - 1); // \u0040: a JSON-escaped @
        } else {
          // after a `\n` / `\r` / `\t` escape inside a JSON string
          const next = tokenAt(text, i + 1, out);
          if (next !== -1) tokenResume = next;
        }
      }
      if ((act & A_DIGIT) !== 0) {
        if (i >= numberResume && !continuesNumber(i)) {
          const end = numberAt(text, i, out);
          if (end !== -1) numberResume = end;
        }
        // IPv4: a dot within the next three characters, not after _ . - / : (but after a URL's // and a key's `addr:`)
        if (detectIpAddresses && (c1 === 46 || codes[i + 2] === 46 || codes[i + 3] === 46) && p !== 95 && p !== 46 && (p !== 45 || codes[i - 2]! > 127) && (p !== 47 || (i >= 2 && codes[i - 2] === 47)) && (p !== 58 || (i >= 2 && isLetter(codes[i - 2]!)))) ipv4At(text, i, out);
        if (p === 37 && c === 52 && c1 === 48) ats.push(i - 1); // %40: a URL-encoded @
      } else if ((act & A_OTHER) !== 0) {
        if ((act & A_IBAN) !== 0 && p !== 95 && i >= ibanResume && ibanHead(i)) {
          const end = ibanAt(text, i, out);
          if (end !== -1) ibanResume = end;
        }
        if ((act & A_AA) !== 0 && p === 58 && i - 1 >= aaResume) aaResume = innerTokenAt(text, i - 1, ":AA", out);
        if ((act & A_BEGIN) !== 0 && text.startsWith("BEGIN ", i)) begins.push(i);
        if ((act & A_US) !== 0 && p === 45 && i - 1 >= usResume) usResume = innerTokenAt(text, i - 1, "-us", out);
        if ((act & A_ATLAS) !== 0 && p === 46 && i - 1 >= atlasResume && text.startsWith("atlasv1.", i)) atlasResume = innerTokenAt(text, i - 1, ".atlasv1.", out);
        if ((act & A_VALUE) !== 0 && text.startsWith("value", i) && (codes[i + 5] === 61 || codes[i + 5] === 58)) values.push(i);
        if ((act & A_SCHEME) !== 0) schemeAt(text, i, out); // Bearer, Basic (any case)
        if ((act & A_WRAPPING) !== 0) wrappingAt(text, i, act, p, out);
      }
    }
    // the rest of the word (the zero after the text ends it)
    while (CLASS[codes[++i]!]! >= K_WORD);
  }
  if (begins.n > 0) scanPrivateKeys(text, begins, out);
  if (begins.n > 0) scanOpenVpnKeys(text, begins, out);
  scanAssignments(text, MARKS, opRuns, out);
  if (dashes.n > 0) scanCurlUser(text, dashes, out);
  if (gts.n > 0) scanXmlKeyedValues(text, gts, out);
  if (ats.n > 0) scanEmails(text, ats, out);
  if (ats.n > 0) scanLoginsBeforeAt(text, ats, out);
  const dataUris = semicolons.n > 0 ? dataUriRanges(text, semicolons) : [];
  C = codesBuffer; // do not hold on to the buffer of an over-long text
  return { dataUris };
}

function validIpv6(value: string): boolean {
  if (value.length < 6 || value.length > 39) return false;
  const compressed = value.indexOf("::");
  if (compressed !== -1 && value.indexOf("::", compressed + 1) !== -1) return false;
  const parts = value.split(":");
  if (compressed === -1 && parts.length !== 8) return false;
  if (compressed !== -1 && parts.length > 9) return false;
  let nonEmpty = 0;
  for (const p of parts) {
    if (p.length > 4) return false;
    if (p.length > 0) nonEmpty++;
  }
  if (nonEmpty < 2 || !/\d/.test(value)) return false;
  return !/^(?:0*:)*:?0*1?$/.test(value); // ::, ::1 and zero runs
}

// ---------------------------------------------------------------------------------------------
// Skip regions: base64 image data (data:image/png;base64,…) contains anything by chance.

function dataUriRanges(text: string, semicolons: Positions): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let resume = 0;
  for (let k = 0; k < semicolons.n; k++) {
    const pos = semicolons.a[k]!;
    if (pos < resume || !text.startsWith(";base64,", pos)) continue;
    const start = pos + 8;
    let end = start;
    while (end < text.length && isBase64Char(C[end]!)) end++;
    if (end - start >= 64) ranges.push([start, end]);
    resume = end;
  }
  return ranges;
}
