/**
 * Runs a bench worker script in a child process of its own — inside a throwaway PostgreSQL cluster
 * (scripts/lib/pg-cluster.sh) when asked — so its CPU and RSS are the worker's alone. The worker
 * prints its result as the last JSON line of stdout; progress lines on stderr that start with
 * `[tag]` or `[pg-cluster]` are echoed so a long run shows it is alive.
 */
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export function runBenchWorker<Output>({ script, input, tag, inCluster }: { script: string; input: unknown; tag: string; inCluster: boolean }): Promise<{ output: Output | null; problem: string | null }> {
  const args = ["--import", "tsx", path.join(ROOT, "scripts/bench", script), JSON.stringify(input)];
  const [command, argv] = inCluster ? ["bash", [path.join(ROOT, "scripts/lib/pg-cluster.sh"), process.execPath, ...args]] : [process.execPath, args];
  const workerName = script.replace(/\.ts$/, "");
  return new Promise((resolve, reject) => {
    // Always a cluster (or data folder) of its own, never a database from the environment.
    const env = { ...process.env };
    delete env.TEST_DATABASE_URL;
    delete env.DATABASE_URL;
    const child = spawn(command as string, argv as string[], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const line of d.toString().split("\n")) if (line.startsWith(`[${tag}]`) || line.startsWith("[pg-cluster]")) process.stderr.write(`  ${line}\n`);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
      if (line && code === 0) return resolve({ output: JSON.parse(line) as Output, problem: null });
      const problem =
        stderr
          .split("\n")
          .filter((l) => l.startsWith("[pg-cluster]") && !/initdb \(|ready:/.test(l))
          .map((l) => l.replace("[pg-cluster] ", ""))
          .join("; ") ||
        stderr.split("\n").find((l) => l.startsWith(`${workerName}:`))?.replace(`${workerName}: `, "") ||
        `exit code ${code}`;
      resolve({ output: null, problem });
    });
  });
}
