/**
 * Scores a redactor on probe samples (see types.ts): recall, leaks and false alarms, in total and per
 * label and format, with every miss and false alarm listed so a regression names its sample.
 */
import type { Finding, Redactor } from "../../../app/lib/redaction";
import type { ProbeSample, ProbeValue } from "./types";

export type ProbeTally = {
  samples: number;
  /** labelled values */
  values: number;
  /** values whose every character a finding covers */
  covered: number;
  /** values still present verbatim in the redacted text */
  leaks: number;
  /** values not fully covered (a leak, or a part of the value left in the text) */
  partial: number;
  findings: number;
  /** findings that overlap no labelled value */
  offTarget: number;
  /** findings that touch a benign look-alike */
  benignTouched: number;
};

export type ProbeMiss = { id: string; format: string; label: string; kind: ProbeValue["kind"]; leaked: boolean };
export type ProbeFalseAlarm = { id: string; format: string; type: string; text: string; benign: boolean };

export type ProbeScore = {
  total: ProbeTally;
  byLabel: Map<string, ProbeTally>;
  byFormat: Map<string, ProbeTally>;
  misses: ProbeMiss[];
  falseAlarms: ProbeFalseAlarm[];
};

const emptyTally = (): ProbeTally => ({ samples: 0, values: 0, covered: 0, leaks: 0, partial: 0, findings: 0, offTarget: 0, benignTouched: 0 });

export const recallOf = (t: ProbeTally) => (t.values === 0 ? 1 : t.covered / t.values);
export const precisionOf = (t: ProbeTally) => (t.findings === 0 ? 1 : (t.findings - t.offTarget) / t.findings);

/** Every occurrence of `needle` in `text` as [start, end) ranges. */
function occurrences(text: string, needle: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) ranges.push([at, at + needle.length]);
  return ranges;
}

const overlaps = (f: Finding, [start, end]: [number, number]) => f.start < end && f.end > start;

function fullyCovered(findings: readonly Finding[], [start, end]: [number, number]): boolean {
  let reached = start;
  for (const f of findings) {
    if (f.start <= reached && f.end > reached) reached = f.end;
    if (reached >= end) return true;
  }
  return reached >= end;
}

/** Throws when a sample's labels do not occur in its text: a broken probe must not score as a pass. */
export function checkProbe(samples: readonly ProbeSample[]): void {
  const ids = new Set<string>();
  for (const s of samples) {
    if (ids.has(s.id)) throw new Error(`probe sample id ${s.id} is used twice`);
    ids.add(s.id);
    for (const v of s.sensitive) if (!s.text.includes(v.value)) throw new Error(`probe sample ${s.id}: labelled value "${v.label}" does not occur in its text`);
    for (const b of s.benign ?? []) if (!s.text.includes(b)) throw new Error(`probe sample ${s.id}: benign string ${JSON.stringify(b)} does not occur in its text`);
  }
}

export function scoreProbe(redactor: Redactor, samples: readonly ProbeSample[]): ProbeScore {
  checkProbe(samples);
  const total = emptyTally();
  const byLabel = new Map<string, ProbeTally>();
  const byFormat = new Map<string, ProbeTally>();
  const tallyIn = (map: Map<string, ProbeTally>, key: string) => {
    let t = map.get(key);
    if (!t) map.set(key, (t = emptyTally()));
    return t;
  };
  const misses: ProbeMiss[] = [];
  const falseAlarms: ProbeFalseAlarm[] = [];

  for (const sample of samples) {
    const { redacted, findings } = redactor.redact(sample.text);
    const formatTally = tallyIn(byFormat, sample.format);
    total.samples++;
    formatTally.samples++;
    const sensitiveRanges = sample.sensitive.flatMap((v) => occurrences(sample.text, v.value));
    const benignRanges = (sample.benign ?? []).flatMap((b) => occurrences(sample.text, b));

    for (const v of sample.sensitive) {
      const covered = occurrences(sample.text, v.value).every((range) => fullyCovered(findings, range));
      const leaked = redacted.includes(v.value);
      for (const t of [total, formatTally, tallyIn(byLabel, v.label)]) {
        t.values++;
        if (covered) t.covered++;
        else t.partial++;
        if (leaked) t.leaks++;
      }
      if (!covered) misses.push({ id: sample.id, format: sample.format, label: v.label, kind: v.kind, leaked });
    }

    for (const f of findings) {
      const onTarget = sensitiveRanges.some((r) => overlaps(f, r));
      const benign = benignRanges.some((r) => overlaps(f, r));
      for (const t of [total, formatTally]) {
        t.findings++;
        if (!onTarget) t.offTarget++;
        if (benign) t.benignTouched++;
      }
      if (!onTarget || benign) falseAlarms.push({ id: sample.id, format: sample.format, type: f.type, text: sample.text.slice(f.start, f.end), benign });
    }
  }
  return { total, byLabel, byFormat, misses, falseAlarms };
}
