// The worker thread's entry point, in plain JavaScript: Node 20 does not hand the main thread's
// TypeScript loader (tsx) to worker threads, so the worker registers it before loading its code.
import { register } from "tsx/esm/api";

register();
await import("./prepare-worker.ts");
