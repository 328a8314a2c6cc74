import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../../db/client.server";
import { budgetStatuses } from "../../models/budgets.server";
import { getCodeReviewReportForSystem, type CodeReviewReport } from "../../models/code-review.server";
import { getMonthlySpendForSystem, getReconciliation, monthlyTrend, pseudonym, type SpendReport } from "../../models/spend.server";
import { assertViewerHasRole, type Viewer } from "../../models/viewer";
import { monthBounds } from "../cost-math";
import { renderMonthlyPdf } from "./pdf.server";

/**
 * The monthly leadership report: the data (one object, also what the PDF test reads back),
 * the PDF, and the archive of generated PDFs (REPORTS_DIR + generated_reports with sha256).
 */

export const COVERAGE_STATEMENT =
  "The Compliance Logs Platform covers ChatGPT-authenticated Codex only: usage with API keys is not in these numbers. Credits come from OpenAI's COSTS feed; the Analytics API's credits are compared with them in the reconciliation.";

export type MonthlyReportData = {
  month: string;
  from: string;
  to: string;
  generatedAt: string;
  named: boolean;
  spend: SpendReport;
  trend: Awaited<ReturnType<typeof monthlyTrend>>;
  topUsers: Array<{ label: string; credits: string; usd: string; team: string | null; change: number | null }>;
  budgets: Array<{ label: string; unit: string; amount: string; spent: string; forecast: string; percent: number | null; forecastPercent: number | null; reached: number[] }>;
  codeReview: CodeReviewReport;
  coverage: {
    gaps: Array<{ source: string; stream: string; from: string; to: string; reason: string }>;
    reconciliation: { costsCredits: string; analyticsCredits: string; difference: string; differing: number };
    statement: string;
  };
};

export async function loadMonthlyReportData({ db, month, named = false, now = new Date() }: { db: Database; month: string; named?: boolean; now?: Date }): Promise<MonthlyReportData> {
  const { from, to, next } = monthBounds(month);
  // Independent queries, side by side: on PostgreSQL each has a pooled connection (PGlite runs them in turn).
  const [{ report: spend, current: monthSpend }, trend, codeReview, gaps, reconciliation] = await Promise.all([
    getMonthlySpendForSystem({ db, month }),
    monthlyTrend({ db, viewer: null, month, months: 6 }),
    getCodeReviewReportForSystem({ db, from, to }),
    selectRows<{ source: string; stream: string; gap_from: string; gap_to: string; reason: string }>(
      db,
      sql`select source, stream, gap_from::text as gap_from, gap_to::text as gap_to, reason from sync_gaps
          where gap_from < ${next}::date and gap_to > ${from}::date order by gap_from limit 20`,
    ),
    getReconciliation({ db, viewer: null, from, to, limit: 0 }),
  ]);
  const budgets = (await budgetStatuses(db, month, monthSpend, now)).map((b) => ({ label: b.label, unit: b.unit, amount: b.amount, spent: b.spent, forecast: b.forecast, percent: b.percent, forecastPercent: b.forecastPercent, reached: b.reached }));
  // A person's team in the month: the team where most of their credits fell (ties: the first by name).
  const teamOf = (email: string) => {
    let best: { team: string; credits: bigint } | null = null;
    for (const [team, credits] of [...(monthSpend.personTeams.get(email) ?? [])].sort(([a], [b]) => a.localeCompare(b))) {
      if (!best || credits > best.credits) best = { team, credits };
    }
    return best?.team ?? null;
  };
  const topUsers = spend.dimensions.person.slice(0, 10).map((p) => ({
    label: named ? (spend.names[p.key] ? `${spend.names[p.key]} <${p.key}>` : p.key) : pseudonym(p.key),
    credits: p.credits,
    usd: p.usd,
    team: teamOf(p.key),
    change: p.change,
  }));
  return {
    month,
    from,
    to,
    generatedAt: now.toISOString(),
    named,
    spend,
    trend,
    topUsers,
    budgets,
    codeReview,
    coverage: {
      gaps: gaps.map((g) => ({ source: g.source, stream: g.stream, from: g.gap_from, to: g.gap_to, reason: g.reason })),
      reconciliation: { costsCredits: reconciliation.costsCredits, analyticsCredits: reconciliation.analyticsCredits, difference: reconciliation.difference, differing: reconciliation.differing },
      statement: COVERAGE_STATEMENT,
    },
  };
}

/** The PDF of a month, rendered now. */
export async function buildMonthlyPdf(options: { db: Database; month: string; named?: boolean; now?: Date }) {
  const data = await loadMonthlyReportData(options);
  return { data, pdf: await renderMonthlyPdf(data) };
}

/** For the download button: finance and admin; naming people is a separate, explicit choice. */
export async function downloadMonthlyPdf({ db, viewer, month, named }: { db: Database; viewer: Viewer; month: string; named: boolean }) {
  assertViewerHasRole(viewer, ["finance", "admin"]);
  return (await buildMonthlyPdf({ db, month, named })).pdf;
}

/**
 * Generates and keeps a month's PDF in `dir` (REPORTS_DIR), written to a temporary name and
 * renamed so a crash never leaves half a file under the real name, then listed with its sha256.
 */
export async function generateAndKeepMonthlyPdf({ db, month, dir, by, named = false, now = new Date() }: { db: Database; month: string; dir: string; by: string; named?: boolean; now?: Date }) {
  const { pdf } = await buildMonthlyPdf({ db, month, named, now });
  fs.mkdirSync(dir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const file = path.join(dir, `codex-spend-${month}${named ? "-named" : ""}-${stamp}.pdf`);
  const temp = `${file}.partial`;
  fs.writeFileSync(temp, pdf, { mode: 0o640 });
  fs.renameSync(temp, file);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  const [row] = await selectRows<{ id: number | string }>(
    db,
    sql`insert into generated_reports (month, path, sha256, bytes, named, generated_at, generated_by)
        values (${monthBounds(month).from}::date, ${file}, ${sha256}, ${pdf.length}, ${named}, ${now.toISOString()}::timestamptz, ${by}) returning id`,
  );
  return { id: Number(row!.id), path: file, sha256, bytes: pdf.length };
}

export type KeptReport = { id: number; month: string; sha256: string; bytes: number; named: boolean; generatedAt: string; generatedBy: string; fileName: string };

export async function listKeptReports({ db, viewer, limit = 24 }: { db: Database; viewer: Viewer; limit?: number }): Promise<KeptReport[]> {
  assertViewerHasRole(viewer, ["finance", "admin"]);
  const rows = await selectRows<{ id: number | string; month: string; sha256: string; bytes: number; named: boolean; generated_at: string; generated_by: string; path: string }>(
    db,
    sql`select id, to_char(month, 'YYYY-MM') as month, sha256, bytes, named, generated_at::text as generated_at, generated_by, path from generated_reports order by generated_at desc limit ${limit}`,
  );
  return rows.map((r) => ({ id: Number(r.id), month: r.month, sha256: r.sha256, bytes: Number(r.bytes), named: r.named, generatedAt: new Date(r.generated_at).toISOString(), generatedBy: r.generated_by, fileName: path.basename(r.path) }));
}

/** A kept PDF's bytes, checked against its recorded sha256 (null when missing or altered). */
export async function readKeptReport({ db, viewer, id }: { db: Database; viewer: Viewer; id: number }) {
  assertViewerHasRole(viewer, ["finance", "admin"]);
  const [row] = await selectRows<{ path: string; sha256: string }>(db, sql`select path, sha256 from generated_reports where id = ${id}`);
  if (!row) return null;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(row.path);
  } catch {
    return { error: "The file is no longer in REPORTS_DIR." as const };
  }
  if (createHash("sha256").update(bytes).digest("hex") !== row.sha256) return { error: "The file does not match its recorded sha256: it was changed after it was generated." as const };
  return { bytes, fileName: path.basename(row.path) };
}

/** Has the month already been kept (by the scheduled job)? */
export async function hasKeptReport(db: Database, month: string) {
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from generated_reports where month = ${monthBounds(month).from}::date and generated_by = 'job'`);
  return (row?.n ?? 0) > 0;
}
