/**
 * `tessera simulate` with the DVFS flags, run in-process: `--dvfs-policy`, `--ttft-target`, `--requests-per-hour`
 * into the workload, the `dvfs` section in `--json`, its lines in the summary, and `--set` on a domain's battery.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { tessera } from './test-support';

const edge = [
  'simulate',
  '--design',
  'preset:template-edge-soc-battery',
  '--model',
  'phi-3-mini',
  '--weights',
  'int4',
  '--input',
  '128',
];

async function json(...extra: string[]): Promise<Report> {
  const { code, out, err } = await tessera(...edge, ...extra, '--json');
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Report;
}

describe('tessera simulate: DVFS', () => {
  it('reads battery life off --json for a request rate, and a bigger battery lasts proportionally longer', async () => {
    const report = await json('--requests-per-hour', '30');
    expect(report.workload.requestsPerHour).toBe(30);
    const duty = report.dvfs?.duty;
    expect(duty?.batteryJoules).toBe(45720);
    expect(duty?.batteryLifeSeconds).toBeCloseTo(45720 / (duty?.averagePowerWatts ?? 1), 6);
    const bigger = await json('--requests-per-hour', '30', '--set', 'dvfs.batteryJoules=91440');
    expect(bigger.dvfs?.duty?.batteryLifeSeconds).toBeCloseTo(2 * (duty?.batteryLifeSeconds ?? 0), 6);
  });

  it('takes the policy and the TTFT target into the workload, and race to idle runs decode at the top clock', async () => {
    const report = await json('--dvfs-policy', 'race-to-idle', '--ttft-target', '500 ms');
    expect(report.workload.dvfsPolicy).toBe('race-to-idle');
    expect(report.workload.ttftTargetSeconds).toBeCloseTo(0.5, 12);
    expect(report.dvfs?.policy).toBe('race-to-idle');
    expect(report.dvfs?.decode.domains[0]?.clockHertz).toBe(report.dvfs?.decode.domains[0]?.topClockHertz);
  });

  it('prints the answer sentence and the day of requests in the summary', async () => {
    const { code, out } = await tessera(...edge, '--requests-per-hour', '30');
    expect(code).toBe(0);
    expect(out).toMatch(/DVFS \(least-energy\): Decode at .+ instead of 1 GHz saves .+ % energy per token/);
    expect(out).toMatch(/battery lasts [\d.]+ h/);
  });

  it('refuses an unknown policy and a request rate that is not a number', async () => {
    const policy = await tessera(...edge, '--dvfs-policy', 'turbo');
    expect(policy.code).toBe(2);
    expect(policy.err).toContain('--dvfs-policy must be one of fixed, adaptive, race-to-idle');
    for (const text of ['-1', 'many', '1e9']) {
      const rate = await tessera(...edge, '--requests-per-hour', text);
      expect(rate.code).toBe(2);
      expect(rate.err).toContain('--requests-per-hour');
    }
  });
});
