/** URL parameters of the report pages: `month=YYYY-MM` (default: the current UTC month) and `bom=1`. */
export function parseMonthParam(params: URLSearchParams, today = new Date()) {
  const month = params.get("month") || today.toISOString().slice(0, 7);
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Response("month: must be a month like 2026-11", { status: 400, statusText: "Bad Request" });
  return month;
}

export const wantsBom = (params: URLSearchParams) => params.get("bom") === "1";

/** A zod-free enum check that answers 400 with the allowed values. */
export function parseChoice<T extends string>(params: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const value = params.get(name) || fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Response(`${name}: must be one of ${allowed.join(", ")}`, { status: 400, statusText: "Bad Request" });
  return value as T;
}
