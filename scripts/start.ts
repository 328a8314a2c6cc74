import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { getDatabaseHandle } from "../db/index.server";
import { DEMO_ACCOUNTS } from "../app/lib/demo-accounts";
import { startDemoIdentityProvider } from "../app/lib/demo-idp.server";
import { createApp, listen } from "../app/lib/http-server.server";
import { bootConfig } from "./lib/boot";
import { buildIfNeeded } from "./lib/build";

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (line = "") => process.stdout.write(`${line}\n`);

async function main() {
  const config = bootConfig();
  if (config.demoSecretsFile) say(`Demo mode: secrets (session, redaction, ledger signing, IdP keys) are in ${path.relative(process.cwd(), config.demoSecretsFile) || config.demoSecretsFile}.`);

  const serverBuild = buildIfNeeded(rootDir, say);

  const database = await getDatabaseHandle();
  await database.migrate();
  say(`Database: ${config.database.kind === "pglite" ? `embedded PGlite in ${path.relative(process.cwd(), config.database.dataDir) || "."}` : "PostgreSQL (DATABASE_URL)"}, migrations applied.`);

  const idp = config.oidc.kind === "demo" ? await startDemoIdentityProvider(config) : null;
  const build = (await import(pathToFileURL(serverBuild).href)) as ServerBuild;
  const http = await listen(createApp({ config, build, rootDir }), { host: config.host, port: config.port });

  say();
  say(`Codex Ledger is running on ${config.appUrl}`);
  if (idp) {
    say(`Demo identity provider: ${idp.issuer}`);
    say("Demo accounts (any password):");
    for (const account of DEMO_ACCOUNTS) say(`  ${account.username.padEnd(9)} ${account.holds}`);
  } else {
    say(`Sign-in: ${config.oidc.issuer}`);
  }
  say("Press Ctrl-C to stop.");

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${signal}: stopping…`);
    await http.close();
    await idp?.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error: unknown) => {
  const err = error as NodeJS.ErrnoException;
  if (err?.code === "EADDRINUSE") {
    process.stderr.write(`Codex Ledger cannot start: a port is already in use (${err.message}). Set PORT (and DEMO_IDP_PORT) to free ports.\n`);
  } else {
    process.stderr.write(`Codex Ledger failed to start: ${err?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
