/**
 * `tessera serve`: a design serving a scenario (a workload document with `serving:`), simulated request by
 * request (`serve`, engine/serving/serve.ts) in this process: the run at the scenario's traffic, and with
 * `--rates` the latency–rate curve with its knee and the largest rate within the SLO. A table and the report's
 * sentence, or with `--json` the `ServingReport` (its stable keys: ARCHITECTURE.md, "tessera serve --json").
 *
 * Exit codes: 0 with a report, 2 for bad input (the message names the file, the path and the line), 1 when the
 * simulation fails.
 */
import { parseArgs } from 'node:util';
import { indexCatalog } from '../../engine/catalog';
import type { Traffic } from '../../engine/schema/serving';
import type { Workload } from '../../engine/schema/workload';
import type { RateCurve, ServingFigures, ServingReport } from '../../engine/serving/types';
import { formatQuantity } from '../../engine/units';
import { loadCatalog, table, UsageError, type Streams } from '../app/command-line';
import { designSourceFrom } from './read-input';
import { scenarioFrom } from './read-scenario';
import { durationText } from './sweep-progress';
import { parsedArgs } from './usage';

/** The most rates of one curve (the API's limit too). */
export const MAX_RATES = 64;

/** A rate the user typed: a positive number of requests per second. */
function rateFrom(text: string, flag: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1e6)
    throw new UsageError(
      `${flag}: "${text}" is not a rate in requests per second (a number above 0, at most 1e6)`,
    );
  return value;
}

/** Six significant digits, so log-spaced rates print as 1.46, not 1.4599999999. */
const tidy = (value: number): number => Number(value.toPrecision(6));

/**
 * `--rates`: a list (`1,2,4,8`), doublings from a to b (`1..64`: 1, 2, 4, … 64; b is added when the doublings
 * miss it), or n log-spaced rates from a to b (`1..64:12`, both ends included).
 */
export function parseRates(text: string): number[] {
  const range = /^([0-9.eE+-]+?)\.\.([0-9.eE+-]+?)(?::([0-9]+))?$/.exec(text.trim());
  let rates: number[];
  if (range) {
    const low = rateFrom(range[1]!, '--rates');
    const high = rateFrom(range[2]!, '--rates');
    if (!(high > low)) throw new UsageError(`--rates ${text}: the range must go up (a..b with b > a)`);
    if (range[3] !== undefined) {
      const count = Number(range[3]);
      if (count < 2 || count > MAX_RATES)
        throw new UsageError(`--rates ${text}: the count after ":" must be 2 to ${MAX_RATES}`);
      rates = Array.from({ length: count }, (_, index) => tidy(low * (high / low) ** (index / (count - 1))));
    } else {
      rates = [];
      for (let rate = low; rate <= high * (1 + 1e-9); rate *= 2) rates.push(tidy(rate));
      if (rates.at(-1)! < high * (1 - 1e-9)) rates.push(tidy(high));
    }
  } else rates = text.split(',').map((part) => rateFrom(part, '--rates'));
  if (rates.length > MAX_RATES)
    throw new UsageError(`--rates ${text} gives ${rates.length} rates; a curve has at most ${MAX_RATES}`);
  return rates;
}

/** Requests per second a trace offers as recorded (arrivals over their span). */
function traceRate(traffic: Extract<Traffic, { kind: 'trace' }>): number {
  const arrivals = traffic.arrivalsSeconds;
  const span = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
  return span > 0 ? (arrivals.length - 1) / span : Number.NaN;
}

/** The scenario with its traffic at `rate` requests per second (`--rate`). */
export function withRate(workload: Workload, rate: number): Workload {
  const serving = workload.serving!;
  if (serving.tenants && serving.tenants.length > 0)
    throw new UsageError(
      "--rate sets one traffic; this scenario has several models (serving.tenants): set each tenant's rate in the scenario",
    );
  const traffic = serving.traffic;
  let changed: Traffic;
  if (traffic.kind === 'poisson' || traffic.kind === 'gamma') changed = { ...traffic, ratePerSecond: rate };
  else if (traffic.kind === 'trace') {
    const recorded = traceRate(traffic);
    if (!Number.isFinite(recorded))
      throw new UsageError('--rate: the trace has all its arrivals at one time, so it has no rate to scale');
    changed = { ...traffic, timeScale: rate / recorded };
  } else
    throw new UsageError(
      '--rate does not apply to a closed loop (serving.traffic.kind: closed): its users and think time set the load',
    );
  return { ...workload, serving: { ...serving, traffic: changed } };
}

const seconds = (value: number): string => formatQuantity(value, 'seconds');
const count = (value: number, digits = 3): string =>
  value >= 1000 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(digits)).toString();
const share = (value: number | undefined): string =>
  value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;

const headers = ['rate /s', 'req/s', 'tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'goodput'];
const align: ('left' | 'right')[] = headers.map(() => 'right');

function runRow(rate: string, figures: ServingFigures): string[] {
  return [
    rate,
    count(figures.requestsPerSecond),
    count(figures.outputTokensPerSecond),
    seconds(figures.ttft.p50),
    seconds(figures.ttft.p99),
    seconds(figures.tpot.p50),
    seconds(figures.tpot.p99),
    share(figures.goodput?.share),
  ];
}

function curveRows(curve: RateCurve): string[][] {
  return curve.points.map((point) => [
    `${count(point.ratePerSecond)}${point.saturated ? ' (saturated)' : ''}`,
    count(point.requestsPerSecond),
    count(point.outputTokensPerSecond),
    seconds(point.ttft.p50),
    seconds(point.ttft.p99),
    seconds(point.tpot.p50),
    seconds(point.tpot.p99),
    share(point.goodputShare),
  ]);
}

/** The report as text: the run, the curve, each model, the sentence, the knee and the largest rate within the SLO. */
export function servingSummary(report: ServingReport): string {
  const lines: string[] = [];
  const figures = report.run.figures;
  lines.push(
    `Run: ${figures.completed.toLocaleString('en-US')} of ${figures.requests.toLocaleString('en-US')} requests in ${durationText(figures.durationSeconds)} (simulated), ${figures.preemptions} preemptions, KV peak ${share(figures.kv.peakUtilization)}`,
  );
  lines.push(table(headers, [runRow(count(figures.offeredPerSecond), figures)], align));
  if (report.curve) {
    lines.push('', 'Latency against rate:');
    lines.push(table(headers, curveRows(report.curve), align));
  }
  if (report.tenants && report.tenants.length > 0) {
    lines.push('', 'Models:');
    lines.push(
      table(
        ['model', 'partition', ...headers.slice(1)],
        report.tenants.map((tenant) => [
          `${tenant.id} (${tenant.model})`,
          `${tenant.partition}${tenant.chosenByTessera ? ' (chosen)' : ''}`,
          ...runRow('', tenant.run.figures).slice(1),
        ]),
        ['left', 'left', ...align.slice(1)],
      ),
    );
  }
  if (report.sharing) lines.push('', report.sharing.sentence);
  lines.push('', report.sentence);
  if (report.curve) {
    const { kneeRatePerSecond, maxRateWithinSlo } = report.curve;
    lines.push(
      `Knee: ${kneeRatePerSecond !== undefined ? `${count(kneeRatePerSecond)} requests/s` : report.curve.points.length < 3 ? '— (a curve needs 3 rates or more)' : '—'}`,
    );
    lines.push(
      `Max rate within the SLO: ${maxRateWithinSlo === undefined ? '— (the scenario has no SLO)' : `${count(maxRateWithinSlo)} requests/s`}`,
    );
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return `${lines.map((line) => line.replace(/\n+$/, '')).join('\n')}\n`;
}

export async function runServe(
  args: string[],
  streams: Streams,
  options: { isTty?: boolean } = {},
): Promise<number> {
  const { values } = parsedArgs(() =>
    parseArgs({
      args,
      strict: true,
      options: {
        design: { type: 'string' },
        scenario: { type: 'string' },
        rate: { type: 'string' },
        rates: { type: 'string' },
        json: { type: 'boolean', default: false },
        progress: { type: 'boolean', default: false },
      },
    }),
  );
  if (values.design === undefined)
    throw new UsageError('serve needs --design <preset:ID | file.json | file.yaml | project.tessera#NAME>');
  if (values.scenario === undefined)
    throw new UsageError(
      'serve needs --scenario <s.yaml | s.json> (a tessera.workload document with serving:)',
    );
  if (values.rate !== undefined && values.rates !== undefined)
    throw new UsageError('give --rate (one run at that rate) or --rates (a latency–rate curve), not both');
  const rates = values.rates === undefined ? undefined : parseRates(values.rates);
  const rate = values.rate === undefined ? undefined : rateFrom(values.rate, '--rate');

  const catalog = await loadCatalog();
  const source = await designSourceFrom(values.design, catalog);
  let workload = await scenarioFrom(values.scenario);
  if (rate !== undefined) workload = withRate(workload, rate);
  const withProjectModels =
    source.projectModels.length === 0
      ? catalog
      : indexCatalog({ ...catalog.catalog, models: [...catalog.catalog.models, ...source.projectModels] });

  const isTty = options.isTty ?? process.stderr.isTTY;
  const started = performance.now();
  let shown = Number.NEGATIVE_INFINITY;
  const progress = (done: number): boolean => {
    const now = performance.now();
    if (now - shown >= 1000 || done >= 1) {
      shown = now;
      const text = `serve: ${(Math.min(1, done) * 100).toFixed(0)} % · ${durationText((now - started) / 1000)}`;
      streams.stderr(isTty ? `\r${text}\u001b[K` : `${text}\n`);
    }
    return true;
  };
  const { serve } = await import('../../engine/serving/serve');
  const served = serve(source.design, workload, withProjectModels, {
    ...(rates ? { rates } : {}),
    ...(values.progress === true ? { progress } : {}),
  });
  if (values.progress === true && isTty) streams.stderr('\n');
  if (!served.ok) {
    streams.stderr(`tessera: the serving simulation failed: ${served.message}\n`);
    return 1;
  }
  if (values.json === true) streams.stdout(`${JSON.stringify(served.report, null, 2)}\n`);
  else streams.stdout(servingSummary(served.report));
  return 0;
}
