import type { KeyObject } from "node:crypto";
import {
  eventHash,
  GENESIS_HASH,
  linkHash,
  nextDay,
  sha256Hex,
  verifyDigestSignature,
  type CanonicalEvent,
  type DigestFields,
  type LedgerProblem,
  type LinkFields,
} from "./canonical";

/**
 * Recomputes one chain, link by link in seq order, and then checks its digests against what
 * the links say. Used on rows from the database and on an evidence pack's lines alike, so
 * both verifications find the same problems. Memory: one entry per ledger day, never per link.
 */

export type StoredLink = LinkFields & { link_hash: string };
export type StoredDigest = DigestFields & { signature: string };

type DayStats = { count: number; firstSeq: number; lastSeq: number; firstEventId: string; lastEventId: string; head: string };

export type ChainStart = { seq: number; prevHash: string };

export class ChainChecker {
  readonly problems: LedgerProblem[] = [];
  linksChecked = 0;
  textsExpired = 0;
  private readonly days = new Map<string, DayStats>();
  private expectedSeq: number;
  private prevHash: string;
  private lastDay: string | null = null;
  lastLink: StoredLink | null = null;

  constructor(
    readonly workspace: string,
    start: ChainStart = { seq: 1, prevHash: GENESIS_HASH },
    private readonly maxProblems = 1000,
  ) {
    this.expectedSeq = start.seq;
    this.prevHash = start.prevHash;
  }

  private report(day: string | null, seq: number | null, eventId: string | null, problem: string) {
    if (this.problems.length < this.maxProblems) this.problems.push({ workspace: this.workspace, day, seq, eventId, problem });
  }

  /**
   * One link with the event row it points at (`null` when the row is gone) and that row's
   * redacted text now (undefined when the source does not carry text, null when cleared).
   */
  checkLink(link: StoredLink, event: CanonicalEvent | null, redactedText: string | null | undefined) {
    this.linksChecked += 1;
    const { seq, day, event_id: eventId } = link;
    if (seq !== this.expectedSeq) {
      if (seq > this.expectedSeq) this.report(day, this.expectedSeq, null, `links ${this.expectedSeq}…${seq - 1} are missing from the chain (deleted links)`);
      else this.report(day, seq, eventId, `link ${seq} appears out of order after link ${this.expectedSeq - 1}`);
    }
    if (link.prev_hash !== this.prevHash) {
      this.report(day, seq, eventId, "the link does not point at the previous link's hash (links reordered, removed or inserted here)");
    }
    if (linkHash(link) !== link.link_hash) {
      this.report(day, seq, eventId, "the link does not hash to its stored value (the link was edited or moved)");
    }
    if (this.lastDay !== null && day < this.lastDay) this.report(day, seq, eventId, `the link's day goes back from ${this.lastDay}`);
    if (!event) {
      this.report(day, seq, eventId, "the event was deleted: its link remains but the stored row is gone");
    } else if (event.event_id !== eventId || eventHash(event) !== link.event_hash) {
      this.report(day, seq, eventId, "the stored event differs from the hash chained for it (a field was changed)");
    }
    if (event && redactedText !== undefined) {
      if (link.text_hash === null) {
        if (redactedText !== null) this.report(day, seq, eventId, "the event has redacted text that it did not have when chained");
      } else if (redactedText === null) {
        this.textsExpired += 1; // cleared by TEXT_RETENTION_DAYS (jobs/redacted_text__expire.ts): allowed
      } else if (sha256Hex(redactedText) !== link.text_hash) {
        this.report(day, seq, eventId, "the event's redacted text differs from the text chained for it");
      }
    }
    const stats = this.days.get(day);
    if (stats) {
      stats.count += 1;
      stats.lastSeq = seq;
      stats.lastEventId = eventId;
      stats.head = link.link_hash;
    } else {
      this.days.set(day, { count: 1, firstSeq: seq, lastSeq: seq, firstEventId: eventId, lastEventId: eventId, head: link.link_hash });
    }
    this.lastDay = day;
    this.expectedSeq = seq + 1;
    this.prevHash = link.link_hash;
    this.lastLink = link;
  }

  /**
   * Checks the chain's digests (in day order) against the links seen: signature, continuity
   * (one per day, each starting where the previous ended) and content. `firstPrevHead` is what
   * the first digest must start from (the genesis hash for a whole chain). Links of days after
   * the last digest are fine only if their day is not yet closed (before `today`).
   */
  checkDigests({
    digests,
    keyOf,
    firstPrevHead = GENESIS_HASH,
    today,
  }: {
    digests: StoredDigest[];
    keyOf: (publicKeyId: string) => KeyObject | null;
    firstPrevHead?: string;
    today: string | null;
  }): { digestsChecked: number; undigestedDays: string[] } {
    let prev: StoredDigest | null = null;
    for (const d of digests) {
      const key = keyOf(d.public_key_id);
      if (!key) this.report(d.day, null, null, `the digest is signed with key ${d.public_key_id}, which is not a trusted ledger key`);
      else if (!verifyDigestSignature(d, d.signature, key)) this.report(d.day, null, null, "the digest's signature does not match its contents (the digest was edited)");
      if (prev && d.day !== nextDay(prev.day)) this.report(d.day, null, null, `digests for the days ${nextDay(prev.day)}…${d.day} before this one are missing`);
      const expectedPrev = prev ? prev.chain_head : firstPrevHead;
      if (d.prev_head !== expectedPrev) this.report(d.day, null, null, "the digest does not start where the previous digest's chain head ended");
      const stats = this.days.get(d.day);
      const expected = stats
        ? { event_count: stats.count, first_seq: stats.firstSeq, last_seq: stats.lastSeq, first_event_id: stats.firstEventId, last_event_id: stats.lastEventId, chain_head: stats.head }
        : { event_count: 0, first_seq: null, last_seq: null, first_event_id: null, last_event_id: null, chain_head: d.prev_head };
      const differing = (Object.keys(expected) as Array<keyof typeof expected>).filter((k) => expected[k] !== d[k]);
      if (differing.length > 0) {
        const detail = differing.map((k) => `${k} signed ${String(d[k])}, links give ${String(expected[k])}`).join("; ");
        this.report(d.day, stats?.firstSeq ?? null, stats?.firstEventId ?? null, `the day's links do not match its signed digest (${detail})`);
      }
      prev = d;
    }
    const lastDigestDay = prev?.day ?? null;
    const undigestedDays: string[] = [];
    for (const [day, stats] of this.days) {
      if (lastDigestDay !== null && day <= lastDigestDay) {
        if (!digests.some((d) => d.day === day)) this.report(day, stats.firstSeq, stats.firstEventId, "the day's links are not covered by any digest");
      } else if (today !== null && day < today) {
        undigestedDays.push(day);
      }
    }
    return { digestsChecked: digests.length, undigestedDays };
  }
}
