/** Time helpers. Log-file watermarks carry microseconds, so they are kept as integer epoch microseconds. */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse an ISO-8601 / RFC 3339 date-time into epoch microseconds. Returns `"no-timezone"` when the
 * value has no zone designator (the Logs Platform requires one) and `null` when it is not a date-time.
 */
export function parseIsoMicros(s: string): number | "no-timezone" | null {
  const m = RFC3339.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se, frac, tz] = m;
  if (!tz) return "no-timezone";
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  if (Number.isNaN(base)) return null;
  const check = new Date(base);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  let offsetMin = 0;
  if (tz !== "Z" && tz !== "z") {
    const sign = tz.startsWith("-") ? -1 : 1;
    const digits = tz.slice(1).replace(":", "");
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const micros = frac ? Number((frac + "000000").slice(0, 6)) : 0;
  return (base - offsetMin * MINUTE_MS) * 1000 + micros;
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

/** `2026-07-16T01:00:00.123456Z` */
export function formatMicros(us: number, zone: "Z" | "+00:00" = "Z"): string {
  const ms = Math.floor(us / 1000);
  const frac = us - ms * 1000;
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}` +
    `T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}` +
    `.${pad(d.getUTCMilliseconds(), 3)}${pad(frac, 3)}${zone}`
  );
}

/** `2026-07-28T10:00:20Z` (second precision, the shape seen in event fixtures). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** `2026-07-15` */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function floorTo(ms: number, unitMs: number): number {
  return Math.floor(ms / unitMs) * unitMs;
}

const offsetCaches = new Map<string, Map<number, number>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Offset of a time zone from UTC in minutes on the UTC day of the given instant (DST-aware, cached per zone and day). */
export function tzOffsetMinutes(timeZone: string, utcMs: number): number {
  const day = Math.floor(utcMs / DAY_MS);
  let cache = offsetCaches.get(timeZone);
  if (!cache) {
    cache = new Map();
    offsetCaches.set(timeZone, cache);
  }
  const hit = cache.get(day);
  if (hit !== undefined) return hit;
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, fmt);
  }
  const at = day * DAY_MS + 12 * HOUR_MS;
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(at))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const off = Math.round((asUtc - at) / MINUTE_MS);
  if (cache.size > 20_000) cache.clear();
  cache.set(day, off);
  return off;
}
