/**
 * Traffic + lengths + seed → the request stream the simulator replays (`RequestStream`: arrival times, prompt and
 * output tokens) or a closed loop (`ClosedLoop`: users and think time; the simulator makes the arrivals).
 *
 * Every random number is a counter-based draw (`hashUniform` of `engine/sweep/random.ts`) keyed by (seed, stream,
 * request index, attempt): request i's gap and lengths do not depend on how many draws other requests used, and
 * the same seed gives the same stream on every machine.
 */
import type { LengthDistribution, Traffic } from '../schema/serving';
import { hashUniform } from '../sweep/random';
import type { ClosedLoop, RequestStream } from './types';

/** Draw streams: one per quantity, so changing one distribution leaves the others' draws unchanged. */
const GAP_STREAM = 0x51a1;
const INPUT_STREAM = 0x51a2;
const OUTPUT_STREAM = 0x51a3;

/** The most tokens a drawn length takes (the schema's bound on token counts). */
const MAX_TOKENS = 10_000_000;

/**
 * A standard normal draw for request `index`, from uniforms at axes `axis` and `axis + 1`: the Box–Muller
 * transform (Box & Muller, "A note on the generation of random normal deviates", 1958), cosine branch.
 */
export function normalAt(seed: number, stream: number, index: number, axis: number): number {
  const u1 = hashUniform(seed, stream, index, axis);
  const u2 = hashUniform(seed, stream, index, axis + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A gamma(shape, 1) draw for request `index`: Marsaglia & Tsang, "A simple method for generating gamma
 * variables" (ACM TOMS 26(3), 2000) — exact rejection with a squeeze-free acceptance test
 * ln u < z²/2 + d − d·v + d·ln v; for shape < 1 the boost gamma(k) = gamma(k + 1) · u^(1/k) of the same paper.
 * Attempts use successive axes, so the draw is a pure function of (seed, index).
 */
export function gammaAt(shape: number, seed: number, stream: number, index: number): number {
  const boosted = shape < 1;
  const k = boosted ? shape + 1 : shape;
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let axis = 0;
  let value = d;
  for (let attempt = 0; attempt < 1000; attempt += 1) {
    const z = normalAt(seed, stream, index, axis);
    const u = hashUniform(seed, stream, index, axis + 2);
    axis += 3;
    const base = 1 + c * z;
    if (base <= 0) continue;
    const v = base * base * base;
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
      value = d * v;
      break;
    }
  }
  if (!boosted) return value;
  return value * Math.pow(hashUniform(seed, stream, index, 0x7fff), 1 / shape);
}

/** Request `index`'s length under `distribution` (whole tokens, at least 1). */
function lengthAt(
  distribution: LengthDistribution,
  fallback: number,
  seed: number,
  stream: number,
  index: number,
): number {
  switch (distribution.kind) {
    case 'fixed':
      return distribution.tokens;
    case 'uniform': {
      const low = Math.min(distribution.min, distribution.max);
      const high = Math.max(distribution.min, distribution.max);
      return low + Math.min(high - low, Math.floor(hashUniform(seed, stream, index, 0) * (high - low + 1)));
    }
    case 'lognormal': {
      // A lognormal with mean m and coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2.
      const sigma2 = Math.log(1 + distribution.cv * distribution.cv);
      const mu = Math.log(distribution.mean) - sigma2 / 2;
      const draw = Math.exp(mu + Math.sqrt(sigma2) * normalAt(seed, stream, index, 0));
      const max = distribution.max ?? MAX_TOKENS;
      return Math.max(1, Math.min(max, Math.round(draw)));
    }
    case 'trace':
      // Only trace traffic has a column to take; elsewhere the workload's own length stands.
      return fallback;
  }
}

function lengths(
  distribution: LengthDistribution | undefined,
  traceColumn: number[] | undefined,
  fallback: number,
  count: number,
  seed: number,
  stream: number,
): Int32Array {
  const out = new Int32Array(count);
  const fromTrace =
    traceColumn !== undefined &&
    traceColumn.length >= count &&
    (distribution === undefined || distribution.kind === 'trace');
  for (let index = 0; index < count; index += 1) {
    if (fromTrace) out[index] = Math.max(1, Math.round(traceColumn[index] as number));
    else if (distribution === undefined) out[index] = Math.max(1, fallback);
    else out[index] = lengthAt(distribution, Math.max(1, fallback), seed, stream, index);
  }
  return out;
}

/**
 * The requests of a serving scenario.
 * - `poisson`: exponential gaps −ln(u)/λ; `gamma`: gaps gamma(k = 1/cv², θ = 1/(λk)), mean 1/λ and coefficient of
 *   variation cv; the first request arrives one gap after time 0.
 * - `closed`: a `ClosedLoop` (the simulator sends user u's next request `thinkSeconds` after its last completes).
 * - `trace`: the trace's arrivals from its first one, divided by `timeScale` — or, with `ratePerSecond`, scaled so
 *   the replay's mean rate ((n − 1) / span) is that rate; at most `requests` rows.
 * Lengths: a distribution given wins; left out, the trace's column (trace traffic) or `defaults`.
 * `ratePerSecond` replaces a poisson/gamma rate (a rate sweep); a closed loop ignores it.
 */
export function buildStream(
  traffic: Traffic,
  input: LengthDistribution | undefined,
  output: LengthDistribution | undefined,
  defaults: { inputTokens: number; outputTokens: number },
  requests: number,
  seed: number,
  ratePerSecond?: number,
): RequestStream | ClosedLoop {
  const traceRows = traffic.kind === 'trace' ? traffic.arrivalsSeconds.length : Infinity;
  const count = Math.max(0, Math.min(Math.floor(requests), traceRows));
  const traceInput = traffic.kind === 'trace' ? traffic.inputTokens : undefined;
  const traceOutput = traffic.kind === 'trace' ? traffic.outputTokens : undefined;
  const inputs = lengths(input, traceInput, defaults.inputTokens, count, seed, INPUT_STREAM);
  const outputs = lengths(output, traceOutput, defaults.outputTokens, count, seed, OUTPUT_STREAM);
  if (traffic.kind === 'closed')
    return {
      users: traffic.users,
      thinkSeconds: traffic.thinkSeconds,
      requests: count,
      input: inputs,
      output: outputs,
    };
  const arrivals = new Float64Array(count);
  if (traffic.kind === 'trace') {
    const first = traffic.arrivalsSeconds[0] ?? 0;
    const span = (traffic.arrivalsSeconds[count - 1] ?? first) - first;
    let scale = traffic.timeScale ?? 1;
    if (ratePerSecond !== undefined && count > 1 && span > 0) scale = ratePerSecond / ((count - 1) / span);
    let last = 0;
    for (let index = 0; index < count; index += 1) {
      // A trace out of order is replayed in order (times never go back).
      last = Math.max(last, ((traffic.arrivalsSeconds[index] ?? first) - first) / scale);
      arrivals[index] = last;
    }
  } else {
    const rate = ratePerSecond ?? traffic.ratePerSecond;
    const shape = traffic.kind === 'gamma' ? 1 / (traffic.cv * traffic.cv) : 1;
    let time = 0;
    for (let index = 0; index < count; index += 1) {
      const gap =
        traffic.kind === 'poisson'
          ? -Math.log(hashUniform(seed, GAP_STREAM, index, 0)) / rate
          : gammaAt(shape, seed, GAP_STREAM, index) / (rate * shape);
      time += gap;
      arrivals[index] = time;
    }
  }
  return { arrivals, input: inputs, output: outputs };
}

/** Whether a stream is a closed loop. */
export function isClosedLoop(stream: RequestStream | ClosedLoop): stream is ClosedLoop {
  return (stream as ClosedLoop).users !== undefined;
}
