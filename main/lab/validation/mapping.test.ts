/**
 * How validation rows map onto engine runs: here, LLMCompass's per-operator latencies (group H1), which must be
 * compared like with like.
 */
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../app/command-line';
import { predictRow } from './mapping';
import type { MeasurementRow } from './measurements';

/** One GPT-3 layer on four A100s, prefill of 8 × 2048 tokens, as LLMCompass measured it (source group H1). */
const row: MeasurementRow = {
  id: 1,
  source_group: 'H1. LLMCompass real-hardware measurements (validation ground truth)',
  source_url: 'https://github.com/PrincetonUniversity/LLMCompass',
  hardware: { chip: 'A100 SXM4 80GB', count: 4 },
  software: 'PyTorch 2.0, CUDA 11.7, FP16',
  model: { name: 'GPT-3 175B (one transformer layer)', params_b: 175, precision: 'FP16' },
  workload: { batch_size: 8, input_len: 2048, tensor_parallel: 4, phase: 'prefill' },
  metrics: [
    { metric: 'LayerNorm_MHA latency', value: 1, unit: 'ms', provenance: 'read' },
    { metric: 'GeLU latency', value: 1, unit: 'ms', provenance: 'read' },
  ],
};

describe('validation mapping: LLMCompass operators (H1)', () => {
  it('compares LLMCompass’s bare LayerNorm with the norm alone, not the fused residual add and norm', async () => {
    const outcome = predictRow(row, await loadCatalog());
    if (!('comparisons' in outcome)) throw new Error(outcome.skipped.reason);
    const predicted = (metric: string): number =>
      outcome.comparisons.find((comparison) => comparison.metric === metric)?.predicted ?? NaN;
    // A bare LayerNorm reads H elements per token and writes H; at TP 4 GPT-3's GELU reads and writes 4H / 4 = H
    // per token too. Both are memory-bound at 16,384 tokens on the same unit, so they take the same time (the
    // fused add-and-norm, which also reads the residual and writes the new one, would take twice as long).
    expect(predicted('LayerNorm_MHA latency') / predicted('GeLU latency')).toBeCloseTo(1, 2);
  });
});

describe('validation mapping: the KV-cache memory share a row states (F3)', () => {
  const maxLoadRow = (software: string): MeasurementRow => ({
    id: 2,
    source_group: 'F3. TensorRT-LLM v0.17 perf-overview (in-flight batching, max load)',
    source_url: 'https://github.com/NVIDIA/TensorRT-LLM',
    hardware: { chip: 'H100 SXM5 80GB', count: 1 },
    software,
    model: { name: 'LLaMA v3.1 70B', params_b: 70.6, precision: 'FP8 (weights+KV FP8)' },
    workload: { batch_size: 'dynamic', input_len: 128, output_len: 2048, tensor_parallel: 1 },
    metrics: [
      { metric: 'total output throughput (all GPUs)', value: 1, unit: 'tokens/s', provenance: 'read' },
    ],
  });
  const kvTokensOf = async (software: string): Promise<number> => {
    const outcome = predictRow(maxLoadRow(software), await loadCatalog());
    if (!('comparisons' in outcome)) throw new Error(outcome.skipped.reason);
    return Number(/KV cache (\d+) tokens/.exec(outcome.comparisons[0]?.note ?? '')?.[1]);
  };

  it('gives the KV cache the fraction of free memory the row’s software line states', async () => {
    const stated = await kvTokensOf('TensorRT-LLM v0.17, kv_cache_free_gpu_mem_fraction 0.95');
    const half = await kvTokensOf('TensorRT-LLM v0.17, kv_cache_free_gpu_mem_fraction 0.5');
    // The same free memory F and KV bytes per token: the cache holds 0.95 F / b and 0.5 F / b tokens (each
    // rounded to a whole token), so their ratio is 0.5 / 0.95 within a token.
    expect(stated).toBeGreaterThan(10_000);
    expect(half).toBeGreaterThanOrEqual(Math.floor((stated * 0.5) / 0.95) - 1);
    expect(half).toBeLessThanOrEqual(Math.ceil((stated * 0.5) / 0.95) + 1);
  });
});
