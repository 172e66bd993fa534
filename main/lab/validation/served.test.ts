/**
 * The served benchmarks of the accuracy suite run through the serving simulator: the runtime's scheduler at its
 * cited defaults, and predictions that obey what any server under that load must do.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogIndex } from '../../../engine/catalog';
import { loadCatalog } from '../../app/command-line';
import { predictRow, type Comparison } from './mapping';
import type { MeasurementRow } from './measurements';
import { atOfferedRate, schedulerFor, steadyBatch, TENSORRT_LLM_MAX_BATCH } from './served';

let catalog: CatalogIndex | undefined;
async function library(): Promise<CatalogIndex> {
  catalog ??= await loadCatalog();
  return catalog;
}

function comparisonsOf(outcome: ReturnType<typeof predictRow>): Comparison[] {
  if (!('comparisons' in outcome)) throw new Error(outcome.skipped.reason);
  return outcome.comparisons;
}

const predicted = (comparisons: Comparison[], metric: string): number =>
  comparisons.find((comparison) => comparison.metric === metric)?.predicted ?? NaN;

describe('served benchmarks: the scheduler a runtime serves with', () => {
  it('TensorRT-LLM: max_batch_size 2048, max_num_tokens 8192, whole prompts; vLLM: 256 sequences, chunked', async () => {
    const { runtimes } = await library();
    const trt = schedulerFor(runtimes.get('tensorrt-llm'));
    expect(trt.maxBatch).toBe(TENSORRT_LLM_MAX_BATCH);
    expect(trt.maxTokensPerStep).toBe(8192);
    expect(trt.chunkedPrefill).toBe(false);
    const vllm = schedulerFor(runtimes.get('vllm'));
    expect(vllm.maxBatch).toBe(256);
    expect(vllm.maxTokensPerStep).toBe(8192);
    expect(vllm.chunkedPrefill).toBe(true);
  });
});

describe('served benchmarks: the load', () => {
  it('runs a Poisson draw at exactly the offered rate: its gaps scaled to average 1 / rate, their spread kept', () => {
    const stream = {
      arrivals: Float64Array.from([1, 2, 4]),
      input: Int32Array.from([10, 10, 10]),
      output: Int32Array.from([5, 5, 5]),
    };
    // Gaps 1 and 2 average 1.5 s; at 1 request/s they must average 1 s: scaled by 2/3, from the first arrival.
    const scaled = atOfferedRate(stream, 1);
    expect([...scaled.arrivals]).toEqual([0, 2 / 3, 2]);
    expect(scaled.input).toBe(stream.input);
  });

  it('keeps at most the whole sequences the KV cache holds in flight (TensorRT-LLM’s guaranteed no evict)', async () => {
    const scheduler = schedulerFor((await library()).runtimes.get('tensorrt-llm'));
    const cost = { kvCapacityTokens: 10 * 256 } as Parameters<typeof steadyBatch>[0];
    // 100 + 100 tokens take two 128-token blocks, 256 tokens of cache: ten sequences fit.
    expect(steadyBatch(cost, scheduler, 100, 100)).toBe(10);
    // A cache far larger than max_batch_size sequences: the scheduler's limit holds.
    expect(steadyBatch({ ...cost, kvCapacityTokens: 1e9 }, scheduler, 100, 100)).toBe(TENSORRT_LLM_MAX_BATCH);
  });
});

/** One TensorRT-LLM online-serving row (F5): Llama 3.1 8B on an H100 at a request rate. */
const onlineRow = (rate: string, id: number): MeasurementRow => ({
  id,
  source_group: 'F5. TensorRT-LLM v0.14 online serving (Triton tensorrtllm_backend)',
  hardware: { chip: 'H100 80GB HBM3', count: 1 },
  software: 'TensorRT-LLM 0.14.0 + Triton TensorRT-LLM backend, 500 requests',
  model: { name: 'LLaMA 3.1 8B', precision: 'BF16' },
  workload: {
    batch_size: 'dynamic',
    input_len: 467,
    output_len: 16,
    tensor_parallel: 1,
    request_rate_qps: rate,
  },
  metrics: [
    { metric: 'request throughput', value: 1, unit: 'req/s', provenance: 'read' },
    { metric: 'mean TTFT', value: 1, unit: 'ms', provenance: 'read' },
    { metric: 'mean ITL (TPOT)', value: 1, unit: 'ms', provenance: 'read' },
    { metric: 'output token throughput', value: 1, unit: 'tokens/s', provenance: 'read' },
  ],
});

describe('served benchmarks: online serving at a request rate (F5)', () => {
  it('completes requests at the offered rate when the server keeps up, and queues a burst', async () => {
    const slow = comparisonsOf(predictRow(onlineRow('2', 1), await library()));
    const burst = comparisonsOf(predictRow(onlineRow('INF', 2), await library()));
    // 500 arrivals at 2/s: 499 gaps span 249.5 s, far longer than one request takes (well under a second), so
    // completions follow arrivals: 500 over the span plus the last request's time, a little under 500 / 249.5.
    expect(predicted(slow, 'request throughput')).toBeGreaterThan(2 * 0.98);
    expect(predicted(slow, 'request throughput')).toBeLessThan(500 / 249.5);
    // Output tokens/s is requests/s × 16 for fixed lengths.
    expect(predicted(slow, 'output token throughput')).toBeCloseTo(
      predicted(slow, 'request throughput') * 16,
      6,
    );
    // All 500 at once: most prompts wait behind others, and the server runs flat out.
    expect(predicted(burst, 'mean TTFT')).toBeGreaterThan(predicted(slow, 'mean TTFT'));
    expect(predicted(burst, 'request throughput')).toBeGreaterThan(predicted(slow, 'request throughput'));
  });
});

describe('served benchmarks: a closed loop of clients (F6)', () => {
  it('one client: throughput is one request’s output over its own time, TTFT + (output − 1) · TPOT', async () => {
    const row: MeasurementRow = {
      id: 3,
      source_group: 'F6. NVIDIA NIM published latency/throughput',
      hardware: { chip: 'NVIDIA H100 80G', count: 1 },
      software: 'NIM for Llama-3.1-8B-Instruct, AIPerf client',
      model: { name: 'Llama 3.1 8B Instruct', precision: 'FP8' },
      workload: { batch_size: 'concurrency 1', input_len: 1000, output_len: 200, tensor_parallel: 1 },
      metrics: [
        { metric: 'TTFT', value: 1, unit: 'ms', provenance: 'read' },
        { metric: 'ITL', value: 1, unit: 'ms', provenance: 'read' },
        { metric: 'throughput', value: 1, unit: 'tokens/s', provenance: 'read' },
      ],
    };
    const comparisons = comparisonsOf(predictRow(row, await library()));
    const ttft = predicted(comparisons, 'TTFT') / 1000;
    const tpot = predicted(comparisons, 'ITL') / 1000;
    // One client never overlaps itself: each request is alone on the server, back to back.
    expect(predicted(comparisons, 'throughput')).toBeCloseTo(200 / (ttft + 199 * tpot), 0);
  });
});
