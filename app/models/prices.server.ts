import { sql } from "drizzle-orm";
import { z } from "zod";
import { selectRows, type Database } from "../../db/client.server";
import { parseDecimal, PRICE_SCALE, RATE_SCALE, MULTIPLIER_SCALE, type ContractRate, type ModelPrice } from "../lib/cost-math";
import { assertViewerHasRole, type Viewer } from "./viewer";

/**
 * Prices per model (USD per 1M tokens) and the contract rate (USD per credit), both
 * effective-dated. Nothing is ever overwritten in place except a row that starts on the very
 * same day: a new price closes the period of the one before it, so a past month is always
 * priced at what was in force then.
 */

export type PricingTables = { prices: ModelPrice[]; rates: ContractRate[] };

type PriceRow = {
  id: number;
  model: string;
  valid_from: string;
  valid_to: string | null;
  input_per_1m: string;
  cached_input_per_1m: string;
  output_per_1m: string;
  priority_multiplier: string;
  source: string;
  created_at: string;
  created_by_email: string | null;
};
type RateRow = { id: number; valid_from: string; valid_to: string | null; usd_per_credit: string; source: string; created_at: string; created_by_email: string | null };

const dayText = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));
const trimZeros = (v: string) => (v.includes(".") ? v.replace(/0+$/, "").replace(/\.$/, "") : v);

async function priceRows(db: Database) {
  const rows = await selectRows<PriceRow>(
    db,
    sql`select p.id, p.model, p.valid_from::text as valid_from, p.valid_to::text as valid_to, p.input_per_1m::text as input_per_1m,
          p.cached_input_per_1m::text as cached_input_per_1m, p.output_per_1m::text as output_per_1m,
          p.priority_multiplier::text as priority_multiplier, p.source, p.created_at::text as created_at, pe.email as created_by_email
        from model_prices p left join people pe on pe.id = p.created_by
        order by p.model, p.valid_from`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    model: r.model,
    validFrom: dayText(r.valid_from),
    validTo: r.valid_to ? dayText(r.valid_to) : null,
    input: trimZeros(r.input_per_1m),
    cachedInput: trimZeros(r.cached_input_per_1m),
    output: trimZeros(r.output_per_1m),
    priorityMultiplier: trimZeros(r.priority_multiplier),
    source: r.source,
    createdAt: r.created_at,
    createdBy: r.created_by_email,
  }));
}

async function rateRows(db: Database) {
  const rows = await selectRows<RateRow>(
    db,
    sql`select r.id, r.valid_from::text as valid_from, r.valid_to::text as valid_to, r.usd_per_credit::text as usd_per_credit, r.source,
          r.created_at::text as created_at, pe.email as created_by_email
        from contract_rates r left join people pe on pe.id = r.created_by order by r.valid_from`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    validFrom: dayText(r.valid_from),
    validTo: r.valid_to ? dayText(r.valid_to) : null,
    usdPerCredit: trimZeros(r.usd_per_credit),
    source: r.source,
    createdAt: r.created_at,
    createdBy: r.created_by_email,
  }));
}

/** The whole price history, for the admin screen and the price CSV. Finance can read it. */
export async function listPricing({ db, viewer }: { db: Database; viewer: Viewer }) {
  assertViewerHasRole(viewer, ["admin", "finance"]);
  return { prices: await priceRows(db), rates: await rateRows(db) };
}

/** The tables the cost model needs; internal to spend reports and jobs (no viewer: callers are scoped). */
export async function loadPricingTables(db: Database): Promise<PricingTables> {
  return { prices: await priceRows(db), rates: await rateRows(db) };
}

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-11-01").refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "is not a real date");
const decimalIn = (scale: number, max: number) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const n = parseDecimal(v, scale);
        return n >= 0n && n <= parseDecimal(String(max), scale);
      } catch {
        return false;
      }
    }, `must be a number from 0 to ${max} with at most ${scale} decimals`);

export const priceInput = z.object({
  model: z.string().trim().min(1, "is required").max(100, "is too long").regex(/^[A-Za-z0-9._:-]+$/, "may hold letters, digits, dot, dash, colon and underscore only"),
  validFrom: isoDay,
  input: decimalIn(PRICE_SCALE, 100_000),
  cachedInput: decimalIn(PRICE_SCALE, 100_000),
  output: decimalIn(PRICE_SCALE, 100_000),
  priorityMultiplier: decimalIn(MULTIPLIER_SCALE, 100).refine((v) => parseDecimal(v, MULTIPLIER_SCALE) >= 1000n, "must be at least 1"),
  source: z.string().trim().min(1, "say where the price comes from").max(500, "is too long"),
});
export type PriceInput = z.infer<typeof priceInput>;

export const rateInput = z.object({
  validFrom: isoDay,
  usdPerCredit: decimalIn(RATE_SCALE, 1000).refine((v) => parseDecimal(v, RATE_SCALE) > 0n, "must be above 0"),
  source: z.string().trim().min(1, "say where the rate comes from (contract, order form)").max(500, "is too long"),
});
export type RateInput = z.infer<typeof rateInput>;

/**
 * Inserts a dated period into an effective-dated table: the period in force on `validFrom`
 * ends that day, and the new one runs until the next later period starts (or stays open).
 * A row starting on the same day is replaced. One transaction.
 */
export async function setModelPrice({ db, viewer, input }: { db: Database; viewer: Viewer; input: PriceInput }) {
  assertViewerHasRole(viewer, ["admin"]);
  const p = priceInput.parse(input);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('model_prices'))`);
    await tx.execute(sql`delete from model_prices where model = ${p.model} and valid_from = ${p.validFrom}::date`);
    await tx.execute(sql`update model_prices set valid_to = ${p.validFrom}::date
      where model = ${p.model} and valid_from < ${p.validFrom}::date and (valid_to is null or valid_to > ${p.validFrom}::date)`);
    await tx.execute(sql`insert into model_prices (model, valid_from, valid_to, input_per_1m, cached_input_per_1m, output_per_1m, priority_multiplier, source, created_by)
      values (${p.model}, ${p.validFrom}::date,
        (select min(valid_from) from model_prices where model = ${p.model} and valid_from > ${p.validFrom}::date),
        ${p.input}::numeric, ${p.cachedInput}::numeric, ${p.output}::numeric, ${p.priorityMultiplier}::numeric, ${p.source}, ${viewer.personId}::uuid)`);
  });
}

export async function setContractRate({ db, viewer, input }: { db: Database; viewer: Viewer; input: RateInput }) {
  assertViewerHasRole(viewer, ["admin"]);
  const r = rateInput.parse(input);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('contract_rates'))`);
    await tx.execute(sql`delete from contract_rates where valid_from = ${r.validFrom}::date`);
    await tx.execute(sql`update contract_rates set valid_to = ${r.validFrom}::date
      where valid_from < ${r.validFrom}::date and (valid_to is null or valid_to > ${r.validFrom}::date)`);
    await tx.execute(sql`insert into contract_rates (valid_from, valid_to, usd_per_credit, source, created_by)
      values (${r.validFrom}::date, (select min(valid_from) from contract_rates where valid_from > ${r.validFrom}::date),
        ${r.usdPerCredit}::numeric, ${r.source}, ${viewer.personId}::uuid)`);
  });
}
