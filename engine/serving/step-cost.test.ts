/**
 * The step cost on the engine's test catalog: a toy model (4 layers, 512 wide, 2 KV heads of 64) on one
 * 128 × 128 array with its DRAM. Every expectation is either derived from the toy's numbers or checked against a
 * direct engine evaluation of the same step (the library's presets are exercised in
 * `main/services/serving-step-cost.test.ts`, which may read the library's files).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import { defaultServing } from '../schema/serving';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import { buildDisaggregated, buildStepCost } from './step-cost';
import { stepCostOf } from './testing';
import type { StepBatch, StepCostModel, StepCostOut } from './types';

const catalog = testCatalog();
const design = testDesign({ array: { type: 'test.array' }, dram: { type: 'test.dram' } }, [
  ['array', 'dram'],
]);
const workload: Workload = { ...defaultWorkload('toy'), inputTokens: 512, outputTokens: 128 };
const limits = { maxBatch: 64, maxTokensPerStep: 2048 };

function build(candidate: Workload = workload): StepCostModel {
  const built = buildStepCost(design, candidate, catalog, limits);
  if (!built.ok) throw new Error(built.message);
  return built.cost;
}
const cost = build();

function direct(changes: Partial<Workload>): Report {
  const result = evaluate({ design, workload: { ...workload, ...changes } }, catalog, { detail: 'figures' });
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

function costOf(batch: Partial<StepBatch>, model: StepCostModel = cost): StepCostOut {
  return stepCostOf(model, batch);
}

/**
 * Why 5 %: the grid's nodes are exact (they are engine evaluations); between them the cost is linear in batch and
 * context, which the toy's decode is except for the array's passes over the context: attention runs in passes of
 * 128 keys (the array's rows), a staircase in context that linear interpolation between multiples of 128 misses
 * by up to one stair — 4.7 % of the step at 11 sequences of 700 tokens (768 computed, 700 interpolated). Its
 * prefill is mostly attention (∝ tokens², 4 narrow layers), whose curvature between nodes 1.5× apart the linear
 * interpolation overstates by up to 4.8 % (700 tokens). The library's presets: docs/engine.md, "Step cost".
 */
const TOLERANCE = 0.05;

describe('buildStepCost', () => {
  it('costs nothing for a step with no work', () => {
    expect(costOf({})).toEqual({ seconds: 0, joules: 0 });
  });

  it('agrees with direct evaluations off the grid', () => {
    for (const [requests, context] of [
      [3, 100],
      [11, 700],
      [40, 3000],
    ] as const) {
      const report = direct({ batch: requests, inputTokens: 1, outputTokens: 1, decodeContext: context });
      const step = costOf({ decodeRequests: requests, decodeContextTokens: requests * context });
      expect(Math.abs(step.seconds / report.decode.seconds - 1)).toBeLessThan(TOLERANCE);
      expect(Math.abs(step.joules / report.decode.energyJoules - 1)).toBeLessThan(TOLERANCE);
    }
    for (const tokens of [100, 700, 1500]) {
      const report = direct({ batch: 1, inputTokens: tokens, outputTokens: 1, decodeContext: 1 });
      expect(Math.abs(cost.singlePrefillSeconds(tokens) / report.prefill.seconds - 1)).toBeLessThan(
        TOLERANCE,
      );
    }
  });

  it('costs more with more prompt tokens, more decodes and longer contexts', () => {
    const series = (batches: Partial<StepBatch>[]) => batches.map((batch) => costOf(batch).seconds);
    const increasing = (values: number[]) =>
      values.every((value, index) => index === 0 || value >= values[index - 1]!);
    expect(
      increasing(
        series([1, 5, 50, 333, 1000, 2048].map((tokens) => ({ prefillTokens: tokens, prefillRequests: 1 }))),
      ),
    ).toBe(true);
    expect(
      increasing(
        series(
          [1, 3, 9, 33, 64].map((requests) => ({
            decodeRequests: requests,
            decodeContextTokens: requests * 600,
          })),
        ),
      ),
    ).toBe(true);
    expect(
      increasing(
        series(
          [1, 90, 900, 5000].map((context) => ({ decodeRequests: 8, decodeContextTokens: 8 * context })),
        ),
      ),
    ).toBe(true);
  });

  it('puts a mixed step between the longer of its parts and their sum', () => {
    const chunk = { prefillTokens: 256, prefillRequests: 1, prefillContextTokens: 512 };
    const decodes = { decodeRequests: 16, decodeContextTokens: 16 * 800 };
    const mixed = costOf({ ...chunk, ...decodes });
    const prefill = costOf(chunk);
    const decode = costOf(decodes);
    expect(mixed.seconds).toBeGreaterThanOrEqual(Math.max(prefill.seconds, decode.seconds));
    expect(mixed.seconds).toBeLessThanOrEqual(prefill.seconds + decode.seconds);
    expect(mixed.joules).toBeGreaterThanOrEqual(Math.max(prefill.joules, decode.joules));
    expect(mixed.joules).toBeLessThanOrEqual(prefill.joules + decode.joules);
  });

  it('charges a chunk for attending to its prefix', () => {
    const fresh = costOf({ prefillTokens: 256, prefillRequests: 1 }).seconds;
    expect(
      costOf({ prefillTokens: 256, prefillRequests: 1, prefillContextTokens: 4096 }).seconds,
    ).toBeGreaterThan(fresh);
  });

  it('holds as many KV tokens as the engine’s largest batch says, at the toy’s bytes per token', () => {
    const report = direct({ batch: 1 });
    const perRequest = workload.inputTokens + workload.outputTokens;
    expect(
      Math.abs(Math.floor(cost.kvCapacityTokens / perRequest) - report.memory.maxBatch),
    ).toBeLessThanOrEqual(1);
    // K and V × 2 KV heads × 64 dims × 4 layers × 2 bytes (BF16).
    expect(cost.kvBytesPerToken).toBe(2 * 2 * 64 * 4 * 2);
  });

  it('has no swap path without host memory, and says what it is built from', () => {
    expect(cost.swapBytesPerSecond).toBeUndefined();
    expect(cost.idleWatts).toBeGreaterThan(0);
    expect(cost.basis).toMatch(/^\d+ engine evaluations/);
    expect(cost.maxDecodeTokensPerSecond).toBeGreaterThan(0);
  });

  it('ignores the workload’s serving scenario', () => {
    const served = build({ ...workload, serving: defaultServing() });
    const batch = { prefillTokens: 300, prefillRequests: 2, decodeRequests: 5, decodeContextTokens: 2000 };
    expect(costOf(batch, served)).toEqual(costOf(batch));
  });

  it('refuses a model whose weights leave no room for a KV cache', () => {
    const tiny = testDesign(
      { array: { type: 'test.array' }, dram: { type: 'test.dram', params: { capacityBytes: 2 ** 20 } } },
      [['array', 'dram']],
    );
    const built = buildStepCost(tiny, workload, catalog, limits);
    expect(built).toEqual({
      ok: false,
      message: expect.stringMatching(/leave no room for a KV cache/) as unknown,
    });
  });
});

describe('buildDisaggregated', () => {
  it('refuses a design of one chip, and a split of two groups it does not have', () => {
    const chips = buildDisaggregated(
      design,
      workload,
      catalog,
      { split: 'chips', prefillChips: 1, decodeChips: 1 },
      limits,
    );
    expect(chips).toEqual({ ok: false, message: expect.stringMatching(/one chip/) as unknown });
    const groups = buildDisaggregated(
      design,
      workload,
      catalog,
      { split: 'groups', prefillGroup: 'a', decodeGroup: 'b' },
      limits,
    );
    expect(groups).toEqual({ ok: false, message: expect.stringMatching(/no chip group "a"/) as unknown });
  });
});
