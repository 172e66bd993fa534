/**
 * What a runtime does with device memory and with a model's sliding window, end to end through `evaluate`: the
 * KV cache of one sequence and the largest batch follow the runtime profile (`kvCache`, `slidingWindow`).
 */
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { countParameters } from './models/parameters';
import type { Report } from './report';
import type { Runtime } from './schema/runtime';
import { defaultWorkload, type Workload } from './schema/workload';
import { testCatalog, testDesign, testModel, toyArchitecture } from './testing/fixtures';

const source = { citation: 'test' };
const runtimeWith = (id: string, fields: Partial<Runtime>): Runtime => ({
  format: 'tessera.runtime',
  version: 1,
  id,
  name: id,
  description: 'a test runtime profile',
  stepOverheadSeconds: 0,
  operatorOverheadSeconds: 0,
  source,
  ...fields,
});

const windowed = testModel('toy-window', {
  ...toyArchitecture,
  slidingWindow: 256,
  slidingWindowLayers: 'all',
});
const catalog = testCatalog({
  models: [windowed],
  runtimes: [
    runtimeWith('ignores-window', { slidingWindow: false }),
    runtimeWith('applies-window', { slidingWindow: true }),
    runtimeWith('head-16-bit', { embeddingsQuantized: false }),
    runtimeWith('trt-like', {
      prefillChunkTokens: 8192,
      kvCache: { basis: 'free', fraction: 0.9, reservedBytes: 2 ** 24 },
    }),
  ],
});

const design = testDesign(
  {
    tile: { type: 'test.array' },
    hbm: { type: 'test.dram', params: { capacityBytes: 2 ** 30, bandwidthBytesPerSecond: 1e12 } },
  },
  [['tile', 'hbm']],
);

function run(workload: Partial<Workload>): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), ...workload } }, catalog);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const arch = toyArchitecture;
// BF16 KV: 2 (K and V) · kvHeads · headDim elements of 2 bytes per token and layer.
const kvPerTokenLayer = 2 * arch.kvHeads * arch.headDim * 2;

describe('a runtime and a model’s sliding window', () => {
  const input = 1024;
  const output = 1024;
  const at = (runtime: string) =>
    run({ model: 'toy-window', runtime, inputTokens: input, outputTokens: output, batch: 1 });

  it('keeps the full context’s KV cache when the runtime does not apply the window (TensorRT-LLM)', () => {
    const report = at('ignores-window');
    expect(report.memory.kvBytesPerChip).toBe(arch.layers * (input + output) * kvPerTokenLayer);
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toContain('sliding-window-ignored');
  });

  it('keeps only the window when it does (vLLM)', () => {
    expect(at('applies-window').memory.kvBytesPerChip).toBe(arch.layers * 256 * kvPerTokenLayer);
  });
});

describe('a runtime’s share of device memory for the KV cache', () => {
  it('bounds the largest batch by the fraction of free memory after the context, weights and activations', () => {
    const input = 512;
    const output = 512;
    const kvPerSequence = arch.layers * (input + output) * kvPerTokenLayer;
    const weights = countParameters(arch).total * 2;
    // A full 8,192-token chunk's activations: the widest tensor (gated FFN: 2 · intermediate) in and out, BF16.
    const activations = 8192 * Math.max(4 * arch.hiddenSize, 2 * arch.intermediateSize) * 2 * 2;
    const free = 2 ** 30 - 2 ** 24 - weights - activations;
    const expected = Math.floor((0.9 * free) / kvPerSequence);
    const report = run({ runtime: 'trt-like', inputTokens: input, outputTokens: output, batch: 1 });
    // The count's margin to the next whole sequence exceeds the few KiB the two weight counts may differ by.
    expect((0.9 * free) / kvPerSequence - expected).toBeGreaterThan(0.01);
    expect(report.memory.maxBatch).toBe(expected);
  });
});

describe('a runtime that quantizes only the layers’ linear layers', () => {
  it('keeps the embedding and the LM head 16-bit under FP8 weights', () => {
    const fp8 = { weights: 'fp8', activations: 'fp8', kv: 'fp8', batch: 1 } as const;
    const quantized = run({ ...fp8 });
    const sixteenBitHead = run({ ...fp8, runtime: 'head-16-bit' });
    // Untied: a vocab × hidden embedding and a vocab × hidden head, each 1 byte more per weight.
    const embeddings = 2 * arch.vocabSize * arch.hiddenSize;
    expect(sixteenBitHead.memory.weightsBytesPerChip - quantized.memory.weightsBytesPerChip).toBe(
      embeddings * (2 - 1),
    );
    const head = (report: Report) =>
      report.decode.operators.find((operator) => operator.id === 'head.logits')?.bytes.weights;
    expect(head(sixteenBitHead)).toBe(arch.vocabSize * arch.hiddenSize * 2);
    expect(head(quantized)).toBe(arch.vocabSize * arch.hiddenSize * 1);
  });

  it('changes nothing for 16-bit weights', () => {
    expect(run({ runtime: 'head-16-bit' }).memory.weightsBytesPerChip).toBe(
      run({}).memory.weightsBytesPerChip,
    );
  });
});
