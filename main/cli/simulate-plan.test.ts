/**
 * `tessera simulate` with automatic parallelism, run in-process: the plan search's table, `plan` in `--json`,
 * and `--tpot-target`.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { tessera } from './test-support';

const dgx70b = ['simulate', '--design', 'preset:nvidia-dgx-h100', '--model', 'llama-3-70b', '--batch', '64'];

async function json(...extra: string[]): Promise<Report> {
  const { code, out, err } = await tessera(...dgx70b, ...extra, '--json');
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Report;
}

describe('tessera simulate: automatic parallelism', () => {
  it('is at least as fast as --tp 8 on a DGX H100 for Llama 3 70B at batch 64, and prints plan in --json', async () => {
    const automatic = await json();
    const tp8 = await json('--tp', '8');
    expect(automatic.decode.tokensPerSecond).toBeGreaterThanOrEqual(0.95 * tp8.decode.tokensPerSecond);
    expect(automatic.plan?.chosen).toMatchObject({
      tensor: automatic.parallelism.tensor,
      pipeline: automatic.parallelism.pipeline,
      fits: 'device',
    });
    expect(automatic.plan?.candidates.length).toBe(4);
    expect(tp8.plan).toBeUndefined();
  });

  it('prints the plan search: the chosen split and the next four, with their figures', async () => {
    const automatic = await json();
    const { code, out } = await tessera(...dgx70b);
    expect(code).toBe(0);
    const lines = out.split('\n');
    const heading = lines.findIndex((line) => line.startsWith('Plan search:'));
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading]).toContain(`${automatic.plan?.evaluated} splits evaluated`);
    const chosen = lines[heading + 3] ?? '';
    const split = automatic.parallelism;
    expect(chosen).toMatch(
      new RegExp(
        `^chosen\\s+TP ${split.tensor} · PP ${split.pipeline} · EP ${split.expert}\\s+${split.dataReplicas}\\s`,
      ),
    );
    expect(chosen).toContain('device');
    expect(lines.slice(heading + 4, heading + 8).map((line) => line.split(/\s+/)[0])).toEqual([
      '2',
      '3',
      '4',
      '5',
    ]);
  });

  it('prints no plan search for a manual split', async () => {
    const { out } = await tessera(...dgx70b, '--tp', '8');
    expect(out).not.toContain('Plan search');
  });

  it('takes --tpot-target in seconds, or with a unit, into the workload', async () => {
    expect((await json('--tpot-target', '0.02')).workload.tpotTargetSeconds).toBe(0.02);
    const report = await json('--tpot-target', '20 ms');
    expect(report.workload.tpotTargetSeconds).toBeCloseTo(0.02, 12);
    expect(report.plan?.tpotTargetSeconds).toBeCloseTo(0.02, 12);
  });

  it('refuses a TPOT target that is not a positive time', async () => {
    for (const text of ['0', '-1', '20 GB', 'soon']) {
      const { code, err } = await tessera(...dgx70b, '--tpot-target', text);
      expect(code).toBe(2);
      expect(err).toContain('--tpot-target');
    }
  });
});
