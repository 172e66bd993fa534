/**
 * A stand-in for `engine/serving/serve.ts` (branch i18-serve) until it lands: the same signature, a report of
 * the right shape with made-up figures, and work proportional to the requests so progress and cancel can be
 * exercised. Removed when the real `serve` is merged.
 */
import type { CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import type { Workload } from '../../engine/schema/workload';
import type {
  LatencyStats,
  RateCurve,
  ServeOptions,
  ServingFigures,
  ServingReport,
  ServingRun,
} from '../../engine/serving/types';

export class ServingCancelled extends Error {
  constructor() {
    super('The serving simulation was cancelled.');
    this.name = 'ServingCancelled';
  }
}

const flat = (value: number): LatencyStats => ({
  mean: value,
  p50: value,
  p90: value,
  p99: value,
  max: value,
});

function figures(requests: number, rate: number): ServingFigures {
  return {
    requests,
    completed: requests,
    durationSeconds: requests / rate,
    offeredPerSecond: rate,
    requestsPerSecond: rate,
    outputTokensPerSecond: rate * 100,
    inputTokensPerSecond: rate * 1000,
    ttft: flat(0.1),
    tpot: flat(0.01),
    endToEnd: flat(1.1),
    queueWait: flat(0),
    goodput: { share: 1, requestsPerSecond: rate, meetsSlo: true },
    queue: { mean: 0, max: 0 },
    batch: { mean: 1, max: 1 },
    inSystemMean: rate * 1.1,
    kv: { capacityTokens: 1e6, blockTokens: 16, meanUtilization: 0, peakUtilization: 0, fragmentation: 0 },
    preemptions: 0,
    kvMovedBytes: 0,
    steps: requests * 100,
    energyJoules: requests,
    energyPerRequestJoules: 1,
    averagePowerWatts: rate,
  };
}

export function serve(
  _design: DesignDocument,
  workload: Workload,
  _catalog: CatalogIndex,
  options: ServeOptions,
): { ok: true; report: ServingReport } | { ok: false; message: string } {
  const serving = workload.serving;
  if (!serving) return { ok: false, message: 'The workload has no serving scenario.' };
  const rates = options.rates ?? [];
  const runs = 1 + rates.length;
  let spin = 0;
  for (let run = 0; run < runs; run += 1)
    for (let request = 0; request < serving.requests; request += 1) {
      for (let step = 0; step < 2000; step += 1) spin = (spin * 31 + step) % 1_000_003;
      if (request % 1000 === 0 && options.progress?.((run + request / serving.requests) / runs) === false)
        throw new ServingCancelled();
    }
  options.progress?.(1);
  const rate = serving.traffic.kind === 'poisson' ? serving.traffic.ratePerSecond : 1;
  const run: ServingRun = {
    figures: figures(serving.requests, rate),
    series: { timeSeconds: [], queue: [], running: [], kvUtilization: [] },
    timeline: [],
  };
  const curve: RateCurve | undefined =
    rates.length === 0
      ? undefined
      : {
          points: rates.map((ratePerSecond) => ({
            ratePerSecond,
            ttft: flat(0.1),
            tpot: flat(0.01),
            endToEnd: flat(1.1),
            requestsPerSecond: ratePerSecond,
            outputTokensPerSecond: ratePerSecond * 100,
            goodputShare: 1,
            meetsSlo: true,
            saturated: false,
          })),
          kneeRatePerSecond: undefined,
          maxRateWithinSlo: Math.max(...rates),
        };
  return {
    ok: true,
    report: {
      format: 'tessera.serving',
      version: 1,
      run,
      ...(curve ? { curve } : {}),
      hardware: {
        kvCapacityTokens: 1e6,
        kvBytesPerToken: 1,
        maxDecodeTokensPerSecond: 1e4,
        singlePrefillSeconds: 0.1,
        basis: `stand-in (${spin % 2})`,
      },
      sentence: 'A stand-in report: the serving simulator has not landed yet.',
      warnings: [],
    },
  };
}
