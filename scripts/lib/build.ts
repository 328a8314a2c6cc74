import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "db", "remix.config.js", "package.json", "package-lock.json"];

function newestMtime(target: string): number {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Builds the Remix app when there is no build yet or a source file is newer than it. */
export function buildIfNeeded(rootDir: string, log: (line: string) => void) {
  const serverBuild = path.join(rootDir, "build/index.js");
  const built = fs.statSync(serverBuild, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const changed = Math.max(...SOURCES.map((s) => newestMtime(path.join(rootDir, s))));
  if (built >= changed) return serverBuild;
  log(built === 0 ? "Building the console (first start, about a minute)…" : "Sources changed since the last build: rebuilding…");
  const result = spawnSync(path.join(rootDir, "node_modules/.bin/remix"), ["build"], { cwd: rootDir, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`remix build failed with exit code ${result.status ?? result.signal}`);
  return serverBuild;
}
