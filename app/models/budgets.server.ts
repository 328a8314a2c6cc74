import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import {
  BUDGET_THRESHOLDS,
  credits as parseCredits,
  forecastMonthEnd,
  formatCredits,
  formatUsd,
  monthBounds,
  parseDecimal,
  percentOf,
  reachedThresholds,
  usd as parseUsd,
  MONEY_SCALE,
} from "../lib/cost-math";
import { computeMonthSpend, SPEND_ROLES, type MonthSpend } from "./spend.server";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Monthly budgets for the organisation or a team, in credits or USD, with a month-end
 * forecast from the run rate and alerts at 50/75/90/100 %. An alert fires once per budget and
 * threshold (budget_alerts' primary key), is shown in the console, and is POSTed to
 * BUDGET_WEBHOOK_URL when configured, signed with HMAC-SHA256 (see `signWebhook`).
 */

const DAY_MS = 86_400_000;

export type BudgetStatus = {
  id: number;
  scope: "org" | "team";
  team: string;
  label: string;
  month: string;
  unit: "credits" | "usd";
  amount: string;
  spent: string;
  forecast: string;
  percent: number | null;
  forecastPercent: number | null;
  reached: number[];
  alerts: Array<{ threshold: number; firedAt: string; deliveredAt: string | null; deliveryError: string | null }>;
  /** Internal exact values (stripped before sending to the browser). */
  exact: { spent: bigint; amount: bigint; scale: number };
};

/** Days of the month the run rate covers: elapsed time, but not past the last day with data. */
export function elapsedDays(month: string, now: Date, lastDay: string | null) {
  const { startMs, endMs, days } = monthBounds(month);
  if (now.getTime() >= endMs) return days;
  if (now.getTime() <= startMs) return 0;
  const byClock = (now.getTime() - startMs) / DAY_MS;
  const byData = lastDay ? (Date.parse(`${lastDay}T00:00:00Z`) - startMs) / DAY_MS + 1 : 0;
  return Math.max(0, Math.min(byClock, byData));
}

async function budgetRows(db: Database, month: string) {
  return selectRows<{ id: number | string; scope: "org" | "team"; team: string; month: string; unit: "credits" | "usd"; amount: string }>(
    db,
    sql`select id, scope, team, month::text as month, unit, amount::text as amount from budgets where month = ${monthBounds(month).from}::date order by scope, team`,
  );
}

/** Budget status for a month from an already computed spend (shared by the page, the job and the PDF). */
export async function budgetStatuses(db: Database, month: string, spend: MonthSpend, now: Date): Promise<BudgetStatus[]> {
  const budgets = await budgetRows(db, month);
  if (budgets.length === 0) return [];
  const alerts = await selectRows<{ budget_id: number | string; threshold: number; fired_at: string; delivered_at: string | null; delivery_error: string | null }>(
    db,
    sql`select budget_id, threshold, fired_at::text as fired_at, delivered_at::text as delivered_at, delivery_error
        from budget_alerts where budget_id = any(${`{${budgets.map((b) => b.id).join(",")}}`}::bigint[]) order by threshold`,
  );
  const elapsed = elapsedDays(month, now, spend.lastDay);
  const { days } = monthBounds(month);
  return budgets.map((b) => {
    const bucket = b.scope === "org" ? spend.total : spend.byDimension.team.get(b.team);
    const isUsd = b.unit === "usd";
    const spent = isUsd ? (bucket?.usd ?? 0n) : (bucket?.credits ?? 0n);
    const amount = isUsd ? parseUsd(b.amount) : parseCredits(b.amount);
    const forecast = forecastMonthEnd(spent, elapsed, days);
    const fmt = (v: bigint) => (isUsd ? formatUsd(v) : formatCredits(v));
    return {
      id: Number(b.id),
      scope: b.scope,
      team: b.team,
      label: b.scope === "org" ? "Organisation" : b.team,
      month,
      unit: b.unit,
      amount: fmt(amount),
      spent: fmt(spent),
      forecast: fmt(forecast),
      percent: percentOf(spent, amount),
      forecastPercent: percentOf(forecast, amount),
      reached: reachedThresholds(spent, amount),
      alerts: alerts
        .filter((a) => Number(a.budget_id) === Number(b.id))
        .map((a) => ({ threshold: a.threshold, firedAt: a.fired_at, deliveredAt: a.delivered_at, deliveryError: a.delivery_error })),
      exact: { spent, amount, scale: isUsd ? MONEY_SCALE : 6 },
    };
  });
}

const strip = ({ exact: _exact, ...rest }: BudgetStatus) => rest;

/** The budgets page: statuses of the month, and the teams that had spend (for the form). */
export async function getBudgetsReport({ db, viewer, month, now = new Date() }: { db: Database; viewer: Viewer; month: string; now?: Date }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  // Budgets need the month's credits and USD per team and in total, not tokens, names or days.
  const spend = await computeMonthSpend(db, month, undefined, { detail: false, dimensions: ["team"] });
  const statuses = await budgetStatuses(db, month, spend, now);
  const teams = [...spend.byDimension.team.keys()].sort();
  return {
    month,
    elapsedDays: Math.round(elapsedDays(month, now, spend.lastDay) * 10) / 10,
    daysInMonth: monthBounds(month).days,
    lastDay: spend.lastDay,
    totals: { credits: formatCredits(spend.total.credits), usd: formatUsd(spend.total.usd) },
    budgets: statuses.map(strip),
    teams,
  };
}

export const budgetInput = z.object({
  scope: z.enum(["org", "team"]),
  team: z.string().trim().max(100, "is too long").default(""),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month like 2026-11"),
  unit: z.enum(["credits", "usd"]),
  amount: z
    .string()
    .trim()
    .refine((v) => {
      try {
        const n = parseDecimal(v, 6);
        return n > 0n && n < 10n ** 20n;
      } catch {
        return false;
      }
    }, "must be a positive number with at most 6 decimals"),
});
export type BudgetInput = z.infer<typeof budgetInput>;

/** Creates or replaces the budget of (scope, team, month); a changed amount re-arms its alerts. */
export async function setBudget({ db, viewer, input }: { db: Database; viewer: Viewer; input: BudgetInput }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  const b = budgetInput.parse(input);
  const team = b.scope === "org" ? "" : b.team;
  if (b.scope === "team" && !team) throw new z.ZodError([{ code: "custom", path: ["team"], message: "is required for a team budget", input: team }]);
  const month = monthBounds(b.month).from;
  await db.transaction(async (tx) => {
    const [row] = await selectRows<{ id: number | string }>(
      tx,
      sql`insert into budgets (scope, team, month, unit, amount, updated_by) values (${b.scope}, ${team}, ${month}::date, ${b.unit}, ${b.amount}::numeric, ${viewer.personId}::uuid)
          on conflict (scope, team, month) do update set unit = excluded.unit, amount = excluded.amount, updated_at = now(), updated_by = excluded.updated_by
          returning id`,
    );
    await tx.execute(sql`delete from budget_alerts where budget_id = ${row!.id}`);
  });
}

export async function deleteBudget({ db, viewer, id }: { db: Database; viewer: Viewer; id: number }) {
  assertViewerHasRole(viewer, SPEND_ROLES);
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from budget_alerts where budget_id = ${id}`);
    await tx.execute(sql`delete from budgets where id = ${id}`);
  });
}

/* ───────────────────────── alerts and the webhook ───────────────────────── */

/**
 * Signature of a webhook body: header `X-Ledger-Signature: t=<unix seconds>,v1=<hex>` where
 * hex = HMAC-SHA256(secret, "<t>.<body>"). Receivers recompute it and reject old timestamps.
 */
export function signWebhook(body: string, secret: string, timestamp: number) {
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export type WebhookSender = (url: string, init: { body: string; headers: Record<string, string> }) => Promise<{ ok: boolean; status: number }>;

const defaultSender: WebhookSender = async (url, init) => {
  const response = await fetch(url, { method: "POST", body: init.body, headers: init.headers, signal: AbortSignal.timeout(10_000), redirect: "error" });
  await response.body?.cancel();
  return { ok: response.ok, status: response.status };
};

/**
 * The job's work (jobs/budgets__check.ts): records every newly reached threshold of the
 * month's budgets (once), then delivers undelivered alerts to the webhook. Idempotent: a
 * second run fires nothing new and retries only failed deliveries (up to 10 attempts).
 */
export async function checkBudgets({
  db,
  month,
  now = new Date(),
  webhook,
  send = defaultSender,
}: {
  db: Database;
  month: string;
  now?: Date;
  webhook?: { url: string; secret: string };
  send?: WebhookSender;
}) {
  const spend = await computeMonthSpend(db, month, undefined, { detail: false, dimensions: ["team"] });
  const statuses = await budgetStatuses(db, month, spend, now);
  let fired = 0;
  for (const s of statuses) {
    for (const threshold of s.reached) {
      const inserted = await selectRows<{ threshold: number }>(
        db,
        sql`insert into budget_alerts (budget_id, threshold, spent, fired_at) values (${s.id}, ${threshold}, ${s.spent}::numeric, ${now.toISOString()}::timestamptz)
            on conflict do nothing returning threshold`,
      );
      fired += inserted.length;
    }
  }
  let delivered = 0;
  let failed = 0;
  if (webhook) {
    const pending = await selectRows<{ budget_id: number | string; threshold: number; spent: string; fired_at: string }>(
      db,
      sql`select a.budget_id, a.threshold, a.spent::text as spent, a.fired_at::text as fired_at from budget_alerts a join budgets b on b.id = a.budget_id
          where a.delivered_at is null and a.attempts < 10 and b.month = ${monthBounds(month).from}::date order by a.budget_id, a.threshold`,
    );
    for (const p of pending) {
      const s = statuses.find((x) => x.id === Number(p.budget_id));
      if (!s) continue;
      const body = JSON.stringify({
        type: "budget.threshold_reached",
        month,
        scope: s.scope,
        team: s.scope === "team" ? s.team : null,
        unit: s.unit,
        threshold: p.threshold,
        budget: s.amount,
        spent: s.spent,
        forecast: s.forecast,
        percent: s.percent,
        firedAt: new Date(p.fired_at).toISOString(),
      });
      const timestamp = Math.floor(now.getTime() / 1000);
      let error: string | null = null;
      try {
        const result = await send(webhook.url, { body, headers: { "Content-Type": "application/json", "User-Agent": "codex-ledger", "X-Ledger-Event": "budget.threshold_reached", "X-Ledger-Signature": signWebhook(body, webhook.secret, timestamp) } });
        if (!result.ok) error = `the webhook answered HTTP ${result.status}`;
      } catch (e) {
        error = e instanceof Error ? `the webhook could not be reached (${e.name})` : "the webhook could not be reached";
      }
      await db.execute(
        sql`update budget_alerts set attempts = attempts + 1, delivered_at = ${error ? null : now.toISOString()}::timestamptz, delivery_error = ${error}
            where budget_id = ${p.budget_id} and threshold = ${p.threshold}`,
      );
      if (error) failed++;
      else delivered++;
    }
  }
  return { month, budgets: statuses.length, fired, delivered, failed };
}

export { BUDGET_THRESHOLDS };
