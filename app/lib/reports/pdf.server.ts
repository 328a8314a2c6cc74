import fs from "node:fs";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";
import { dailyStackedBars, horizontalBars, type ChartSvg } from "../charts.server";
import type { MonthlyReportData } from "./monthly.server";

/**
 * The leadership PDF, drawn with pdfkit: embedded TrueType fonts (DejaVu Sans), the console's
 * own chart SVG drawn as vectors by svg-to-pdfkit, and on every page the data period, the
 * generation time and "Page n of N".
 */

const FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts/dejavu"];
export const FONT_PACKAGE = "fonts-dejavu-core";

export function findFonts() {
  for (const dir of FONT_DIRS) {
    const regular = `${dir}/DejaVuSans.ttf`;
    const bold = `${dir}/DejaVuSans-Bold.ttf`;
    if (fs.existsSync(regular) && fs.existsSync(bold)) return { regular, bold };
  }
  throw new Error(
    `The PDF report embeds the DejaVu Sans fonts, which are not installed (looked in ${FONT_DIRS.join(", ")}). Install the Debian package ${FONT_PACKAGE}: apt-get install ${FONT_PACKAGE}`,
  );
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
const INK = "#1b1f24";
const MUTED = "#57606a";

const monthName = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
const num = (v: string | number) => (typeof v === "number" ? v : Number(v)).toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 0 });
/** Exact decimal strings with thousands separators, without going through a float. */
export function groupDigits(decimal: string) {
  const [whole, fraction] = decimal.split(".");
  const sign = whole!.startsWith("-") ? "-" : "";
  const digits = whole!.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits}${fraction !== undefined ? `.${fraction}` : ""}`;
}
const money = (usd: string) => `$${groupDigits(usd)}`;
const whole = (v: number) => Math.round(v).toLocaleString("en-US");
const pct = (v: number | null) => (v === null ? "—" : `${v > 0 ? "+" : ""}${(v * 100).toFixed(1)} %`);

type Doc = PDFKit.PDFDocument;

export async function renderMonthlyPdf(data: MonthlyReportData): Promise<Buffer> {
  const fonts = findFonts();
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN + 18, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: { Title: `Codex spend report ${data.month}`, Author: "Codex Ledger", Subject: `Codex spend ${data.from} to ${data.to}`, CreationDate: new Date(data.generatedAt) },
    pdfVersion: "1.7",
  });
  doc.registerFont("Sans", fonts.regular);
  doc.registerFont("Sans-Bold", fonts.bold);
  doc.font("Sans");
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const s = data.spend;
  const t = s.totals;

  // ── Page 1: headline and trend
  doc.font("Sans-Bold").fontSize(20).fillColor(INK).text(`Codex spend — ${monthName(data.month)}`);
  doc.font("Sans").fontSize(10).fillColor(MUTED).text(`Data period ${data.from} to ${data.to} (UTC). Credits from OpenAI's COSTS feed; USD at the contract rate ($${s.usdPerCredit} per credit${s.rateChanges.length ? ", changed during the month" : ""}).`);
  doc.moveDown(0.8);
  stats(doc, [
    ["Credits", groupDigits(t.credits), `${pct(t.change)} vs ${s.previousMonth}`],
    ["Spend (USD)", money(t.usd), `${pct(t.usdChange)} vs ${s.previousMonth}`],
    ["API-equivalent (USD)", money(t.apiUsd), t.unpricedTokens !== "0" ? `+ ${num(t.unpricedTokens)} unpriced tokens` : "all usage priced"],
    ["Active users", num(t.codexActiveUsers), `${groupDigits(t.creditsPerActiveUser ?? "0.00")} credits each`],
    ["Cache savings (USD)", money(t.cacheSavingsUsd), "cached input at API list prices"],
    ["Budgets", `${data.budgets.length}`, data.budgets.some((b) => b.reached.includes(100)) ? "at least one exceeded" : data.budgets.length ? "none exceeded" : "none set"],
  ]);
  doc.moveDown(0.5);
  chart(
    doc,
    horizontalBars({
      title: "Spend trend: USD per month",
      description: "USD at the contract rate per month, last six months.",
      items: data.trend.map((m) => ({ label: m.month, value: m.usdValue, text: m.daysWithData ? undefined : "no data" })),
      xLabel: "USD",
      keepOrder: true,
      width: 500,
      format: (v) => `$${v.toLocaleString("en-US", { maximumFractionDigits: 0 })}`,
    }),
  );
  chart(
    doc,
    dailyStackedBars({
      title: "Credits per day",
      description: "Credits from COSTS per UTC day of the month.",
      yLabel: "Credits",
      points: s.days.map((d) => ({ date: d.day, series: "credits", value: d.creditsValue })),
      width: 720,
      height: 220,
    }),
  );

  // ── Page 2: by team and model
  doc.addPage();
  heading(doc, "Spend by team");
  chart(doc, horizontalBars({ title: "Credits by team", description: "Credits per team in the month (team as in force on each day).", items: s.dimensions.team.slice(0, 10).map((r) => ({ label: r.key, value: r.creditsValue })), xLabel: "Credits", width: 500, format: whole }));
  table(
    doc,
    ["Team", "Credits", "USD", "Active", "Credits/user", "vs prev."],
    [150, 80, 75, 50, 80, 64],
    s.dimensions.team.slice(0, 12).map((r) => [r.key, groupDigits(r.credits), money(r.usd), String(r.activeUsers), groupDigits(r.creditsPerActiveUser ?? "—"), pct(r.change)]),
  );
  heading(doc, "Spend by model");
  table(
    doc,
    ["Model", "Credits", "USD", "API-equiv. USD", "Unpriced tokens"],
    [150, 80, 75, 95, 99],
    s.dimensions.model.slice(0, 15).map((r) => [r.key || "(no model)", groupDigits(r.credits), money(r.usd), r.unpricedTokens !== "0" ? "unpriced" : money(r.apiUsd), r.unpricedTokens === "0" ? "—" : num(r.unpricedTokens)]),
  );

  // ── Page 3: people and savings
  doc.addPage();
  heading(doc, data.named ? "Top users" : "Top users (pseudonymised)");
  if (!data.named) note(doc, "People are shown by a stable pseudonym; a named copy is available to finance on request.");
  table(
    doc,
    ["Person", "Team", "Credits", "USD", "vs prev."],
    [170, 110, 80, 70, 69],
    data.topUsers.map((u) => [u.label, u.team ?? "—", groupDigits(u.credits), money(u.usd), pct(u.change)]),
    2,
  );
  heading(doc, "Top movers (teams)");
  table(
    doc,
    ["Team", "Credits", "Previous", "Change", ""],
    [170, 90, 90, 90, 59],
    s.movers.team.map((m) => [m.key, groupDigits(m.credits), groupDigits(m.previousCredits), `${m.deltaValue > 0 ? "+" : ""}${groupDigits(m.delta)}`, pct(m.change)]),
  );
  heading(doc, "Cache savings");
  note(doc, `Cached input tokens cost less than uncached ones. At API list prices the cache saved ${money(t.cacheSavingsUsd)} this month (${num(t.cachedInputTokens)} cached input tokens).`);
  table(
    doc,
    ["Model", "Cached input tokens", "Saved (USD)"],
    [200, 150, 149],
    s.cacheSavingsByModel.slice(0, 10).map((m) => [m.model, num(m.cachedInputTokens), money(m.cacheSavingsUsd)]),
  );

  // ── Page 4: budgets, code review, coverage
  doc.addPage();
  heading(doc, "Budget status");
  if (data.budgets.length === 0) note(doc, "No budgets are set for this month.");
  else
    table(
      doc,
      ["Budget", "Amount", "Spent", "Used", "Forecast", "Alerts"],
      [120, 85, 85, 55, 85, 69],
      data.budgets.map((b) => {
        const f = (v: string) => (b.unit === "usd" ? money(v) : `${groupDigits(v)} cr`);
        return [b.label, f(b.amount), f(b.spent), b.percent === null ? "—" : `${b.percent.toFixed(1)} %`, f(b.forecast), b.reached.length ? `${Math.max(...b.reached)} %` : "—"];
      }),
    );
  heading(doc, "Code-review engagement");
  const cr = data.codeReview.totals;
  note(
    doc,
    `${num(cr.pullRequests)} pull requests reviewed by Codex; ${num(cr.comments)} comments (P0 ${num(cr.p0)}, P1 ${num(cr.p1)}, P2 ${num(cr.p2)}); ${num(cr.replies)} replies; reactions ${num(cr.upvotes)} up, ${num(cr.downvotes)} down, ${num(cr.otherReactions)} other. Engagement rate (comments that got a reply or reaction): ${cr.engagementRate === null ? "—" : `${(cr.engagementRate * 100).toFixed(1)} %`}.`,
  );
  // A chart of nothing but zeros has no scale to draw (its axis would read NaN): say so instead.
  if (data.codeReview.weekly.some((w) => w.comments > 0)) {
    chart(doc, horizontalBars({ title: "Comments per week", description: "Codex review comments per week (weeks start on Monday).", items: data.codeReview.weekly.map((w) => ({ label: `week of ${w.day}`, value: w.comments })), xLabel: "Comments", keepOrder: true, width: 500, format: whole }));
  } else note(doc, "No Codex review comments in this period.");
  note(doc, data.codeReview.sourceNote);
  heading(doc, "Data coverage");
  const lines = [
    data.coverage.statement,
    s.lastDay ? `The last day with COSTS data in this period is ${s.lastDay} (${s.daysWithData} of the month's days have data).` : "There is no COSTS data for this period.",
    s.unpriced.length ? `Unpriced usage (no list price for the model; shown as unpriced, never as $0): ${s.unpriced.map((u) => `${u.model} ${num(u.tokens)} tokens`).join("; ")}.` : "Every model used this month has a list price.",
    data.coverage.gaps.length
      ? `Gaps lost at the source: ${data.coverage.gaps.map((g) => `${g.source}/${g.stream} ${g.from.slice(0, 16)} to ${g.to.slice(0, 16)} (${g.reason})`).join("; ")}.`
      : "No sync gaps were recorded for this period.",
    `Reconciliation: COSTS ${groupDigits(data.coverage.reconciliation.costsCredits)} credits, Analytics API ${groupDigits(data.coverage.reconciliation.analyticsCredits)} credits, difference ${groupDigits(data.coverage.reconciliation.difference)} (${data.coverage.reconciliation.differing} person-days differ).`,
  ];
  for (const line of lines) note(doc, `• ${line}`);

  // ── Footers on every page
  const range = doc.bufferedPageRange();
  const generated = `${data.generatedAt.slice(0, 16).replace("T", " ")} UTC`;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("Sans").fontSize(8).fillColor(MUTED);
    doc.text(`Codex Ledger · Codex spend report ${data.month}`, MARGIN, MARGIN - 4, { width: CONTENT_WIDTH, align: "left", lineBreak: false });
    doc.text(`Data period ${data.from} to ${data.to} · Generated ${generated}`, MARGIN, A4.height - MARGIN + 2, { width: CONTENT_WIDTH - 80, align: "left", lineBreak: false });
    doc.text(`Page ${i + 1} of ${range.count}`, A4.width - MARGIN - 80, A4.height - MARGIN + 2, { width: 80, align: "right", lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

function ensureSpace(doc: Doc, height: number) {
  if (doc.y + height > A4.height - doc.page.margins.bottom) doc.addPage();
}

function heading(doc: Doc, text: string) {
  ensureSpace(doc, 60);
  doc.moveDown(0.6);
  doc.font("Sans-Bold").fontSize(13).fillColor(INK).text(text, MARGIN, doc.y);
  doc.moveDown(0.3);
}

function note(doc: Doc, text: string) {
  ensureSpace(doc, 30);
  doc.font("Sans").fontSize(9).fillColor(MUTED).text(text, MARGIN, doc.y, { width: CONTENT_WIDTH });
  doc.moveDown(0.4);
}

function stats(doc: Doc, items: Array<[string, string, string]>) {
  const columns = 3;
  const w = CONTENT_WIDTH / columns;
  const h = 58;
  const top = doc.y;
  items.forEach(([label, value, sub], i) => {
    const x = MARGIN + (i % columns) * w;
    const y = top + Math.floor(i / columns) * (h + 8);
    doc.roundedRect(x + 2, y, w - 8, h, 4).fillAndStroke("#f6f8fa", "#d0d7de");
    doc.font("Sans").fontSize(8).fillColor(MUTED).text(label, x + 10, y + 7, { width: w - 24, lineBreak: false });
    doc.font("Sans-Bold").fontSize(15).fillColor(INK).text(value, x + 10, y + 19, { width: w - 24, lineBreak: false });
    doc.font("Sans").fontSize(7.5).fillColor(MUTED).text(sub, x + 10, y + 40, { width: w - 24, lineBreak: false });
  });
  doc.x = MARGIN;
  doc.y = top + Math.ceil(items.length / columns) * (h + 8) + 4;
}

/** The console's chart SVG, scaled to the content width, drawn as vectors. */
function chart(doc: Doc, svg: ChartSvg) {
  const open = /<svg[^>]*>/.exec(svg.svg)?.[0] ?? "";
  const sw = Number(/\swidth="([\d.]+)"/.exec(open)?.[1] ?? 640);
  const sh = Number(/\sheight="([\d.]+)"/.exec(open)?.[1] ?? 240);
  const width = Math.min(CONTENT_WIDTH, sw * 0.75);
  const height = (sh / sw) * width;
  ensureSpace(doc, height + 24);
  doc.font("Sans-Bold").fontSize(10).fillColor(INK).text(svg.title, MARGIN, doc.y);
  const y = doc.y + 4;
  SVGtoPDF(doc, svg.svg, MARGIN, y, { width, height, preserveAspectRatio: "xMinYMin meet", fontCallback: (_family, bold) => (bold ? "Sans-Bold" : "Sans"), warningCallback: () => {} });
  doc.x = MARGIN;
  doc.y = y + height + 10;
}

function table(doc: Doc, headers: string[], widths: number[], rows: string[][], textColumns = 1) {
  const rowHeight = 15;
  const drawHeader = () => {
    let x = MARGIN;
    const y = doc.y;
    doc.font("Sans-Bold").fontSize(8.5).fillColor(INK);
    headers.forEach((h, i) => {
      doc.text(h, x + 3, y, { width: widths[i]! - 6, align: i < textColumns ? "left" : "right", lineBreak: false });
      x += widths[i]!;
    });
    doc.y = y + rowHeight - 3;
    doc.moveTo(MARGIN, doc.y - 2).lineTo(MARGIN + widths.reduce((a, b) => a + b, 0), doc.y - 2).lineWidth(0.5).strokeColor("#d0d7de").stroke();
  };
  if (rows.length === 0) {
    note(doc, "Nothing to show for this month.");
    return;
  }
  ensureSpace(doc, rowHeight * 3);
  drawHeader();
  rows.forEach((row, r) => {
    if (doc.y + rowHeight > A4.height - doc.page.margins.bottom) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    if (r % 2 === 1) doc.rect(MARGIN, y - 2, widths.reduce((a, b) => a + b, 0), rowHeight).fill("#f6f8fa");
    let x = MARGIN;
    doc.font("Sans").fontSize(8.5);
    row.forEach((cell, i) => {
      doc.fillColor(cell === "unpriced" ? "#c2255c" : INK).text(cell, x + 3, y + 1, { width: widths[i]! - 6, align: i < textColumns ? "left" : "right", lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.y = y + rowHeight;
  });
  doc.x = MARGIN;
  doc.moveDown(0.3);
}
