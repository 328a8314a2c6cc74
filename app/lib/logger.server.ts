import pino from "pino";
import { getConfig } from "./config.server";

/**
 * Structured logs. Log identifiers, counts and paths, never prompt or response text and
 * never query strings (a filter can carry a searched value).
 */
export const logger = pino({
  level: safeLevel(),
  base: { app: "codex-ledger" },
  redact: { paths: ["*.authorization", "*.cookie", "*.text", "*.prompt", "*.response", "*.password"], censor: "[redacted]" },
});

function safeLevel() {
  try {
    return getConfig().logLevel;
  } catch {
    return "info";
  }
}
