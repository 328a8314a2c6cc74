import { createPublicKey, type KeyObject } from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import { publicKeyId, type LedgerProblem } from "./canonical";
import { ChainChecker, type StoredDigest } from "./chain-checker";
import type { PackHeader, PackLine } from "./pack.server";

/**
 * Verifies an evidence pack offline, line by line (no database, no configuration): every
 * event against its link, the links against each other, and the links of each day against
 * that day's signed digest. The key is the one given (pinned) or, failing that, the pack's
 * own, whose id is reported so a person can compare it with the one they trust.
 */

export type PackVerifyResult = {
  ok: boolean;
  problems: LedgerProblem[];
  linksChecked: number;
  digestsChecked: number;
  publicKeyId: string | null;
  pinned: boolean;
  period: { from: string; to: string } | null;
  textsExpired: number;
};

export async function verifyEvidencePack({ file, publicKeyPem }: { file: string; publicKeyPem?: string }): Promise<PackVerifyResult> {
  const problems: LedgerProblem[] = [];
  const fail = (problem: string) => problems.push({ workspace: "", day: null, seq: null, eventId: null, problem });
  let header: PackHeader | null = null;
  let key: KeyObject | null = publicKeyPem ? createPublicKey(publicKeyPem) : null;
  const chains = new Map<string, { digests: StoredDigest[]; checker: ChainChecker | null }>();
  let end: Extract<PackLine, { type: "end" }> | null = null;
  let linksChecked = 0;
  let digestsChecked = 0;
  let textsExpired = 0;
  let lineNo = 0;

  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const text of lines) {
    lineNo += 1;
    if (text.trim() === "") continue;
    let line: PackLine;
    try {
      line = JSON.parse(text) as PackLine;
    } catch {
      fail(`line ${lineNo} is not JSON`);
      continue;
    }
    if (end) {
      fail(`line ${lineNo} follows the end line`);
      break;
    }
    if (line.type === "header") {
      header = line;
      if (line.format !== "codex-ledger-evidence-pack/1") fail(`unknown pack format ${String(line.format)}`);
      if (!key) key = createPublicKey(line.public_key_pem);
      else if (publicKeyId(createPublicKey(line.public_key_pem)) !== publicKeyId(key)) {
        fail(`the pack names key ${line.public_key_id}, not the pinned key ${publicKeyId(key)}`);
      }
      continue;
    }
    if (!header) {
      fail("the pack does not start with its header line");
      break;
    }
    if (line.type === "digest") {
      const chain = chains.get(line.workspace) ?? { digests: [], checker: null };
      if (chain.checker) fail(`line ${lineNo}: a digest of workspace ${line.workspace} after its links`);
      const { type: _type, ...digest } = line;
      chain.digests.push(digest);
      chains.set(line.workspace, chain);
    } else if (line.type === "link") {
      const chain = chains.get(line.workspace);
      if (!chain || chain.digests.length === 0) {
        problems.push({ workspace: line.workspace, day: line.day, seq: line.seq, eventId: line.event_id, problem: "a link without any digest of its chain in the pack" });
        continue;
      }
      if (!chain.checker) {
        const firstWithLinks = chain.digests.find((d) => d.first_seq !== null);
        chain.checker = new ChainChecker(line.workspace, { seq: firstWithLinks?.first_seq ?? line.seq, prevHash: firstWithLinks?.prev_head ?? line.prev_hash });
      }
      const { type: _type, event, redacted_text: redactedText, ...link } = line;
      chain.checker.checkLink(link, event, event ? redactedText : undefined);
    } else if (line.type === "end") {
      end = line;
    } else {
      fail(`line ${lineNo} has an unknown type`);
    }
  }
  if (!header) fail("the file has no header: not an evidence pack");
  if (!end) fail("the pack has no end line: it was cut short");

  const trusted = key;
  for (const [workspace, chain] of chains) {
    const checker = chain.checker ?? new ChainChecker(workspace);
    const { digestsChecked: n, undigestedDays } = checker.checkDigests({
      digests: chain.digests,
      keyOf: (id) => (trusted && publicKeyId(trusted) === id ? trusted : null),
      firstPrevHead: chain.digests[0]?.prev_head,
      // Every link in a pack must be covered by a digest in the pack.
      today: "9999-12-31",
    });
    for (const day of undigestedDays) problems.push({ workspace, day, seq: null, eventId: null, problem: "links of this day are in the pack without its digest" });
    // A digest that promises links the pack does not carry is a truncated pack.
    const lastPromised = [...chain.digests].reverse().find((d) => d.last_seq !== null)?.last_seq ?? null;
    if (lastPromised !== null && (checker.lastLink?.seq ?? 0) < lastPromised) {
      problems.push({ workspace, day: null, seq: lastPromised, eventId: null, problem: `the pack ends at link ${checker.lastLink?.seq ?? "none"} but its digests cover links up to ${lastPromised}` });
    }
    digestsChecked += n;
    linksChecked += checker.linksChecked;
    textsExpired += checker.textsExpired;
    problems.push(...checker.problems);
  }
  if (end && (end.links !== linksChecked || end.digests !== digestsChecked)) {
    fail(`the end line counts ${end.links} links and ${end.digests} digests, the pack holds ${linksChecked} and ${digestsChecked}`);
  }
  return {
    ok: problems.length === 0,
    problems,
    linksChecked,
    digestsChecked,
    publicKeyId: key ? publicKeyId(key) : null,
    pinned: Boolean(publicKeyPem),
    period: header ? { from: header.from, to: header.to } : null,
    textsExpired,
  };
}
