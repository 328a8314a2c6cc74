import { describe, expect, it } from "vitest";
import { dailyLines, dailyStackedBars, horizontalBars } from "./charts.server";

describe("server-rendered charts", () => {
  it("are one image named by a <title> and described by a <desc>, without per-mark labels", () => {
    const chart = horizontalBars({ title: "Tokens by model", description: "All tokens by model over the range.", items: [{ label: "gpt-5", value: 12 }], xLabel: "Tokens" });
    const open = /<svg[^>]*>/.exec(chart.svg)![0];
    expect(open).toContain('role="img"');
    const titleId = /aria-labelledby="([^"]+)"/.exec(open)![1];
    const descId = /aria-describedby="([^"]+)"/.exec(open)![1];
    expect(chart.svg).toContain(`<title id="${titleId}">Tokens by model</title>`);
    expect(chart.svg).toContain(`<desc id="${descId}">All tokens by model over the range.</desc>`);
    expect(chart.svg).not.toMatch(/<g[^>]*aria-label=/);
    expect(chart.svg).toContain('viewBox="0 0 ');
  });

  it("line charts keep no per-mark labels either", () => {
    const points = [
      { date: "2026-01-01", series: "threads", value: 1 },
      { date: "2026-01-02", series: "threads", value: 2 },
      { date: "2026-01-01", series: "people", value: 3 },
    ];
    const chart = dailyLines({ title: "Conversations", description: "Per day.", yLabel: "Count", points });
    expect(chart.svg).not.toMatch(/<g[^>]*aria-label=/);
    const image = [...chart.svg.matchAll(/<svg[^>]*>/g)].map((m) => m[0]).find((s) => s.includes('role="img"'))!;
    expect(image).toMatch(/aria-labelledby="chart-conversations-[a-z0-9]+-title"/);
  });

  it("with a legend, name the chart's svg, not the legend's swatches", () => {
    const chart = dailyStackedBars({
      title: "Tokens per day",
      description: "Per UTC day.",
      yLabel: "Tokens",
      points: [
        { date: "2026-01-01", series: "input", value: 3 },
        { date: "2026-01-01", series: "output", value: 4 },
      ],
    });
    expect(chart.svg.startsWith("<figure")).toBe(true);
    const svgs = [...chart.svg.matchAll(/<svg[^>]*>/g)].map((m) => m[0]);
    // Two legend swatches, hidden, then the chart.
    expect(svgs.map((s) => [s.includes('role="img"'), s.includes('aria-hidden="true"')])).toEqual([
      [false, true],
      [false, true],
      [true, false],
    ]);
    expect(chart.svg).not.toMatch(/<g[^>]*aria-label=/);
    // Escaped like any text Plot writes.
    const escaped = horizontalBars({ title: "a </title><script>x</script>", description: "<b>d</b>", items: [{ label: "<i>team</i>", value: 1 }], xLabel: "x" });
    expect(escaped.svg).toContain("a &lt;/title&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(escaped.svg).toContain("&lt;b&gt;d&lt;/b&gt;");
    expect(escaped.svg).not.toMatch(/<(script|b|i)>/);
  });
});

describe("remembered charts", () => {
  const items = [
    { label: "gpt-5", value: 12 },
    { label: "o3", value: 5 },
  ];
  it("draw the same arguments once and give the same SVG, and draw other arguments anew", () => {
    const args = { title: "Remembered", description: "Same numbers.", items, xLabel: "Tokens" };
    const first = horizontalBars(args);
    const again = horizontalBars({ ...args, items: items.map((i) => ({ ...i })) });
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    const changed = horizontalBars({ ...args, items: [{ label: "gpt-5", value: 13 }, items[1]!] });
    expect(changed.svg).not.toBe(first.svg);
    expect(changed.svg).toContain(">13<");
    // A custom format cannot be compared: each call draws with its own.
    expect(horizontalBars({ ...args, format: (v) => `${v} tok` }).svg).toContain(">12 tok<");
    expect(horizontalBars({ ...args, format: (v) => `${v} t` }).svg).toContain(">12 t<");
  });
});
