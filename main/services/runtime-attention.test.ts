/**
 * A runtime's attention kernel: llama.cpp without flash attention (llama-bench's default in 2024) computes
 * attention as two matmuls around a softmax, with the f32 score matrix in memory and each KV head's K and V read
 * by every query head of its group. A runtime that does not declare it is FlashAttention.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { OperatorReport, Report } from '../../engine/report';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);
const preset = index.presets.get('apple-m2-ultra');
if (!preset) throw new Error('the library has no apple-m2-ultra preset');
const model = index.models.get('llama-3-8b');
if (!model) throw new Error('the library has no llama-3-8b model');

const context = 4096;

function run(workload: Partial<Workload>): Report {
  const result = evaluate(
    {
      design: preset!.design,
      workload: {
        ...defaultWorkload('llama-3-8b'),
        weights: 'fp16',
        activations: 'fp16',
        kv: 'fp16',
        batch: 1,
        inputTokens: 1,
        outputTokens: 2 * context,
        decodeContext: context,
        ...workload,
      },
    },
    index,
  );
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const attentionOf = (report: Report): OperatorReport => {
  const found = report.decode.operators.find((operator) => operator.kind === 'attention');
  if (!found) throw new Error('no decode attention operator');
  return found;
};

describe('the attention kernel a runtime declares', () => {
  it('llama.cpp declares unfused attention with f32 scores; the serving runtimes do not', () => {
    expect(index.runtimes.get('llama-cpp')?.attention).toMatchObject({ kernel: 'unfused', scoreBytes: 4 });
    for (const id of ['tensorrt-llm', 'vllm'])
      expect(index.runtimes.get(id)?.attention?.kernel ?? 'fused', id).toBe('fused');
  });

  it('llama.cpp decode reads each KV head once per query head and moves the f32 scores four times', () => {
    const { heads, kvHeads, headDim } = model.architecture;
    const llamaCpp = attentionOf(run({ runtime: 'llama-cpp' }));
    // Per layer: context × (K and V) × query heads × head size × 2 bytes (FP16 cache).
    expect(llamaCpp.bytes.kv).toBe(context * 2 * heads * headDim * 2);
    const flash = attentionOf(run({}));
    expect(flash.bytes.kv).toBe(context * 2 * kvHeads * headDim * 2);
    // Scores: query heads × context, 4 bytes, written, read, rewritten, read.
    expect(llamaCpp.bytes.activations - flash.bytes.activations).toBe(heads * context * 4 * 4);
  });

  it('so llama.cpp decode slows with context faster than the hardware alone', () => {
    const slowdown = (workload: Partial<Workload>): number =>
      run({ ...workload, decodeContext: 4096 }).decode.secondsPerStep -
      run({ ...workload, decodeContext: 256 }).decode.secondsPerStep;
    expect(slowdown({ runtime: 'llama-cpp' })).toBeGreaterThan(2 * slowdown({}));
  });
});
