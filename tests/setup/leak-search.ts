import { sql } from "drizzle-orm";
import { selectRows, type Database } from "../../db/client.server";

/**
 * Tests only: finds secret values in text, in the forms a leak usually takes (raw, JSON-escaped,
 * CRLF, URL-encoded, base64 at any byte alignment, hex, other letter case, a fragment of a
 * key), and in every column of every table of a database. A hit names where it is and shows
 * only a short prefix and the length of the value, so a failing test does not print the secret.
 */

export type Needle = {
  /** What the value is, e.g. "canary github_token" or "REDACTION_KEY". */
  label: string;
  /** How the value was transformed, e.g. "raw", "base64 (offset 1)", "pem line 3". */
  form: string;
  text: string;
  /** Prefix and length of the original value, for messages. */
  preview: string;
};

export type Leak = { where: string; label: string; form: string; preview: string };

/** Shortest text searched for: shorter forms would match unrelated data. */
const MIN_NEEDLE = 8;

export function previewOf(value: string) {
  return `"${value.slice(0, 6)}…" (${value.length} chars)`;
}

/** The part of base64(x + value + y) that depends only on `value`, for each of the 3 byte alignments. */
function base64Cores(value: string, encoding: "base64" | "base64url"): string[] {
  const bytes = Buffer.from(value, "utf8");
  const cores: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString(encoding);
    cores.push(encoded.slice(Math.ceil((8 * pad) / 6), Math.floor((8 * (pad + bytes.length)) / 6)));
  }
  return cores;
}

/** PEM body lines (without header, footer and line breaks), and the whole key material. */
export function pemParts(pem: string): { lines: string[]; material: string } {
  const lines = pem
    .split(/\r?\n|\\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("-----"));
  return { lines, material: lines.join("") };
}

/**
 * Every form of `value` worth searching for. `fragments` are parts of the value that must not
 * survive on their own either (a half-redacted token, one line of a private key).
 */
export function needlesFor(label: string, value: string, fragments: Array<{ form: string; text: string }> = []): Needle[] {
  const preview = previewOf(value);
  const forms = new Map<string, string>();
  const add = (form: string, text: string) => {
    if (text.length >= MIN_NEEDLE && ![...forms.values()].includes(text)) forms.set(form, text);
  };
  add("raw", value);
  add("JSON-escaped", JSON.stringify(value).slice(1, -1));
  add("JSON-escaped twice", JSON.stringify(JSON.stringify(value)).slice(3, -3));
  add("CRLF", value.replace(/\r?\n/g, "\r\n"));
  add("URL-encoded", encodeURIComponent(value));
  add("form-encoded", encodeURIComponent(value).replace(/%20/g, "+"));
  add("lower case", value.toLowerCase());
  add("upper case", value.toUpperCase());
  add("hex", Buffer.from(value, "utf8").toString("hex"));
  add("HEX", Buffer.from(value, "utf8").toString("hex").toUpperCase());
  base64Cores(value, "base64").forEach((core, i) => add(`base64 (offset ${i})`, core));
  base64Cores(value, "base64url").forEach((core, i) => add(`base64url (offset ${i})`, core));
  for (const f of fragments) {
    add(f.form, f.text);
    add(`${f.form}, JSON-escaped`, JSON.stringify(f.text).slice(1, -1));
  }
  return [...forms].map(([form, text]) => ({ label, form, text, preview }));
}

/** Where in `text` each needle occurs (first hit per needle), named `where` plus a line number when the text has lines. */
export function findLeaks(where: string, text: string, needles: readonly Needle[], { lines = true }: { lines?: boolean } = {}): Leak[] {
  const leaks: Leak[] = [];
  for (const n of needles) {
    const at = text.indexOf(n.text);
    if (at < 0) continue;
    const line = lines ? ` line ${countLines(text, at)}` : "";
    leaks.push({ where: `${where}${line}`, label: n.label, form: n.form, preview: n.preview });
  }
  return leaks;
}

/** The same search with all whitespace removed on both sides: text extracted from a PDF wraps long values. */
export function findLeaksIgnoringWhitespace(where: string, text: string, needles: readonly Needle[]): Leak[] {
  const squeezed = text.replace(/\s+/g, "");
  return findLeaks(
    `${where} (whitespace removed)`,
    squeezed,
    needles.map((n) => ({ ...n, text: n.text.replace(/\s+/g, "") })).filter((n) => n.text.length >= MIN_NEEDLE),
    { lines: false },
  );
}

function countLines(text: string, upTo: number) {
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < upTo; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

export function describeLeaks(leaks: readonly Leak[]): string {
  if (leaks.length === 0) return "no leaks";
  const shown = leaks.slice(0, 40).map((l) => `  ${l.label} ${l.preview} as ${l.form} in ${l.where}`);
  return [`${leaks.length} leak(s):`, ...shown, ...(leaks.length > 40 ? [`  … and ${leaks.length - 40} more`] : [])].join("\n");
}

export type TableRef = { schema: string; table: string };

/** Every table in every schema but PostgreSQL's own, partitions included. */
export async function listTables(db: Database): Promise<TableRef[]> {
  const rows = await selectRows<{ table_schema: string; table_name: string }>(
    db,
    sql`select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema <> 'information_schema' and left(table_schema, 3) <> 'pg_'
        order by table_schema, table_name`,
  );
  return rows.map((r) => ({ schema: r.table_schema, table: r.table_name }));
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Searches every column of every table, each cell cast to text (bytea as escaped bytes, so text
 * inside binary shows), and returns the hits as `schema.table.column row N (first column = …)`.
 */
export async function findLeaksInDatabase(db: Database, needles: readonly Needle[]): Promise<{ leaks: Leak[]; tables: string[]; cells: number }> {
  const leaks: Leak[] = [];
  let cells = 0;
  const tables = await listTables(db);
  for (const { schema, table } of tables) {
    const columns = await selectRows<{ column_name: string; data_type: string }>(
      db,
      sql`select column_name, data_type from information_schema.columns where table_schema = ${schema} and table_name = ${table} order by ordinal_position`,
    );
    if (columns.length === 0) continue;
    const select = columns
      .map((c, i) => (c.data_type === "bytea" ? `encode(${quoteIdent(c.column_name)}, 'escape')` : `${quoteIdent(c.column_name)}::text`) + ` as c${i}`)
      .join(", ");
    const rows = await selectRows<Record<string, string | null>>(db, sql.raw(`select ${select} from ${quoteIdent(schema)}.${quoteIdent(table)}`));
    columns.forEach((column, i) => {
      const values = rows.map((r) => r[`c${i}`] ?? "");
      cells += values.length;
      // One string per column: a needle is looked for once, then its row is found.
      const joined = values.join("\u0000");
      for (const n of needles) {
        const at = joined.indexOf(n.text);
        if (at < 0) continue;
        const row = countOf(joined, "\u0000", at);
        const key = rows[row]?.c0;
        const keyText = i > 0 && key ? ` (${columns[0]!.column_name} = ${key.slice(0, 40)})` : "";
        leaks.push({ where: `table ${schema}.${table}.${column.column_name} row ${row + 1}${keyText}`, label: n.label, form: n.form, preview: n.preview });
      }
    });
  }
  return { leaks, tables: tables.map((t) => `${t.schema}.${t.table}`), cells };
}

function countOf(text: string, char: string, upTo: number) {
  let n = 0;
  for (let i = text.indexOf(char); i >= 0 && i < upTo; i = text.indexOf(char, i + 1)) n++;
  return n;
}
