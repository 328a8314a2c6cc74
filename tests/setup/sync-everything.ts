import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import type { Database, DatabaseHandle } from "../../db/client.server";
import { WORKSPACE_EVENT_TYPES, type ComplianceScope } from "../../app/lib/openai/compliance-client.server";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../../app/lib/openai/http.server";
import { workerPreparer } from "../../app/lib/ingest/prepare-pool";
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from "../../scripts/simulator";
import { createTestDatabase } from "./test-database";
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

/**
 * A test database and the simulator of `simulation` for one test file: opened before its tests, closed
 * after them. `db` is the database; `syncAll()` syncs every Compliance stream into it at `simulation.now`.
 */
export function simulatedWorkspace(simulation: Omit<SimulatorOptions, "port"> & { now: Date }) {
  const redactionKey = randomBytes(32);
  let handle: DatabaseHandle | undefined;
  let sim: SimulatorHandle | undefined;
  beforeAll(async () => {
    handle = await createTestDatabase();
    sim = await startSimulator({ port: 0, ...simulation });
  });
  afterAll(async () => {
    await sim?.close();
    await handle?.close();
  });
  const opened = () => {
    if (!handle || !sim) throw new Error("the test database and simulator open before the file's tests");
    return { handle, sim };
  };
  return {
    get db(): Database {
      return opened().handle.db;
    },
    syncAll: () => syncEveryComplianceStream({ db: opened().handle.db, sim: opened().sim, redactionKey, now: simulation.now }),
  };
}
