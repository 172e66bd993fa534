/**
 * `tessera simulate --runtime` and `--units`, run in-process: the flags reach the workload the report echoes,
 * change where operators run, and a bad value exits 2 with a message.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { tessera } from './test-support';

const m2 = ['simulate', '--design', 'preset:apple-m2-ultra', '--model', 'llama-3-8b', '--json'];

async function report(...flags: string[]): Promise<Report> {
  const { code, out, err } = await tessera(...m2, ...flags);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Report;
}

const gemmUnits = (result: Report): Set<string> =>
  new Set(
    result.prefill.operators
      .filter((operator) => operator.kind === 'matmul')
      .map((operator) => operator.unitId),
  );

describe('simulate --runtime', () => {
  it('maps the short names to library runtimes, and "hardware" to none', async () => {
    expect((await report('--runtime', 'llama-cpp')).workload.runtime).toBe('llama-cpp');
    expect((await report('--runtime', 'trt-llm')).workload.runtime).toBe('tensorrt-llm');
    expect((await report('--runtime', 'vllm')).workload.runtime).toBe('vllm');
    expect((await report('--runtime', 'pytorch-eager')).workload.runtime).toBe('pytorch-eager');
    expect((await report('--runtime', 'hardware')).workload.runtime).toBeUndefined();
  });

  it('keeps llama.cpp off the Neural Engine, which the hardware alone uses', async () => {
    expect(gemmUnits(await report('--runtime', 'llama-cpp'))).toEqual(new Set(['gpuCore']));
    expect(gemmUnits(await report('--runtime', 'hardware'))).toContain('ane');
  });

  it('exits 2 naming the accepted values for an unknown runtime', async () => {
    const { code, err, out } = await tessera(...m2, '--runtime', 'tensorflow');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('--runtime must be one of hardware, trt-llm, vllm, llama-cpp');
    expect(err).toContain('"tensorflow"');
  });
});

describe('simulate --units', () => {
  it('sets the unit policy the report echoes', async () => {
    expect((await report('--units', 'least-energy')).workload.unitPolicy).toBe('least-energy');
    expect((await report('--units', 'fastest')).workload.unitPolicy).toBe('fastest');
  });

  it('pins every operator to one compute block', async () => {
    const pinned = await report('--units', 'pinned:gpuCore');
    expect(pinned.workload).toMatchObject({ unitPolicy: 'pinned', pinnedUnit: 'gpuCore' });
    const units = new Set(
      [...pinned.prefill.operators, ...pinned.decode.operators].map((operator) => operator.unitId),
    );
    expect(units).toEqual(new Set(['gpuCore']));
  });

  it('warns and falls back to the fastest unit when the pinned block is not a compute unit of the design', async () => {
    const result = await report('--units', 'pinned:lpddr');
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toContain('pinned-unit-unavailable');
    expect(gemmUnits(result)).toEqual(gemmUnits(await report('--units', 'fastest')));
  });

  it('exits 2 with a message for a policy it does not know or a pin without a block', async () => {
    for (const [value, message] of [
      ['slowest', '--units must be fastest, least-energy or pinned:<blockId> (got "slowest")'],
      ['pinned', '--units must be fastest, least-energy or pinned:<blockId> (got "pinned")'],
      ['pinned:', '--units pinned:<blockId> needs the id of a compute block (got "pinned:")'],
    ] as const) {
      const { code, err, out } = await tessera(...m2, '--units', value);
      expect(code, value).toBe(2);
      expect(out, value).toBe('');
      expect(err, value).toContain(message);
    }
  });
});

describe('simulate --placement', () => {
  const gpuPim = ['simulate', '--design', 'preset:template-gpu-pim', '--model', 'llama-3-8b', '--json'];

  it('places operator classes on the chip groups it names and reports the split', async () => {
    const { code, out } = await tessera(...gpuPim, '--placement', 'by-class:attention=gpu,ffn=pim-module');
    expect(code).toBe(0);
    const result = JSON.parse(out) as Report;
    expect(result.workload.placement).toEqual({
      policy: 'by-class',
      classes: { attention: 'gpu', ffn: 'pim-module' },
    });
    const groups = result.heterogeneous?.groups.map((group) => [group.groupId, group.classes]);
    expect(groups).toEqual([
      ['gpu', ['embedding', 'attention', 'head']],
      ['pim-module', ['ffn']],
    ]);
    expect(result.heterogeneous?.sentence).toMatch(/FFN on PIM module: TPOT/);
  });

  it('takes the overlap, and exits 2 naming the syntax for a placement it cannot read', async () => {
    const serial = await tessera(
      ...gpuPim,
      '--placement',
      'by-layers:0-15=gpu,16-31=pim-module',
      '--placement-overlap',
      'serial',
    );
    expect((JSON.parse(serial.out) as Report).heterogeneous?.overlap).toBe('serial');
    const bad = await tessera(...gpuPim, '--placement', 'by-layers:15-0=gpu');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--placement: by-layers: "15-0=gpu" must be <first>-<last>=<chip group id>');
  });
});
