/**
 * Small, fast, seeded pseudo-random tools. Everything the simulator produces is a pure function of
 * integers (seed, person, day, hour, salts) run through these, so the same inputs always give the
 * same bytes on any machine.
 */

/** murmur3 finaliser: a good 32-bit avalanche. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash any number of integers (each taken as up to 53 bits) into one 32-bit value. */
export function hashInts(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    h = mix32((h ^ lo) + 0x7f4a7c15);
    h = mix32((h ^ hi) + 0x165667b1);
  }
  return h >>> 0;
}

/** FNV-1a over a string, then mixed. Used to turn names (salts) into integers. */
export function hashStr(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A uniform number in [0, 1) from integers, without building a generator. */
export function unit(...xs: number[]): number {
  return hashInts(...xs) / 4294967296;
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";

/** sfc32: small fast counter generator, period ~2^128. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...seed: number[]) {
    const s = hashInts(...seed);
    this.a = hashInts(s, 1);
    this.b = hashInts(s, 2);
    this.c = hashInts(s, 3);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** integer in [lo, hi] */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(arr: readonly T[]): T {
    if (arr.length === 0) throw new Error("pick from an empty list");
    return arr[this.int(arr.length)] as T;
  }

  /** Weighted choice over [value, weight] pairs. */
  weighted<T>(pairs: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = this.next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    const last = pairs[pairs.length - 1];
    if (!last) throw new Error("weighted choice from an empty list");
    return last[0];
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson; Knuth for small means, a rounded normal for large ones. Bounded. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 40) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.next();
    } while (p > l && k < 1000);
    return k - 1;
  }

  /** Number of trials until success, >= 1, bounded by max. */
  geometric(mean: number, max: number): number {
    const p = 1 / Math.max(1, mean);
    let k = 1;
    while (k < max && !this.chance(p)) k++;
    return k;
  }

  alnum(n: number, alphabet = ALNUM): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }

  hex(n: number): string {
    return this.alnum(n, HEX);
  }

  digits(n: number): string {
    return this.alnum(n, "0123456789");
  }

  /** A random (version 4 layout) UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = HEX[8 + this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}

/** A deterministic UUID from integers. */
export function uuidFrom(...xs: number[]): string {
  return new Rng(...xs).uuid();
}

const BYTE_HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function hex8(x: number): string {
  return BYTE_HEX[(x >>> 24) & 255]! + BYTE_HEX[(x >>> 16) & 255]! + BYTE_HEX[(x >>> 8) & 255]! + BYTE_HEX[x & 255]!;
}

function hashIntsFrom(init: number, xs: readonly number[]): number {
  let h = init >>> 0;
  for (const x of xs) {
    const lo = x >>> 0;
    const hi = Math.floor(x / 4294967296) >>> 0;
    h = mix32((h ^ lo) + 0x7f4a7c15);
    h = mix32((h ^ hi) + 0x165667b1);
  }
  return mix32(h + xs.length);
}

/** A fast deterministic UUID (version 4 layout) from integers: four independent 32-bit hashes. */
export function fastUuid(...xs: number[]): string {
  const a = hex8(hashIntsFrom(0x9e3779b9, xs));
  const b = hex8(hashIntsFrom(0x85ebca6b, xs));
  const c = hex8(hashIntsFrom(0xc2b2ae35, xs));
  const d = hex8(hashIntsFrom(0x27d4eb2f, xs));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${"89ab"[parseInt(c[0] ?? "0", 16) & 3]}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}
