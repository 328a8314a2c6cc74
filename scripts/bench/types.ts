/** A benchmark suite: one file per suite in scripts/bench/, listed in scripts/bench.ts. */
export type BenchResult = {
  /** Short name of the measured case, e.g. "redact() 4 KB texts". */
  case: string;
  /** What was measured, in a sentence fragment. */
  what: string;
  /** Input size in bytes (UTF-8), when throughput makes sense. */
  inputBytes?: number;
  /** Wall-clock seconds. */
  seconds?: number;
  /** CPU seconds (user + system) of the measuring process or child; steadier than wall time on a busy machine. */
  cpuSeconds?: number;
  /** Peak resident set size of the process that did the work, in bytes. */
  peakRssBytes?: number;
  /** Anything else worth a column (recall, precision, ratios…). */
  metrics?: Record<string, string | number>;
};

export type BenchSuite = {
  name: string;
  description: string;
  run(options: { quick: boolean }): Promise<BenchResult[]>;
};

/** CPU seconds since `start` (from process.cpuUsage()). */
export function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/** Peak RSS of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}
