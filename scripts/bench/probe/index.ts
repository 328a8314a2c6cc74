import { personalDataProbe } from "./personal-data";
import { personalDataProbe2 } from "./personal-data-2";
import { secretsProbe } from "./secrets";
import { secretsProbe2 } from "./secrets-2";
import type { ProbeSet } from "./types";

/** The probes written blind to the detectors (see types.ts), scored by the redaction-accuracy bench and guarded by probe.test.ts. */
export const PROBE_SETS: readonly ProbeSet[] = [secretsProbe, personalDataProbe, secretsProbe2, personalDataProbe2];
export const PROBE_SEED = 20261122;
