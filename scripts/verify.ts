import fs from "node:fs";
import { parseArgs } from "node:util";
import { describeProblem } from "../app/lib/ledger/canonical";
import { verifyEvidencePack } from "../app/lib/ledger/pack-verify";
import { getDatabaseHandle } from "../db/index.server";
import { runLedgerVerification } from "../jobs/ledger__verify";
import { bootConfig } from "./lib/boot";

/**
 * npm run verify                       recompute every chain and digest from the database
 * npm run verify -- --pack FILE        verify an evidence pack offline (no database, no configuration)
 * Exit 0: all consistent; 1: a mismatch (each printed on its own line, naming the day and the event);
 * 2: bad usage or the check could not run.
 */

const USAGE = "usage: npm run verify [-- --trust-key OLD_PUBLIC.pem …] | npm run verify -- --pack FILE [--public-key KEY.pem] [--json]";

function parseFlags() {
  try {
    return parseArgs({
      options: {
        pack: { type: "string" },
        "public-key": { type: "string" },
        "trust-key": { type: "string", multiple: true },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const flags = parseFlags();
  if (flags.help) return out(USAGE);
  if (flags.pack) {
    if (!fs.existsSync(flags.pack)) {
      process.stderr.write(`No such file: ${flags.pack}\n`);
      process.exit(2);
    }
    const publicKeyPem = flags["public-key"] ? fs.readFileSync(flags["public-key"], "utf8") : undefined;
    const result = await verifyEvidencePack({ file: flags.pack, publicKeyPem });
    if (flags.json) out(JSON.stringify(result));
    else {
      for (const p of result.problems) out(describeProblem(p));
      out(
        `${result.ok ? "OK" : "FAILED"}: evidence pack ${result.period ? `${result.period.from}…${result.period.to}` : "(no header)"}: ` +
          `${result.linksChecked} events and links, ${result.digestsChecked} signed digests checked, ${result.problems.length} problems; ` +
          `key ${result.publicKeyId ?? "none"} ${result.pinned ? "(pinned with --public-key)" : "(taken from the pack: compare this id with the key you trust)"}` +
          (result.textsExpired ? `; ${result.textsExpired} redacted texts cleared by retention` : ""),
      );
    }
    process.exit(result.ok ? 0 : 1);
  }

  const config = bootConfig();
  const database = await getDatabaseHandle();
  try {
    await database.migrate();
    const extraPublicKeys = (flags["trust-key"] ?? []).map((file) => fs.readFileSync(file, "utf8"));
    const result = await runLedgerVerification({ db: database.db, signingKeyPem: config.ledgerSigningKey, extraPublicKeys, trigger: "cli" });
    if (flags.json) out(JSON.stringify(result));
    else {
      for (const p of result.problems) out(describeProblem(p));
      if (result.problemCount > result.problems.length) out(`… and ${result.problemCount - result.problems.length} more`);
      out(
        `${result.ok ? "OK" : "FAILED"}: ${result.linksChecked} links in ${result.heads.length} chain(s), ${result.digestsChecked} signed digests checked, ` +
          `${result.problemCount} problems; ${result.pendingEvents} events waiting to be chained` +
          (result.undigestedDays.length ? `; closed days not yet digested: ${result.undigestedDays.join(", ")}` : "") +
          (result.textsExpired ? `; ${result.textsExpired} redacted texts cleared by retention` : ""),
      );
      for (const h of result.heads) out(`head ${h.workspace || "(none)"}: link ${h.seq} ${h.linkHash}`);
    }
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`verify could not run: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
