/**
 * `tessera simulate` on the FPGA prefill/decode template (the real library): the `reconfiguration` section in
 * `--json`, its break-even derived from the section's own per-configuration times, and `--reconfiguration`.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { runCli } from './commands';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

const fpga = [
  'simulate',
  '--design',
  'preset:template-fpga-prefill-decode',
  '--model',
  'llama-2-7b',
  '--weights',
  'int8',
  '--activations',
  'int8',
];

describe('tessera simulate on a reconfigurable FPGA', () => {
  it('--json carries the configuration per phase, the loading cost and the break-even', async () => {
    const { code, stdout } = await cli([...fpga, '--output', '128', '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as Report;
    const section = report.reconfiguration;
    expect(section).toBeDefined();
    if (!section) return;
    const gemm = section.configurations.find((entry) => entry.name === 'prefill-gemm');
    const gemv = section.configurations.find((entry) => entry.name === 'decode-gemv');
    expect(gemm?.prefillSeconds).toBeGreaterThan(0);
    expect(gemv?.prefillSeconds).toBeUndefined(); // a GEMV engine does not serve prefill
    // Load = bitstream bytes ÷ (32 bits ÷ 8 × 125 MHz), UG909.
    expect(gemv?.loadSeconds).toBeCloseTo((gemv?.bitstreamBytes ?? 0) / ((32 / 8) * 125e6), 12);
    const saved = (gemm?.decodeSecondsPerStep ?? 0) - (gemv?.decodeSecondsPerStep ?? 0);
    expect(saved).toBeGreaterThan(0);
    const breakEven = 1 + ((gemm?.loadSeconds ?? 0) + (gemv?.loadSeconds ?? 0)) / saved;
    expect(section.breakEvenOutputTokens).toBeCloseTo(breakEven, 9);
    expect(section.sentence).toContain(`pays off above ${Math.floor(breakEven)} output tokens per request`);
    // 128 tokens is above the break-even: prefill in the GEMM array, decode in the GEMV engine, two loads.
    expect(128).toBeGreaterThan(breakEven);
    expect(section.prefillConfiguration).toBe('prefill-gemm');
    expect(section.decodeConfiguration).toBe('decode-gemv');
    expect(section.loadsPerRequest).toBe(2);
    expect(report.decode.secondsPerStep).toBeCloseTo(gemv?.decodeSecondsPerStep ?? 0, 12);
    expect(report.request.endToEndSeconds).toBeCloseTo(
      (gemm?.prefillSeconds ?? 0) + section.reconfigurationSeconds + 127 * report.decode.secondsPerStep,
      9,
    );
  });

  it('keeps one configuration below the break-even and under --reconfiguration never', async () => {
    const below = JSON.parse((await cli([...fpga, '--output', '2', '--json'])).stdout) as Report;
    expect(below.reconfiguration?.decodeConfiguration).toBe('prefill-gemm');
    expect(below.reconfiguration?.reconfigurationSeconds).toBe(0);
    const never = JSON.parse(
      (await cli([...fpga, '--output', '4096', '--reconfiguration', 'never', '--json'])).stdout,
    ) as Report;
    expect(never.reconfiguration?.policy).toBe('never');
    expect(never.reconfiguration?.decodeConfiguration).toBe('prefill-gemm');
  });

  it('says the answer in the text output and refuses an unknown policy', async () => {
    const { stdout } = await cli([...fpga]);
    expect(stdout).toMatch(/Reconfiguring to 'decode-gemv' pays off above \d+ output tokens per request/);
    const wrong = await cli([...fpga, '--reconfiguration', 'sometimes']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--reconfiguration must be never, per-phase or auto/);
  });
});
