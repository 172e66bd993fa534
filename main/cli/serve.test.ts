/**
 * `tessera serve` through the CLI function, on a scenario written to a temporary folder: the JSON report and the
 * table, `--rate` and `--rates` (lists, doublings, log-spaced), and bad input exiting 2 with the file, path and
 * line.
 */
import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServingReport } from '../../engine/serving/types';
import { UsageError } from '../app/command-line';
import { temporaryFolder } from '../testing/temp';
import { parseRates } from './serve';
import { tessera } from './test-support';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

const requests = 200;
const scenario = (
  traffic = '{ kind: poisson, ratePerSecond: 2 }',
  count = requests,
) => `format: tessera.workload
version: 1
model: llama-3-8b
batch: 1
inputTokens: 512
outputTokens: 128
weights: bf16
activations: bf16
kv: bf16
weightSparsity: none
parallelism: { mode: auto }
unitPolicy: fastest
serving:
  traffic: ${traffic}
  requests: ${count}
  seed: 7
  slo: { ttftSeconds: 0.5, tpotSeconds: 0.05, attainment: 0.99 }
  scheduler:
    policy: fcfs
    maxBatch: 64
    maxTokensPerStep: 4096
    chunkedPrefill: true
    kvBlockTokens: 16
    preemption: recompute
`;

async function written(name: string, text: string): Promise<string> {
  const path = folder.file(name);
  await writeFile(path, text);
  return path;
}

const design = ['--design', 'preset:nvidia-h100-sxm'];

describe('parseRates', () => {
  it('takes a list as written', () => {
    expect(parseRates('1,2.5,8')).toEqual([1, 2.5, 8]);
  });

  it('takes a..b as doublings from a, ending at b', () => {
    expect(parseRates('1..64')).toEqual([1, 2, 4, 8, 16, 32, 64]);
    // 48 is not a doubling of 1: the curve still ends there.
    expect(parseRates('1..48')).toEqual([1, 2, 4, 8, 16, 32, 48]);
    expect(parseRates('0.5..4')).toEqual([0.5, 1, 2, 4]);
  });

  it('takes a..b:n as n rates evenly spaced on a log scale, both ends included', () => {
    const rates = parseRates('1..64:12');
    expect(rates).toHaveLength(12);
    expect(rates[0]).toBe(1);
    expect(rates[11]).toBe(64);
    const step = 64 ** (1 / 11);
    for (let index = 1; index < rates.length; index += 1)
      expect(rates[index]! / rates[index - 1]!).toBeCloseTo(step, 4);
  });

  it.each(['0,1', '1,-2', 'a,b', '8..1', '1..64:1', '1..64:65', '1..', ''])('refuses "%s"', (text) => {
    expect(() => parseRates(text)).toThrow(UsageError);
  });
});

describe('tessera serve', () => {
  it('prints the ServingReport as JSON with --json', async () => {
    const path = await written('s.yaml', scenario());
    const { code, out, err } = await tessera('serve', ...design, '--scenario', path, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as ServingReport;
    expect(report.format).toBe('tessera.serving');
    expect(report.version).toBe(1);
    expect(report.run.figures.requests).toBe(requests);
    expect(typeof report.sentence).toBe('string');
  });

  it('serves docs/examples/serving-llama-70b.yaml on the DGX H100 with a curve, every stable key present', async () => {
    const example = join(import.meta.dirname, '../../docs/examples/serving-llama-70b.yaml');
    const { code, out, err } = await tessera(
      'serve',
      '--design',
      'preset:nvidia-dgx-h100',
      '--scenario',
      example,
      '--rates',
      '1..32',
      '--json',
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out) as ServingReport;
    expect(report.run.figures.requests).toBe(1000);
    expect(report.curve?.points.map((point) => point.ratePerSecond)).toEqual([1, 2, 4, 8, 16, 32]);
    // The keys ARCHITECTURE.md lists as stable for `tessera serve --json` (this scenario has an SLO and 6 rates).
    const stable = [
      'format',
      'version',
      'sentence',
      'warnings',
      'run.figures.requests',
      'run.figures.completed',
      'run.figures.durationSeconds',
      'run.figures.offeredPerSecond',
      'run.figures.requestsPerSecond',
      'run.figures.outputTokensPerSecond',
      'run.figures.inputTokensPerSecond',
      'run.figures.ttft.p99',
      'run.figures.tpot.p50',
      'run.figures.endToEnd.p90',
      'run.figures.queueWait.mean',
      'run.figures.goodput.share',
      'run.figures.goodput.requestsPerSecond',
      'run.figures.goodput.meetsSlo',
      'run.figures.queue.max',
      'run.figures.batch.mean',
      'run.figures.inSystemMean',
      'run.figures.kv.capacityTokens',
      'run.figures.kv.peakUtilization',
      'run.figures.preemptions',
      'run.figures.energyJoules',
      'run.figures.energyPerRequestJoules',
      'run.figures.averagePowerWatts',
      'curve.points.0.ratePerSecond',
      'curve.points.0.ttft.p99',
      'curve.points.0.goodputShare',
      'curve.points.0.saturated',
      'curve.kneeRatePerSecond',
      'curve.maxRateWithinSlo',
      'hardware.kvCapacityTokens',
      'hardware.kvBytesPerToken',
      'hardware.maxDecodeTokensPerSecond',
      'hardware.singlePrefillSeconds',
      'hardware.basis',
    ];
    const missing = stable.filter(
      (path) =>
        path
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], report) ===
        undefined,
    );
    expect(missing).toEqual([]);
  });

  it('exits 1 with the reason when the simulation fails (Llama 3 70B in BF16 does not fit one 80 GB H100)', async () => {
    const example = join(import.meta.dirname, '../../docs/examples/serving-llama-70b.yaml');
    const { code, out, err } = await tessera('serve', ...design, '--scenario', example);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/^tessera: the serving simulation failed: .*Llama 3 70B/);
  });

  it('prints a table, the curve at the rates asked, the sentence, the knee and the max rate within the SLO', async () => {
    const path = await written('s.yaml', scenario());
    const { code, out } = await tessera('serve', ...design, '--scenario', path, '--rates', '1,4,16');
    expect(code).toBe(0);
    for (const header of ['req/s', 'tok/s', 'TTFT p50', 'TTFT p99', 'TPOT p50', 'TPOT p99', 'goodput'])
      expect(out).toContain(header);
    const curve = out.slice(out.indexOf('Latency against rate:'));
    const rows = curve.split('\n').filter((line) => /^\s*[0-9]/.test(line));
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual(['1', '4', '16']);
    expect(out).toMatch(/^Knee: /m);
    expect(out).toMatch(/^Max rate within the SLO: /m);
  });

  it('gives the curve the rates of --rates 1..8 (doublings) in the JSON', async () => {
    const path = await written('s.yaml', scenario());
    const { code, out } = await tessera('serve', ...design, '--scenario', path, '--rates', '1..8', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as ServingReport;
    expect(report.curve?.points.map((point) => point.ratePerSecond)).toEqual([1, 2, 4, 8]);
  });

  it('replaces the traffic rate with --rate', async () => {
    const path = await written('s.yaml', scenario());
    const { code, out } = await tessera('serve', ...design, '--scenario', path, '--rate', '6', '--json');
    expect(code).toBe(0);
    const offered = (JSON.parse(out) as ServingReport).run.figures.offeredPerSecond;
    // 200 Poisson arrivals at 6/s: the measured rate is within a few standard errors (6 / √200 ≈ 0.42).
    expect(Math.abs(offered - 6)).toBeLessThan(4 * (6 / Math.sqrt(requests)));
  });

  it('prints progress to stderr with --progress, ending at 100 %', async () => {
    const path = await written('s.yaml', scenario());
    const { code, err } = await tessera('serve', ...design, '--scenario', path, '--progress');
    expect(code).toBe(0);
    expect(err.trim().split('\n').at(-1)).toMatch(/^serve: 100 %/);
  });

  it('reads a trace named by file: beside the scenario (the Azure LLM inference layout)', async () => {
    const sample = join(import.meta.dirname, '../../docs/examples/traces/azure-llm-sample.csv');
    await copyFile(sample, folder.file('trace.csv'));
    const rows = 36;
    const text = scenario('{ kind: trace, file: trace.csv }', rows).replace(
      'serving:\n',
      'serving:\n  input: { kind: trace }\n  output: { kind: trace }\n',
    );
    const path = await written('traced.yaml', text);
    const { code, out, err } = await tessera('serve', ...design, '--scenario', path, '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(out) as ServingReport).run.figures.requests).toBe(rows);
  });

  it('names a trace file that cannot be read, and the line of its bad row, exiting 2', async () => {
    await writeFile(
      folder.file('bad.csv'),
      'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-12 09:00:00.1,12,x\n',
    );
    const path = await written('traced.yaml', scenario('{ kind: trace, file: bad.csv }'));
    const { code, err } = await tessera('serve', ...design, '--scenario', path);
    expect(code).toBe(2);
    expect(err).toContain(folder.file('bad.csv'));
    expect(err).toContain('serving.traffic.file');
    expect(err).toMatch(/line 2/);
  });

  it('names the file, the path and the line of a bad value, and exits 2', async () => {
    const text = scenario('{ kind: poisson, ratePerSecond: -3 }');
    const path = await written('bad.yaml', text);
    const line = text.split('\n').findIndex((row) => row.includes('ratePerSecond: -3')) + 1;
    const { code, err } = await tessera('serve', ...design, '--scenario', path);
    expect(code).toBe(2);
    expect(err).toContain(path);
    expect(err).toContain(`line ${line}`);
    expect(err).toContain('serving.traffic.ratePerSecond');
  });

  it('refuses a workload without serving:, a closed loop with --rate, and a missing file, exiting 2', async () => {
    const plain = await written('plain.yaml', scenario().slice(0, scenario().indexOf('serving:')));
    const noServing = await tessera('serve', ...design, '--scenario', plain);
    expect(noServing.code).toBe(2);
    expect(noServing.err).toMatch(/has no serving: section/);

    const closed = await written('closed.yaml', scenario('{ kind: closed, users: 4, thinkSeconds: 1 }'));
    const rated = await tessera('serve', ...design, '--scenario', closed, '--rate', '3');
    expect(rated.code).toBe(2);
    expect(rated.err).toMatch(/closed loop/);

    const missing = await tessera('serve', ...design, '--scenario', folder.file('nope.yaml'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file/);
  });

  it('refuses --rate with --rates, and a bad --rates, exiting 2', async () => {
    const path = await written('s.yaml', scenario());
    expect(
      (await tessera('serve', ...design, '--scenario', path, '--rate', '1', '--rates', '1,2')).code,
    ).toBe(2);
    const bad = await tessera('serve', ...design, '--scenario', path, '--rates', '4..2');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--rates 4\.\.2/);
  });

  it('shows its usage with --help', async () => {
    const { code, out } = await tessera('serve', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^usage: tessera serve --design/);
  });
});
