import { describe, expect, it } from 'vitest';
import { defaultWorkload, type Workload } from '../../../engine/schema/workload';
import { resolve } from '../../../engine/stages/resolve';
import { loadCatalog } from '../../app/command-line';
import {
  DEFAULT_MAX_NUM_TOKENS,
  firstTokenSeconds,
  maxLoad,
  onlineServing,
  poissonArrivals,
  run,
  scaleOut,
  servingSimulation,
  simulateInflightBatching,
} from './scenarios';

describe('serving: the first token under in-flight batching', () => {
  const prefill = 0.02;
  const step = 0.01;

  it('starts the prefill at once on an idle engine', () => {
    expect(firstTokenSeconds(prefill, step, 0, 0)).toBe(prefill);
  });

  it('waits half a running step, then prefills in an iteration that also decodes the others', () => {
    // No queue of prefills (λ = 0): residual half step + a step's worth of the others' decode + the prefill.
    expect(firstTokenSeconds(prefill, step, 5, 0)).toBeCloseTo(step / 2 + step + prefill, 15);
  });

  it('queues behind earlier arrivals’ prefills as an M/D/1 queue', () => {
    const rate = 25; // ρ = 25 × 0.02 = 0.5: wait ρ · prefill / (2 (1 − ρ)) = 0.5 × 0.02 / 1 = 0.01.
    expect(firstTokenSeconds(prefill, step, 0, rate)).toBeCloseTo(prefill + 0.01, 15);
  });
});

describe('serving: online serving beyond capacity', () => {
  it('runs the max-load schedule: TPOT = (prefill(B) + output · step(B)) / output, not an unbounded batch', async () => {
    const catalog = await loadCatalog();
    const design = catalog.presets.get('nvidia-h100-sxm')?.design;
    if (!design) throw new Error('no H100 preset');
    const base: Workload = {
      ...defaultWorkload('llama-3-1-8b'),
      weights: 'bf16',
      activations: 'bf16',
      kv: 'bf16',
      inputTokens: 467,
      outputTokens: 256,
    };
    const load = maxLoad(design, base, catalog);
    const serving = onlineServing(design, base, 1e6, catalog);
    const { prefill, decode } = load.report;
    // At capacity λ = B / (prefill(B) + output · step(B)); the prefill share of time is λ · prefill(B) / B, and
    // each decode step stretches by 1 / (1 − share).
    const expected = (prefill.seconds + base.outputTokens * decode.secondsPerStep) / base.outputTokens;
    expect(serving.saturated).toBe(true);
    expect(serving.tpotSeconds).toBeCloseTo(expected, 9);
  });
});

describe('serving: chips joined over PCIe', () => {
  it('all-reduces over an L40S group at half the PCIe link, the host-bound rate NCCL reaches', async () => {
    const catalog = await loadCatalog();
    const preset = catalog.presets.get('nvidia-l40s');
    if (!preset) throw new Error('no L40S preset');
    const design = scaleOut(preset.design, 8, catalog);
    if (!design) throw new Error('cannot scale the L40S');
    const network = resolve(design, catalog).network;
    // PCIe 4.0 x16: 32 GB/s per direction; NCCL over the host reaches about half of it.
    expect(network?.bandwidthBytesPerSecond).toBeCloseTo(32e9 * 0.5, -6);
  });
});

describe('serving: in-flight batching simulated iteration by iteration', () => {
  const input = 100;
  const prefill = 0.2; // seconds of an iteration with prompts in it
  const step = 0.01; // seconds of a generation-only iteration
  const iteration = (context: number, generating: number): number =>
    context > 0 ? prefill : generating > 0 ? step : 0;

  it('a burst of N prompts, k per iteration, waits for the earlier iterations: mean TTFT = P (N/k + 1) / 2', () => {
    // 6 requests at once, max_num_tokens = 2 prompts: iterations end at P, 2P, 3P with two first tokens each.
    const result = simulateInflightBatching(
      [0, 0, 0, 0, 0, 0],
      input,
      1,
      { maxBatch: 64, maxNumTokens: 2 * input, kvRequests: 64 },
      iteration,
    );
    expect(result.ttftSeconds).toBeCloseTo((prefill * (6 / 2 + 1)) / 2, 12);
    expect(result.requestsPerSecond).toBeCloseTo(6 / (3 * prefill), 12);
  });

  it('requests beyond the max batch wait for a slot: two waves of B', () => {
    // 4 requests at once, max batch 2, 3 output tokens: wave 1 prefills (P) then decodes 2 steps; wave 2 is
    // admitted when it ends (P + 2D), prefills and decodes. TTFT: P twice, 2P + 2D twice; every gap is one step.
    const result = simulateInflightBatching(
      [0, 0, 0, 0],
      input,
      3,
      { maxBatch: 2, maxNumTokens: 8192, kvRequests: 64 },
      iteration,
    );
    expect(result.ttftSeconds).toBeCloseTo((2 * prefill + 2 * (2 * prefill + 2 * step)) / 4, 12);
    expect(result.itlSeconds).toBeCloseTo(step, 12);
    expect(result.requestsPerSecond).toBeCloseTo(4 / (2 * prefill + 4 * step), 12);
    expect(result.peakBatch).toBe(2);
  });

  it('the KV room limits the batch like the max batch (guaranteed no evict)', () => {
    const limited = simulateInflightBatching(
      [0, 0, 0, 0],
      input,
      3,
      { maxBatch: 64, maxNumTokens: 8192, kvRequests: 2 },
      iteration,
    );
    expect(limited.peakBatch).toBe(2);
  });

  it('generation tokens count against max_num_tokens', () => {
    // Budget 2 prompts + 1: the first iteration prefills A and B; in the second, B and A decode (2 tokens) and
    // leave 2·input + 1 − 2 < 2·input, so only C's prompt fits; D waits one more iteration.
    const seen: [number, number][] = [];
    simulateInflightBatching(
      [0, 0, 0, 0],
      input,
      4,
      { maxBatch: 64, maxNumTokens: 2 * input + 1, kvRequests: 64 },
      (context, generating) => {
        seen.push([context, generating]);
        return iteration(context, generating);
      },
    );
    expect(seen.slice(0, 3)).toEqual([
      [2 * input, 0],
      [input, 2],
      [input, 3],
    ]);
  });

  it('an idle engine prefills an arrival at once; a Poisson arrival process has mean gap 1 / λ', () => {
    const result = simulateInflightBatching(
      [0, 10],
      input,
      1,
      { maxBatch: 8, maxNumTokens: 8192, kvRequests: 8 },
      iteration,
    );
    expect(result.ttftSeconds).toBeCloseTo(prefill, 12);
    expect(poissonArrivals(3, Infinity)).toEqual([0, 0, 0]);
    const arrivals = poissonArrivals(2001, 4);
    // Exponential gaps at equidistributed quantiles: their mean tends to 1 / λ.
    expect((arrivals[2000] ?? 0) / 2000).toBeCloseTo(1 / 4, 2);
  });

  it('an H100 burst of 500 prompts waits at least half the time to prefill them max_num_tokens at a time', async () => {
    const catalog = await loadCatalog();
    const design = catalog.presets.get('nvidia-h100-sxm')?.design;
    if (!design) throw new Error('no H100 preset');
    const base: Workload = {
      ...defaultWorkload('llama-3-1-8b'),
      weights: 'bf16',
      activations: 'bf16',
      kv: 'bf16',
      runtime: 'tensorrt-llm',
      inputTokens: 467,
      outputTokens: 16,
    };
    const result = servingSimulation(design, base, Infinity, 500, catalog);
    // k prompts per iteration at most (fewer once generation tokens take their share of the budget): request j
    // (first come, first served) waits for at least floor(j / k) full iterations before its own, each costing at
    // least the prefill of k prompts.
    const perIteration = Math.floor(DEFAULT_MAX_NUM_TOKENS / base.inputTokens);
    const pass = run(design, { ...base, batch: perIteration }, catalog).prefill.seconds;
    let earlier = 0;
    for (let index = 0; index < 500; index += 1) earlier += Math.floor(index / perIteration);
    expect(result.peakBatch).toBe(500);
    expect(result.ttftSeconds).toBeGreaterThanOrEqual((pass * earlier) / 500);
    // Each request's 15 later tokens come from iterations that carry other requests' prompts for most of the run.
    expect(result.itlSeconds).toBeGreaterThan(
      run(design, { ...base, batch: 500 }, catalog).decode.secondsPerStep,
    );
  });
});
