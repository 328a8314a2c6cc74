/**
 * A held-out-style probe of the redactor: realistic pastes written by someone who had not read the
 * detectors, each labelled with the values that must not survive redaction and the look-alikes that
 * must stay. Unlike scripts/bench/corpus.ts (templates written alongside the detectors, an upper
 * bound), a probe estimates how the redactor does on text it was not built around.
 *
 * Values are synthetic. Provider tokens with a recognisable prefix are generated at run time from a
 * seed, never written literally in the repository, so no scanner mistakes the source for a leak.
 */
export type ProbeValue = {
  /** Appears verbatim in the sample's text. */
  value: string;
  kind: "secret" | "pii";
  /** What it is, in the probe writer's words: "stripe secret key", "German IBAN", "db password"… */
  label: string;
};

export type ProbeSample = {
  /** Unique within its set, e.g. "go/aws-session". */
  id: string;
  /** What a reader would call the paste: "Go source", "Helm values.yaml", "German prose"… */
  format: string;
  text: string;
  /** Every value that must not survive redaction. */
  sensitive: ProbeValue[];
  /** Substrings of the text that are look-alikes (hashes, ids, placeholders…): no finding may touch them. */
  benign?: string[];
};

export type ProbeSet = {
  name: string;
  /** The same seed gives the same samples. */
  build(seed: number): ProbeSample[];
};
