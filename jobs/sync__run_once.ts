import type { Database } from "../db/client.server";
import type { OpenAIConnection } from "../app/lib/openai/connection";
import { ORGANIZATION_EVENT_TYPES, WORKSPACE_EVENT_TYPES, type ComplianceScope } from "../app/lib/openai/compliance-client.server";
import type { RetryPolicy } from "../app/lib/openai/http.server";
import { workerPreparer } from "../app/lib/ingest/prepare-pool";
import type { TextPolicy } from "../app/models/events.server";
import { finishSyncRun, startSyncRun } from "../app/models/sync-state.server";
import { syncAnalytics } from "./analytics__sync";
import { syncComplianceStream, type SourceSummary, type SyncLogger, type SyncProgress } from "./compliance_logs__sync";

/**
 * sync__run_once: one full pass of every configured source, in a fixed order, each source
 * independent of the others' failures. The result is the `npm run sync -- --json` contract.
 */

export type SyncSummary = { ok: boolean; sources: SourceSummary[]; totalEvents: number };

export type SyncSettings = {
  backfillDays: number;
  textPolicy: TextPolicy;
  redactionKey: Buffer;
  redactIpAddresses: boolean;
};

export type PlannedStream = { source: "compliance" | "analytics"; eventType: string };

export function plannedStreams(connection: OpenAIConnection): PlannedStream[] {
  const streams: PlannedStream[] = [];
  if (connection.complianceApiKey && connection.workspaceId) {
    for (const eventType of WORKSPACE_EVENT_TYPES) streams.push({ source: "compliance", eventType });
  }
  if (connection.complianceApiKey && connection.orgId) {
    for (const eventType of ORGANIZATION_EVENT_TYPES) streams.push({ source: "compliance", eventType });
  }
  if (connection.analyticsApiKey && connection.workspaceId) {
    for (const eventType of ["usage", "code_reviews", "code_review_responses"]) streams.push({ source: "analytics", eventType });
  }
  return streams;
}

export async function runSyncOnce({
  db,
  connection,
  settings,
  trigger,
  now = new Date(),
  policy,
  onProgress,
  onStreamDone,
  logger,
}: {
  db: Database;
  connection: OpenAIConnection;
  settings: SyncSettings;
  trigger: string;
  now?: Date;
  policy?: RetryPolicy;
  onProgress?: (progress: SyncProgress) => void;
  onStreamDone?: (summary: SourceSummary) => void;
  logger?: SyncLogger;
}): Promise<SyncSummary> {
  const runId = await startSyncRun({ db, trigger });
  // One worker thread prepares (parses, redacts) the files of every Compliance stream of this run, in order.
  const preparer = workerPreparer({ redaction: { key: settings.redactionKey, detectIpAddresses: settings.redactIpAddresses }, textPolicy: settings.textPolicy });
  const sources: SourceSummary[] = [];
  const streams = plannedStreams(connection);
  const done = (summary: SourceSummary) => {
    sources.push(summary);
    onStreamDone?.(summary);
  };

  try {
    for (const stream of streams.filter((s) => s.source === "compliance")) {
      const scope: ComplianceScope = (ORGANIZATION_EVENT_TYPES as readonly string[]).includes(stream.eventType)
        ? { kind: "organization", id: connection.orgId! }
        : { kind: "workspace", id: connection.workspaceId! };
      done(
        await syncComplianceStream({
          db,
          connection,
          scope,
          eventType: stream.eventType,
          preparer,
          backfillDays: settings.backfillDays,
          now,
          policy,
          onProgress,
          logger,
        }),
      );
    }
  } finally {
    await preparer.close();
  }
  const analyticsStreams = streams.filter((s) => s.source === "analytics").map((s) => s.eventType);
  if (analyticsStreams.length > 0) {
    const results = await syncAnalytics({ db, connection, streams: analyticsStreams as never, now, backfillDays: settings.backfillDays, policy });
    for (const summary of results) done(summary);
  }

  const result: SyncSummary = {
    ok: streams.length > 0 && sources.every((s) => s.errors.length === 0),
    sources,
    totalEvents: sources.reduce((sum, s) => sum + s.newEvents, 0),
  };
  if (streams.length === 0) {
    result.sources.push({
      source: "configuration",
      eventType: "-",
      files: 0,
      events: 0,
      newEvents: 0,
      errors: ["No source is configured: set OPENAI_COMPLIANCE_API_KEY with OPENAI_WORKSPACE_ID (and OPENAI_ORG_ID for COSTS), and/or OPENAI_ANALYTICS_API_KEY."],
    });
  }
  await finishSyncRun({ db, id: runId, ok: result.ok, summary: result });
  return result;
}
