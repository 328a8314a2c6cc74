import { expect } from "vitest";
import type { Database } from "../../db/client.server";
import { WORKSPACE_EVENT_TYPES, type ComplianceScope } from "../../app/lib/openai/compliance-client.server";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../app/lib/openai/http.server";
import { workerPreparer } from "../../app/lib/ingest/prepare-pool";
import type { SimulatorHandle } from "../../scripts/simulator";
import { syncComplianceStream } from "../../jobs/compliance_logs__sync";

/** Retries without waiting: the simulator answers at once. */
export const FAST_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, timeoutMs: 2_000, maxAttempts: 6, sleep: async () => {} };

/**
 * Every Compliance stream of the simulator (the workspace's event types, then the organisation's
 * COSTS) synced into `db` over HTTP, through the worker thread that prepares files as `npm run
 * sync` does; each stream must end without errors.
 */
export async function syncEveryComplianceStream({ db, sim, redactionKey, now }: { db: Database; sim: SimulatorHandle; redactionKey: Buffer; now: Date }) {
  const connection = { apiBase: sim.baseUrl.replace(/\/+$/, ""), complianceApiKey: sim.complianceApiKey, workspaceId: sim.workspaceId, orgId: sim.orgId };
  const preparer = workerPreparer({ redaction: { key: redactionKey }, textPolicy: "redacted" });
  try {
    for (const eventType of [...WORKSPACE_EVENT_TYPES, "COSTS"]) {
      const scope: ComplianceScope = eventType === "COSTS" ? { kind: "organization", id: sim.orgId } : { kind: "workspace", id: sim.workspaceId };
      const result = await syncComplianceStream({ db, connection, scope, eventType, preparer, backfillDays: 30, now, policy: FAST_RETRIES });
      expect(result.errors).toEqual([]);
    }
  } finally {
    await preparer.close();
  }
}
