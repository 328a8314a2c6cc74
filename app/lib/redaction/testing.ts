/**
 * Synthetic secrets for tests and benchmarks: deterministic, random-looking, never real.
 * (Not used by the library itself.)
 */

/** mulberry32: a tiny seeded PRNG, so corpora and fixtures are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
export const HEX_LOWER = "0123456789abcdef";
export const BASE64 = `${ALNUM}+/`;
export const URLSAFE = `${ALNUM}-_`;

export function makeGenerator(seed: number) {
  const random = seededRandom(seed);
  const pick = (alphabet: string, n: number) => {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };
  /** Random string that contains at least one upper, lower and digit (as real tokens virtually always do). */
  const mixed = (n: number, alphabet = ALNUM) => {
    for (;;) {
      const s = pick(alphabet, n);
      if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)) return s;
    }
  };
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const choice = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const base64 = (bytes: number) => {
    const buf = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) buf[i] = Math.floor(random() * 256);
    return buf.toString("base64");
  };
  const base64url = (bytes: number) => base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return { random, pick, mixed, int, choice, base64, base64url };
}

export type Generator = ReturnType<typeof makeGenerator>;

/** One synthetic value per well-known token type. */
export function syntheticTokens(g: Generator): Record<string, string> {
  const jwtPart = (obj: object) => Buffer.from(JSON.stringify(obj)).toString("base64url");
  return {
    aws_access_key_id: `AKIA${g.pick(UPPER_DIGITS, 16)}`,
    google_api_key: `AIza${g.mixed(35, URLSAFE)}`,
    google_oauth_client_secret: `GOCSPX-${g.mixed(28, URLSAFE)}`,
    github_token: `ghp_${g.mixed(36)}`,
    github_fine_grained: `github_pat_11${g.pick(UPPER_DIGITS, 20)}_${g.mixed(59)}`,
    gitlab_token: `glpat-${g.mixed(20, URLSAFE)}`,
    npm_token: `npm_${g.mixed(36)}`,
    openai_api_key: `sk-proj-${g.mixed(74, URLSAFE)}T3BlbkFJ${g.mixed(74, URLSAFE)}`,
    openai_legacy: `sk-${g.mixed(20)}T3BlbkFJ${g.mixed(20)}`,
    anthropic_api_key: `sk-ant-api03-${g.mixed(93, URLSAFE)}AA`,
    slack_token: `xoxb-${g.pick("0123456789", 12)}-${g.pick("0123456789", 13)}-${g.mixed(24)}`,
    slack_webhook_url: `hooks.slack.com/services/T${g.pick(UPPER_DIGITS, 8)}/B${g.pick(UPPER_DIGITS, 10)}/${g.mixed(24)}`,
    stripe_secret_key: `sk_live_${g.mixed(24)}`,
    stripe_restricted: `rk_test_${g.mixed(99)}`,
    twilio_api_key: `SK${g.pick(HEX_LOWER, 32)}`,
    sendgrid_api_key: `SG.${g.mixed(22, URLSAFE)}.${g.mixed(43, URLSAFE)}`,
    mailgun_api_key: `key-${g.pick(HEX_LOWER, 32)}`,
    huggingface_token: `hf_${g.mixed(34)}`,
    digitalocean_token: `dop_v1_${g.pick(HEX_LOWER, 64)}`,
    databricks_token: `dapi${g.pick(HEX_LOWER, 32)}`,
    telegram_bot_token: `${g.pick("123456789", 9)}:AA${g.mixed(33, URLSAFE)}`,
    azure_ad_client_secret: `${g.mixed(3)}8Q~${g.mixed(34, `${ALNUM}_~.-`)}`,
    hashicorp_vault_token: `hvs.${g.mixed(90, URLSAFE)}`,
    groq_api_key: `gsk_${g.mixed(52)}`,
    jwt: `${jwtPart({ alg: "HS256", typ: "JWT" })}.${jwtPart({ sub: g.pick("0123456789", 10), name: "Synthetic", iat: 1516239022 })}.${g.base64url(32)}`,
    // formats added with the second round of detectors (see docs/decisions/0103-redaction-speed-and-breadth.md)
    discord_bot_token: `${Buffer.from(`1${g.pick("0123456789", 18)}`).toString("base64url")}.${g.mixed(6, URLSAFE)}.${g.mixed(38, URLSAFE)}`,
    discord_webhook_url: `discord.com/api/webhooks/${g.pick("0123456789", 19)}/${g.mixed(68, URLSAFE)}`,
    aws_session_token: `IQoJb3JpZ2luX2Vj${g.base64(g.int(300, 420))}`,
    square_token: g.int(0, 1) === 0 ? `EAAA${g.mixed(60, URLSAFE)}` : `sq0atp-${g.mixed(22, URLSAFE)}`,
    pypi_token: `pypi-AgEIcHlwaS5vcmc${g.mixed(g.int(60, 120), URLSAFE)}`,
    shopify_token: `shp${g.choice(["at", "ca", "pa", "ss"])}_${g.pick("0123456789abcdef", 32)}`,
    mailgun_key_pair: `${g.pick(HEX_LOWER, 32)}-${g.pick(HEX_LOWER, 8)}-${g.pick(HEX_LOWER, 8)}`,
    heroku_api_key: `HRKU-${g.mixed(60, URLSAFE)}`,
    linear_api_key: `lin_api_${g.mixed(40)}`,
    notion_token: g.int(0, 1) === 0 ? `ntn_${g.mixed(46)}` : `secret_${g.mixed(43)}`,
    atlassian_api_token: `ATATT3xFfGF0${g.mixed(170, URLSAFE)}=${g.pick("0123456789ABCDEF", 8)}`,
    docker_hub_token: `dckr_pat_${g.mixed(27, URLSAFE)}`,
    planetscale_token: `pscale_${g.choice(["tkn", "pw", "oauth"])}_${g.mixed(43, URLSAFE)}`,
    pinecone_api_key: `pcsk_${g.mixed(5)}_${g.mixed(63)}`,
    langsmith_api_key: `lsv2_${g.choice(["pt", "sk"])}_${g.pick(HEX_LOWER, 32)}_${g.pick(HEX_LOWER, 10)}`,
    sonarqube_token: `sq${g.choice(["u", "p", "a"])}_${g.pick(HEX_LOWER, 40)}`,
    rubygems_api_key: `rubygems_${g.pick(HEX_LOWER, 48)}`,
    figma_token: `figd_${g.mixed(40, URLSAFE)}`,
    brevo_api_key: `xkeysib-${g.pick(HEX_LOWER, 64)}-${g.mixed(16)}`,
    resend_api_key: `re_${g.mixed(8)}_${g.mixed(24)}`,
  };
}
