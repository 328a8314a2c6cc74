import type { Database } from "../../../db/client.server";
import { getBudgetsReport } from "../../models/budgets.server";
import { getCodeReviewReport } from "../../models/code-review.server";
import { listPricing } from "../../models/prices.server";
import { getSpendReport, iterateReconciliation, iterateSpendLines, DIMENSIONS, type Dimension } from "../../models/spend.server";
import { iterateAssignments } from "../../models/team-assignments.server";
import type { Viewer } from "../../models/viewer";
import { monthBounds } from "../cost-math";
import { csvStream, type CsvColumn } from "../csv.server";

/**
 * Every spend table as CSV, through the shared streaming helper (app/lib/csv.server.ts:
 * csv-stringify, ISO-8601 dates, formula injection neutralised, optional BOM). Money is
 * written as exact decimal strings (credits with 2 or 6 decimals, USD to the cent or 6).
 */

export const SPEND_TABLES = ["team", "costCentre", "person", "model", "clientSurface", "product", "daily", "movers", "lines", "reconciliation"] as const;
export type SpendTable = (typeof SPEND_TABLES)[number];

type Row = Record<string, unknown>;
const col = <R extends Row>(key: keyof R & string, header: string): CsvColumn<R> => ({ key, header });

const dimensionColumns = (label: string): CsvColumn<Row>[] => [
  col("key", label),
  col("credits", "credits"),
  col("usd", "usd"),
  col("apiUsd", "api_equivalent_usd"),
  col("unpricedTokens", "unpriced_tokens"),
  col("unpricedModels", "unpriced_models"),
  col("cacheSavingsUsd", "cache_savings_usd"),
  col("inputTokens", "input_tokens_uncached"),
  col("cachedInputTokens", "cached_input_tokens"),
  col("outputTokens", "output_tokens"),
  col("activeUsers", "active_users"),
  col("creditsPerActiveUser", "credits_per_active_user"),
  col("previousCredits", "previous_month_credits"),
  col("change", "change_fraction"),
];

export async function spendCsv({ db, viewer, month, table, bom }: { db: Database; viewer: Viewer; month: string; table: SpendTable; bom: boolean }): Promise<ReadableStream<Uint8Array>> {
  if ((DIMENSIONS.map((d) => d.key) as string[]).includes(table)) {
    const report = await getSpendReport({ db, viewer, month });
    const label = DIMENSIONS.find((d) => d.key === table)!.label.toLowerCase().replace(/[^a-z]+/g, "_");
    return csvStream<Row>({ columns: [col("month", "month"), ...dimensionColumns(label)], rows: report.dimensions[table as Dimension].map((r) => ({ month, ...r })), bom });
  }
  if (table === "daily") {
    const report = await getSpendReport({ db, viewer, month });
    return csvStream<Row>({ columns: [col("day", "day"), col("credits", "credits"), col("usd", "usd"), col("apiUsd", "api_equivalent_usd")], rows: report.days, bom });
  }
  if (table === "movers") {
    const report = await getSpendReport({ db, viewer, month });
    return csvStream<Row>({
      columns: [col("dimension", "dimension"), col("key", "key"), col("credits", "credits"), col("previousCredits", "previous_month_credits"), col("delta", "delta_credits"), col("change", "change_fraction")],
      rows: [...report.movers.team, ...report.movers.person],
      bom,
    });
  }
  if (table === "lines") {
    return csvStream<Row>({
      columns: ["day", "email", "team", "costCentre", "product", "client", "surface", "model", "serviceTier", "inputTokens", "cachedInputTokens", "outputTokens", "credits", "usd"].map((k) => col(k, k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))),
      rows: iterateSpendLines({ db, viewer, month }),
      bom,
    });
  }
  const { from, to } = monthBounds(month);
  return csvStream<Row>({
    columns: [col("day", "day"), col("openaiUserId", "openai_user_id"), col("email", "email"), col("costsCredits", "costs_credits"), col("analyticsCredits", "analytics_credits"), col("difference", "difference")],
    rows: iterateReconciliation({ db, viewer, from, to }),
    bom,
  });
}

export async function budgetsCsv({ db, viewer, month, bom }: { db: Database; viewer: Viewer; month: string; bom: boolean }) {
  const report = await getBudgetsReport({ db, viewer, month });
  return csvStream<Row>({
    columns: ["month", "scope", "team", "unit", "amount", "spent", "percent", "forecast", "forecastPercent", "reached"].map((k) => col(k, k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))),
    rows: report.budgets.map((b) => ({ ...b, reached: b.reached.join(";") })),
    bom,
  });
}

export async function codeReviewCsv({ db, viewer, from, to, bom, weekly }: { db: Database; viewer: Viewer; from: string; to: string; bom: boolean; weekly: boolean }) {
  const report = await getCodeReviewReport({ db, viewer, from, to });
  return csvStream<Row>({
    columns: [col("day", weekly ? "week_starting" : "day"), ...["pullRequests", "comments", "p0", "p1", "p2", "replies", "upvotes", "downvotes", "otherReactions", "engaged", "engagementRate"].map((k) => col(k, k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)))],
    rows: weekly ? report.weekly : report.daily,
    bom,
  });
}

export async function pricesCsv({ db, viewer, bom }: { db: Database; viewer: Viewer; bom: boolean }) {
  const { prices, rates } = await listPricing({ db, viewer });
  const rows: Row[] = [
    ...prices.map((p) => ({ kind: "model_price", model: p.model, validFrom: p.validFrom, validTo: p.validTo, input: p.input, cachedInput: p.cachedInput, output: p.output, priorityMultiplier: p.priorityMultiplier, usdPerCredit: null, source: p.source, createdBy: p.createdBy })),
    ...rates.map((r) => ({ kind: "contract_rate", model: null, validFrom: r.validFrom, validTo: r.validTo, input: null, cachedInput: null, output: null, priorityMultiplier: null, usdPerCredit: r.usdPerCredit, source: r.source, createdBy: r.createdBy })),
  ];
  return csvStream<Row>({
    columns: ["kind", "model", "validFrom", "validTo", "input", "cachedInput", "output", "priorityMultiplier", "usdPerCredit", "source", "createdBy"].map((k) => col(k, k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))),
    rows,
    bom,
  });
}

export async function assignmentsCsv({ db, viewer, bom }: { db: Database; viewer: Viewer; bom: boolean }) {
  return csvStream<Row>({
    columns: ["email", "team", "costCentre", "validFrom", "validTo", "source", "importedAt"].map((k) => col(k, k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`))),
    rows: iterateAssignments({ db, viewer }),
    bom,
  });
}
