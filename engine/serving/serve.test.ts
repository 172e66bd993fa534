import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import llamaExample from '../../docs/examples/serving-llama-70b.yaml?raw';
import twoModelsExample from '../../docs/examples/serving-two-models.yaml?raw';
import { evaluate } from '../evaluate';
import type { DesignDocument } from '../schema/design';
import { defaultServing, type Serving, type Tenant } from '../schema/serving';
import { defaultWorkload, workloadSchema, type Workload } from '../schema/workload';
import { libraryCatalog } from '../testing/library';
import { partitionDesign } from './partition';
import { chipCount, kneeOf, serve } from './serve';
import { ServingCancelled } from './simulate';
import type { RatePoint, ServingReport } from './types';

const catalog = libraryCatalog();

function preset(id: string): DesignDocument {
  const design = catalog.presets.get(id)?.design;
  if (!design) throw new Error(`the library has no preset ${id}`);
  return design;
}

const h100 = preset('nvidia-h100-sxm');
const dgx = preset('nvidia-dgx-h100');

/** Llama 3 8B with fixed lengths (512 in, 128 out) and `serving` overriding the defaults. */
function workloadOf(serving: Partial<Serving> = {}, model = 'llama-3-8b'): Workload {
  return {
    ...defaultWorkload(model),
    serving: {
      ...defaultServing(),
      requests: 200,
      input: { kind: 'fixed', tokens: 512 },
      output: { kind: 'fixed', tokens: 128 },
      ...serving,
    },
  };
}

function served(design: DesignDocument, workload: Workload, rates?: number[]): ServingReport {
  const result = serve(design, workload, catalog, rates ? { rates } : {});
  if (!result.ok) throw new Error(result.message);
  return result.report;
}

function refusal(design: DesignDocument, workload: Workload): string {
  const result = serve(design, workload, catalog);
  if (result.ok) throw new Error('expected a refusal');
  return result.message;
}

describe('serve: one model', () => {
  it('says how many requests were dropped because their KV cache can never fit, and none when all fit', () => {
    const capacity = served(h100, workloadOf()).hardware.kvCapacityTokens;
    const fits = served(h100, workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 1 }, requests: 40 }));
    expect(fits.run.figures.completed).toBe(40);
    expect(fits.warnings.join(' ')).not.toContain('dropped');
    // Prompts spread up to twice what the KV cache holds: those longer than it can never be admitted.
    const report = served(
      h100,
      workloadOf({
        traffic: { kind: 'poisson', ratePerSecond: 0.01 },
        requests: 40,
        input: { kind: 'uniform', min: 512, max: Math.round(2 * capacity) },
        output: { kind: 'fixed', tokens: 4 },
      }),
    );
    const dropped = report.run.figures.requests - report.run.figures.completed;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(40);
    expect(report.warnings).toContain(
      `${dropped} of 40 requests need more KV cache than the design holds and were dropped; the figures are of the ${40 - dropped} that completed.`,
    );
  });

  it('is deterministic for a seed, and another seed draws other requests', () => {
    const workload = workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 5 }, seed: 3 });
    expect(served(h100, workload)).toEqual(served(h100, workload));
    const other = served(h100, workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 5 }, seed: 4 }));
    expect(other.run.figures.ttft).not.toEqual(served(h100, workload).run.figures.ttft);
  });

  it('at a vanishing rate, the time to first token is the single-request prefill', () => {
    // One request every 1,000 s: each arrives at an idle engine and its 512-token prompt runs alone.
    const report = served(
      h100,
      workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 0.001 }, requests: 20 }),
    );
    const { ttft } = report.run.figures;
    expect(ttft.p50 / report.hardware.singlePrefillSeconds).toBeCloseTo(1, 3);
    expect(ttft.max / report.hardware.singlePrefillSeconds).toBeCloseTo(1, 3);
    // And that is the engine's own prefill of one 512-token prompt (the step cost interpolates between
    // evaluations; 512 tokens is one of its nodes).
    const engine = evaluate({ design: h100, workload: defaultWorkload('llama-3-8b') }, catalog);
    if (!engine.ok) throw new Error('the H100 should run Llama 3 8B');
    expect(Math.abs(ttft.p50 / engine.report.prefill.seconds - 1)).toBeLessThan(0.03);
  });

  it('never serves more output tokens per second than the max-batch decode rate', () => {
    // Far beyond what the chip can take: the run is throughput-bound.
    const report = served(
      h100,
      workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 1000 }, requests: 2000 }),
    );
    expect(report.run.figures.outputTokensPerSecond).toBeLessThanOrEqual(
      report.hardware.maxDecodeTokensPerSecond,
    );
    expect(report.sentence).toMatch(/saturates/);
  });

  it('turns a rate sweep into a curve whose p50 latency rises with rate and whose knee lies inside it', () => {
    const light = served(h100, workloadOf({ traffic: { kind: 'poisson', ratePerSecond: 0.5 } }));
    // Rates from light load to twice what the chip decodes at its max batch (128 tokens per request).
    const ceiling = light.hardware.maxDecodeTokensPerSecond / 128;
    const rates = [0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5, 2].map((share) => share * ceiling);
    const report = served(h100, workloadOf(), rates);
    const points = report.curve?.points ?? [];
    expect(points.map((point) => point.ratePerSecond)).toEqual(rates);
    const first = points[0];
    const last = points[points.length - 1];
    expect(last?.endToEnd.p50).toBeGreaterThan(2 * (first?.endToEnd.p50 ?? 0));
    expect(last?.saturated).toBe(true);
    expect(first?.saturated).toBe(false);
    const knee = report.curve?.kneeRatePerSecond ?? 0;
    expect(knee).toBeGreaterThan(rates[0] ?? 0);
    expect(knee).toBeLessThan(rates[rates.length - 1] ?? 0);
  });

  it('finds the largest rate within the SLO: it holds there and fails 20 % above', () => {
    const workload = workloadOf({ slo: { ttftSeconds: 0.5, tpotSeconds: 0.05, attainment: 0.95 } });
    const ceiling = served(h100, workload).hardware.maxDecodeTokensPerSecond / 128;
    const report = served(
      h100,
      workload,
      [0.1, 0.3, 0.6, 1, 1.5].map((share) => share * ceiling),
    );
    const best = report.curve?.maxRateWithinSlo ?? 0;
    expect(best).toBeGreaterThan(0);
    expect(report.sentence).toMatch(
      /^Sustains .* req\/s within the SLO \(p95 TTFT ≤ 500 ms, TPOT ≤ 50 ms\); beyond it /,
    );
    // The SLO holds at a rate when the run meets it and does not saturate: one-rate sweeps judge it as the curve did.
    const holds = (rate: number): boolean | undefined => {
      const point = served(h100, workload, [rate]).curve?.points[0];
      return point && point.meetsSlo === true && !point.saturated;
    };
    expect(holds(best)).toBe(true);
    expect(holds(1.2 * best)).toBe(false);
  });

  it('falls back from swap to recompute, with a warning, where the design has no host path', () => {
    const workload = workloadOf({ scheduler: { ...defaultServing().scheduler, preemption: 'swap' } });
    const hostless = preset('template-single-tile');
    const result = serve(hostless, { ...workload, model: 'gpt-2' }, catalog);
    if (!result.ok) throw new Error(result.message);
    expect(result.report.warnings.join('\n')).toMatch(
      /^Swap preemption needs a path to host memory.*recomputed instead/m,
    );
  });
});

describe('serve: progress and cancellation', () => {
  it('reports the share done, rising to 1 over the own run and every rate', () => {
    const seen: number[] = [];
    const result = serve(h100, workloadOf(), catalog, {
      rates: [1, 2, 4],
      progress: (done) => {
        seen.push(done);
        return true;
      },
    });
    expect(result.ok).toBe(true);
    expect(seen[seen.length - 1]).toBe(1);
    expect(seen.every((done, index) => done >= 0 && done <= 1 && done >= (seen[index - 1] ?? 0))).toBe(true);
  });

  it('throws ServingCancelled out of serve when progress answers false', () => {
    expect(() => serve(h100, workloadOf(), catalog, { rates: [1, 2, 4], progress: () => false })).toThrow(
      ServingCancelled,
    );
  });
});

describe('serve: disaggregated prefill and decode', () => {
  it('runs prompts on some chips of the DGX and decodes on the others, moving the KV cache between them', () => {
    const scheduler = {
      ...defaultServing().scheduler,
      disaggregation: { split: 'chips' as const, prefillChips: 4, decodeChips: 4 },
    };
    const report = served(dgx, workloadOf({ scheduler, traffic: { kind: 'poisson', ratePerSecond: 4 } }));
    expect(report.run.figures.completed).toBe(200);
    // Every request's 512-token prompt crosses the link once (KV bytes per token from the decode chips' cost).
    expect(report.run.figures.kvMovedBytes).toBeGreaterThanOrEqual(
      200 * 512 * report.hardware.kvBytesPerToken,
    );
  });
});

describe('serve: refusals', () => {
  it('refuses a workload without a serving scenario', () => {
    expect(refusal(h100, defaultWorkload('llama-3-8b'))).toMatch(/no serving scenario/);
  });

  it('refuses a model that does not fit at batch 1', () => {
    expect(refusal(h100, workloadOf({}, 'llama-3-1-405b'))).toMatch(
      /Llama 3.1 405B.*no request can be served/,
    );
  });

  it('refuses a trace whose columns differ in length', () => {
    const traffic = {
      kind: 'trace' as const,
      name: 'azure.csv',
      arrivalsSeconds: [0, 1, 2],
      inputTokens: [10, 20],
      outputTokens: [5, 5, 5],
    };
    expect(refusal(h100, workloadOf({ traffic }))).toBe(
      'The trace "azure.csv" has 3 arrival times but 2 input and 3 output lengths: every column needs one value per request.',
    );
  });

  it('refuses trace lengths without trace traffic, and a uniform min above its max', () => {
    expect(refusal(h100, workloadOf({ input: { kind: 'trace' } }))).toMatch(
      /The input lengths come from the trace, but the traffic is poisson/,
    );
    expect(refusal(h100, workloadOf({ output: { kind: 'uniform', min: 300, max: 200 } }))).toBe(
      'The uniform output lengths have min 300 above max 200.',
    );
  });

  const tenant = (id: string, partition?: Tenant['partition']): Tenant => ({
    id,
    model: 'llama-3-8b',
    traffic: { kind: 'poisson', ratePerSecond: 1 },
    ...(partition ? { partition } : {}),
  });

  it('refuses two models with one id', () => {
    expect(refusal(dgx, workloadOf({ tenants: [tenant('a'), tenant('a')] }))).toMatch(
      /Two models share the id "a"/,
    );
  });

  it('refuses partitions that over-subscribe the design', () => {
    expect(chipCount(dgx, catalog)).toBe(8);
    expect(
      refusal(
        dgx,
        workloadOf({
          tenants: [tenant('a', { kind: 'chips', chips: 5 }), tenant('b', { kind: 'chips', chips: 4 })],
        }),
      ),
    ).toBe('The partitions give 9 chips, but the design has 8: the models would over-subscribe it.');
    expect(
      refusal(
        h100,
        workloadOf({
          tenants: [
            tenant('a', { kind: 'share', compute: 0.6, memory: 0.5 }),
            tenant('b', { kind: 'share', compute: 0.5, memory: 0.5 }),
          ],
        }),
      ),
    ).toBe('The partitions’ compute shares add up to 1.1, more than the whole chip (1).');
    expect(
      refusal(
        h100,
        workloadOf({
          tenants: [
            tenant('a', { kind: 'share', compute: 0.5, memory: 0.7 }),
            tenant('b', { kind: 'share', compute: 0.5, memory: 0.4 }),
          ],
        }),
      ),
    ).toBe('The partitions’ memory shares add up to 1.1, more than the whole chip (1).');
  });
  it('refuses partitions of two kinds, and given partitions that leave nothing for the others', () => {
    expect(
      refusal(
        dgx,
        workloadOf({
          tenants: [
            tenant('a', { kind: 'chips', chips: 4 }),
            tenant('b', { kind: 'share', compute: 0.5, memory: 0.5 }),
          ],
        }),
      ),
    ).toBe(
      'The models’ partitions mix whole chips and shares of each chip: give every partition the same kind.',
    );
    expect(
      refusal(dgx, workloadOf({ tenants: [tenant('a', { kind: 'chips', chips: 8 }), tenant('b')] })),
    ).toBe('The given partitions leave 0 of 8 chips for 1 model without one: each needs at least a chip.');
  });
});

describe('serve: several models', () => {
  it('gives two identical models on two equal partitions each the figures of one model on one partition', () => {
    const half = { kind: 'chips' as const, chips: 4 };
    const traffic = { kind: 'poisson' as const, ratePerSecond: 4 };
    const tenants: Tenant[] = ['a', 'b'].map((id) => ({
      id,
      model: 'llama-3-8b',
      traffic,
      input: { kind: 'fixed', tokens: 512 },
      output: { kind: 'fixed', tokens: 128 },
      partition: half,
    }));
    const shared = served(dgx, workloadOf({ tenants }));
    const parted = partitionDesign(dgx, half, catalog);
    if (!parted.ok) throw new Error(parted.message);
    const alone = served(parted.design, workloadOf({ traffic }));
    expect(shared.tenants?.map((result) => result.run.figures)).toEqual([
      alone.run.figures,
      alone.run.figures,
    ]);
    expect(shared.tenants?.map((result) => result.chosenByTessera)).toEqual([false, false]);
  });

  it('chooses the partitions it is not given in proportion to demand', () => {
    const tenants: Tenant[] = [
      { id: 'busy', model: 'llama-3-8b', traffic: { kind: 'poisson', ratePerSecond: 6 } },
      { id: 'quiet', model: 'llama-3-8b', traffic: { kind: 'poisson', ratePerSecond: 2 } },
    ];
    const report = served(dgx, workloadOf({ tenants, requests: 100 }));
    // Same model and lengths: demand ∝ rate, 3 : 1 of 8 chips → 6 and 2.
    expect(report.tenants?.map((result) => [result.partition, result.chosenByTessera])).toEqual([
      [expect.stringMatching(/^6 /), true],
      [expect.stringMatching(/^2 /), true],
    ]);
  });
});

describe('kneeOf', () => {
  const point = (rate: number, latency: number): RatePoint => {
    const stats = { mean: latency, p50: latency, p90: latency, p99: latency, max: latency };
    return {
      ratePerSecond: rate,
      ttft: stats,
      tpot: stats,
      endToEnd: stats,
      requestsPerSecond: rate,
      outputTokensPerSecond: rate,
      goodputShare: undefined,
      meetsSlo: undefined,
      saturated: false,
    };
  };

  it('is the inner point farthest from the chord on normalised axes', () => {
    // A hockey stick: flat to rate 3, then steep. Normalised: x = (r − 1) / 4, y = (l − 1) / 9; |x − y| is
    // largest at r = 4 (x 0.75, y 1/9).
    expect(kneeOf([point(1, 1), point(2, 1), point(3, 1), point(4, 2), point(5, 10)])).toBe(4);
  });

  it('is undefined with fewer than three points or a flat curve', () => {
    expect(kneeOf([point(1, 1), point(2, 5)])).toBeUndefined();
    expect(kneeOf([point(1, 1), point(2, 1), point(3, 1)])).toBeUndefined();
  });
});

describe('the example scenarios', () => {
  it('reads docs/examples/serving-llama-70b.yaml and serves it on a DGX H100', () => {
    const read = workloadSchema.safeParse(parse(llamaExample));
    expect(read.success ? [] : read.error.issues).toEqual([]);
    if (!read.success) return;
    const serving = read.data.serving as Serving;
    const report = served(dgx, { ...read.data, serving: { ...serving, requests: 200 } });
    expect(report.run.figures.completed).toBe(200);
    expect(report.sentence).toMatch(/^At 4 req\/s offered/);
  });

  it('reads docs/examples/serving-two-models.yaml and serves both models, static and dynamic', () => {
    const read = workloadSchema.safeParse(parse(twoModelsExample));
    expect(read.success ? [] : read.error.issues).toEqual([]);
    if (!read.success) return;
    const serving = read.data.serving as Serving;
    const report = served(dgx, { ...read.data, serving: { ...serving, requests: 100 } });
    expect(report.tenants?.map((tenant) => tenant.id)).toEqual(['chat', 'summarise']);
    expect(report.sharing?.dynamic).toBeDefined();
    expect(report.sharing?.sentence).toMatch(
      /^Dynamic sharing serves .* than static partitions, at .* energy/,
    );
  });
});
