/**
 * A serving report for the Serving tab's tests, written out by hand (the simulator is another branch's and the
 * tab only draws what it is given): an M/D/1-like curve whose TTFT grows as 1 / (1 − ρ) with ρ = rate / 16, so
 * the SLO of 500 ms on p99 TTFT holds while 0.1 s / (1 − ρ) × 2 ≤ 0.5 s, i.e. up to ρ = 0.6 (9.6 req/s).
 */
import type { LatencyStats, RatePoint, ServingFigures, ServingReport } from '../../../engine/serving/types';

const stats = (p50: number, p99: number): LatencyStats => ({ mean: p50, p50, p90: p99, p99, max: p99 });

export const testSlo = { ttftSeconds: 0.5, tpotSeconds: 0.05, attainment: 0.99 };

/** TTFT p50 0.1 s / (1 − ρ), p99 twice that; TPOT 20 ms growing gently with the load. */
export function testPoint(ratePerSecond: number): RatePoint {
  const load = ratePerSecond / 16;
  const ttft = 0.1 / (1 - Math.min(load, 0.99));
  const meets = 2 * ttft <= testSlo.ttftSeconds;
  return {
    ratePerSecond,
    ttft: stats(ttft, 2 * ttft),
    tpot: stats(0.02 * (1 + load), 0.03 * (1 + load)),
    endToEnd: stats(ttft + 1, 2 * ttft + 1.5),
    requestsPerSecond: Math.min(ratePerSecond, 16),
    outputTokensPerSecond: Math.min(ratePerSecond, 16) * 128,
    goodputShare: meets ? 1 : 0.5,
    meetsSlo: meets,
    saturated: load >= 1,
  };
}

function figures(): ServingFigures {
  const point = testPoint(4);
  return {
    requests: 1000,
    completed: 1000,
    durationSeconds: 250,
    offeredPerSecond: 4,
    requestsPerSecond: 4,
    outputTokensPerSecond: 512,
    inputTokensPerSecond: 2048,
    ttft: point.ttft,
    tpot: point.tpot,
    endToEnd: point.endToEnd,
    queueWait: stats(0.01, 0.1),
    goodput: { share: 1, requestsPerSecond: 4, meetsSlo: true },
    queue: { mean: 0.2, max: 5 },
    batch: { mean: 6, max: 20 },
    inSystemMean: 6.2,
    kv: {
      capacityTokens: 100_000,
      blockTokens: 16,
      meanUtilization: 0.3,
      peakUtilization: 0.6,
      fragmentation: 0.02,
    },
    preemptions: 3,
    kvMovedBytes: 0,
    steps: 12_000,
    energyJoules: 50_000,
    energyPerRequestJoules: 50,
    averagePowerWatts: 200,
  };
}

/** One model, a rate sweep 1, 2, 4, 8, 12, 14 req/s; or two tenants with static and dynamic sharing. */
export function testServingReport(options: { tenants?: boolean } = {}): ServingReport {
  const timeline = Array.from({ length: 40 }, (_, index) => ({
    startSeconds: index * 0.05,
    seconds: 0.04,
    prefillTokens: index % 5 === 0 ? 512 : 0,
    decodeRequests: 4 + (index % 7),
    ...(options.tenants ? { tenant: index % 2 === 0 ? 'chat' : 'code' } : {}),
  }));
  const run = {
    figures: figures(),
    series: {
      timeSeconds: [0, 50, 100, 150, 200, 250],
      queue: [0, 1, 3, 2, 0, 0],
      running: [0, 6, 12, 9, 4, 0],
      kvUtilization: [0, 0.3, 0.6, 0.45, 0.2, 0],
    },
    timeline,
  };
  const report: ServingReport = {
    format: 'tessera.serving',
    version: 1,
    run,
    curve: {
      points: [1, 2, 4, 8, 12, 14].map(testPoint),
      kneeRatePerSecond: 12,
      maxRateWithinSlo: 9.6,
    },
    hardware: {
      kvCapacityTokens: 100_000,
      kvBytesPerToken: 131_072,
      maxDecodeTokensPerSecond: 2048,
      singlePrefillSeconds: 0.1,
      basis: '34 engine evaluations',
    },
    sentence: 'The design sustains 9.6 req/s within the SLO; past it the queue for the first token grows.',
    warnings: [],
  };
  if (!options.tenants) return report;
  const tenant = (id: string) => ({
    id,
    figures: { ...figures(), requestsPerSecond: id === 'chat' ? 4 : 2 },
  });
  return {
    ...report,
    tenants: [
      { id: 'chat', model: 'llama-3-8b', partition: '4 of 8 chips', chosenByTessera: true, run },
      { id: 'code', model: 'qwen-2-7b', partition: '4 of 8 chips', chosenByTessera: true, run },
    ],
    sharing: {
      static: {
        mode: 'static',
        tenants: [tenant('chat'), tenant('code')],
        energyJoules: 100_000,
        reallocations: 0,
        reallocationSeconds: 0,
      },
      dynamic: {
        mode: 'dynamic',
        tenants: [tenant('chat'), tenant('code')],
        energyJoules: 90_000,
        reallocations: 12,
        reallocationSeconds: 0.12,
      },
      sentence: 'Dynamic sharing serves both models within their SLOs with 10 % less energy.',
    },
  };
}
