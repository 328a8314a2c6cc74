import { describe, expect, it } from "vitest";
import {
  addApiCost,
  apiCost,
  creditsToUsd,
  creditsToUsdOn,
  credits,
  divRound,
  emptyApiCostSummary,
  findEffective,
  forecastMonthEnd,
  formatCredits,
  formatUsd,
  monthBounds,
  parseDecimal,
  percentOf,
  previousMonth,
  reachedThresholds,
  relativeChange,
  splitInclusiveInput,
  sum,
  unpricedTokens,
  usd,
  type ContractRate,
  type ModelPrice,
} from "./cost-math";

/** Public list prices (USD per 1M tokens) as in the seed migration, plus a mid-March price change. */
const PRICES: ModelPrice[] = [
  { model: "gpt-5", validFrom: "2025-01-01", validTo: null, input: "1.25", cachedInput: "0.125", output: "10.00", priorityMultiplier: "2" },
  { model: "gpt-5.1-codex-mini", validFrom: "2025-01-01", validTo: null, input: "0.25", cachedInput: "0.025", output: "2.00", priorityMultiplier: "2" },
  { model: "gpt-5.5", validFrom: "2025-01-01", validTo: null, input: "5.00", cachedInput: "0.50", output: "30.00", priorityMultiplier: "2.5" },
  { model: "gpt-5.2-codex", validFrom: "2025-01-01", validTo: "2026-03-15", input: "1.75", cachedInput: "0.175", output: "14.00", priorityMultiplier: "2" },
  { model: "gpt-5.2-codex", validFrom: "2026-03-15", validTo: null, input: "3.50", cachedInput: "0.35", output: "28.00", priorityMultiplier: "2" },
];
const DAY = "2026-03-10";

const priced = (line: Parameters<typeof apiCost>[0], day = DAY) => {
  const cost = apiCost(line, day, PRICES);
  if (!cost.priced) throw new Error("expected a priced line");
  return cost;
};

describe("decimals", () => {
  it("parses decimal strings exactly and refuses digits it would drop", () => {
    expect(parseDecimal("0.04", 6)).toBe(40_000n);
    expect(parseDecimal("1234.567891", 6)).toBe(1_234_567_891n);
    expect(parseDecimal("-2.5", 3)).toBe(-2_500n);
    expect(parseDecimal("7.100000000", 6)).toBe(7_100_000n); // trailing zeros beyond the scale are fine
    expect(() => parseDecimal("0.0000001", 6)).toThrow(/more than 6 decimals/);
    expect(() => parseDecimal("1e3", 6)).toThrow(/not a decimal/);
    expect(() => parseDecimal("", 6)).toThrow();
  });

  it("rounds half away from zero, once", () => {
    expect(divRound(5n, 10n)).toBe(1n);
    expect(divRound(4n, 10n)).toBe(0n);
    expect(divRound(-5n, 10n)).toBe(-1n);
    expect(formatUsd(usd("0.125"))).toBe("0.13");
    expect(formatUsd(usd("0.135"))).toBe("0.14");
    expect(formatUsd(usd("0.005"))).toBe("0.01");
    expect(formatUsd(usd("0.004999"))).toBe("0.00");
    expect(formatUsd(usd("-1.005"))).toBe("-1.01");
    expect(formatUsd(usd("12"))).toBe("12.00");
    expect(formatCredits(credits("1234.56789"), 4)).toBe("1234.5679");
  });
});

describe("credits are the authoritative spend", () => {
  it("converts credits to USD at the contract rate, exactly", () => {
    // 1,234.567891 credits × $0.04 = $49.38271564 → $49.38
    expect(formatUsd(creditsToUsd(credits("1234.567891"), "0.04"), 8)).toBe("49.38271564");
    expect(formatUsd(creditsToUsd(credits("1234.567891"), "0.04"))).toBe("49.38");
    // A negotiated rate with more digits: 10,000 credits × $0.0375 = $375.00
    expect(formatUsd(creditsToUsd(credits("10000"), "0.0375"))).toBe("375.00");
  });

  it("sums before rounding: a thousand rows of 0.1234 credits are $4.94, not a thousand rounded cents", () => {
    const rows = Array.from({ length: 1000 }, () => credits("0.1234"));
    const total = creditsToUsd(sum(rows), "0.04"); // 123.4 credits × 0.04 = 4.936
    expect(formatUsd(total)).toBe("4.94");
    const roundedPerRow = rows.map((r) => Number(formatUsd(creditsToUsd(r, "0.04")))).reduce((a, b) => a + b, 0);
    expect(roundedPerRow).toBe(0); // what per-row rounding would have shown: $0.00
  });

  it("uses the rate in force on the day of the usage (a rate change mid-month)", () => {
    const rates: ContractRate[] = [
      { validFrom: "2025-01-01", validTo: "2026-03-16", usdPerCredit: "0.04" },
      { validFrom: "2026-03-16", validTo: null, usdPerCredit: "0.035" },
    ];
    const before = creditsToUsdOn(credits("1000"), "2026-03-15", rates);
    const after = creditsToUsdOn(credits("1000"), "2026-03-16", rates);
    expect(formatUsd(before)).toBe("40.00");
    expect(formatUsd(after)).toBe("35.00");
    expect(formatUsd(before + after)).toBe("75.00");
    // No rate configured at all: the public $0.04.
    expect(formatUsd(creditsToUsdOn(credits("1000"), "2026-03-16", []))).toBe("40.00");
  });
});

describe("API-equivalent cost (hand-computed invoices)", () => {
  it("prices uncached input, cached input and output once each", () => {
    // gpt-5: 1M uncached × $1.25 + 2M cached × $0.125 + 0.5M output × $10 = 1.25 + 0.25 + 5.00 = $6.50
    const cost = priced({ model: "gpt-5", inputTokens: 1_000_000, cachedInputTokens: 2_000_000, outputTokens: 500_000 });
    expect(formatUsd(cost.input)).toBe("1.25");
    expect(formatUsd(cost.cachedInput)).toBe("0.25");
    expect(formatUsd(cost.output)).toBe("5.00");
    expect(formatUsd(cost.total)).toBe("6.50");
  });

  it("never bills cached input twice: more cache, same total tokens, lower cost", () => {
    const allUncached = priced({ model: "gpt-5", inputTokens: 3_000_000, cachedInputTokens: 0, outputTokens: 0 });
    const mostlyCached = priced({ model: "gpt-5", inputTokens: 1_000_000, cachedInputTokens: 2_000_000, outputTokens: 0 });
    expect(formatUsd(allUncached.total)).toBe("3.75");
    expect(formatUsd(mostlyCached.total)).toBe("1.50"); // not 3.75 + 0.25
    // What the cache saved: 2M × (1.25 − 0.125) = $2.25, and that is exactly the difference.
    expect(formatUsd(mostlyCached.cacheSavings)).toBe("2.25");
    expect(allUncached.total - mostlyCached.total).toBe(mostlyCached.cacheSavings);
  });

  it("turns an input count that includes cached tokens into disjoint parts first", () => {
    expect(splitInclusiveInput(3_000_000, 2_000_000)).toEqual({ inputTokens: 1_000_000, cachedInputTokens: 2_000_000, inconsistent: false });
    expect(splitInclusiveInput(10, 12)).toEqual({ inputTokens: 0, cachedInputTokens: 12, inconsistent: true });
  });

  it("never adds reasoning tokens to output a second time", () => {
    // 500k output of which 300k reasoning: output costs 0.5M × $10 = $5.00 whatever the reasoning share.
    const withReasoning = priced({ model: "gpt-5", inputTokens: 0, cachedInputTokens: 0, outputTokens: 500_000, reasoningOutputTokens: 300_000 });
    const without = priced({ model: "gpt-5", inputTokens: 0, cachedInputTokens: 0, outputTokens: 500_000 });
    expect(formatUsd(withReasoning.total)).toBe("5.00");
    expect(withReasoning.total).toBe(without.total);
  });

  it("applies the priority (fast) multiplier to the whole line, and only on the priority tier", () => {
    const line = { model: "gpt-5", inputTokens: 1_000_000, cachedInputTokens: 2_000_000, outputTokens: 500_000 };
    expect(formatUsd(priced({ ...line, serviceTier: "priority" }).total)).toBe("13.00");
    expect(formatUsd(priced({ ...line, serviceTier: "default" }).total)).toBe("6.50");
    expect(formatUsd(priced({ ...line, serviceTier: null }).total)).toBe("6.50");
    // A model-specific multiplier: gpt-5.5 fast at 2.5×: (1 × 5 + 2 × 0.5 + 0.5 × 30) × 2.5 = 21 × 2.5 = $52.50
    const fast55 = priced({ ...line, model: "gpt-5.5", serviceTier: "priority" });
    expect(formatUsd(fast55.total)).toBe("52.50");
    expect(fast55.multiplier).toBe("2.5");
    // Savings are multiplied too: 2M × (5 − 0.5) × 2.5 = $22.50
    expect(formatUsd(fast55.cacheSavings)).toBe("22.50");
  });

  it("uses the price in force on the day (a price change mid-month)", () => {
    const line = { model: "gpt-5.2-codex", inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(formatUsd(priced(line, "2026-03-14").total)).toBe("15.93"); // 1.75 + 0.175 + 14 = 15.925 → 15.93
    expect(formatUsd(priced(line, "2026-03-15").total, 3)).toBe("31.850"); // doubled from the 15th
    const month = emptyApiCostSummary();
    addApiCost(month, line, "2026-03-14", PRICES);
    addApiCost(month, line, "2026-03-15", PRICES);
    expect(formatUsd(month.total)).toBe("47.78"); // 15.925 + 31.85 = 47.775 → 47.78 (rounded once)
  });

  it("keeps sub-cent lines exact until the end", () => {
    // 10,000 lines of 1,234 output tokens on gpt-5 at $10/1M = $0.01234 each → $123.40 in all.
    const summary = emptyApiCostSummary();
    for (let i = 0; i < 10_000; i++) addApiCost(summary, { model: "gpt-5", inputTokens: 0, cachedInputTokens: 0, outputTokens: 1_234 }, DAY, PRICES);
    expect(formatUsd(summary.total)).toBe("123.40");
    // 7 output tokens of gpt-5.1-codex-mini ($2/1M) = $0.000014
    expect(formatUsd(priced({ model: "gpt-5.1-codex-mini", inputTokens: 0, cachedInputTokens: 0, outputTokens: 7 }).total, 6)).toBe("0.000014");
  });

  it("shows a model without a price as unpriced with its tokens, never as $0", () => {
    const line = { model: "gpt-5.6-codex-preview", inputTokens: 100, cachedInputTokens: 20, outputTokens: 30 };
    const cost = apiCost(line, DAY, PRICES);
    expect(cost).toEqual({ priced: false, model: "gpt-5.6-codex-preview", tokens: 150n });
    const summary = emptyApiCostSummary();
    addApiCost(summary, line, DAY, PRICES);
    addApiCost(summary, { model: "gpt-5", inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 0 }, DAY, PRICES);
    addApiCost(summary, { model: null, inputTokens: 5, cachedInputTokens: 0, outputTokens: 0 }, DAY, PRICES);
    expect(formatUsd(summary.total)).toBe("1.25");
    expect(summary.unpriced.get("gpt-5.6-codex-preview")).toBe(150n);
    expect(summary.unpriced.get("(no model)")).toBe(5n);
    expect(unpricedTokens(summary)).toBe(155n);
    // A model priced only from a later date is unpriced before it.
    expect(apiCost({ model: "gpt-5.2-codex", inputTokens: 1, cachedInputTokens: 0, outputTokens: 0 }, "2024-12-31", PRICES).priced).toBe(false);
  });

  it("rejects negative token counts", () => {
    expect(() => apiCost({ model: "gpt-5", inputTokens: -1, cachedInputTokens: 0, outputTokens: 0 }, DAY, PRICES)).toThrow(/negative/);
  });
});

describe("effective dating", () => {
  it("finds the row in force, valid_to exclusive", () => {
    const rows = [
      { validFrom: "2026-01-01", validTo: "2026-02-01", v: "a" },
      { validFrom: "2026-02-01", validTo: null, v: "b" },
    ];
    expect(findEffective(rows, "2025-12-31")).toBeUndefined();
    expect(findEffective(rows, "2026-01-31")?.v).toBe("a");
    expect(findEffective(rows, "2026-02-01")?.v).toBe("b");
    expect(findEffective(rows, "2030-01-01")?.v).toBe("b");
  });
});

describe("budgets, forecasts and changes", () => {
  it("reports thresholds reached at 50/75/90/100 %", () => {
    expect(reachedThresholds(credits("499.99"), credits("1000"))).toEqual([]);
    expect(reachedThresholds(credits("500"), credits("1000"))).toEqual([50]);
    expect(reachedThresholds(credits("899.999999"), credits("1000"))).toEqual([50, 75]);
    expect(reachedThresholds(credits("1000"), credits("1000"))).toEqual([50, 75, 90, 100]);
    expect(reachedThresholds(1n, 0n)).toEqual([50, 75, 90, 100]);
    expect(reachedThresholds(0n, 0n)).toEqual([]);
    expect(percentOf(credits("333"), credits("1000"))).toBe(33.3);
  });

  it("forecasts the month end from the run rate", () => {
    expect(forecastMonthEnd(credits("100"), 10, 30)).toBe(credits("300"));
    expect(forecastMonthEnd(credits("100"), 30, 30)).toBe(credits("100"));
    expect(forecastMonthEnd(credits("100"), 0, 30)).toBe(credits("100"));
    expect(formatCredits(forecastMonthEnd(credits("10"), 7.5, 31))).toBe("41.33");
  });

  it("computes month-over-month change", () => {
    expect(relativeChange(150n, 100n)).toBe(0.5);
    expect(relativeChange(50n, 100n)).toBe(-0.5);
    expect(relativeChange(5n, 0n)).toBeNull();
  });

  it("knows month bounds", () => {
    expect(monthBounds("2026-02")).toMatchObject({ from: "2026-02-01", to: "2026-02-28", next: "2026-03-01", days: 28 });
    expect(monthBounds("2028-02").days).toBe(29);
    expect(previousMonth("2026-01")).toBe("2025-12");
    expect(() => monthBounds("2026-13")).toThrow();
  });
});
