/**
 * The opt-in share card: a small SVG with only the numbers its owner chose. Drawn from a
 * fixed template (no chart), with every text escaped.
 */
function escapeXml(text: string) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

export function renderShareCard({ name, items }: { name: string; items: Array<{ label: string; value: string }> }) {
  const rowHeight = 34;
  const height = 96 + Math.max(1, items.length) * rowHeight;
  const rows = items
    .map(
      (item, i) =>
        `<text x="28" y="${104 + i * rowHeight}" class="label">${escapeXml(item.label)}</text>` +
        `<text x="452" y="${104 + i * rowHeight}" class="value" text-anchor="end">${escapeXml(item.value)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="${height}" viewBox="0 0 480 ${height}" role="img" aria-label="${escapeXml(`${name}'s Codex activity`)}">
<title>${escapeXml(`${name}'s Codex activity`)}</title>
<style>text{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif}.title{font-size:20px;font-weight:700;fill:#1b1f24}.sub{font-size:12px;fill:#5b6470}.label{font-size:14px;fill:#5b6470}.value{font-size:16px;font-weight:700;fill:#1f5eff}</style>
<rect x="0.5" y="0.5" width="479" height="${height - 1}" rx="14" fill="#ffffff" stroke="#dde1e6"/>
<text x="28" y="42" class="title">${escapeXml(name)}</text>
<text x="28" y="64" class="sub">Codex activity · shared from Codex Ledger</text>
${items.length === 0 ? `<text x="28" y="104" class="label">Nothing chosen to share.</text>` : rows}
</svg>`;
}
