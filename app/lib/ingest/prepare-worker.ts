/**
 * The worker thread of app/lib/ingest/prepare-pool.ts: prepares the files it is sent, strictly
 * in the order they arrive, with one redactor and one SessionSecrets for its whole life (one
 * sync run), so a secret pasted earlier in a session is known when a later file echoes it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { SessionSecrets } from "../openai/session-secrets";
import { createRedactor } from "../redaction";
import { prepareLogFile, transferablesOf, type TextPolicy } from "./prepare";

export type PrepareWorkerData = { key: Uint8Array; detectIpAddresses: boolean; textPolicy: TextPolicy };
export type PrepareRequest = { id: number; fileId: string; body: Uint8Array };
export type PrepareReply = { id: number; prepared?: import("./prepare").PreparedLogFile; error?: string };

const data = workerData as PrepareWorkerData;
const redactor = createRedactor({ key: Buffer.from(data.key), detectIpAddresses: data.detectIpAddresses });
const sessionSecrets = new SessionSecrets();

parentPort!.on("message", ({ id, fileId, body }: PrepareRequest) => {
  let reply: PrepareReply;
  try {
    const prepared = prepareLogFile(body, { fileId, redactor, textPolicy: data.textPolicy, sessionSecrets });
    parentPort!.postMessage({ id, prepared } satisfies PrepareReply, transferablesOf(prepared));
    return;
  } catch (error) {
    // The kind of error only: a message from deep inside parsing or redaction could quote the text.
    reply = { id, error: `preparing log file ${fileId} failed (${error instanceof Error ? error.name : typeof error})` };
  }
  parentPort!.postMessage(reply);
});
