/**
 * The cost model (docs/decisions/0012-cost-model.md). Pure functions, no I/O, no floats for
 * money: every amount is a bigint in a fixed unit and is rounded once, at the edge, to the
 * cent (or to the number of decimals a display asks for).
 *
 * Units
 * - credits: bigint micro-credits (1e-6 credit), the scale of `costs_hourly.credits` numeric(20,6).
 * - money:   bigint femto-USD (1e-15 USD). Chosen so that every product below is exact:
 *            micro-credits × micro-USD-per-credit = 1e-12 USD, ×1000 → 1e-15;
 *            tokens × micro-USD-per-1M-tokens × milli-multiplier = 1e-15 USD (per token: /1e6).
 *
 * Rules (and where they live)
 * 1. Credits from COSTS are the authoritative spend; USD = credits × the contract rate in force
 *    on the day of the usage (`creditsToUsd`, `findEffective`).
 * 2. API-equivalent USD prices each token class once (`apiCost`): uncached input at the input
 *    price, cached input at the cached price (never also as input), output at the output price.
 *    Reasoning tokens are part of output and are never added again.
 * 3. Priority ("fast") tier multiplies the whole line by the model's multiplier.
 * 4. A model with no price on that day is "unpriced": its tokens are reported and flagged,
 *    its money is unknown (null), never 0.
 */

/* ───────────────────────── decimals ───────────────────────── */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string ("0.04", "1.25", "123.000100") as a bigint scaled by 10^scale. Digits
 * beyond the scale must be zeros: silently dropping a price's digits would be a wrong price.
 */
export function parseDecimal(value: string | number | bigint, scale: number): bigint {
  const text = typeof value === "string" ? value.trim() : typeof value === "bigint" ? value.toString() : numberText(value);
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ""] = m;
  const kept = fraction.slice(0, scale).padEnd(scale, "0");
  if (/[^0]/.test(fraction.slice(scale))) throw new RangeError(`${text} has more than ${scale} decimals`);
  const n = BigInt(whole!) * 10n ** BigInt(scale) + BigInt(kept || "0");
  return sign ? -n : n;
}

function numberText(value: number) {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Integers (token counts) and short decimals typed by a person; toString never uses
  // exponent notation for these magnitudes.
  const text = String(value);
  if (/e/i.test(text)) throw new RangeError(`number out of range for a decimal: ${text}`);
  return text;
}

/** Integer division rounding half away from zero (the usual invoice rule). */
export function divRound(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = (n * 2n + denominator) / (denominator * 2n);
  return negative ? -q : q;
}

/** A scaled bigint as a decimal string with exactly `decimals` places (rounded half away from zero). */
export function formatScaled(value: bigint, scale: number, decimals: number): string {
  const rounded = decimals >= scale ? value * 10n ** BigInt(decimals - scale) : divRound(value, 10n ** BigInt(scale - decimals));
  const negative = rounded < 0n;
  const digits = (negative ? -rounded : rounded).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? `.${digits.slice(digits.length - decimals)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/* ───────────────────────── units ───────────────────────── */

export const CREDIT_SCALE = 6; // micro-credits
export const MONEY_SCALE = 15; // femto-USD
export const RATE_SCALE = 6; // micro-USD per credit
export const PRICE_SCALE = 6; // micro-USD per 1M tokens
export const MULTIPLIER_SCALE = 3; // milli

export type MicroCredits = bigint;
export type Femto = bigint;

export const credits = (value: string | number | bigint): MicroCredits => parseDecimal(value, CREDIT_SCALE);
export const usd = (value: string | number | bigint): Femto => parseDecimal(value, MONEY_SCALE);

/** USD rounded to the cent, as "1234.57". */
export const formatUsd = (amount: Femto, decimals = 2) => formatScaled(amount, MONEY_SCALE, decimals);
/** Credits as a decimal string ("1234.5678" with decimals = 4). */
export const formatCredits = (amount: MicroCredits, decimals = 2) => formatScaled(amount, CREDIT_SCALE, decimals);
/** For charts only (never summed): a float of an exact amount. */
export const usdNumber = (amount: Femto) => Number(formatUsd(amount, 6));
export const creditsNumber = (amount: MicroCredits) => Number(formatCredits(amount, 6));

/** Sum of bigints (there is no bigint reduce with a typed zero). */
export function sum(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/* ───────────────────────── effective dating ───────────────────────── */

/** A row in force from `validFrom` (inclusive) to `validTo` (exclusive; null = open), UTC days YYYY-MM-DD. */
export type Effective = { validFrom: string; validTo: string | null };

export function inForce(row: Effective, day: string) {
  return row.validFrom <= day && (row.validTo === null || day < row.validTo);
}

/** The row in force on `day`; when periods overlap (a mistake) the latest start wins. */
export function findEffective<T extends Effective>(rows: readonly T[], day: string): T | undefined {
  let best: T | undefined;
  for (const row of rows) if (inForce(row, day) && (!best || row.validFrom > best.validFrom)) best = row;
  return best;
}

/* ───────────────────────── credits → USD (authoritative) ───────────────────────── */

export type ContractRate = Effective & { usdPerCredit: string };
export const DEFAULT_USD_PER_CREDIT = "0.04";

/** USD of an amount of credits at a rate ("0.04" USD per credit). Exact. */
export function creditsToUsd(amount: MicroCredits, usdPerCredit: string): Femto {
  const rate = parseDecimal(usdPerCredit, RATE_SCALE);
  return amount * rate * 1000n; // 1e-6 × 1e-6 = 1e-12 → 1e-15
}

/** USD of credits used on `day`, at the contract rate in force that day (default $0.04 when none). */
export function creditsToUsdOn(amount: MicroCredits, day: string, rates: readonly ContractRate[]): Femto {
  return creditsToUsd(amount, findEffective(rates, day)?.usdPerCredit ?? DEFAULT_USD_PER_CREDIT);
}

/* ───────────────────────── API-equivalent USD ───────────────────────── */

/** USD per 1M tokens as decimal strings; `priorityMultiplier` applies to the priority (fast) tier. */
export type ModelPrice = Effective & {
  model: string;
  input: string;
  cachedInput: string;
  output: string;
  priorityMultiplier: string;
};

/**
 * Token counts of one usage line. `inputTokens` is UNCACHED input (COSTS `text_input_tokens`,
 * Analytics `uncached_text_input_tokens`, and what the sync stores from CODEX_LOG); use
 * `splitInclusiveInput` first for a source whose input includes the cached part (OTel,
 * rollout files). `outputTokens` already contains the reasoning tokens.
 */
export type UsageTokens = {
  model: string | null;
  serviceTier?: string | null;
  inputTokens: number | bigint;
  cachedInputTokens: number | bigint;
  outputTokens: number | bigint;
  /** Informational only: part of outputTokens, never priced again. */
  reasoningOutputTokens?: number | bigint;
};

export const PRIORITY_TIERS: ReadonlySet<string> = new Set(["priority", "fast"]);

export function isPriorityTier(tier: string | null | undefined) {
  return tier ? PRIORITY_TIERS.has(tier.toLowerCase()) : false;
}

/** Input that includes cached tokens → disjoint (uncached, cached). More cached than input is clamped and reported. */
export function splitInclusiveInput(inputIncludingCached: number, cached: number) {
  const uncached = inputIncludingCached - cached;
  return uncached >= 0 ? { inputTokens: uncached, cachedInputTokens: cached, inconsistent: false } : { inputTokens: 0, cachedInputTokens: cached, inconsistent: true };
}

export type PricedLine = {
  priced: true;
  /** Parts in femto-USD, multiplier applied; total = input + cachedInput + output. */
  input: Femto;
  cachedInput: Femto;
  output: Femto;
  total: Femto;
  /** What the cached tokens would have cost as uncached input minus what they cost: ≥ 0 for a sane price. */
  cacheSavings: Femto;
  multiplier: string;
  price: ModelPrice;
};
export type UnpricedLine = { priced: false; model: string; tokens: bigint };

const big = (v: number | bigint) => {
  const n = typeof v === "bigint" ? v : BigInt(Math.trunc(v));
  if (n < 0n) throw new RangeError("token counts cannot be negative");
  return n;
};

/** The API list price of one usage line on `day`. */
export function apiCost(line: UsageTokens, day: string, prices: readonly ModelPrice[]): PricedLine | UnpricedLine {
  const input = big(line.inputTokens);
  const cached = big(line.cachedInputTokens);
  const output = big(line.outputTokens);
  const model = line.model ?? "";
  const price = model ? findEffective(prices.filter((p) => p.model === model), day) : undefined;
  if (!price) return { priced: false, model: model || "(no model)", tokens: input + cached + output };
  const multiplier = isPriorityTier(line.serviceTier) ? price.priorityMultiplier : "1";
  const m = parseDecimal(multiplier, MULTIPLIER_SCALE);
  const pIn = parseDecimal(price.input, PRICE_SCALE);
  const pCached = parseDecimal(price.cachedInput, PRICE_SCALE);
  const pOut = parseDecimal(price.output, PRICE_SCALE);
  // tokens × µUSD/1M × milli = 1e-6 · 1e-6 (per token) · 1e-3 = 1e-15 USD: femto exactly.
  const cost = { input: input * pIn * m, cachedInput: cached * pCached * m, output: output * pOut * m };
  return {
    priced: true,
    ...cost,
    total: cost.input + cost.cachedInput + cost.output,
    cacheSavings: cached * (pIn - pCached) * m,
    multiplier,
    price,
  };
}

/** Totals of many lines: priced money, plus unpriced token volume per model (flagged, never $0). */
export type ApiCostSummary = {
  total: Femto;
  cacheSavings: Femto;
  pricedTokens: bigint;
  unpriced: Map<string, bigint>;
};

export function emptyApiCostSummary(): ApiCostSummary {
  return { total: 0n, cacheSavings: 0n, pricedTokens: 0n, unpriced: new Map() };
}

export function addApiCost(summary: ApiCostSummary, line: UsageTokens, day: string, prices: readonly ModelPrice[]) {
  const cost = apiCost(line, day, prices);
  if (cost.priced) {
    summary.total += cost.total;
    summary.cacheSavings += cost.cacheSavings;
    summary.pricedTokens += big(line.inputTokens) + big(line.cachedInputTokens) + big(line.outputTokens);
  } else {
    summary.unpriced.set(cost.model, (summary.unpriced.get(cost.model) ?? 0n) + cost.tokens);
  }
  return cost;
}

export function unpricedTokens(summary: ApiCostSummary) {
  return sum(summary.unpriced.values());
}

/* ───────────────────────── changes, budgets, forecasts ───────────────────────── */

/** Relative change as a fraction (0.25 = +25 %); null when there is nothing to compare with. */
export function relativeChange(current: bigint, previous: bigint): number | null {
  if (previous === 0n) return null;
  // Four decimals of a fraction are plenty for a percentage shown with one.
  return Number(divRound((current - previous) * 1_000_000n, previous)) / 1_000_000;
}

export const BUDGET_THRESHOLDS = [50, 75, 90, 100] as const;

/** Thresholds (percent) that `spent` has reached against `budget`. A zero budget has reached all of them once anything is spent. */
export function reachedThresholds(spent: bigint, budget: bigint, thresholds: readonly number[] = BUDGET_THRESHOLDS): number[] {
  if (budget <= 0n) return spent > 0n ? [...thresholds] : [];
  return thresholds.filter((t) => spent * 100n >= budget * BigInt(t));
}

/** Percentage with one decimal (as a number, for display) of spent against budget. */
export function percentOf(spent: bigint, budget: bigint): number | null {
  if (budget <= 0n) return null;
  return Number(divRound(spent * 1000n, budget)) / 10;
}

const DAY_MS = 86_400_000;

/** First day of the month and of the next, for "YYYY-MM". */
export function monthBounds(month: string) {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`not a month like 2026-11: ${month}`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  const end = Date.UTC(Number(m[1]), Number(m[2]), 1);
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: iso(start), to: iso(end - DAY_MS), next: iso(end), days: Math.round((end - start) / DAY_MS), startMs: start, endMs: end };
}

export function previousMonth(month: string) {
  const { startMs } = monthBounds(month);
  return new Date(startMs - DAY_MS).toISOString().slice(0, 7);
}

/**
 * Month-end forecast from the run rate: what was spent in the elapsed part of the month,
 * extended linearly over the whole month. A finished month forecasts what it spent; a month
 * not yet started forecasts nothing. `elapsedDays` counts days with data (e.g. up to the last
 * complete synced day), so a lagging sync does not read as a slowdown.
 */
export function forecastMonthEnd(spent: bigint, elapsedDays: number, daysInMonth: number): bigint {
  if (elapsedDays <= 0) return spent;
  if (elapsedDays >= daysInMonth) return spent;
  // Scale by thousandths of a day to keep the arithmetic in integers.
  return divRound(spent * BigInt(daysInMonth * 1000), BigInt(Math.round(elapsedDays * 1000)));
}
