import { createHash } from "node:crypto";
import { z } from "zod";
import type { OpenAIConnection } from "./connection";
import { DEFAULT_RETRY_POLICY, getWithRetry, OpenAIApiError, type RetryPolicy } from "./http.server";

/**
 * The Compliance Logs Platform: list finalized JSONL log files per event type by time
 * cursor, and download them. See ../shared/design/openai-interfaces.md §1.
 */

export const WORKSPACE_EVENT_TYPES = ["CODEX_LOG", "CODEX_SECURITY_LOG", "AUTH_LOG", "AUDIT_LOG"] as const;
export const ORGANIZATION_EVENT_TYPES = ["COSTS"] as const;
export type ComplianceEventType = (typeof WORKSPACE_EVENT_TYPES)[number] | (typeof ORGANIZATION_EVENT_TYPES)[number];

export type ComplianceScope = { kind: "workspace" | "organization"; id: string };

export function scopeKey(scope: ComplianceScope) {
  return `${scope.kind}:${scope.id}`;
}

function scopePath(connection: OpenAIConnection, scope: ComplianceScope) {
  const segment = scope.kind === "workspace" ? "workspaces" : "organizations";
  return `${connection.apiBase}/v1/compliance/${segment}/${encodeURIComponent(scope.id)}/logs`;
}

const logFileSchema = z
  .object({
    id: z.string().min(1),
    event_type: z.string().optional(),
    end_time: z.string().min(1),
    file_name: z.string().optional().nullable(),
    file_size: z.number().int().nonnegative().optional().nullable(),
    // May be empty: then there is nothing to check against.
    file_sha256: z.string().optional().nullable(),
  })
  .loose();

const listPageSchema = z
  .object({
    data: z.array(logFileSchema),
    has_more: z.boolean(),
    last_end_time: z.string().nullable().optional(),
  })
  .loose();

export type LogFile = z.infer<typeof logFileSchema>;
export type LogFilePage = { files: LogFile[]; hasMore: boolean; lastEndTime: string | null };

function authHeaders(connection: OpenAIConnection) {
  if (!connection.complianceApiKey) throw new OpenAIApiError("OPENAI_COMPLIANCE_API_KEY is not configured.", null, false);
  return { Authorization: `Bearer ${connection.complianceApiKey}`, Accept: "application/json" };
}

export async function listLogFiles({
  connection,
  scope,
  eventType,
  after,
  limit = 100,
  policy = DEFAULT_RETRY_POLICY,
}: {
  connection: OpenAIConnection;
  scope: ComplianceScope;
  eventType: string;
  after: string;
  limit?: number;
  policy?: RetryPolicy;
}): Promise<LogFilePage> {
  const url = new URL(scopePath(connection, scope));
  url.searchParams.set("event_type", eventType);
  url.searchParams.set("after", after);
  url.searchParams.set("limit", String(limit));
  const response = await getWithRetry(url.href, {
    headers: authHeaders(connection),
    api: "compliance",
    what: `listing ${eventType} log files`,
    policy,
  });
  const parsed = listPageSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) {
    const where = parsed.error.issues[0];
    throw new OpenAIApiError(
      `The ${eventType} log-file list did not have the expected shape (${where?.path.join(".") || "body"}: ${where?.message ?? "invalid"}).`,
      response.status,
      false,
    );
  }
  return { files: parsed.data.data, hasMore: parsed.data.has_more, lastEndTime: parsed.data.last_end_time ?? null };
}

export class FileIntegrityError extends Error {
  override name = "FileIntegrityError";
}

export class FileGoneError extends Error {
  override name = "FileGoneError";
}

/**
 * Downloads one log file (following the 307 to its signed URL) and checks its size and
 * sha256. A signed URL that expired (410) is asked for again; a body that does not match
 * its checksum is downloaded again; both up to `attempts` times.
 */
export async function downloadLogFile({
  connection,
  scope,
  file,
  policy = DEFAULT_RETRY_POLICY,
  attempts = 3,
}: {
  connection: OpenAIConnection;
  scope: ComplianceScope;
  file: Pick<LogFile, "id" | "file_sha256" | "file_size" | "event_type">;
  policy?: RetryPolicy;
  attempts?: number;
}): Promise<Buffer> {
  const url = `${scopePath(connection, scope)}/${encodeURIComponent(file.id)}`;
  let problem = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let response: Response;
    try {
      response = await getWithRetry(url, { headers: authHeaders(connection), api: "compliance", what: `downloading log file ${file.id}`, policy });
    } catch (error) {
      if (error instanceof OpenAIApiError && error.status === 410) {
        problem = "the download link or the file expired (410)";
        continue;
      }
      throw error;
    }
    let body: Buffer;
    try {
      body = Buffer.from(await response.arrayBuffer());
    } catch {
      problem = "the download was cut off";
      continue;
    }
    const expectedSha = file.file_sha256?.trim().toLowerCase();
    if (file.file_size != null && body.length !== file.file_size) {
      problem = `size ${body.length} bytes, listed as ${file.file_size}`;
      continue;
    }
    if (expectedSha && createHash("sha256").update(body).digest("hex") !== expectedSha) {
      problem = "sha256 does not match the listed file_sha256";
      continue;
    }
    return body;
  }
  if (problem.includes("410")) throw new FileGoneError(`Log file ${file.id} is gone at the source: ${problem}.`);
  throw new FileIntegrityError(`Log file ${file.id} failed its integrity check ${attempts} times: ${problem}.`);
}
