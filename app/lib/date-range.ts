import { z } from "zod";

/**
 * A date range in the URL (`from`, `to`: YYYY-MM-DD, UTC days, both inclusive), defaulting
 * to the last 30 days, so every filtered view can be bookmarked and shared.
 */
const DAY_MS = 86_400_000;
const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-01")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "is not a real date");

export function defaultRange(today = new Date(), days = 30) {
  const to = today.toISOString().slice(0, 10);
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

export function parseDateRange(params: URLSearchParams, { maxDays = 366, today = new Date() } = {}) {
  const fallback = defaultRange(today);
  const parsed = z
    .object({ from: isoDay.default(fallback.from), to: isoDay.default(fallback.to) })
    .refine((r) => r.from <= r.to, { message: "from must not be after to", path: ["from"] })
    .refine((r) => (Date.parse(r.to) - Date.parse(r.from)) / DAY_MS < maxDays, { message: `the range may span at most ${maxDays} days`, path: ["to"] })
    .safeParse({ from: params.get("from") || undefined, to: params.get("to") || undefined });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Response(`${issue.path.join(".")}: ${issue.message}`, { status: 400, statusText: "Bad Request" });
  }
  return parsed.data;
}

export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD query parameter whose problems name it ("from is not a calendar date"). */
export const isoDayParam = (name: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date written YYYY-MM-DD`)
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), `${name} is not a calendar date`);

/**
 * The days of an already validated `from`/`to`, defaulting to the 30 days ending today, or a
 * problem for a 400 when they are backwards or span more than `maxDays`.
 */
export function resolveDayRange(
  given: { from?: string; to?: string },
  { now = new Date(), maxDays }: { now?: Date; maxDays: number },
): { ok: true; from: string; to: string } | { ok: false; problem: string } {
  const to = given.to ?? todayUtc(now);
  const from = given.from ?? addDays(to, -29);
  if (from > to) return { ok: false, problem: "from must not be after to" };
  if ((Date.parse(to) - Date.parse(from)) / DAY_MS + 1 > maxDays) return { ok: false, problem: `from and to may span at most ${maxDays} days` };
  return { ok: true, from, to };
}
