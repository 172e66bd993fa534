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
