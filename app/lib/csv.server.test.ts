import { describe, expect, it } from "vitest";
import { csvResponse, csvStream, ndjsonStream, neutraliseCell, safeFileName } from "./csv.server";

async function text(stream: ReadableStream<Uint8Array>) {
  return new Response(stream).text();
}

describe("csv helper", () => {
  it.each([
    ["=SUM(A1)", "'=SUM(A1)"],
    ["+1", "'+1"],
    ["-2", "'-2"],
    ["@cmd", "'@cmd"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["plain", "plain"],
    ["a=b", "a=b"],
    ["", ""],
  ])("neutralises %j", (input, output) => {
    expect(neutraliseCell(input)).toBe(output);
  });

  it("streams rows from an async iterable with a header, ISO dates, quoted cells and numbers left alone", async () => {
    async function* rows() {
      yield { at: new Date("2026-03-01T12:00:00.5Z"), who: "=HYPERLINK(\"x\")", n: -5, ok: true, list: ["a", "b"], none: null };
      yield { at: new Date("2026-03-02T00:00:00Z"), who: "line\nbreak, comma", n: 1.5, ok: false, list: [], none: null };
    }
    const csv = await text(
      csvStream({
        columns: [
          { key: "at", header: "at" },
          { key: "who", header: "who" },
          { key: "n", header: "n" },
          { key: "ok", header: "ok" },
          { key: "list", header: "list" },
          { key: "none", header: "none" },
        ],
        rows: rows(),
      }),
    );
    expect(csv).toBe(
      'at,who,n,ok,list,none\n2026-03-01T12:00:00.500Z,"\'=HYPERLINK(""x"")",-5,true,a;b,\n2026-03-02T00:00:00.000Z,"line\nbreak, comma",1.5,false,,\n',
    );
  });

  it("adds a byte order mark on request and handles many rows with backpressure", async () => {
    const many = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `row ${i}` }));
    const bytes = new Uint8Array(await new Response(csvStream({ columns: [{ key: "i", header: "i" }, { key: "s", header: "s" }], rows: many, bom: true })).arrayBuffer());
    // Response.text() would drop the BOM while decoding: look at the bytes.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    expect(csv.trimEnd().split("\n")).toHaveLength(20_001);
  });

  it("sets download headers with a safe file name", () => {
    const response = csvResponse(new ReadableStream(), 'trail "x"/../a.csv');
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="trail-x-..-a.csv"');
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(safeFileName("")).toBe("export");
  });

  it("writes NDJSON lines", async () => {
    async function* records() {
      yield { a: 1 };
      yield { b: "two\nlines" };
    }
    expect(await text(ndjsonStream(records()))).toBe('{"a":1}\n{"b":"two\\nlines"}\n');
  });
});
