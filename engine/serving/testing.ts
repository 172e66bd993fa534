/**
 * Synthetic step-cost models for the serving tests: costs in closed form, so a test derives what the simulator
 * must report from the formula.
 */
import type { StepBatch, StepCostModel, StepCostOut } from './types';

export interface LinearCost {
  /** Seconds every step takes (weights read once per step). */
  fixedSeconds: number;
  perPrefillTokenSeconds: number;
  perDecodeRequestSeconds: number;
  perContextTokenSeconds: number;
  watts: number;
  idleWatts: number;
  kvCapacityTokens: number;
  kvBytesPerToken: number;
  swapBytesPerSecond?: number;
  /** The largest decode batch, for `maxDecodeTokensPerSecond` (context cost left out: a ceiling). */
  maxBatch: number;
}

/**
 * seconds = fixed + perPrefillToken · prefillTokens + perDecodeRequest · decodeRequests + perContextToken ·
 * (decodeContextTokens + prefillContextTokens); joules = watts · seconds. `counted` totals what it was asked.
 */
export function linearCost(settings: Partial<LinearCost> = {}): StepCostModel & {
  counted: { steps: number; prefillTokens: number };
} {
  const s: LinearCost = {
    fixedSeconds: 0.01,
    perPrefillTokenSeconds: 1e-5,
    perDecodeRequestSeconds: 1e-4,
    perContextTokenSeconds: 0,
    watts: 500,
    idleWatts: 100,
    kvCapacityTokens: 1e9,
    kvBytesPerToken: 1000,
    maxBatch: 256,
    ...settings,
  };
  const counted = { steps: 0, prefillTokens: 0 };
  return {
    counted,
    step(batch: StepBatch, out: StepCostOut) {
      counted.steps += 1;
      counted.prefillTokens += batch.prefillTokens;
      out.seconds =
        s.fixedSeconds +
        s.perPrefillTokenSeconds * batch.prefillTokens +
        s.perDecodeRequestSeconds * batch.decodeRequests +
        s.perContextTokenSeconds * (batch.decodeContextTokens + batch.prefillContextTokens);
      out.joules = s.watts * out.seconds;
    },
    kvCapacityTokens: s.kvCapacityTokens,
    kvBytesPerToken: s.kvBytesPerToken,
    swapBytesPerSecond: s.swapBytesPerSecond,
    idleWatts: s.idleWatts,
    maxDecodeTokensPerSecond: s.maxBatch / (s.fixedSeconds + s.perDecodeRequestSeconds * s.maxBatch),
    singlePrefillSeconds: (tokens) => s.fixedSeconds + s.perPrefillTokenSeconds * tokens,
    basis: 'synthetic linear cost (tests)',
  };
}

/** A step with no work (spread a partial batch over it). */
export const noWork: StepBatch = {
  prefillTokens: 0,
  prefillRequests: 0,
  prefillContextTokens: 0,
  decodeRequests: 0,
  decodeContextTokens: 0,
};

/** What `model` charges for a batch (the fields left out are zero). */
export function stepCostOf(model: StepCostModel, batch: Partial<StepBatch>): StepCostOut {
  const out: StepCostOut = { seconds: -1, joules: -1 };
  model.step({ ...noWork, ...batch }, out);
  return out;
}
