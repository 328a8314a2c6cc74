/**
 * A sync in a process of its own, for the crash test: it opens the database named on the
 * command line and syncs from the simulator named in its environment, so the test can
 * SIGKILL it at any point. Not a product entry point (it bypasses the configuration).
 */
import { openDatabase } from "../../db/client.server";
import { runSyncOnce } from "../../jobs/sync__run_once";

const [target] = process.argv.slice(2);
if (!target) throw new Error("usage: sync-child.ts <pglite folder | postgres url>");
const env = process.env;
const database = await openDatabase(target.startsWith("postgres") ? { kind: "postgres", url: target } : { kind: "pglite", dataDir: target });
await database.migrate();
const summary = await runSyncOnce({
  db: database.db,
  connection: {
    apiBase: env.CHILD_API_BASE!,
    complianceApiKey: env.CHILD_COMPLIANCE_KEY,
    analyticsApiKey: env.CHILD_ANALYTICS_KEY,
    workspaceId: env.CHILD_WORKSPACE_ID,
    orgId: env.CHILD_ORG_ID,
  },
  settings: { backfillDays: 30, textPolicy: "redacted", redactionKey: Buffer.from(env.CHILD_REDACTION_KEY!, "hex"), redactIpAddresses: false },
  trigger: "crash-test",
  now: new Date(env.CHILD_NOW!),
});
await database.close();
process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exit(summary.ok ? 0 : 1);
