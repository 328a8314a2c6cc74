import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/**
 * Charts are drawn on the server as SVG with Observable Plot, so a page needs no JavaScript
 * to show them and the PDF reports can embed the very same SVG (svg-to-pdfkit). Every chart
 * carries its title as an accessible name and a plain-text description.
 */

export type ChartSvg = { title: string; description: string; svg: string };

const PALETTE = ["#1f5eff", "#12a4a8", "#f08c00", "#8b5cf6", "#e8590c", "#2f9e44", "#c2255c", "#5c7cfa", "#868e96"];
const FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

function render(options: Record<string, unknown>, title: string, description: string): ChartSvg {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const node = Plot.plot({
    document,
    style: { fontFamily: FONT, fontSize: "11px", background: "transparent", color: "#1b1f24" },
    ariaLabel: title,
    ariaDescription: description,
    ...options,
  } as Plot.PlotOptions) as unknown as { outerHTML: string; setAttribute(name: string, value: string): void };
  node.setAttribute("role", "img");
  return { title, description, svg: node.outerHTML };
}

export type SeriesPoint = { date: string; series: string; value: number };

/** Stacked columns per day (YYYY-MM-DD), one colour per series. */
export function dailyStackedBars({ title, description, points, yLabel, width = 720, height = 240 }: { title: string; description: string; points: SeriesPoint[]; yLabel: string; width?: number; height?: number }) {
  const data = points.map((p) => ({ ...p, day: new Date(`${p.date}T00:00:00Z`) }));
  const series = [...new Set(points.map((p) => p.series))];
  return render(
    {
      width,
      height,
      marginLeft: 56,
      x: { type: "utc", label: null },
      y: { grid: true, label: yLabel, tickFormat: "s" },
      color: { domain: series, range: PALETTE, legend: series.length > 1 },
      marks: [
        Plot.rectY(data, { x: "day", y: "value", fill: "series", interval: "day", inset: 0.5, title: (d: SeriesPoint) => `${d.date} ${d.series}: ${d.value.toLocaleString("en-US")}` }),
        Plot.ruleY([0]),
      ],
    },
    title,
    description,
  );
}

/** A line per series over days. */
export function dailyLines({ title, description, points, yLabel, width = 720, height = 220 }: { title: string; description: string; points: SeriesPoint[]; yLabel: string; width?: number; height?: number }) {
  const data = points.map((p) => ({ ...p, day: new Date(`${p.date}T00:00:00Z`) }));
  const series = [...new Set(points.map((p) => p.series))];
  return render(
    {
      width,
      height,
      marginLeft: 56,
      x: { type: "utc", label: null },
      y: { grid: true, label: yLabel, tickFormat: "s", zero: true },
      color: { domain: series, range: PALETTE, legend: series.length > 1 },
      marks: [Plot.lineY(data, { x: "day", y: "value", stroke: "series", strokeWidth: 2 }), Plot.dot(data, { x: "day", y: "value", fill: "series", r: 2 })],
    },
    title,
    description,
  );
}

export type Share = { label: string; value: number };

/** Horizontal bars, largest first unless told otherwise, with the value printed at the end of each bar. */
export function horizontalBars({
  title,
  description,
  items,
  xLabel,
  width = 440,
  keepOrder = false,
  format = (v: number) => v.toLocaleString("en-US"),
}: {
  title: string;
  description: string;
  items: Share[];
  xLabel: string;
  width?: number;
  /** Keep the given order (e.g. chronological) instead of largest first. */
  keepOrder?: boolean;
  format?: (v: number) => string;
}) {
  const sorted = keepOrder ? items : [...items].sort((a, b) => b.value - a.value);
  const longestLabel = Math.max(8, ...sorted.map((s) => s.label.length));
  return render(
    {
      width,
      height: 28 + sorted.length * 24,
      marginLeft: Math.min(220, 10 + 7.5 * longestLabel),
      marginRight: 70,
      x: { grid: true, label: xLabel, tickFormat: "s" },
      y: { label: null, domain: sorted.map((s) => s.label) },
      marks: [
        Plot.barX(sorted, { x: "value", y: "label", fill: PALETTE[0] }),
        Plot.text(sorted, { x: "value", y: "label", text: (d: Share) => format(d.value), textAnchor: "start", dx: 4 }),
        Plot.ruleX([0]),
      ],
    },
    title,
    description,
  );
}

export type DayValue = { date: string; value: number };

/** A GitHub-style contribution calendar: weeks as columns, weekdays as rows. */
export function contributionHeatmap({ title, description, days, from, to, valueLabel }: { title: string; description: string; days: DayValue[]; from: string; to: string; valueLabel: string }) {
  const byDay = new Map(days.map((d) => [d.date, d.value]));
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  // Columns are weeks since the Sunday on or before `from`.
  const firstSunday = new Date(start.getTime() - start.getUTCDay() * 86_400_000);
  const cells: Array<{ week: number; weekday: number; date: string; value: number }> = [];
  for (let t = start.getTime(); t <= end.getTime(); t += 86_400_000) {
    const date = new Date(t);
    const key = date.toISOString().slice(0, 10);
    cells.push({ week: Math.floor((t - firstSunday.getTime()) / (7 * 86_400_000)), weekday: date.getUTCDay(), date: key, value: byDay.get(key) ?? 0 });
  }
  const max = Math.max(1, ...cells.map((c) => c.value));
  const weeks = Math.max(1, (cells.at(-1)?.week ?? 0) + 1);
  return render(
    {
      width: Math.max(320, 40 + weeks * 14),
      height: 140,
      marginLeft: 36,
      marginTop: 18,
      padding: 0.15,
      x: { axis: null, domain: Array.from({ length: weeks }, (_, i) => i) },
      y: { domain: [0, 1, 2, 3, 4, 5, 6], tickFormat: (d: number) => ["Sun", "", "Tue", "", "Thu", "", "Sat"][d], label: null, tickSize: 0 },
      color: { type: "sqrt", domain: [0, max], range: ["#ebedf0", "#1f5eff"] },
      marks: [
        Plot.cell(cells, { x: "week", y: "weekday", fill: (c: { value: number }) => c.value, rx: 2, title: (c: { date: string; value: number }) => `${c.date}: ${c.value.toLocaleString("en-US")} ${valueLabel}` }),
        Plot.text(
          cells.filter((c) => c.date.endsWith("-01") || c === cells[0]),
          { x: "week", y: () => 0, dy: -14, text: (c: { date: string }) => new Date(`${c.date}T00:00:00Z`).toLocaleString("en-GB", { month: "short", timeZone: "UTC" }), textAnchor: "start" },
        ),
      ],
    },
    title,
    description,
  );
}
