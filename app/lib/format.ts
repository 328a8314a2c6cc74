/**
 * Dates and times as the console shows them, always UTC. Written by hand rather than with
 * Intl, because Node's and the browser's ICU data word some formats differently ("19 Nov
 * 2026, 10:00" vs "19 Nov 2026 at 10:00"), and a page rendered on the server must read the
 * same when React hydrates it in the browser.
 */
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

type DateInput = Date | string | number;
const two = (n: number) => String(n).padStart(2, "0");

function asDate(value: DateInput) {
  return value instanceof Date ? value : new Date(value);
}

function day(d: Date) {
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function time(d: Date, seconds: boolean) {
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}${seconds ? `:${two(d.getUTCSeconds())}` : ""}`;
}

/** "21 Nov 2026" */
export const utcDate = { format: (value: DateInput) => day(asDate(value)) };
/** "21 Nov 2026, 19:12" */
export const utcDateTime = { format: (value: DateInput) => `${day(asDate(value))}, ${time(asDate(value), false)}` };
/** "21 Nov 2026, 19:12:05" */
export const utcDateTimeSeconds = { format: (value: DateInput) => `${day(asDate(value))}, ${time(asDate(value), true)}` };
/** "19:12:05" */
export const utcTime = { format: (value: DateInput) => time(asDate(value), true) };

/**
 * An exact decimal string as the money code returns it ("-12345.670000") with its whole part
 * grouped by thousands ("-12,345.670000"), without going through a float; other text unchanged.
 */
export function groupedDecimal(value: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  if (!match) return value;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${match[3] ?? ""}`;
}
