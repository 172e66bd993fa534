/**
 * `tessera simulate --runtime` and `--units`, run in-process: the flags reach the workload the report echoes,
 * change where operators run, and a bad value exits 2 with a message.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';
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

describe('tessera simulate --memory', () => {
  const tile = ['simulate', '--design', 'preset:template-single-tile', '--model', 'llama-3-8b', '--tp', '1'];

  it('streams the weights from a named level and --json shows the memory hierarchy', async () => {
    const { code, out } = await tessera(
      ...tile,
      '--weights',
      'int8',
      '--memory',
      'weights=stream:dram',
      '--json',
    );
    const parsed = JSON.parse(out) as Report;
    expect(parsed.workload.memoryPolicy).toEqual({
      weights: { placement: 'stream', level: 'dram' },
      kv: { placement: 'auto' },
      prefetch: true,
    });
    expect(parsed.memoryHierarchy?.streams[0]?.sourceLevelId).toBe('dram');
    // The 32 MiB scratchpad cannot double-buffer two layers of an 8B model: an error, exit 1.
    expect(parsed.diagnostics.map((diagnostic) => diagnostic.code)).toContain(
      'memory-stream-buffer-too-small',
    );
    expect(code).toBe(1);
  });

  it('pages the KV cache and turns prefetch off', async () => {
    const { code, out } = await tessera(...tile, '--memory', 'kv=pin:dram,page=16,prefetch=off', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as Report;
    expect(parsed.memoryHierarchy?.policy).toEqual({
      weights: 'auto',
      kv: 'pin',
      prefetch: false,
      kvBlockTokens: 16,
    });
    expect(parsed.memoryHierarchy?.paging?.wastedTokensPerSequence).toBe(8);
  });

  it('refuses a malformed policy with exit 2', async () => {
    for (const value of ['weights=fast', 'page=many', 'prefetch=maybe', 'kv=pin:9bad', 'cache=pin']) {
      const { code, err } = await tessera(...tile, '--memory', value);
      expect(code, value).toBe(2);
      expect(err, value).toContain('--memory takes');
    }
  });
});

describe('the plan search under a memory policy', () => {
  const offload = [
    'simulate',
    '--design',
    'preset:template-h100-cxl-offload',
    '--model',
    'llama-3-8b',
    '--batch',
    '128',
    '--input',
    '7168',
    '--output',
    '1024',
    '--json',
  ];

  it('counts a KV cache streamed from CXL memory on purpose as placed, not as a spill to host memory', async () => {
    const spilled = JSON.parse((await tessera(...offload)).out) as Report;
    expect(spilled.plan?.chosen.fits).toBe('host');
    expect(spilled.diagnostics.map((diagnostic) => diagnostic.code)).toContain('plan-host-memory');
    const streamed = JSON.parse((await tessera(...offload, '--memory', 'kv=stream:cxl')).out) as Report;
    expect(streamed.plan?.chosen.fits).toBe('device');
    expect(streamed.diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('plan-host-memory');
    expect(streamed.memory.fits).toBe(true);
  });
});

describe('tessera simulate --sparsity', () => {
  const mesh = [
    'simulate',
    '--design',
    'preset:template-tile-mesh-compression',
    '--model',
    'llama-3-8b',
    '--json',
  ];

  it('reaches the workload and the compression section of --json', async () => {
    const { code, out } = await tessera(...mesh, '--sparsity', 'unstructured:0.3');
    expect(code).toBe(0);
    const result = JSON.parse(out) as Report;
    expect(result.workload).toMatchObject({ weightSparsity: 'unstructured', weightDensity: 0.3 });
    // The template's sparsity engine reads 2:4, so unstructured weights stay dense (and say so).
    expect(result.compression?.weights).toMatchObject({ sparsity: 'unstructured', storedSparse: false });
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toContain('sparsity-unused');
    const sparse = JSON.parse((await tessera(...mesh, '--sparsity', '2:4')).out) as Report;
    expect(sparse.compression?.weights).toMatchObject({ sparsity: '2:4', storedSparse: true, density: 0.5 });
    expect(sparse.compression?.units.map((unit) => unit.kind).sort()).toEqual(['kv', 'sparsity', 'weights']);
  });

  it('refuses a pattern it does not know and a density out of range', async () => {
    const unknown = await tessera(...mesh, '--sparsity', '3:4');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--sparsity must be none, 2:4, 4:8 or unstructured');
    const dense = await tessera(...mesh, '--sparsity', 'unstructured:1.5');
    expect(dense.code).toBe(2);
    expect(dense.err).toContain('density from 0.01 to 1');
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
    // The headline is the placement's, not the H100's alone.
    expect(result.request.tpotSeconds).toBe(result.heterogeneous?.tpotSeconds);
    expect(result.decode.tokensPerSecond).toBeCloseTo(
      result.workload.batch / (result.heterogeneous?.tpotSeconds ?? NaN),
      9,
    );
  });

  it("prints the placed TPOT in the headline table and says which figures are the primary group's", async () => {
    const text = await tessera(
      ...gpuPim.filter((arg) => arg !== '--json'),
      '--placement',
      'by-class:attention=gpu,ffn=pim-module',
    );
    const json = await tessera(...gpuPim, '--placement', 'by-class:attention=gpu,ffn=pim-module');
    const tpot = formatQuantity(
      (JSON.parse(json.out) as Report).heterogeneous?.tpotSeconds ?? NaN,
      'seconds',
    );
    expect(text.out).toMatch(
      new RegExp(`^time .* ${tpot.replace('.', '\\.')} ±[^ ]+ % per step \\(TPOT\\)`, 'm'),
    );
    expect(text.out).toContain(
      "across chip groups H100 SXM + PIM module: time, tokens/s, power, energy and whether it fits are the placement's",
    );
    expect(text.out).toContain('Decode runs across chip groups: H100 SXM');
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
