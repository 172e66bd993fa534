/**
 * Capacity on the library's presets and models (issue 14, items 2, 6 and 7): what one chip stores, the largest
 * batch a serving engine can run, and whether a workload fits — each expectation derived here from the model's
 * architecture, the formats and the chip's memory, in GiB arithmetic, never pasted from a run.
 *
 * The rules: the KV cache lives in the chip's own memory (a DGX's host DRAM never counts); the largest batch
 * leaves room for one full prefill chunk of activations (the runtime's `prefillChunkTokens`); bytes are counted
 * as stored — behind a decompressor, a KV compressor, or as 2:4-sparse values plus 2-bit indices.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import { countParameters } from '../../engine/models/parameters';
import type { Report } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelArchitecture } from '../../engine/schema/model';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { resolve } from '../../engine/stages/resolve';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);
const GiB = 2 ** 30;

function preset(id: string): DesignDocument {
  const entry = index.presets.get(id);
  if (!entry) throw new Error(`no preset ${id}`);
  return entry.design;
}

function architecture(id: string): ModelArchitecture {
  const model = index.models.get(id);
  if (!model) throw new Error(`no model ${id}`);
  return model.architecture;
}

function run(design: DesignDocument, workload: Partial<Workload> & { model: string }): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload(workload.model), ...workload } }, index);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join(' '));
  return result.report;
}

const codes = (report: Report) => report.diagnostics.map((diagnostic) => diagnostic.code);

/** The chip's own storage of a preset (host memory shared by the system excluded), per chip. */
function deviceBytes(design: DesignDocument): number {
  return resolve(design, index)
    .chip.levels.filter((level) => level.usage === 'storage' && !level.shared)
    .reduce((sum, level) => sum + level.capacityBytes, 0);
}

/**
 * Activations held per prompt token: the widest tensor a token carries (4 × hidden beside the attention
 * projections, or the FFN's gated intermediate over the tensor split), input and output alive together.
 */
function activationBytesPerToken(arch: ModelArchitecture, tensor: number, activationBytes: number): number {
  const ffn =
    2 * (arch.moe ? arch.moe.expertIntermediateSize * arch.moe.activeExperts : arch.intermediateSize);
  // The tensors held are GEMM outputs and norm/activation tensors: 16-bit even under FP8 activations (only the
  // GEMMs' inputs are quantized).
  return Math.max(4 * arch.hiddenSize, ffn / tensor) * Math.max(activationBytes, 2) * 2;
}

/** A design with a compression block on the path between L2 and HBM of the H100 preset. */
function h100With(type: string, params: Record<string, number>): DesignDocument {
  const design = preset('nvidia-h100-sxm');
  return {
    ...design,
    blocks: [...design.blocks, { id: 'codec', type, name: 'Codec', params, position: { x: 0, y: 0 } }],
    links: [
      ...design.links.filter((link) => link.id !== 'l2-hbm'),
      {
        id: 'l2-codec',
        from: { block: 'l2', port: 'port' },
        to: { block: 'codec', port: 'computeSide' },
        params: {},
      },
      {
        id: 'codec-hbm',
        from: { block: 'codec', port: 'memorySide' },
        to: { block: 'hbm', port: 'port' },
        params: {},
      },
    ],
    groups: design.groups.map((group) =>
      group.kind === 'chip' ? { ...group, blocks: [...group.blocks, 'codec'] } : group,
    ),
  };
}

/** The H100 preset with a 2:4 sparsity engine between its SMs and L2 (linked straight to the SMs). */
function h100WithSparsityEngine(): DesignDocument {
  const design = preset('nvidia-h100-sxm');
  return {
    ...design,
    blocks: [
      ...design.blocks,
      {
        id: 'sparse',
        type: 'compress.sparsity',
        name: 'Sparsity engine',
        params: {},
        position: { x: 0, y: 0 },
      },
    ],
    links: [
      ...design.links.filter((link) => link.id !== 'sm-l2'),
      {
        id: 'sm-sparse',
        from: { block: 'sm', port: 'mem' },
        to: { block: 'sparse', port: 'computeSide' },
        params: {},
      },
      {
        id: 'sparse-l2',
        from: { block: 'sparse', port: 'memorySide' },
        to: { block: 'l2', port: 'port' },
        params: {},
      },
    ],
    groups: design.groups.map((group) =>
      group.kind === 'cluster' ? { ...group, blocks: [...group.blocks, 'sparse'] } : group,
    ),
  };
}

describe('the largest batch counts the chip’s own memory and a full prefill chunk (item 2)', () => {
  const dgx = preset('nvidia-dgx-h100');
  const mixtral = architecture('mixtral-8x22b');
  const fp8 = { weights: 'fp8-e4m3', activations: 'fp8-e4m3', kv: 'fp8-e4m3' };
  const tp8 = { mode: 'manual' as const, tensor: 8, pipeline: 1, expert: 1 };
  // TensorRT-LLM's max-load rows: 128 tokens in, 128 out.
  const input = 128;
  const output = 128;
  // KV per sequence per chip: layers × (K and V) × (8 KV heads / TP 8) × head size × 1 byte × context.
  const kvPerSequence = mixtral.layers * 2 * (mixtral.kvHeads / 8) * mixtral.headDim * 1 * (input + output);
  const perToken = activationBytesPerToken(mixtral, 8, 1);

  it('the DGX H100’s device memory is its 80 GiB of HBM per GPU; its host DRAM is shared', () => {
    expect(deviceBytes(dgx)).toBe(80 * GiB);
    const levels = resolve(dgx, index).chip.levels.filter((level) => level.usage === 'storage');
    expect(levels.some((level) => level.shared && level.capacityBytes > 0)).toBe(true);
  });

  it('runtimes state their prefill chunk: TensorRT-LLM 8,192, vLLM 2,048, llama.cpp 512, PyTorch eager none', () => {
    expect(index.runtimes.get('tensorrt-llm')?.prefillChunkTokens).toBe(8192);
    expect(index.runtimes.get('vllm')?.prefillChunkTokens).toBe(2048);
    expect(index.runtimes.get('llama-cpp')?.prefillChunkTokens).toBe(512);
    expect(index.runtimes.get('pytorch-eager')?.prefillChunkTokens).toBeUndefined();
  });

  for (const [runtime, chunk] of [
    ['tensorrt-llm', 8192],
    ['vllm', 2048],
    ['llama-cpp', 512],
  ] as const) {
    it(`Mixtral 8x22B FP8 on TP 8 under ${runtime}: the runtime's share of 80 GiB − weights − a ${chunk}-token chunk, over the KV of one sequence`, () => {
      const report = run(dgx, {
        model: 'mixtral-8x22b',
        ...fp8,
        batch: 1,
        inputTokens: input,
        outputTokens: output,
        runtime,
        parallelism: tp8,
      });
      const weights = report.memory.weightsBytesPerChip;
      // Weights: 141 B parameters at 1 byte over 8 GPUs, about 16.4 GiB (the engine's count, within 1 %).
      expect(weights / (countParameters(mixtral).total / 8)).toBeCloseTo(1, 2);
      // The runtime's KV share (its `kvCache`): the CUDA context comes off first; TensorRT-LLM gives the KV cache
      // a fraction of what is then free, vLLM what is left of a fraction of the total; llama.cpp all of it.
      const share = index.runtimes.get(runtime)?.kvCache;
      const left = 80 * GiB - (share?.reservedBytes ?? 0) - weights - chunk * perToken;
      const room =
        share === undefined
          ? left
          : share.basis === 'free'
            ? share.fraction * left
            : left - (1 - share.fraction) * 80 * GiB;
      const expected = Math.floor(room / kvPerSequence);
      // The largest batch's prompts fill a chunk, so the chunk's activations are the ones held.
      expect(expected * input).toBeGreaterThan(chunk);
      expect(report.memory.maxBatch).toBe(expected);
    });
  }

  it('PyTorch eager prefills whole prompts: each sequence costs its KV and its prompt’s activations', () => {
    const report = run(dgx, {
      model: 'mixtral-8x22b',
      ...fp8,
      batch: 1,
      inputTokens: input,
      outputTokens: output,
      runtime: 'pytorch-eager',
      parallelism: tp8,
    });
    const weights = report.memory.weightsBytesPerChip;
    expect(report.memory.maxBatch).toBe(
      Math.floor((80 * GiB - weights) / (kvPerSequence + input * perToken)),
    );
  });

  it('Llama 3.1 405B in BF16 on TP 8 overflows the HBM: no batch fits, the KV cache is flagged in host DRAM', () => {
    const report = run(dgx, { model: 'llama-3-1-405b', batch: 1, parallelism: tp8 });
    // 405 B parameters × 2 bytes / 8 GPUs ≈ 94 GiB > 80 GiB of HBM.
    expect((countParameters(architecture('llama-3-1-405b')).total * 2) / 8).toBeGreaterThan(80 * GiB);
    expect(report.memory.maxBatch).toBe(0);
    expect(report.memory.fits).toBe(false);
    expect(report.memory.availableBytesPerChip).toBe(80 * GiB);
    expect(codes(report)).toContain('kv-in-host-memory');
  });
});

describe('stored bytes drive capacity, the largest batch and traffic (item 6)', () => {
  const llama70b = architecture('llama-3-70b');
  const llama8b = architecture('llama-3-8b');
  /** KV per sequence in BF16: layers × (K and V) × KV heads × head size × 2 bytes × context. */
  const kvOf = (arch: ModelArchitecture, context: number) =>
    arch.layers * 2 * arch.kvHeads * arch.headDim * 2 * context;

  it('a 2.2× weight decompressor: Llama 3 70B BF16 stores 131 GiB of weights in 60 GiB of the 80 GiB HBM', () => {
    const report = run(h100With('compress.weights', { compressionRatio: 2.2 }), {
      model: 'llama-3-70b',
      batch: 1,
    });
    const logical = countParameters(llama70b).total * 2;
    expect(logical / GiB).toBeGreaterThan(80);
    expect(report.memory.weightsBytesPerChip / (logical / 2.2)).toBeCloseTo(1, 4);
    expect(report.memory.fits).toBe(true);
    expect(report.memory.requiredBytesPerChip).toBeLessThan(report.memory.availableBytesPerChip);
    // Room: 80 GiB − stored weights − one 8,192-token chunk of BF16 activations, over 640 tokens of KV each.
    const room =
      80 * GiB - report.memory.weightsBytesPerChip - 8192 * activationBytesPerToken(llama70b, 1, 2);
    expect(report.memory.maxBatch).toBe(Math.floor(room / kvOf(llama70b, 512 + 128)));
    expect(report.memory.maxBatch).toBeGreaterThan(0);
  });

  it('a 2× KV compressor doubles the largest batch of Llama 3 8B (the same room holds twice the KV)', () => {
    const workload = { model: 'llama-3-8b', batch: 64, inputTokens: 4096 };
    const plain = run(preset('nvidia-h100-sxm'), workload);
    const compressed = run(h100With('compress.kv', { compressionRatio: 2 }), workload);
    const room = 80 * GiB - plain.memory.weightsBytesPerChip - 8192 * activationBytesPerToken(llama8b, 1, 2);
    const kvPerSequence = kvOf(llama8b, 4096 + 128);
    expect(plain.memory.maxBatch).toBe(Math.floor(room / kvPerSequence));
    expect(compressed.memory.maxBatch).toBe(Math.floor((2 * room) / kvPerSequence));
    // The KV cache of the 64 sequences is stored at half its size.
    expect(compressed.memory.kvBytesPerChip).toBe((64 * kvPerSequence) / 2);
  });

  it('2:4 sparsity with a sparsity engine stores b/2 + 1/8 bytes per matrix weight, and reads only that', () => {
    const workload = { model: 'llama-3-8b', batch: 1, weightSparsity: '2:4' as const };
    const sparse = run(h100WithSparsityEngine(), workload);
    const dense = run(preset('nvidia-h100-sxm'), workload);
    // BF16 values, two of every four kept, each with a 2-bit index: (2 · 2 + 2 · 2/8) / 4 = 1.125 bytes.
    const stored = 2 / 2 + 1 / 8;
    const H = llama8b.hiddenSize;
    const kv = llama8b.kvHeads * llama8b.headDim;
    const matrices = llama8b.layers * (H * (H + 2 * kv) + H * H + 3 * H * llama8b.intermediateSize);
    const saved = matrices * (2 - stored);
    // Embedding, LM head and norm gains stay dense; without the engine nothing is saved.
    expect(dense.memory.weightsBytesPerChip - sparse.memory.weightsBytesPerChip).toBeCloseTo(saved, -3);
    const down = (report: Report) =>
      report.decode.operators.find((operator) => operator.id === 'ffn.down')?.bytes.weights;
    expect(down(sparse)).toBe(llama8b.intermediateSize * H * stored);
    expect(down(dense)).toBe(llama8b.intermediateSize * H * 2);
    // Fewer bytes read: the memory-bound decode step is faster.
    expect(sparse.decode.secondsPerStep).toBeLessThan(dense.decode.secondsPerStep);
  });
});

describe('DeepSeek-V3 FP8 on a DGX H100, TP 8 EP 8 (item 7)', () => {
  const dgx = preset('nvidia-dgx-h100');
  const deepseek = architecture('deepseek-v3');
  const workload = {
    model: 'deepseek-v3',
    weights: 'fp8-e4m3',
    activations: 'fp8-e4m3',
    kv: 'fp8-e4m3',
    parallelism: { mode: 'manual' as const, tensor: 8, pipeline: 1, expert: 8 },
  };
  // MLA caches one latent of kvLoraRank + rope dims per token and layer, on every GPU of the tensor group.
  const mla = deepseek.mla;
  if (!mla) throw new Error('DeepSeek-V3 has MLA');
  const kvPerToken = deepseek.layers * (mla.kvLoraRank + mla.qkRopeHeadDim) * 1;
  const context = 512 + 128;
  const activations = 8192 * activationBytesPerToken(deepseek, 8, 1);

  it('batch 64 does not fit: 671 B FP8 weights / 8 ≈ 78 GiB leave under 1 GiB of the 80 GiB for 1.3 GiB of KV', () => {
    const report = run(dgx, { ...workload, batch: 64 });
    const weights = report.memory.weightsBytesPerChip;
    // At least 671 B parameters × 1 byte / 8 GPUs (78.1 GiB); the replicated MLA down-projections add ~1 GiB.
    expect(weights).toBeGreaterThanOrEqual((671e9 * 1) / 8);
    expect(weights).toBeLessThan(80 * GiB);
    expect(report.memory.kvBytesPerChip).toBe(64 * kvPerToken * context);
    expect(report.memory.activationBytesPerChip).toBe(activations);
    const room = 80 * GiB - weights - activations;
    expect(64 * kvPerToken * context).toBeGreaterThan(room);
    expect(report.memory.fits).toBe(false);
    expect(codes(report)).toContain('kv-in-host-memory');
    expect(codes(report)).not.toContain('does-not-fit');
    // The largest B whose KV and prompt activations fit beside the weights: B prompts of 512 tokens hold
    // min(512 B, 8192) tokens of activations (too few of them fit to fill a chunk here).
    const perToken = activations / 8192;
    let largest = 0;
    while (
      (largest + 1) * kvPerToken * context + Math.min((largest + 1) * 512, 8192) * perToken <=
      80 * GiB - weights
    )
      largest += 1;
    expect(largest * 512).toBeLessThan(8192);
    expect(report.memory.maxBatch).toBe(largest);
    expect(report.memory.maxContext).toBe(Math.floor(room / (kvPerToken * 64)));
  });

  it('the bottleneck sentence names the class that lives in the level it names', () => {
    const hostName = resolve(dgx, index).chip.levels.find((level) => level.shared)?.name ?? '';
    for (const batch of [64, 128, 256]) {
      const report = run(dgx, { ...workload, batch });
      const sentence = report.bottleneck.decode;
      const level = report.memory.levels.find((entry) => entry.levelId === report.decode.boundLevelId);
      expect(level).toBeDefined();
      // The weights are all in HBM: a sentence about host DRAM must be about the KV cache that spilled there.
      expect(report.memory.levels.find((entry) => entry.name === hostName)?.used.weights).toBe(0);
      if (sentence.includes(hostName)) expect(sentence).toContain('reading mostly the KV cache');
      if (sentence.includes('reading mostly weights')) expect(level?.used.weights).toBeGreaterThan(0);
    }
    // At batch 128 the KV cache in host DRAM bounds the decode step.
    expect(run(dgx, { ...workload, batch: 128 }).bottleneck.decode).toContain(hostName);
  });
});
