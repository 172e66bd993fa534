import { describe, expect, it } from 'vitest';
import type { DesignDocument } from '../schema/design';
import { defaultServing, type Serving, type Tenant, type Traffic } from '../schema/serving';
import { defaultWorkload, type Workload } from '../schema/workload';
import { libraryCatalog } from '../testing/library';
import { serve } from './serve';
import { apportion } from './sharing';
import type { ServingFigures, ServingReport, SharingResult } from './types';

const catalog = libraryCatalog();

describe('apportion', () => {
  it('deals whole units in proportion to the weights, largest remainder first', () => {
    // 8 units, weights 3 : 1 → exactly 6 and 2.
    expect(apportion([3, 1], 8, [0, 0], [4, 4])).toEqual([6, 2]);
    // 8 units over 1 : 1 : 1 → 2.67 each: floors 2, 2, 2, the two spare to the first two (ties in order).
    expect(apportion([1, 1, 1], 8, [0, 0, 0], [3, 3, 2])).toEqual([3, 3, 2]);
  });

  it('keeps each model at least its smallest share, and the current split when nobody has work', () => {
    // The minimums (2 and 1) first, then the 5 spare by weight 1 : 0.
    expect(apportion([1, 0], 8, [2, 1], [4, 4])).toEqual([7, 1]);
    expect(apportion([0, 0], 8, [1, 1], [5, 3])).toEqual([5, 3]);
  });
});

const h100 = catalog.presets.get('nvidia-h100-sxm')?.design as DesignDocument;

/** Requests of 64 tokens in and 256 out (decode-heavy) arriving evenly at `rate` per second over [start, start + seconds). */
function burst(rate: number, start: number, seconds: number, total: number): Traffic {
  const arrivals: number[] = [];
  const count = Math.round(rate * seconds);
  // The trace spans the whole run: a request at 0 and one at `total` keep both models' clocks aligned.
  for (let index = 0; index < count; index += 1) arrivals.push(start + index / rate);
  if (start > 0) arrivals.unshift(0);
  if (start + seconds < total) arrivals.push(total);
  return {
    kind: 'trace',
    name: `burst-${start}`,
    arrivalsSeconds: arrivals,
    inputTokens: arrivals.map(() => 64),
    outputTokens: arrivals.map(() => 256),
  };
}

function shared(tenants: Tenant[], sharing: Serving['sharing'], requests: number): ServingReport {
  const workload: Workload = {
    ...defaultWorkload('llama-3-8b'),
    serving: { ...defaultServing(), requests, tenants, sharing },
  };
  const result = serve(h100, workload, catalog);
  if (!result.ok) throw new Error(result.message);
  return result.report;
}

/** Requests that met their SLO, over the models. */
function good(result: SharingResult | undefined): number {
  return (result?.tenants ?? []).reduce(
    (sum, tenant: { figures: ServingFigures }) =>
      sum + (tenant.figures.goodput?.share ?? 0) * tenant.figures.requests,
    0,
  );
}

describe('dynamic sharing', () => {
  const slo = { ttftSeconds: 2, tpotSeconds: 0.2, attainment: 0.9 };
  const half = { kind: 'share' as const, compute: 0.5, memory: 0.5 };

  it('beats static halves when the load moves from one model to the other', () => {
    // What one whole H100 sustains of these requests: a run far beyond it completes at its capacity.
    const probe = serve(
      h100,
      {
        ...defaultWorkload('llama-3-8b'),
        serving: {
          ...defaultServing(),
          requests: 2000,
          traffic: { kind: 'poisson', ratePerSecond: 1000 },
          input: { kind: 'fixed', tokens: 64 },
          output: { kind: 'fixed', tokens: 256 },
        },
      },
      catalog,
    );
    if (!probe.ok) throw new Error(probe.message);
    const capacity = probe.report.run.figures.requestsPerSecond;
    // Each model in turn offers 68 % of the whole chip's capacity for 30 s: more than its static half sustains
    // (a half has half the SMs and memory bandwidth), within the three quarters dynamic sharing moves to it (the
    // other keeps the quarter its 16 GB of weights need).
    const rate = 0.68 * capacity;
    const seconds = 30;
    const requests = Math.round(rate * seconds) + 2;
    const tenants: Tenant[] = [
      {
        id: 'first',
        model: 'llama-3-8b',
        traffic: burst(rate, 0, seconds, 2 * seconds),
        slo,
        partition: half,
      },
      {
        id: 'second',
        model: 'llama-3-8b',
        traffic: burst(rate, seconds, seconds, 2 * seconds),
        slo,
        partition: half,
      },
    ];
    const report = shared(
      tenants,
      { mode: 'dynamic', intervalSeconds: 2, reallocationSeconds: 0.1 },
      requests,
    );
    const dynamic = report.sharing?.dynamic;
    expect(dynamic?.reallocations).toBeGreaterThan(0);
    expect(good(dynamic)).toBeGreaterThan(good(report.sharing?.static));
    expect(report.sharing?.sentence).toMatch(
      /^Dynamic sharing serves [\d.]+ % more requests within SLO than static partitions/,
    );
  });

  it('does not beat static halves when the load never moves and each move costs a long stall', () => {
    const tenants: Tenant[] = [
      { id: 'a', model: 'llama-3-8b', traffic: { kind: 'poisson', ratePerSecond: 4 }, slo, partition: half },
      {
        id: 'b',
        model: 'llama-3-8b',
        traffic: { kind: 'gamma', ratePerSecond: 4, cv: 1 },
        slo,
        partition: half,
      },
    ];
    const report = shared(tenants, { mode: 'dynamic', intervalSeconds: 1, reallocationSeconds: 5 }, 200);
    expect(good(report.sharing?.dynamic)).toBeLessThanOrEqual(good(report.sharing?.static));
  });
});
