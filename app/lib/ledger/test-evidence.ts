import { randomBytes } from "node:crypto";
import type { Database } from "../../../db/client.server";
import { syncComplianceStream } from "../../../jobs/compliance_logs__sync";
import { startSimulator } from "../../../scripts/simulator";
import { WORKSPACE_EVENT_TYPES } from "../openai/compliance-client.server";
import { DEFAULT_RETRY_POLICY } from "../openai/http.server";
import { SessionSecrets } from "../openai/session-secrets";
import { createRedactor } from "../redaction";

/**
 * Tests only: fills a test database with real evidence from a tiny simulated workspace
 * (every workspace event type, redacted text and findings included), as the sync stores it.
 */
export async function syncTinyWorkspace({ db, now, users = 4, days = 1, seed = 7 }: { db: Database; now: Date; users?: number; days?: number; seed?: number }) {
  const sim = await startSimulator({ port: 0, seed, users, days, now });
  try {
    const connection = { apiBase: sim.baseUrl.replace(/\/+$/, ""), complianceApiKey: sim.complianceApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
    const redactor = createRedactor({ key: randomBytes(32) });
    const sessionSecrets = new SessionSecrets();
    for (const eventType of WORKSPACE_EVENT_TYPES) {
      await syncComplianceStream({
        db,
        connection,
        scope: { kind: "workspace", id: sim.workspaceId },
        eventType,
        redactor,
        textPolicy: "redacted",
        backfillDays: 30,
        now,
        policy: { ...DEFAULT_RETRY_POLICY, sleep: async () => {} },
        sessionSecrets,
      });
    }
    return { workspaceId: sim.workspaceId };
  } finally {
    await sim.close();
  }
}
