/**
 * node scripts/run-bundled.mjs scripts/some-script.ts [args…]
 *
 * Runs a TypeScript script from a single-file esbuild bundle cached in
 * node_modules/.cache/codex-ledger/, rebuilt whenever one of the files it was built from changed
 * (size or mtime). Starting through tsx costs about half a CPU second (its loader thread and one
 * transform lookup per module); a command whose speed is measured end to end (`npm run redact`)
 * cannot afford that. The script must export `main()` returning an exit code (or a promise of one).
 *
 * A script `scripts/name.ts` that has a `scripts/name-worker.ts` beside it gets that file bundled
 * too, as `…name-worker.mjs` next to its own bundle, for worker threads to start from (the worker's
 * bundle holds only what the worker imports).
 *
 * esbuild is the one tsx itself uses (resolved through tsx, a dependency). If it cannot be loaded
 * or the cache cannot be written, the script runs through tsx instead: slower to start, same result.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const script = process.argv[2];
if (!script) {
  process.stderr.write("usage: node scripts/run-bundled.mjs scripts/<name>.ts [args…]\n");
  process.exit(2);
}
const source = path.resolve(root, script);
// what the script sees as its arguments: [node, script, …rest]
process.argv.splice(1, 2, source);

const cacheDir = path.join(root, "node_modules", ".cache", "codex-ledger");
const name = path.relative(root, source).replace(/[\\/]/g, "__").replace(/\.[cm]?tsx?$/, "");
const bundleFile = path.join(cacheDir, `${name}.mjs`);
const workerSource = source.replace(/\.ts$/, "-worker.ts");
const workerBundleFile = path.join(cacheDir, `${name}-worker.mjs`);
/** [source, bundle] pairs to build */
const entries = [[source, bundleFile], ...(fs.existsSync(workerSource) ? [[workerSource, workerBundleFile]] : [])];
const inputsFile = path.join(cacheDir, `${name}.inputs.json`);
/** Part of the cache key: a change here or in the build options rebuilds. */
const FORMAT = 2;

function fresh() {
  try {
    const recorded = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
    if (recorded.format !== FORMAT || !entries.every(([, bundle]) => fs.existsSync(bundle))) return false;
    return recorded.inputs.every(({ file, size, mtimeMs }) => {
      const stat = fs.statSync(path.join(root, file));
      return stat.size === size && stat.mtimeMs === mtimeMs;
    });
  } catch {
    return false;
  }
}

function build() {
  const esbuild = createRequire(createRequire(import.meta.url).resolve("tsx"))("esbuild");
  const stamp = `${process.pid}-${Date.now()}`;
  const inputs = new Map();
  // the worker first: a process that starts between the two renames must not get a newer CLI with an older worker
  for (const [entry, bundle] of [...entries].reverse()) {
    const temporary = `${bundle}.${stamp}.tmp`;
    const result = esbuild.buildSync({
      entryPoints: [entry],
      outfile: temporary,
      absWorkingDir: root,
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${process.versions.node.split(".")[0]}`,
      packages: "external",
      metafile: true,
      logLevel: "silent",
    });
    for (const file of Object.keys(result.metafile.inputs)) {
      const stat = fs.statSync(path.join(root, file));
      inputs.set(file, { file, size: stat.size, mtimeMs: stat.mtimeMs });
    }
    fs.renameSync(temporary, bundle);
  }
  const inputsTemporary = `${inputsFile}.${stamp}.tmp`;
  fs.writeFileSync(inputsTemporary, JSON.stringify({ format: FORMAT, inputs: [...inputs.values()] }));
  fs.renameSync(inputsTemporary, inputsFile);
}

function bundleReady() {
  if (fresh()) return true;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    build();
    return true;
  } catch {
    return false;
  }
}

if (bundleReady()) {
  const module = await import(pathToFileURL(bundleFile).href);
  process.exitCode = await module.main();
} else {
  // as `tsx scripts/<name>.ts`: the script sees itself in process.argv[1] and runs its main()
  const { tsImport } = await import("tsx/esm/api");
  await tsImport(pathToFileURL(source).href, import.meta.url);
}
