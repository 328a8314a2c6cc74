/**
 * A pool worker of `npm run redact` (scripts/redact.ts), started from a bundle of its own that holds
 * the redaction module and the line work only (no configuration, no zod), so it starts sooner than
 * the CLI's bundle would.
 *
 * It takes batches of whole input lines as raw bytes (an ArrayBuffer moved, not copied, from the
 * main thread), does everything a line needs — UTF-8 decode, JSON.parse, redaction, the output
 * line's bytes — and moves the batch's output bytes back in one ArrayBuffer, so no string crosses
 * between threads and the main thread only reads, splits, hands out and writes.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createRedactor } from "../app/lib/redaction";
import { BatchOutput, handleLines, type BatchResult, type WorkerBatch, type WorkerSetup } from "./redact-lines";

const setup = workerData as WorkerSetup;
const redactor = createRedactor({ key: Buffer.from(setup.key) });

parentPort!.on("message", ({ seq, buffer, start, end, spare }: WorkerBatch) => {
  const bytes = Buffer.from(buffer, start, end - start);
  let result: BatchResult;
  try {
    const output = new BatchOutput(end - start, spare);
    const { lines, problems } = handleLines(redactor, output, bytes, 0, bytes.length, 1);
    result = { seq, input: buffer, output: output.buffer.buffer as ArrayBuffer, outputOffset: output.buffer.byteOffset, outputLength: output.used, lines, problems };
  } catch {
    // never the error's message: it may quote input text
    result = { seq, lines: 0, problems: [], failure: "a batch failed" };
  }
  // the input and output buffers move back: the main thread reads into the one and hands the other out again
  parentPort!.postMessage(result, result.output ? [result.output, buffer] : []);
});
