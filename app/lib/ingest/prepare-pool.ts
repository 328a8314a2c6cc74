import { Worker } from "node:worker_threads";
import type { SessionSecrets } from "../openai/session-secrets";
import type { Redactor, RedactorOptions } from "../redaction";
import { prepareLogFile, type PreparedLogFile, type TextPolicy } from "./prepare";
import type { PrepareReply, PrepareRequest, PrepareWorkerData } from "./prepare-worker";

/**
 * Where downloaded log files are prepared (parsed, redacted, written as COPY rows): in this
 * thread, or in a worker thread so that this one is free to store the previous batch while the
 * next files are prepared (docs/decisions/0008-ingest-path.md). Either way files are
 * prepared one at a time in the order they are handed over, which SessionSecrets relies on.
 */
export type FilePreparer = {
  prepare(body: Buffer, fileId: string): Promise<PreparedLogFile>;
  close(): Promise<void>;
};

export function inProcessPreparer({ redactor, textPolicy, sessionSecrets }: { redactor: Redactor; textPolicy: TextPolicy; sessionSecrets?: SessionSecrets }): FilePreparer {
  return {
    prepare: async (body, fileId) => prepareLogFile(body, { fileId, redactor, textPolicy, sessionSecrets }),
    close: async () => {},
  };
}

/** A worker thread that prepares files for one sync run; close() it at the end of the run. */
export function workerPreparer({ redaction, textPolicy }: { redaction: RedactorOptions; textPolicy: TextPolicy }): FilePreparer {
  const data: PrepareWorkerData = { key: new Uint8Array(redaction.key), detectIpAddresses: redaction.detectIpAddresses ?? true, textPolicy };
  const worker = new Worker(new URL("./prepare-worker-entry.mjs", import.meta.url), { workerData: data });
  worker.unref();
  const waiting = new Map<number, { resolve: (prepared: PreparedLogFile) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const failAll = (error: Error) => {
    failure ??= error;
    for (const { reject } of waiting.values()) reject(failure);
    waiting.clear();
    worker.unref();
  };
  worker.on("message", ({ id, prepared, error }: PrepareReply) => {
    const job = waiting.get(id);
    if (!job) return;
    waiting.delete(id);
    if (waiting.size === 0) worker.unref();
    if (prepared) job.resolve(prepared);
    else job.reject(new Error(error ?? "preparing the file failed"));
  });
  worker.on("error", (error) => failAll(new Error(`the file-preparing worker failed: ${error.message}`)));
  worker.on("exit", (code) => failAll(new Error(`the file-preparing worker exited (code ${code})`)));

  return {
    prepare(body, fileId) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      // Handed over without a copy when the buffer owns its memory (a downloaded body does).
      const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : Buffer.from(body);
      const request: PrepareRequest = { id, fileId, body: new Uint8Array(owned.buffer, 0, owned.byteLength) };
      return new Promise<PreparedLogFile>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage(request, [owned.buffer as ArrayBuffer]);
      });
    },
    async close() {
      failAll(new Error("the file preparer is closed"));
      await worker.terminate();
    },
  };
}
