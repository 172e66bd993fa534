/**
 * `tessera bench --case serve`: how fast the serving simulator replays a request stream on one core. Llama-3-8B on
 * the H100 SXM preset with the engine's step cost (`buildStepCost`), vLLM's default scheduler, Poisson arrivals at
 * 80 % of the capacity the simulator itself finds (the throughput of a saturated run), lognormal lengths around
 * the workload's 512 prompt and 128 output tokens. Issue 18's target: ≥ 100,000 requests in ≤ 2 s.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { defaultServing } from '../../engine/schema/serving';
import { defaultWorkload } from '../../engine/schema/workload';
import { simulate } from '../../engine/serving/simulate';
import { buildStepCost } from '../../engine/serving/step-cost';
import { buildStream } from '../../engine/serving/traffic';
import type { RequestStream, SimulationInput } from '../../engine/serving/types';
import { table, UsageError } from '../app/command-line';

/** Issue 18's target: requests simulated in at most this many seconds, on one core. */
const TARGET = { requests: 100_000, seconds: 2 };
const ROUNDS = 3;

export interface ServingBenchRow {
  requests: number;
  /** First arrival to last completion, simulated. */
  simulatedSeconds: number;
  /** Median wall time of the rounds (ms), and the slowest and fastest. */
  wallMilliseconds: number;
  range: [number, number];
  /** Median CPU time of the rounds (ms): the wall time less the waits for a core on a busy machine. */
  cpuMilliseconds: number;
  requestsPerSecond: number;
  steps: number;
  p99TtftSeconds: number;
}

export interface ServingBenchResult {
  case: string;
  basis: string;
  /** Requests/s of a saturated run (the capacity), and the rate offered (80 % of it). */
  capacityPerSecond: number;
  ratePerSecond: number;
  /** Building the step cost from engine evaluations (ms, once). */
  stepCostMilliseconds: number;
  rows: ServingBenchRow[];
}

export function benchServing(catalog: CatalogIndex, options: { million: boolean }): ServingBenchResult {
  const preset = catalog.presets.get('nvidia-h100-sxm');
  if (!preset) throw new UsageError('bench: the library has no preset "nvidia-h100-sxm"');
  const workload = defaultWorkload('llama-3-8b');
  const { scheduler } = defaultServing();
  const started = performance.now();
  const built = buildStepCost(preset.design, workload, catalog, scheduler);
  if (!built.ok) throw new UsageError(`bench: the serving step cost failed: ${built.message}`);
  const stepCostMilliseconds = performance.now() - started;
  const cost = built.cost;
  const input = { kind: 'lognormal' as const, mean: workload.inputTokens, cv: 1, max: 8192 };
  const output = { kind: 'lognormal' as const, mean: workload.outputTokens, cv: 1, max: 2048 };
  const stream = (requests: number, rate: number) =>
    buildStream(
      { kind: 'poisson', ratePerSecond: rate },
      input,
      output,
      workload,
      requests,
      1,
    ) as RequestStream;
  const run = (requests: number, rate: number) => {
    const settings: SimulationInput = { stream: stream(requests, rate), scheduler, cost };
    const begin = performance.now();
    const cpu = process.cpuUsage();
    const result = simulate(settings);
    const used = process.cpuUsage(cpu);
    return {
      figures: result.figures,
      milliseconds: performance.now() - begin,
      // On a shared machine wall time includes waiting for a core; CPU time is what the simulation itself took.
      cpuMilliseconds: (used.user + used.system) / 1000,
    };
  };
  // The capacity: a stream arriving ten times faster than the decode ceiling allows saturates the scheduler; its
  // throughput is what the design sustains with these lengths (prompts included).
  const flood = (10 * cost.maxDecodeTokensPerSecond) / workload.outputTokens;
  const capacityPerSecond = run(20_000, flood).figures.requestsPerSecond;
  const ratePerSecond = 0.8 * capacityPerSecond;
  run(10_000, ratePerSecond); // warm-up: V8 optimises the simulator's loops
  const sizes = options.million ? [TARGET.requests, 1_000_000] : [TARGET.requests];
  const rows = sizes.map((requests): ServingBenchRow => {
    const rounds = Array.from({ length: ROUNDS }, () => run(requests, ratePerSecond));
    const times = rounds.map((round) => round.milliseconds).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const cpu = rounds.map((round) => round.cpuMilliseconds).sort((a, b) => a - b);
    const figures = (rounds[0] as (typeof rounds)[number]).figures;
    return {
      requests,
      simulatedSeconds: figures.durationSeconds,
      wallMilliseconds: median,
      range: [times[0] ?? median, times.at(-1) ?? median],
      cpuMilliseconds: cpu[Math.floor(cpu.length / 2)] ?? 0,
      requestsPerSecond: (requests / median) * 1000,
      steps: figures.steps,
      p99TtftSeconds: figures.ttft.p99,
    };
  });
  return {
    case: 'Llama-3-8B on H100 SXM, Poisson at 80 % of capacity, vLLM default scheduler',
    basis: cost.basis,
    capacityPerSecond,
    ratePerSecond,
    stepCostMilliseconds,
    rows,
  };
}

export function servingTable(result: ServingBenchResult): string {
  const number = (value: number, digits = 0) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const target = `≤ ${TARGET.seconds} s for ${number(TARGET.requests)}`;
  return `${table(
    [
      `serve: ${result.case} (${number(result.ratePerSecond, 1)} requests/s of ${number(result.capacityPerSecond, 1)})`,
      'simulated s',
      `wall ms (median of ${ROUNDS})`,
      'fastest–slowest ms',
      'CPU ms (median)',
      'requests / s',
      'steps',
      'p99 TTFT, s',
      target,
    ],
    result.rows.map((row) => [
      `${number(row.requests)} requests`,
      number(row.simulatedSeconds),
      number(row.wallMilliseconds),
      row.range.map((value) => number(value)).join('–'),
      number(row.cpuMilliseconds),
      number(row.requestsPerSecond),
      number(row.steps),
      number(row.p99TtftSeconds, 3),
      row.requests === TARGET.requests
        ? row.wallMilliseconds <= TARGET.seconds * 1000
          ? 'met'
          : 'not met'
        : '—',
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  )}\nstep cost: ${result.basis} (built in ${number(result.stepCostMilliseconds)} ms)\n`;
}
