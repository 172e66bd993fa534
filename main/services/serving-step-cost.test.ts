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
import type { DesignDocument } from '../../engine/schema/design';
import { partitionDesign } from '../../engine/serving/partition';
import { buildDisaggregated, buildStepCost } from '../../engine/serving/step-cost';
import { groupLinks } from '../../engine/stages/hetero';
import { resolve } from '../../engine/stages/resolve';
import { createRandom } from '../../engine/sweep/random';
import { noWork, stepCostOf } from '../../engine/serving/testing';
import type { StepBatch, StepCostModel, StepCostOut } from '../../engine/serving/types';
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

const decodeStep = (requests: number, context: number): StepBatch => ({
  ...noWork,
  decodeRequests: requests,
  decodeContextTokens: requests * context,
});
const prefillStep = (requests: number, tokensEach: number, prefixEach = 0): StepBatch => ({
  ...noWork,
  prefillTokens: requests * tokensEach,
  prefillRequests: requests,
  prefillContextTokens: requests * prefixEach,
});
function costOf(batch: StepBatch, model: StepCostModel = cost): StepCostOut {
  return stepCostOf(model, batch);
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

  it('stays within 1 % on average and 5 % at worst over 100 seeded reachable steps of each kind', () => {
    // Random batches, contexts (log-uniform, within the KV room) and prompt lengths, none on purpose on a node.
    const random = createRandom(18);
    const errors = { decode: [] as number[], prefill: [] as number[] };
    while (errors.decode.length < 100) {
      const requests = 1 + random.below(limits.maxBatch);
      const context = Math.round(Math.exp(random.next() * Math.log(8192)));
      if (requests * context > cost.kvCapacityTokens) continue;
      const report = direct({ batch: requests, inputTokens: 1, outputTokens: 1, decodeContext: context });
      errors.decode.push(Math.abs(costOf(decodeStep(requests, context)).seconds / report.decode.seconds - 1));
    }
    while (errors.prefill.length < 100) {
      const tokens = Math.round(Math.exp(random.next() * Math.log(limits.maxTokensPerStep)));
      const report = direct({ batch: 1, inputTokens: tokens, outputTokens: 1, decodeContext: 1 });
      errors.prefill.push(Math.abs(costOf(prefillStep(1, tokens)).seconds / report.prefill.seconds - 1));
    }
    for (const list of [errors.decode, errors.prefill]) {
      expect(list.reduce((sum, error) => sum + error, 0) / list.length).toBeLessThan(0.01);
      expect(Math.max(...list)).toBeLessThan(0.05);
    }
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
    expect(costOf(noWork)).toEqual({ seconds: 0, joules: 0 });
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

  it('gives the KV cache only the runtime’s share of memory under vLLM, still as the engine counts it', () => {
    const vllm: Workload = { ...workload, runtime: 'vllm' };
    const served = build(vllm);
    // vLLM gives the whole model 90 % of the memory (gpu_memory_utilization): less room than the bare hardware.
    expect(served.kvCapacityTokens).toBeLessThan(cost.kvCapacityTokens);
    const report = evaluate({ design, workload: { ...vllm, batch: 1 } }, index, { detail: 'figures' });
    if (!report.ok) throw new Error('the DGX evaluates under vLLM');
    const perRequest = workload.inputTokens + workload.outputTokens;
    expect(
      Math.abs(Math.floor(served.kvCapacityTokens / perRequest) - report.report.memory.maxBatch),
    ).toBeLessThanOrEqual(1);
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

describe('a share of an H100 (MIG-like) for Llama 3 8B', () => {
  const h100 = index.presets.get('nvidia-h100-sxm')?.design;
  if (!h100) throw new Error('the library has the H100 SXM preset');
  const small: Workload = {
    ...defaultWorkload('llama-3-8b'),
    inputTokens: 1024,
    outputTokens: 256,
    parallelism: { mode: 'manual', tensor: 1, pipeline: 1, expert: 1 },
  };
  const smallLimits = { maxBatch: 64, maxTokensPerStep: 4096 };
  const costOn = (target: DesignDocument): StepCostModel => {
    const built = buildStepCost(target, small, index, smallLimits);
    if (!built.ok) throw new Error(built.message);
    return built.cost;
  };
  const half = partitionDesign(h100, { kind: 'share', compute: 1 / 2, memory: 1 / 2 }, index);
  if (!half.ok) throw new Error(half.message);
  const whole = costOn(h100);
  const halved = costOn(half.design);

  it('describes the slice in words', () => {
    expect(half.description).toBe('1/2 of the compute and memory of each chip (66 of 132 SMs)');
    const mig = partitionDesign(h100, { kind: 'share', compute: 1 / 7, memory: 1 / 8 }, index);
    expect(mig.ok && mig.description).toBe(
      '1/7 of the compute and 1/8 of the memory of each chip (19 of 132 SMs)',
    );
  });

  it('takes about twice as long per decode step on half the SMs and half the memory bandwidth', () => {
    // Decode streams the weights and the KV cache: every byte moves at half the bandwidth, every MAC at half the
    // SMs, so no part takes more than twice as long; per-operator dispatch overheads do not grow at all.
    for (const [requests, context] of [
      [1, 100],
      [8, 1000],
      [32, 2000],
    ] as const) {
      const ratio =
        costOf(decodeStep(requests, context), halved).seconds /
        costOf(decodeStep(requests, context), whole).seconds;
      expect(ratio).toBeGreaterThan(1.7);
      expect(ratio).toBeLessThanOrEqual(2);
    }
  });

  it('gives two halves the whole chip’s KV room, less the second copy of the weights and activations', () => {
    const report = evaluate({ design: h100, workload: { ...small, batch: 64 } }, index, {
      detail: 'figures',
    });
    if (!report.ok) throw new Error('the H100 evaluates');
    const { weightsBytesPerChip, activationBytesPerChip } = report.report.memory;
    const secondCopy = (weightsBytesPerChip + activationBytesPerChip) / whole.kvBytesPerToken;
    expect(Math.abs(2 * halved.kvCapacityTokens + secondCopy - whole.kvCapacityTokens)).toBeLessThanOrEqual(
      4,
    );
  });
});

describe('disaggregated prefill and decode', () => {
  const tp4: Workload = { ...workload, parallelism: { mode: 'manual', tensor: 4, pipeline: 1, expert: 1 } };
  const small = { maxBatch: 64, maxTokensPerStep: 4096 };

  it('splits the DGX’s eight GPUs and sends the KV cache over NVLink, one link per GPU of a replica', () => {
    const split = buildDisaggregated(
      design,
      tp4,
      index,
      { split: 'chips', prefillChips: 4, decodeChips: 4 },
      small,
    );
    if (!split.ok) throw new Error(split.message);
    const network = resolve(design, index).network;
    if (!network) throw new Error('the DGX has an NVLink network');
    expect(split.transferBytesPerSecond).toBe(4 * network.bandwidthBytesPerSecond);
    expect(split.transferLatencySeconds).toBe(network.latencySeconds);
    // Each side is the DGX with four GPUs: its decode is the same as a four-GPU design's.
    const four = partitionDesign(design, { kind: 'chips', chips: 4 }, index);
    if (!four.ok) throw new Error(four.message);
    const direct4 = buildStepCost(four.design, tp4, index, small);
    if (!direct4.ok) throw new Error(direct4.message);
    expect(costOf(decodeStep(16, 1000), split.decode)).toEqual(costOf(decodeStep(16, 1000), direct4.cost));
  });

  it('refuses more chips than the group has, and chips with no link between them', () => {
    expect(
      buildDisaggregated(design, tp4, index, { split: 'chips', prefillChips: 4, decodeChips: 6 }, small),
    ).toEqual({
      ok: false,
      message: 'Disaggregated serving asks for 4 prefill + 6 decode = 10 chips, but "H100 SXM" has 8.',
    });
    const gone = new Set(['nvlink', 'nvswitch']);
    const unlinked: DesignDocument = {
      ...design,
      blocks: design.blocks.filter((block) => !gone.has(block.id)),
      links: design.links.filter((link) => !gone.has(link.from.block) && !gone.has(link.to.block)),
      groups: design.groups.map((group) => ({
        ...group,
        blocks: group.blocks.filter((id) => !gone.has(id)),
      })),
    };
    const refused = buildDisaggregated(
      unlinked,
      tp4,
      index,
      { split: 'chips', prefillChips: 4, decodeChips: 4 },
      small,
    );
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message).toMatch(/no modelled link between them/);
  });

  it('runs prefill and decode on two chip groups, the KV cache over the route between them', () => {
    const pim = index.presets.get('template-gpu-pim')?.design;
    if (!pim) throw new Error('the library has the GPU + PIM template');
    const small8b: Workload = { ...defaultWorkload('llama-3-8b'), inputTokens: 1024, outputTokens: 256 };
    const split = buildDisaggregated(
      pim,
      small8b,
      index,
      { split: 'groups', prefillGroup: 'gpu', decodeGroup: 'pim-module' },
      small,
    );
    if (!split.ok) throw new Error(split.message);
    const route = groupLinks(pim, index, ['gpu', 'pim-module'])[0]?.[1];
    expect(split.transferBytesPerSecond).toBe(route?.bandwidthBytesPerSecond);
    expect(split.transferLatencySeconds).toBe(route?.latencySeconds);
    // The GPU prefills far faster than the PIM cubes would.
    expect(split.prefill.singlePrefillSeconds(1024)).toBeLessThan(split.decode.singlePrefillSeconds(1024));
  });
});

/** The decode half of a step. */
function decodesOf(batch: StepBatch): Pick<StepBatch, 'decodeRequests' | 'decodeContextTokens'> {
  return { decodeRequests: batch.decodeRequests, decodeContextTokens: batch.decodeContextTokens };
}
