import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/**
 * Charts are drawn on the server as SVG with Observable Plot, so a page needs no JavaScript
 * to show them and the PDF reports can embed the very same SVG (svg-to-pdfkit). Every chart
 * carries its title as an accessible name and a plain-text description.
 */

/** `width`: the drawing's own width in pixels; the page shrinks it to fit, down to a readable minimum. */
export type ChartSvg = { title: string; description: string; svg: string; width: number };

const PALETTE = ["#1f5eff", "#12a4a8", "#f08c00", "#8b5cf6", "#e8590c", "#2f9e44", "#c2255c", "#5c7cfa", "#868e96"];
const SVG_NS = "http://www.w3.org/2000/svg";
const FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";

type PlotNode = {
  tagName: string;
  outerHTML: string;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelector(selector: string): PlotNode | null;
  querySelectorAll(selector: string): Iterable<PlotNode>;
  insertBefore(node: PlotNode, before: PlotNode | null): void;
  firstChild: PlotNode | null;
  children: Iterable<PlotNode>;
  textContent: string | null;
};

/** A stable id for the chart's <title> and <desc> (several charts share a page). */
function chartId(title: string) {
  let hash = 2166136261;
  for (const ch of title) hash = Math.imul(hash ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return `chart-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40)}-${hash.toString(36)}`;
}

function render(options: Record<string, unknown>, title: string, description: string): ChartSvg {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const root = Plot.plot({
    document,
    style: { fontFamily: FONT, fontSize: "11px", background: "transparent", color: "#1b1f24" },
    ...options,
  } as Plot.PlotOptions) as unknown as PlotNode;
  // With a legend Plot returns a <figure> holding the swatches and the chart's <svg>.
  const svg = root.tagName.toLowerCase() === "svg" ? root : [...root.children].find((child) => child.tagName.toLowerCase() === "svg")!;
  // One image with a title and a description (the numbers are in the table beside it):
  // Plot's per-mark aria-labels ("bar", "rule") on plain <g> elements are noise, and not allowed there.
  for (const element of svg.querySelectorAll("[aria-label], [aria-description]")) {
    element.removeAttribute("aria-label");
    element.removeAttribute("aria-description");
  }
  for (const swatch of root.querySelectorAll("span > svg")) swatch.setAttribute("aria-hidden", "true");
  const id = chartId(title);
  // SVG elements (createElementNS), whose text is escaped when serialised; an HTML <title> would not be.
  const titleNode = document.createElementNS(SVG_NS, "title") as unknown as PlotNode;
  titleNode.textContent = title;
  titleNode.setAttribute("id", `${id}-title`);
  const descNode = document.createElementNS(SVG_NS, "desc") as unknown as PlotNode;
  descNode.textContent = description;
  descNode.setAttribute("id", `${id}-desc`);
  svg.insertBefore(descNode, svg.firstChild);
  svg.insertBefore(titleNode, svg.firstChild);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-labelledby", `${id}-title`);
  svg.setAttribute("aria-describedby", `${id}-desc`);
  return { title, description, svg: root.outerHTML, width: Number(options.width ?? 640) };
}

/**
 * Rendering is the console's costliest CPU work after the queries (Plot builds a DOM with linkedom:
 * 5-17 ms per chart), and a page asks for the same charts of the same numbers again and again until
 * the next sync changes them. So each chart function remembers its latest outputs by its arguments:
 * the same arguments give the very same SVG, drawn once. Arguments holding a function (a custom
 * value format) cannot be compared and are always drawn; so is a person's year of activity
 * (contributionHeatmap), which one person asks for.
 */
const REMEMBERED_CHARTS = 64;
const remembered = new Map<string, ChartSvg>();

function rememberedChart<A extends object>(kind: string, draw: (args: A) => ChartSvg): (args: A) => ChartSvg {
  return (args) => {
    let comparable = true;
    const key = `${kind}:${JSON.stringify(args, (_name, value: unknown) => {
      if (typeof value === "function") comparable = false;
      return value;
    })}`;
    if (!comparable) return draw(args);
    const hit = remembered.get(key);
    if (hit) {
      // Most recently used last: the Map's first entry is the one to forget.
      remembered.delete(key);
      remembered.set(key, hit);
      return { ...hit };
    }
    const chart = draw(args);
    remembered.set(key, chart);
    if (remembered.size > REMEMBERED_CHARTS) remembered.delete(remembered.keys().next().value!);
    return { ...chart };
  };
}

export type SeriesPoint = { date: string; series: string; value: number };

/** Stacked columns per day (YYYY-MM-DD), one colour per series. */
export const dailyStackedBars = rememberedChart("dailyStackedBars", function dailyStackedBars({ title, description, points, yLabel, width = 720, height = 240 }: { title: string; description: string; points: SeriesPoint[]; yLabel: string; width?: number; height?: number }) {
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
});

/** A line per series over days. */
export const dailyLines = rememberedChart("dailyLines", function dailyLines({ title, description, points, yLabel, width = 720, height = 220 }: { title: string; description: string; points: SeriesPoint[]; yLabel: string; width?: number; height?: number }) {
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
});

/** `text`, when given, is printed at the bar's end instead of the formatted value (e.g. "no data" for a month without records). */
export type Share = { label: string; value: number; text?: string };

/** Horizontal bars, largest first unless told otherwise, with the value printed at the end of each bar. */
export const horizontalBars = rememberedChart("horizontalBars", function horizontalBars({
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
  // Room for the value printed after the longest bar (about 6.5 px per character at 11 px).
  const longestValue = Math.max(4, ...sorted.map((s) => (s.text ?? format(s.value)).length));
  return render(
    {
      width,
      height: 28 + sorted.length * 24,
      marginLeft: Math.min(220, 10 + 7.5 * longestLabel),
      marginRight: Math.max(40, 12 + Math.ceil(6.5 * longestValue)),
      x: { grid: true, label: xLabel, tickFormat: "s" },
      y: { label: null, domain: sorted.map((s) => s.label) },
      marks: [
        Plot.barX(sorted, { x: "value", y: "label", fill: PALETTE[0] }),
        Plot.text(sorted, { x: "value", y: "label", text: (d: Share) => d.text ?? format(d.value), textAnchor: "start", dx: 4 }),
        Plot.ruleX([0]),
      ],
    },
    title,
    description,
  );
});

export type StackedShare = { label: string; series: string; value: number };

/** Horizontal bars split into coloured parts (e.g. a tool's calls by decision), labels in the given order. */
export const stackedHorizontalBars = rememberedChart("stackedHorizontalBars", function stackedHorizontalBars({
  title,
  description,
  items,
  xLabel,
  colors,
  width = 720,
}: {
  title: string;
  description: string;
  items: StackedShare[];
  xLabel: string;
  /** Colour per series, in the legend's order. */
  colors: Record<string, string>;
  width?: number;
}) {
  const labels = [...new Set(items.map((i) => i.label))];
  const longestLabel = Math.max(8, ...labels.map((l) => l.length));
  return render(
    {
      width,
      height: 40 + labels.length * 24,
      marginLeft: Math.min(220, 10 + 7.5 * longestLabel),
      marginRight: 24,
      x: { grid: true, label: xLabel, tickFormat: "~s" },
      y: { label: null, domain: labels },
      color: { domain: Object.keys(colors), range: Object.values(colors), legend: true },
      marks: [
        Plot.barX(items, { x: "value", y: "label", fill: "series", title: (d: StackedShare) => `${d.label} ${d.series}: ${d.value.toLocaleString("en-US")}` }),
        Plot.ruleX([0]),
      ],
    },
    title,
    description,
  );
});

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
