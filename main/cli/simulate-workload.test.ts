/**
 * `tessera simulate`'s counts are read as the API reads a workload: whole numbers in digits, in the schema's
 * range. Out of range (`1e12`), in another notation (`0x10`, `1e3`) or not a number, the CLI exits 2 naming the
 * flag and prints no report; a report with an error diagnostic (the model does not fit) is printed and exits 1.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { workloadSchema } from '../../engine/schema/workload';
import { tessera } from './test-support';

const m2 = ['simulate', '--design', 'preset:apple-m2-ultra', '--model', 'llama-3-8b'];

describe('simulate count flags', () => {
  it.each([
    ['--batch', '1e12'],
    ['--batch', '1e308'],
    ['--batch', '0x10'],
    ['--batch', '16.0'],
    ['--batch', '0'],
    ['--input', '1e12'],
    ['--output', '1e15'],
    ['--context', '1e9'],
    ['--tp', '1e3'],
  ])('%s %s exits 2 naming the flag and prints no report', async (flag, value) => {
    const { code, out, err } = await tessera(...m2, flag, value);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(flag);
    expect(err).toContain(`"${value}"`);
  });

  it('rejects a count written in digits past the schema maximum, giving the maximum', async () => {
    // The schema's own bound, so the CLI and the API agree on where the range ends.
    const max = workloadSchema.shape.batch.maxValue ?? Number.NaN;
    expect(Number.isFinite(max)).toBe(true);
    const over = await tessera(...m2, '--batch', String(max + 1), '--json');
    expect(over.code).toBe(2);
    expect(over.err).toContain(`--batch must be at most ${String(max)}`);
    const contextMax = workloadSchema.shape.decodeContext.unwrap().maxValue ?? Number.NaN;
    const context = await tessera(...m2, '--context', String(contextMax + 1));
    expect(context.code).toBe(2);
    expect(context.err).toContain('--context must be at most');
  });

  it('simulates the number typed in digits', async () => {
    const { code, out } = await tessera(...m2, '--batch', '16', '--input', '1024', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as Report;
    expect(report.workload.batch).toBe(16);
    expect(report.workload.inputTokens).toBe(1024);
  });

  it('prints a report whose model does not fit and exits 1', async () => {
    // Llama 3 8B keeps 2 (K and V) × 32 layers × 8 KV heads × 128 dims × 2 bytes (bf16) = 128 KiB per token.
    // 100,000 sequences × (512 + 128) tokens of it is 7.8 TiB, far past the M2 Ultra's 192 GiB.
    const model = JSON.parse(await readFile('library/models/llama-3-8b.json', 'utf8')) as {
      architecture: { layers: number; kvHeads: number; headDim: number };
    };
    const kvBytesPerToken =
      2 * model.architecture.layers * model.architecture.kvHeads * model.architecture.headDim * 2;
    const batch = 100_000;
    expect(batch * (512 + 128) * kvBytesPerToken).toBeGreaterThan(192 * 2 ** 30);
    const json = await tessera(...m2, '--batch', String(batch), '--json');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as Report;
    expect(report.memory.fits).toBe(false);
    expect(report.diagnostics.some((diagnostic) => diagnostic.severity === 'error')).toBe(true);
    const text = await tessera(...m2, '--batch', String(batch));
    expect(text.code).toBe(1);
    expect(text.out).toContain('DOES NOT FIT');
  });
});
