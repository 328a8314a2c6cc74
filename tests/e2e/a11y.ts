import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/**
 * The accessibility check: axe-core's WCAG 2.0/2.1/2.2 A and AA rules plus its best practices,
 * failing on serious and critical violations. Rules switched off, each with the reason:
 * (none so far — add `disableRules([...])` here with a sentence saying why).
 */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const BLOCKING = new Set(["serious", "critical"]);

/** Serious and critical violations on the page as it is now, one readable line per element. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  // Legacy mode runs axe inside the page itself instead of finishing in a new blank page: about
  // twice as fast here, and the console has no cross-origin frames that only the other mode checks.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).withTags(TAGS).analyze();
  return results.violations
    .filter((v) => BLOCKING.has(v.impact ?? ""))
    .flatMap((v) =>
      v.nodes.map((node) => `${where}: [${v.impact}] ${v.id} — ${v.help} — ${node.target.join(" ")} — ${node.failureSummary?.replace(/\s+/g, " ").trim() ?? ""}`),
    );
}
