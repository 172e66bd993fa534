/**
 * The serving step cost (`engine/serving/step-cost.ts`) on the library's presets: Llama 3 70B on a DGX H100.
 * The step cost is an interpolation of engine evaluations, so every figure is checked against a direct engine
 * evaluation of the same step; the engine itself is the reference, not a number pasted from a run.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { Report } from '../../engine/report';
import { defaultServing } from '../../engine/schema/serving';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { buildStepCost } from '../../engine/serving/step-cost';
import type { StepBatch, StepCostModel } from '../../engine/serving/types';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);
const dgx = index.presets.get('nvidia-dgx-h100')?.design;
if (!dgx) throw new Error('the library has the DGX H100 preset');
const design = dgx;

/** Llama 3 70B at TP 8 (the split a serving engine runs it with on eight H100s), 1,024 tokens in, 256 out. */
const workload: Workload = {
  ...defaultWorkload('llama-3-70b'),
  inputTokens: 1024,
  outputTokens: 256,
  parallelism: { mode: 'manual', tensor: 8, pipeline: 1, expert: 1 },
};
const limits = { maxBatch: 256, maxTokensPerStep: 8192 };

function build(candidate: Workload = workload): StepCostModel {
  const built = buildStepCost(design, candidate, index, limits);
  if (!built.ok) throw new Error(built.message);
  return built.cost;
}
const cost = build();

function direct(changes: Partial<Workload>): Report {
  const result = evaluate({ design, workload: { ...workload, ...changes } }, index, { detail: 'figures' });
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const none: StepBatch = {
  prefillTokens: 0,
  prefillRequests: 0,
  prefillContextTokens: 0,
  decodeRequests: 0,
  decodeContextTokens: 0,
};
const decodeStep = (requests: number, context: number): StepBatch => ({
  ...none,
  decodeRequests: requests,
  decodeContextTokens: requests * context,
});
const prefillStep = (requests: number, tokensEach: number, prefixEach = 0): StepBatch => ({
  ...none,
  prefillTokens: requests * tokensEach,
  prefillRequests: requests,
  prefillContextTokens: requests * prefixEach,
});
function costOf(batch: StepBatch, model: StepCostModel = cost): { seconds: number; joules: number } {
  const out = { seconds: 0, joules: 0 };
  model.step(batch, out);
  return out;
}

/**
 * Why a few per cent: a decode step is weights + per-token compute + KV reads ∝ batch × context, which bilinear
 * interpolation reproduces exactly; what it misses is a roofline switch or a tile wave inside a grid cell. A
 * prefill is a staircase in tokens (one more wave of GEMM tiles every 256 tokens here); the nodes sit on both
 * sides of the tile edges of powers of two and 1.5×, so a longer prompt's interval holds a few stairs of a few
 * per cent each.
 */
const DECODE_TOLERANCE = 0.02;
const PREFILL_TOLERANCE = 0.03;

describe('the step cost of Llama 3 70B on a DGX H100', () => {
  it('agrees with direct engine evaluations of decode steps off the grid', () => {
    // Batches and contexts between the nodes (1, 2, 4, … × 1, 128, 512, 2048, 8192).
    for (const [requests, context] of [
      [3, 700],
      [24, 3000],
      [48, 1500],
      [100, 5000],
      [200, 1200],
      [150, 300],
    ] as const) {
      const report = direct({ batch: requests, inputTokens: 1, outputTokens: 1, decodeContext: context });
      const step = costOf(decodeStep(requests, context));
      expect(Math.abs(step.seconds / report.decode.seconds - 1)).toBeLessThan(DECODE_TOLERANCE);
      expect(Math.abs(step.joules / report.decode.energyJoules - 1)).toBeLessThan(DECODE_TOLERANCE);
    }
  });

  it('agrees with direct engine evaluations of prefill steps off the grid', () => {
    for (const [requests, tokens] of [
      [1, 300],
      [1, 1500],
      [1, 3000],
      [1, 6000],
      [3, 700],
      [5, 1000],
      [12, 500],
    ] as const) {
      const report = direct({ batch: requests, inputTokens: tokens, outputTokens: 1, decodeContext: 1 });
      const step = costOf(prefillStep(requests, tokens));
      expect(Math.abs(step.seconds / report.prefill.seconds - 1)).toBeLessThan(PREFILL_TOLERANCE);
      expect(Math.abs(step.joules / report.prefill.energyJoules - 1)).toBeLessThan(PREFILL_TOLERANCE);
    }
    const single = direct({ batch: 1, inputTokens: 1024, outputTokens: 1, decodeContext: 1 });
    expect(Math.abs(cost.singlePrefillSeconds(1024) / single.prefill.seconds - 1)).toBeLessThan(
      PREFILL_TOLERANCE,
    );
  });

  it('costs more with more tokens, more requests and more context', () => {
    let previous = 0;
    for (const tokens of [1, 10, 100, 333, 1000, 2500, 8192]) {
      const { seconds } = costOf(prefillStep(1, tokens));
      expect(seconds).toBeGreaterThan(previous);
      previous = seconds;
    }
    previous = 0;
    for (const requests of [1, 3, 17, 64, 100, 255]) {
      const { seconds } = costOf(decodeStep(requests, 2000));
      expect(seconds).toBeGreaterThanOrEqual(previous);
      previous = seconds;
    }
    previous = 0;
    for (const context of [1, 50, 700, 4000, 8000]) {
      const { seconds } = costOf(decodeStep(64, context));
      expect(seconds).toBeGreaterThan(previous);
      previous = seconds;
    }
  });

  it('costs nothing for a step with no work', () => {
    expect(costOf(none)).toEqual({ seconds: 0, joules: 0 });
  });

  it('runs a prompt chunk beside decodes for less than the two apart and no less than either', () => {
    const chunk = prefillStep(1, 512, 1024);
    const decodes = decodeStep(64, 1500);
    const mixed = costOf({ ...chunk, ...decodesOf(decodes) });
    const alone = [costOf(chunk), costOf(decodes)];
    const [prefill, decode] = alone.map((part) => part.seconds) as [number, number];
    expect(mixed.seconds).toBeGreaterThanOrEqual(Math.max(prefill, decode));
    expect(mixed.seconds).toBeLessThanOrEqual(prefill + decode);
    // The weights are streamed once for both: a 70B model's 64-token decode step is mostly that stream.
    expect(mixed.seconds).toBeLessThan(0.9 * (prefill + decode));
  });

  it('charges a prompt chunk for attending to the prefix already cached', () => {
    const fresh = costOf(prefillStep(1, 512, 0)).seconds;
    const late = costOf(prefillStep(1, 512, 6144)).seconds;
    expect(late).toBeGreaterThan(fresh);
    // Tokens 6,145–6,656 of a prompt as a chunk: at least what they add to the whole prompt (the same GEMM rows
    // and the same attention pairs, the weights' stream already paid for), at most the chunk alone plus that.
    const whole = direct({ batch: 1, inputTokens: 6656, outputTokens: 1, decodeContext: 1 }).prefill.seconds;
    const head = direct({ batch: 1, inputTokens: 6144, outputTokens: 1, decodeContext: 1 }).prefill.seconds;
    expect(late).toBeGreaterThan(whole - head);
    expect(late).toBeLessThan(fresh + (whole - head));
  });

  it('holds the KV cache the engine says fits: its largest batch at the workload’s lengths', () => {
    const report = direct({ batch: 1 });
    const perRequest = workload.inputTokens + workload.outputTokens;
    expect(
      Math.abs(Math.floor(cost.kvCapacityTokens / perRequest) - report.memory.maxBatch),
    ).toBeLessThanOrEqual(1);
    // Llama 3 70B keeps 2 (K, V) × 8 KV heads × 128 dims × 80 layers × 2 bytes (BF16) per token.
    expect(cost.kvBytesPerToken).toBe(2 * 8 * 128 * 80 * 2);
  });

  it('swaps over the host path and idles at the engine’s idle power', () => {
    // Eight GPUs, each with its path to the host's DRAM.
    expect(cost.swapBytesPerSecond).toBeGreaterThan(0);
    const summary = evaluate({ design, workload: { ...workload, requestsPerHour: 1 } }, index, {
      detail: 'summary',
    });
    if (!summary.ok) throw new Error('the DGX evaluates');
    expect(cost.idleWatts).toBeCloseTo(summary.report.dvfs?.idle.powerWatts ?? Number.NaN, 6);
  });

  it('tops out at the decode rate of the largest batch that fits', () => {
    const average = workload.inputTokens + workload.outputTokens / 2;
    const batch = Math.min(limits.maxBatch, Math.floor(cost.kvCapacityTokens / average));
    const report = direct({ batch, inputTokens: 1, outputTokens: 1, decodeContext: average });
    expect(Math.abs(cost.maxDecodeTokensPerSecond / (batch / report.decode.seconds) - 1)).toBeLessThan(
      DECODE_TOLERANCE,
    );
  });

  it('is the same with or without a serving scenario in the workload', () => {
    const served = build({ ...workload, serving: defaultServing() });
    for (const batch of [
      decodeStep(37, 900),
      prefillStep(2, 777),
      { ...prefillStep(1, 300), ...decodesOf(decodeStep(9, 99)) },
    ])
      expect(costOf(batch, served)).toEqual(costOf(batch));
    expect(served.kvCapacityTokens).toBe(cost.kvCapacityTokens);
  });

  it('says what it is built from', () => {
    expect(cost.basis).toMatch(/engine evaluations/);
    expect(cost.basis).toMatch(/TP 8/);
  });
});

/** The decode half of a step. */
function decodesOf(batch: StepBatch): Pick<StepBatch, 'decodeRequests' | 'decodeContextTokens'> {
  return { decodeRequests: batch.decodeRequests, decodeContextTokens: batch.decodeContextTokens };
}
