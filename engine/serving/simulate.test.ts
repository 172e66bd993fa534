import { describe, expect, it } from 'vitest';
import type { Scheduler } from '../schema/serving';
import { ServingCancelled, ServingSimulator, simulate } from './simulate';
import { linearCost } from './testing';
import { buildStream } from './traffic';
import type { RequestStream, SimulationInput } from './types';

const scheduler = (changes: Partial<Scheduler> = {}): Scheduler => ({
  policy: 'fcfs',
  maxBatch: 64,
  maxTokensPerStep: 2048,
  chunkedPrefill: true,
  kvBlockTokens: 16,
  preemption: 'recompute',
  ...changes,
});

const poisson = (rate: number, requests: number, input: number, output: number, seed = 1) =>
  buildStream(
    { kind: 'poisson', ratePerSecond: rate },
    { kind: 'fixed', tokens: input },
    { kind: 'fixed', tokens: output },
    { inputTokens: input, outputTokens: output },
    requests,
    seed,
  ) as RequestStream;

describe('simulate', () => {
  it('at a vanishing rate, TTFT is one prompt alone and TPOT one decode step at batch 1', () => {
    const cost = linearCost({
      fixedSeconds: 0.02,
      perPrefillTokenSeconds: 1e-4,
      perDecodeRequestSeconds: 1e-3,
    });
    // One request every 1,000 s on average; each takes well under a second.
    const run = simulate({ stream: poisson(0.001, 50, 300, 20), scheduler: scheduler(), cost });
    const prefill = cost.singlePrefillSeconds(300); // 0.02 + 300 · 1e-4
    const decode = 0.02 + 1e-3; // fixed + one decoding request
    expect(run.figures.completed).toBe(50);
    expect(run.figures.ttft.max).toBeCloseTo(prefill, 9);
    expect(run.figures.ttft.p50).toBeCloseTo(prefill, 9);
    expect(run.figures.tpot.max).toBeCloseTo(decode, 9);
    expect(run.figures.tpot.mean).toBeCloseTo(decode, 9);
    expect(run.figures.queueWait.max).toBe(0);
    expect(run.figures.endToEnd.mean).toBeCloseTo(prefill + 19 * decode, 10);
  });

  it("obeys Little's law on a long run: mean in system = throughput × mean end-to-end", () => {
    const cost = linearCost({ perContextTokenSeconds: 1e-8 });
    const stream = buildStream(
      { kind: 'poisson', ratePerSecond: 15 },
      { kind: 'lognormal', mean: 400, cv: 1 },
      { kind: 'lognormal', mean: 100, cv: 1 },
      { inputTokens: 400, outputTokens: 100 },
      20_000,
      7,
    );
    const { figures } = simulate({ stream, scheduler: scheduler(), cost });
    expect(figures.completed).toBe(20_000);
    const little = figures.requestsPerSecond * figures.endToEnd.mean;
    expect(Math.abs(figures.inSystemMean - little) / little).toBeLessThan(0.03);
  });

  it('never produces tokens faster than the largest decode batch can', () => {
    const cost = linearCost({ maxBatch: 32 });
    // Far more requests than the hardware can take: the run saturates.
    const { figures } = simulate({
      stream: poisson(500, 5000, 50, 200),
      scheduler: scheduler({ maxBatch: 32 }),
      cost,
    });
    expect(figures.completed).toBe(5000);
    expect(figures.outputTokensPerSecond).toBeLessThanOrEqual(cost.maxDecodeTokensPerSecond);
    // ... and gets within sight of it (the prompts take some steps).
    expect(figures.outputTokensPerSecond).toBeGreaterThan(0.5 * cost.maxDecodeTokensPerSecond);
    expect(figures.batch.max).toBeLessThanOrEqual(32);
  });

  it('has no preemptions with an effectively infinite KV cache; a tight one preempts and recompute re-runs prompts', () => {
    const stream = poisson(200, 2000, 256, 256, 3);
    const roomy = linearCost({ kvCapacityTokens: 1e12 });
    const ample = simulate({ stream, scheduler: scheduler(), cost: roomy });
    expect(ample.figures.preemptions).toBe(0);
    expect(roomy.counted.prefillTokens).toBe(2000 * 256);
    // Room for about 8 requests at their longest (512 tokens) while 64 may be admitted.
    const tight = linearCost({ kvCapacityTokens: 4096 });
    const run = simulate({ stream, scheduler: scheduler(), cost: tight });
    expect(run.figures.completed).toBe(2000);
    expect(run.figures.preemptions).toBeGreaterThan(0);
    expect(tight.counted.prefillTokens).toBeGreaterThan(2000 * 256);
    expect(run.figures.kv.peakUtilization).toBeLessThanOrEqual(1);
    expect(run.figures.kvMovedBytes).toBe(0);
  });

  it('swap preemption moves KV bytes to the host and back instead of re-running prompts', () => {
    const stream = poisson(200, 2000, 256, 256, 3);
    const cost = linearCost({ kvCapacityTokens: 4096, swapBytesPerSecond: 50e9, kvBytesPerToken: 1000 });
    const run = simulate({ stream, scheduler: scheduler({ preemption: 'swap' }), cost });
    expect(run.figures.completed).toBe(2000);
    expect(run.figures.preemptions).toBeGreaterThan(0);
    expect(run.figures.kvMovedBytes).toBeGreaterThan(0);
    // Out and back in: an even number of whole tokens' bytes.
    expect(run.figures.kvMovedBytes % 2000).toBe(0);
    expect(cost.counted.prefillTokens).toBe(2000 * 256);
  });

  it('swap without a host path falls back to recompute', () => {
    const stream = poisson(200, 500, 256, 256, 3);
    const cost = linearCost({ kvCapacityTokens: 4096 });
    const simulator = new ServingSimulator({ stream, scheduler: scheduler({ preemption: 'swap' }), cost });
    simulator.advance(Infinity);
    expect(simulator.notes.join(' ')).toMatch(/recompute/);
    expect(simulator.finish().figures.kvMovedBytes).toBe(0);
  });

  it('matches M/D/1 (Pollaczek–Khinchine) with one request at a time and a constant service time', () => {
    // Output 1: a request is one prompt step of a constant time S; batch 1: a single server.
    const service = 0.01;
    const cost = linearCost({ fixedSeconds: service, perPrefillTokenSeconds: 0 });
    const rate = 70; // ρ = 0.7
    const run = simulate({
      stream: poisson(rate, 100_000, 100, 1, 11),
      scheduler: scheduler({ maxBatch: 1 }),
      cost,
    });
    const rho = rate * service;
    const expected = (rho * service) / (2 * (1 - rho)); // Wq = ρS / (2(1 − ρ)) for deterministic service
    expect(Math.abs(run.figures.queueWait.mean - expected) / expected).toBeLessThan(0.05);
    expect(run.figures.ttft.mean).toBeCloseTo(run.figures.queueWait.mean + service, 9);
  });

  it('is deterministic for a seed, and another seed differs', () => {
    const input = (seed: number): SimulationInput => ({
      stream: buildStream(
        { kind: 'gamma', ratePerSecond: 20, cv: 2 },
        { kind: 'lognormal', mean: 300, cv: 0.8 },
        { kind: 'uniform', min: 10, max: 300 },
        { inputTokens: 1, outputTokens: 1 },
        3000,
        seed,
      ),
      scheduler: scheduler(),
      cost: linearCost({ perContextTokenSeconds: 1e-8 }),
    });
    const a = JSON.stringify(simulate(input(5)));
    expect(JSON.stringify(simulate(input(5)))).toBe(a);
    expect(JSON.stringify(simulate(input(6)))).not.toBe(a);
  });

  it('keeps N requests in flight with N closed-loop users and no think time', () => {
    const stream = buildStream(
      { kind: 'closed', users: 12, thinkSeconds: 0 },
      { kind: 'fixed', tokens: 128 },
      { kind: 'uniform', min: 20, max: 80 },
      { inputTokens: 1, outputTokens: 1 },
      3000,
      2,
    );
    const { figures } = simulate({ stream, scheduler: scheduler(), cost: linearCost() });
    expect(figures.completed).toBe(3000);
    // Exactly 12 until the last requests drain (no user sends another once all 3,000 are sent).
    expect(figures.inSystemMean).toBeGreaterThan(12 * 0.99);
    expect(figures.inSystemMean).toBeLessThanOrEqual(12 + 1e-9);
    expect(figures.batch.mean).toBeCloseTo(figures.inSystemMean, 9);
    expect(figures.batch.max).toBe(12);
  });

  it('chunked prefill lowers p99 TPOT under load (Sarathi-Serve)', () => {
    const cost = linearCost({ fixedSeconds: 0.01, perPrefillTokenSeconds: 2e-5 });
    const stream = poisson(8, 3000, 2048, 128, 4);
    const settings = { maxBatch: 128, maxTokensPerStep: 512 };
    const chunked = simulate({ stream, scheduler: scheduler({ ...settings, chunkedPrefill: true }), cost });
    const whole = simulate({ stream, scheduler: scheduler({ ...settings, chunkedPrefill: false }), cost });
    expect(chunked.figures.tpot.p99).toBeLessThan(whole.figures.tpot.p99);
  });

  it('prefill-first lowers TTFT and raises TPOT against fcfs', () => {
    const cost = linearCost({ fixedSeconds: 0.01, perPrefillTokenSeconds: 2e-5 });
    const stream = poisson(8, 3000, 1024, 128, 4);
    const settings = { maxBatch: 128, maxTokensPerStep: 512 };
    const fcfs = simulate({ stream, scheduler: scheduler(settings), cost });
    const first = simulate({ stream, scheduler: scheduler({ ...settings, policy: 'prefill-first' }), cost });
    expect(first.figures.ttft.mean).toBeLessThan(fcfs.figures.ttft.mean);
    expect(first.figures.tpot.mean).toBeGreaterThan(fcfs.figures.tpot.mean);
  });

  it('disaggregated: TTFT is the prefill plus the KV transfer, decode runs on the decode side', () => {
    const prefill = linearCost({ fixedSeconds: 0.03, perPrefillTokenSeconds: 1e-4 });
    const decode = linearCost({ fixedSeconds: 0.005, perDecodeRequestSeconds: 5e-4, kvBytesPerToken: 2000 });
    const transfer = { transferBytesPerSecond: 1e9, transferLatencySeconds: 0.002 };
    const run = simulate({
      stream: poisson(0.001, 30, 500, 10),
      scheduler: { ...scheduler(), disaggregated: { prefill, ...transfer } },
      cost: decode,
    });
    const ttft = prefill.singlePrefillSeconds(500) + (500 * 2000) / 1e9 + 0.002;
    expect(run.figures.completed).toBe(30);
    expect(run.figures.ttft.max).toBeCloseTo(ttft, 9);
    expect(run.figures.ttft.p50).toBeCloseTo(ttft, 9);
    expect(run.figures.tpot.max).toBeCloseTo(0.005 + 5e-4, 9);
    expect(run.figures.kvMovedBytes).toBe(30 * 500 * 2000);
    expect(prefill.counted.prefillTokens).toBe(30 * 500);
    expect(decode.counted.prefillTokens).toBe(0);
  });

  it('counts energy as step joules plus idle power in between', () => {
    const cost = linearCost({ fixedSeconds: 0.02, perPrefillTokenSeconds: 0, watts: 400, idleWatts: 50 });
    const stream: RequestStream = {
      arrivals: Float64Array.from([0, 10]),
      input: Int32Array.from([10, 10]),
      output: Int32Array.from([1, 1]),
    };
    const { figures } = simulate({ stream, scheduler: scheduler(), cost });
    // Two steps of 0.02 s at 400 W; idle from 0.02 s to 10 s at 50 W.
    expect(figures.durationSeconds).toBeCloseTo(10.02, 12);
    expect(figures.energyJoules).toBeCloseTo(2 * 0.02 * 400 + (10.02 - 0.04) * 50, 9);
  });

  it('is steppable: advancing in slices gives the same run, and a refused progress cancels', () => {
    const input = (): SimulationInput => ({
      stream: poisson(20, 2000, 200, 50, 9),
      scheduler: scheduler(),
      cost: linearCost({ perContextTokenSeconds: 1e-8 }),
    });
    const whole = simulate(input());
    const simulator = new ServingSimulator(input());
    for (let time = 1; !simulator.done; time += 1) simulator.advance(time);
    const sliced = simulator.finish().figures;
    // The same steps at the same times; only the KV block-time integral of a cut decode stretch differs.
    for (const key of ['ttft', 'tpot', 'endToEnd', 'queueWait'] as const)
      expect(sliced[key]).toEqual(whole.figures[key]);
    expect(sliced.steps).toBe(whole.figures.steps);
    expect(sliced.energyJoules).toBeCloseTo(whole.figures.energyJoules, 6);
    expect(() => simulate({ ...input(), progress: () => false })).toThrow(ServingCancelled);
  });

  it('stall holds the chips: a request arriving during a stall waits it out', () => {
    const cost = linearCost({ fixedSeconds: 0.02, perPrefillTokenSeconds: 1e-4 });
    const stream: RequestStream = {
      arrivals: Float64Array.from([1]),
      input: Int32Array.from([100]),
      output: Int32Array.from([1]),
    };
    const simulator = new ServingSimulator({ stream, scheduler: scheduler(), cost });
    simulator.stall(5);
    simulator.advance(Infinity);
    // The clock starts at the first arrival (1 s); stalled 5 s from there, the request starts at 6 s.
    expect(simulator.finish().figures.ttft.max).toBeCloseTo(5 + cost.singlePrefillSeconds(100), 9);
  });

  it('setCost to a smaller KV cache evicts until what is held fits, and every request still completes', () => {
    const stream = poisson(100, 1000, 256, 256, 5);
    const simulator = new ServingSimulator({ stream, scheduler: scheduler(), cost: linearCost() });
    simulator.advance(2);
    const before = simulator.demand();
    expect(before.running).toBeGreaterThan(8);
    expect(before.kvTokens).toBeGreaterThan(4096);
    simulator.setCost(linearCost({ kvCapacityTokens: 4096 }));
    simulator.advance(2.5);
    expect(simulator.demand().kvTokens).toBeLessThanOrEqual(4096);
    simulator.advance(Infinity);
    const { figures } = simulator.finish();
    expect(figures.completed).toBe(1000);
    expect(figures.preemptions).toBeGreaterThan(0);
  });
});
