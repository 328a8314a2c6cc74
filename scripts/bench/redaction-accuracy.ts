/**
 * Redaction accuracy on our own labelled corpus (synthetic values only): per-type recall, precision
 * and leaks. A leak is a planted value that still appears in the redacted output. This corpus is
 * ours, so the numbers are an upper bound for a held-out corpus; they guard against regressions.
 */
import { createRedactor } from "../../app/lib/redaction";
import { makeSampler, type Sample } from "./corpus";
import { PROBE_SEED, PROBE_SETS } from "./probe";
import { precisionOf, recallOf, scoreProbe } from "./probe/score";
import { peakRss, type BenchResult, type BenchSuite } from "./types";

type Tally = { planted: number; detected: number; typed: number; leaks: number; findings: number; falsePositives: number };

const empty = (): Tally => ({ planted: 0, detected: 0, typed: 0, leaks: 0, findings: 0, falsePositives: 0 });

export const redactionAccuracySuite: BenchSuite = {
  name: "redaction-accuracy",
  description:
    "Labelled pastes generated from templates (values in .env, JSON, YAML, code, curl, prose in several languages) plus look-alikes (git SHAs, sha256, UUIDs, AWS documentation keys, placeholders, Luhn/mod-97 failures, versions, timestamps, base64 images). Recall: the planted value is fully covered by findings; typed: by a finding of its type; precision: findings of a type that cover a planted value / all findings of that type.",
  async run({ quick }) {
    const redactor = createRedactor({ key: Buffer.alloc(32, 9) });
    const sampler = makeSampler(20260101);
    const perType = quick ? 100 : 400;
    const samples: Sample[] = [];
    for (const type of sampler.secretTypes) for (let i = 0; i < perType; i++) samples.push(sampler.sample("secret", type));
    for (const type of sampler.piiTypes) for (let i = 0; i < perType; i++) samples.push(sampler.sample("pii", type));
    for (let i = 0; i < perType * 5; i++) samples.push(sampler.sample("negative"));

    const tallies = new Map<string, Tally>();
    const tally = (type: string) => {
      let t = tallies.get(type);
      if (!t) tallies.set(type, (t = empty()));
      return t;
    };
    let bytes = 0;
    const start = process.hrtime.bigint();
    for (const sample of samples) {
      bytes += Buffer.byteLength(sample.text);
      const result = redactor.redact(sample.text);
      const spans = sample.planted.map((p) => {
        const at = sample.text.indexOf(p.value);
        return { ...p, start: at, end: at + p.value.length };
      });
      for (const p of spans) {
        const t = tally(p.type);
        t.planted++;
        const covering = result.findings.filter((f) => f.start < p.end && f.end > p.start);
        let covered = 0;
        for (let i = p.start; i < p.end; i++) if (covering.some((f) => f.start <= i && i < f.end)) covered++;
        if (covered === p.end - p.start) t.detected++;
        if (covering.some((f) => f.type === p.type)) t.typed++;
        if (result.redacted.includes(p.value)) t.leaks++;
      }
      for (const f of result.findings) {
        const t = tally(f.type);
        t.findings++;
        if (!spans.some((p) => f.start < p.end && f.end > p.start)) t.falsePositives++;
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;

    const results: BenchResult[] = [];
    const totals = empty();
    for (const [type, t] of [...tallies].sort((a, b) => a[0].localeCompare(b[0]))) {
      for (const k of Object.keys(totals) as Array<keyof Tally>) totals[k] += t[k];
      results.push({
        case: type,
        what: t.planted > 0 ? "planted type" : "found only (no value of this type planted)",
        metrics: {
          planted: t.planted,
          recall: t.planted ? (t.detected / t.planted).toFixed(3) : "–",
          "typed recall": t.planted ? (t.typed / t.planted).toFixed(3) : "–",
          leaks: t.leaks,
          findings: t.findings,
          precision: t.findings ? ((t.findings - t.falsePositives) / t.findings).toFixed(3) : "–",
        },
      });
    }
    results.push({
      case: "all types",
      what: `${samples.length} samples, ${perType * 5} of them look-alikes`,
      inputBytes: bytes,
      seconds,
      peakRssBytes: peakRss(),
      metrics: {
        planted: totals.planted,
        recall: (totals.detected / totals.planted).toFixed(3),
        "typed recall": (totals.typed / totals.planted).toFixed(3),
        leaks: totals.leaks,
        findings: totals.findings,
        precision: ((totals.findings - totals.falsePositives) / totals.findings).toFixed(3),
      },
    });
    for (const set of PROBE_SETS) results.push(probeRow(redactor, set.name, set.build(PROBE_SEED)));
    return results;
  },
};

/** One row per blind probe (scripts/bench/probe): its totals, and the samples it still misses. */
function probeRow(redactor: ReturnType<typeof createRedactor>, name: string, samples: ReturnType<(typeof PROBE_SETS)[number]["build"]>): BenchResult {
  const start = process.hrtime.bigint();
  const score = scoreProbe(redactor, samples);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const t = score.total;
  const missed = [...new Set(score.misses.map((m) => m.id))];
  return {
    case: `probe: ${name}`,
    what: `${t.samples} pastes written without reading the detectors (scripts/bench/probe, seed ${PROBE_SEED}); recall: every character of a labelled value covered; precision: findings that touch a labelled value; ${t.benignTouched} findings touch a labelled look-alike${missed.length ? `; missed: ${missed.join(", ")}` : ""}`,
    inputBytes: samples.reduce((n, s) => n + Buffer.byteLength(s.text), 0),
    seconds,
    metrics: {
      planted: t.values,
      recall: recallOf(t).toFixed(3),
      "typed recall": "–",
      leaks: t.leaks,
      findings: t.findings,
      precision: precisionOf(t).toFixed(3),
    },
  };
}
