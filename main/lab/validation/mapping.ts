/**
 * The accuracy suite's mapping from a published measurement to engine predictions: which preset the hardware
 * is, which library model and formats, which serving model the benchmark follows, and which number of the
 * report corresponds to each measured metric. A row the engine cannot model is skipped with its reason.
 * Only metrics read from the source are compared (derived ones repeat a read number).
 */
import type { CatalogIndex } from '../../../engine/catalog';
import { costOperator } from '../../../engine/stages/cost';
import { resolve } from '../../../engine/stages/resolve';
import type { Operator } from '../../../engine/operators';
import type { OperatorReport } from '../../../engine/report';
import type { DesignDocument } from '../../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../../engine/schema/workload';
import type { MeasurementRow, Metric } from './measurements';
import { run, scaleOut, ScenarioError, staticBatchOutputTokensPerSecond } from './scenarios';
import { served, type Load, type Served } from './served';

export type MetricKind = 'performance' | 'power';

export interface Comparison {
  rowId: number;
  group: string;
  /** What was measured and on which software ("online serving, TensorRT-LLM (Triton)"): validate's error groups. */
  setting: string;
  hardware: string;
  model: string;
  metric: string;
  kind: MetricKind;
  unit: string;
  measured: number;
  predicted: number;
  /** (predicted − measured) / measured, in percent. */
  errorPercent: number;
  note: string | undefined;
  /** The preset of the measured chip (the error bands' family), the preset whose design ran, and the runtime. */
  family?: string;
  designPreset?: string;
  runtime?: string;
}

export interface Skipped {
  rowId: number;
  group: string;
  setting: string;
  hardware: string;
  model: string;
  reason: string;
}

export type RowOutcome = { comparisons: Comparison[] } | { skipped: Skipped };

/**
 * Chip names in the data → presets, with the family's short name for the error bands. GH200 and B200 are
 * listed first so that "H200" does not catch "GH200".
 */
const hardwareMap: { pattern: RegExp; preset: string | undefined; label?: string; reason?: string }[] = [
  {
    pattern: /GH200/i,
    preset: undefined,
    reason: 'no GH200 preset (Grace CPU memory over NVLink-C2C) in the library yet',
  },
  { pattern: /B200/i, preset: undefined, reason: 'no B200 (Blackwell) preset in the library yet' },
  { pattern: /\bH100\b/i, preset: 'nvidia-h100-sxm', label: 'H100' },
  { pattern: /\bH200\b/i, preset: 'nvidia-h200-sxm', label: 'H200' },
  { pattern: /\bA100\b/i, preset: 'nvidia-a100-sxm-80gb', label: 'A100' },
  { pattern: /\bL40S\b/i, preset: 'nvidia-l40s', label: 'L40S' },
  { pattern: /TPU v5e/i, preset: 'google-tpu-v5e', label: 'TPU v5e' },
  { pattern: /M2 Ultra/i, preset: 'apple-m2-ultra', label: 'M2 Ultra' },
];

/**
 * LLM-Inference-Bench (groups I1, I2) does not name its A100's memory; its scripts load ALCF's modules
 * (`module use /soft/modulefiles`) and run tensor parallelism up to 4 — the Polaris system, whose nodes hold four
 * A100 SXM4 40GB (HBM2, 1,555 GB/s).
 */
const polarisA100 = { pattern: /\bA100\b/i, preset: 'nvidia-a100-sxm-40gb', label: 'A100' };

/** The short name of a measured chip's family ("H100"), by its preset id. */
export function familyLabel(preset: string): string | undefined {
  return [...hardwareMap, polarisA100].find((entry) => entry.preset === preset)?.label;
}

/** The preset of a row's hardware (see `polarisA100` for the one row-dependent choice). */
function hardwareOf(
  row: MeasurementRow,
  group: string,
): { pattern: RegExp; preset: string | undefined; reason?: string; label?: string } | undefined {
  if (
    (group === 'I1' || group === 'I2') &&
    /\bA100\b/i.test(row.hardware.chip) &&
    !/80\s*GB/i.test(row.hardware.chip)
  )
    return polarisA100;
  return hardwareMap.find((entry) => entry.pattern.test(row.hardware.chip));
}

/** Model names in the data → library models, with the assumption made when the name is not exact. */
const modelMap: { pattern: RegExp; model: string | undefined; note?: string }[] = [
  { pattern: /llama[\s-]*v?3\.1[\s-]*8b/i, model: 'llama-3-1-8b' },
  { pattern: /llama[\s-]*v?3\.1[\s-]*70b/i, model: 'llama-3-1-70b' },
  { pattern: /llama[\s-]*v?3\.1[\s-]*405b/i, model: 'llama-3-1-405b' },
  { pattern: /llama[\s-]*3\.3[\s-]*70b/i, model: 'llama-3-3-70b' },
  { pattern: /llama[\s-]*3[\s-]*8b/i, model: 'llama-3-8b' },
  { pattern: /llama[\s-]*3[\s-]*70b/i, model: 'llama-3-70b' },
  { pattern: /llama[\s-]*2[\s-]*7b/i, model: 'llama-2-7b' },
  { pattern: /llama[\s-]*2[\s-]*13b/i, model: 'llama-2-13b' },
  { pattern: /llama[\s-]*2[\s-]*70b/i, model: 'llama-2-70b' },
  { pattern: /^llama[\s-]*7b$/i, model: 'llama-2-7b', note: 'LLaMA 7B has the architecture of Llama 2 7B' },
  {
    pattern: /^llama[\s-]*13b$/i,
    model: 'llama-2-13b',
    note: 'LLaMA 13B has the architecture of Llama 2 13B',
  },
  { pattern: /^llama[\s-]*70b$/i, model: 'llama-2-70b', note: 'TensorRT-LLM’s "LLaMA 70B" is Llama 2 70B' },
  { pattern: /vicuna[\s-]*7b/i, model: 'llama-2-7b', note: 'Vicuna 7B is a fine-tune of LLaMA 7B' },
  { pattern: /vicuna[\s-]*13b/i, model: 'llama-2-13b', note: 'Vicuna 13B is a fine-tune of LLaMA 13B' },
  { pattern: /mixtral[\s-]*8x7b/i, model: 'mixtral-8x7b' },
  { pattern: /mixtral[\s-]*8x22b/i, model: 'mixtral-8x22b' },
  { pattern: /mistral[\s-]*7b/i, model: 'mistral-7b' },
  { pattern: /gpt-j/i, model: 'gpt-j-6b' },
  { pattern: /gpt-3 175b/i, model: 'gpt-3-175b' },
  {
    pattern: /qwen2\.5-coder-7b/i,
    model: 'qwen2-5-7b',
    note: 'Qwen2.5-Coder-7B has the architecture of Qwen2.5-7B',
  },
  {
    pattern: /qwen3-coder-30b-a3b/i,
    model: 'qwen3-30b-a3b',
    note: 'Qwen3-Coder-30B-A3B has the architecture of Qwen3-30B-A3B',
  },
  { pattern: /falcon/i, model: undefined },
  { pattern: /gemma[\s-]*[27]b/i, model: undefined },
  { pattern: /gpt-oss/i, model: undefined },
  { pattern: /qwen2\.5-32b/i, model: undefined },
];

/** The runtime profile of the software the row was measured with (library/runtimes). */
function runtimeFor(software: string | undefined, group: string): string | undefined {
  const text = software ?? '';
  if (group === 'H1' || group === 'H2') return undefined;
  if (/TensorRT-LLM|MLPerf|NIM/i.test(text)) return 'tensorrt-llm';
  if (/vLLM/i.test(text)) return 'vllm';
  if (/llama\.cpp|llama-bench/i.test(text)) return 'llama-cpp';
  if (/FastChat|transformers|PyTorch/i.test(text)) return 'pytorch-eager';
  return undefined;
}

/**
 * What a source group measured, for the error groups: one request at a time, a static batch, a server under a
 * request rate (online), an offline run with every request queued at the start (max load), a closed loop of
 * clients, or single operators.
 */
const measurementKinds: Record<string, string> = {
  E2: 'single stream',
  F1: 'static batch',
  F2: 'first token, batch 1',
  F3: 'offline max-load',
  F4: 'offline max-load',
  F5: 'online serving',
  F6: 'closed loop',
  H1: 'single operators',
  H2: 'single GEMMs',
  I1: 'static batch',
  I2: 'static batch',
  I3: 'single stream',
};

/** The software a row ran on, as its source names it (the TensorRT-LLM PyTorch backend and Triton told apart). */
function frameworkOf(software: string | undefined): string {
  const text = software ?? '';
  if (/NIM/.test(text)) return 'NIM';
  if (/TensorRT-LLM/i.test(text) && /PyTorch backend/i.test(text)) return 'TensorRT-LLM (PyTorch)';
  if (/TensorRT-LLM/i.test(text) && /Triton/i.test(text)) return 'TensorRT-LLM (Triton)';
  if (/TensorRT-LLM/i.test(text)) return 'TensorRT-LLM';
  if (/vLLM/i.test(text)) return 'vLLM';
  if (/llama\.cpp|llama-bench/i.test(text)) return 'llama.cpp';
  if (/Deepspeed/i.test(text)) return 'DeepSpeed-MII';
  if (/sambaflow/i.test(text)) return 'SambaFlow';
  if (/FastChat/i.test(text)) return 'FastChat';
  if (/PyTorch/i.test(text)) return 'PyTorch';
  return 'not stated';
}

/** A row's error group: what was measured × the software it ran on, e.g. "offline max-load, TensorRT-LLM". */
export function settingOf(row: MeasurementRow): string {
  const group = row.source_group.split('.')[0] ?? '';
  return `${measurementKinds[group] ?? 'other'}, ${frameworkOf(row.software)}`;
}

/**
 * The catalog with the row's runtime giving its KV cache the share of free memory the row's software line
 * states (TensorRT-LLM's perf-overview ran `--kv_cache_free_gpu_mem_fraction 0.95` "in most cases" rather than
 * the default 0.9); unchanged when the line states none.
 */
function withStatedKvFraction(catalog: CatalogIndex, base: Workload, row: MeasurementRow): CatalogIndex {
  const stated = /kv_cache_free_gpu_mem_fraction\s+(0?\.\d+)/i.exec(row.software ?? '')?.[1];
  const runtime = base.runtime === undefined ? undefined : catalog.runtimes.get(base.runtime);
  if (stated === undefined || !runtime?.kvCache || runtime.kvCache.basis !== 'free') return catalog;
  const runtimes = new Map(catalog.runtimes);
  runtimes.set(runtime.id, { ...runtime, kvCache: { ...runtime.kvCache, fraction: Number(stated) } });
  return { ...catalog, runtimes };
}

interface Formats {
  weights: string;
  activations: string;
  kv: string;
}

function formatsFor(precision: string | null | undefined, model: string): Formats | undefined {
  const text = precision ?? '';
  if (/fp8/i.test(text) || /FP8 on Hopper/i.test(text))
    return { weights: 'fp8-e4m3', activations: 'fp8-e4m3', kv: 'fp8-e4m3' };
  if (/q4_k_m/i.test(text) || /q4_k_m/i.test(model))
    return { weights: 'q4-k-m', activations: 'fp16', kv: 'fp16' };
  if (/q8_0/i.test(text) || /q8_0/i.test(model)) return { weights: 'q8-0', activations: 'fp16', kv: 'fp16' };
  if (/mxfp4/i.test(text)) return { weights: 'mxfp4', activations: 'fp16', kv: 'fp16' };
  if (/int8/i.test(text)) return { weights: 'int8', activations: 'bf16', kv: 'int8' };
  if (/fp4/i.test(text)) return undefined;
  if (/bf16|bfloat16|fp16|f16|16-bit/i.test(text))
    return { weights: 'bf16', activations: 'bf16', kv: 'bf16' };
  return undefined;
}

/** The text of a field that should be a number or a string (anything else reads as empty). */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

const toSeconds = (value: number, unit: string): number => (unit === 'ms' ? value / 1000 : value);
const fromSeconds = (seconds: number, unit: string): number => (unit === 'ms' ? seconds * 1000 : seconds);

interface Context {
  row: MeasurementRow;
  design: DesignDocument;
  base: Workload;
  chips: number;
  catalog: CatalogIndex;
  /** The row's one served run, shared by its metrics (a row's TTFT, TPOT and throughputs come from one run). */
  served?: Served;
}

/** The row's served run under `load`, simulated once for all its metrics. */
function servedRun(context: Context, load: Load): Served {
  context.served ??= served(context.design, context.base, context.catalog, load);
  return context.served;
}

/** The figures a served benchmark reports, from one simulated run: means, as the benchmarks print them. */
function servedMetric(name: string, unit: string, result: Served, base: Workload): number | undefined {
  const { figures } = result;
  if (/request throughput/.test(name)) return figures.requestsPerSecond;
  if (/TTFT/.test(name)) return fromSeconds(figures.ttft.mean, unit);
  if (/ITL|TPOT/.test(name)) return fromSeconds(figures.tpot.mean, unit);
  if (/total token throughput/.test(name))
    return figures.requestsPerSecond * (base.inputTokens + base.outputTokens);
  if (/output (token )?throughput|^throughput$/.test(name)) return figures.outputTokensPerSecond;
  return undefined;
}

/** Requests each client of a closed loop sends when the source does not say: enough rounds to leave the first. */
export const CLOSED_LOOP_ROUNDS = 10;

/** A prediction for one metric, or a reason it cannot be predicted. */
type Prediction = { predicted: number; kind?: MetricKind; note?: string } | { skip: string };

export function predictRow(row: MeasurementRow, catalog: CatalogIndex): RowOutcome {
  const label = {
    rowId: row.id,
    group: row.source_group,
    setting: settingOf(row),
    hardware: row.hardware.chip,
    model: row.model.name,
  };
  const skip = (reason: string): RowOutcome => ({ skipped: { ...label, reason } });
  const group = row.source_group.split('.')[0] ?? '';
  if (group === 'H3') return skip('reported errors of another simulator, not a measurement');
  if (group === 'I5')
    return skip('ranges and relative changes on V100/A100 clusters, not point measurements');
  if (group === 'K3' || group === 'K4')
    return skip('vendor claims for systems of undisclosed size (chip count not stated)');
  const hardware = hardwareOf(row, group);
  if (!hardware) return skip(`no preset for "${row.hardware.chip}"`);
  if (!hardware.preset) return skip(hardware.reason ?? `no preset for "${row.hardware.chip}"`);
  const preset = catalog.presets.get(hardware.preset);
  if (!preset) return skip(`the library has no preset "${hardware.preset}"`);
  const chips = row.hardware.count ?? 1;
  if (typeof chips !== 'number') return skip(`chip count "${String(chips)}" is not a number`);

  if (group === 'H2') return gemmRow(row, catalog, preset.design, label);

  const modelEntry = modelMap.find((entry) => entry.pattern.test(row.model.name));
  if (!modelEntry) return skip(`no library model for "${row.model.name}"`);
  if (!modelEntry.model) return skip(`"${row.model.name}" is not in the model library`);
  const formats =
    group === 'H1'
      ? { weights: 'fp16', activations: 'fp16', kv: 'fp16' }
      : formatsFor(row.model.precision, row.model.name);
  if (!formats)
    return skip(
      `precision "${row.model.precision ?? 'not stated'}" has no number format mapping (FP4 checkpoints need NVFP4)`,
    );
  for (const id of [formats.weights, formats.activations, formats.kv])
    if (!catalog.formats.has(id)) return skip(`the library has no format "${id}"`);

  let design = preset.design;
  const presetChips = preset.design.groups.find((candidate) => candidate.kind === 'chip')?.count ?? 1;
  if (chips !== presetChips) {
    const node =
      chips === 8 && hardware.preset === 'nvidia-h100-sxm'
        ? catalog.presets.get('nvidia-dgx-h100')?.design
        : undefined;
    const scaled = node ?? scaleOut(preset.design, chips, catalog);
    if (!scaled)
      return skip(`cannot scale ${preset.name} to ${chips} chips (its design has no chip-to-chip link)`);
    design = scaled;
  }

  const workload = row.workload;
  const tensor = numberFrom(workload.tensor_parallel);
  const pipeline = numberFrom(workload.pipeline_parallel);
  const runtime = runtimeFor(row.software, group);
  const base: Workload = {
    ...defaultWorkload(modelEntry.model),
    ...formats,
    ...(runtime !== undefined && catalog.runtimes.has(runtime) ? { runtime } : {}),
    batch: numberFrom(workload.batch_size) ?? 1,
    inputTokens: numberFrom(workload.input_len) ?? 512,
    outputTokens: Math.max(1, Math.round(numberFrom(workload.output_len) ?? 128)),
    parallelism:
      tensor !== undefined || pipeline !== undefined
        ? { mode: 'manual', tensor: tensor ?? 1, pipeline: pipeline ?? 1, expert: 1 }
        : chips > 1
          ? { mode: 'manual', tensor: chips, pipeline: 1, expert: 1 }
          : { mode: 'auto' },
  };
  const context: Context = { row, design, base, chips, catalog: withStatedKvFraction(catalog, base, row) };
  const bandKeys = {
    family: hardware.preset,
    designPreset: design.meta?.preset,
    runtime: base.runtime ?? 'hardware',
  };

  const comparisons: Comparison[] = [];
  const skips: string[] = [];
  for (const metric of row.metrics) {
    if (metric.provenance !== 'read') continue;
    const measured = typeof metric.value === 'number' ? metric.value : undefined;
    if (measured === undefined || !(measured > 0)) continue;
    let prediction: Prediction;
    try {
      prediction = predictMetric(group, metric, context);
    } catch (error) {
      if (error instanceof ScenarioError) prediction = { skip: error.message };
      else throw error;
    }
    if ('skip' in prediction) {
      skips.push(`${metric.metric}: ${prediction.skip}`);
      continue;
    }
    comparisons.push({
      ...label,
      ...bandKeys,
      metric: metric.metric,
      kind: prediction.kind ?? 'performance',
      unit: metric.unit,
      measured,
      predicted: prediction.predicted,
      errorPercent: ((prediction.predicted - measured) / measured) * 100,
      note: [modelEntry.note, prediction.note].filter(Boolean).join('; ') || undefined,
    });
  }
  const power = predictPower(group, context);
  if (power)
    comparisons.push({
      ...label,
      ...bandKeys,
      metric: power.metric,
      kind: 'power',
      unit: 'W',
      measured: power.measured,
      predicted: power.predicted,
      errorPercent: ((power.predicted - power.measured) / power.measured) * 100,
      note: modelEntry.note,
    });
  if (comparisons.length === 0)
    return skip(
      skips.length > 0
        ? [...new Set(skips)].join('; ')
        : 'no metric read from the source that the engine predicts',
    );
  return { comparisons };
}

function predictMetric(group: string, metric: Metric, context: Context): Prediction {
  const { base, design, catalog, chips, row } = context;
  const name = metric.metric;
  const unit = metric.unit;
  const phase = typeof row.workload.phase === 'string' ? row.workload.phase : '';

  // llama.cpp llama-bench: ppN prefills N tokens at batch 1; tgN generates N tokens from an empty context.
  const pp = /^pp(\d+)/.exec(name);
  if (pp && unit === 'tokens/s') {
    const tokens = Number(pp[1]);
    const report = run(design, { ...base, batch: 1, inputTokens: tokens, outputTokens: 1 }, catalog);
    return { predicted: tokens / report.prefill.seconds };
  }
  const tg = /^tg(\d+)/.exec(name);
  if (tg && unit === 'tokens/s') {
    const tokens = Number(tg[1]);
    const report = run(
      design,
      {
        ...base,
        batch: 1,
        inputTokens: 1,
        outputTokens: tokens,
        decodeContext: Math.max(1, Math.round(tokens / 2)),
      },
      catalog,
    );
    return { predicted: 1 / report.decode.secondsPerStep, note: 'decode at the mean context of the run' };
  }

  switch (group) {
    case 'F1': {
      if (!/output throughput/.test(name)) break;
      const report = run(design, base, catalog);
      // Throughput per GPU: the H100 table's header says so; the A100 table's does not say (the rows' notes),
      // and read per tensor-parallel group its TP 2 and TP 4 rows would be 2-8 times below what the same
      // document's single-GPU rows and every other source imply. A data reading, not physics: one line.
      const perGpu = chips;
      return {
        predicted: staticBatchOutputTokensPerSecond(report) / perGpu,
        note: 'static batch: B · output / (prefill + output · step)',
      };
    }
    case 'F2': {
      if (!/TTFT|1st token/.test(name)) break;
      const report = run(design, { ...base, batch: 1 }, catalog);
      return { predicted: fromSeconds(report.prefill.seconds, unit) };
    }
    case 'F3':
    case 'F4': {
      if (!/total output throughput/.test(name)) break;
      // trtllm-bench throughput: the whole dataset queued at once; the row's request count when it states one.
      const requests = numberFrom(row.workload.num_requests);
      const result = servedRun(context, {
        kind: 'saturate',
        ...(requests !== undefined ? { requests } : {}),
      });
      return {
        predicted: result.figures.outputTokensPerSecond,
        note: `max load: ${result.requests} requests at once, simulated (peak batch ${result.figures.batch.max}, KV cache ${Math.round(result.cost.kvCapacityTokens)} tokens)`,
      };
    }
    case 'F5': {
      const rate = /^\s*inf/i.test(String(row.workload.request_rate_qps))
        ? Infinity
        : numberFrom(row.workload.request_rate_qps);
      if (rate === undefined)
        return { skip: `request rate "${String(row.workload.request_rate_qps)}" is not a number` };
      // The benchmark's request count ("500 requests") makes the run finite: simulate it request by request.
      const requests = /(\d+)\s*requests/i.exec(row.software ?? '');
      if (!requests) return { skip: 'the benchmark’s request count is not stated' };
      const result = servedRun(context, { kind: 'rate', ratePerSecond: rate, requests: Number(requests[1]) });
      const predicted = servedMetric(name, unit, result, base);
      if (predicted === undefined) break;
      return {
        predicted,
        note: `${result.requests} requests ${Number.isFinite(rate) ? `at ${rate} req/s (Poisson)` : 'at once'}, simulated (peak batch ${result.figures.batch.max})`,
      };
    }
    case 'F6': {
      const concurrency = numberFrom(textOf(row.workload.batch_size).replace(/concurrency\s*/i, ''));
      if (concurrency === undefined) return { skip: 'concurrency not stated' };
      const result = servedRun(context, {
        kind: 'closed',
        users: concurrency,
        requests: concurrency * CLOSED_LOOP_ROUNDS,
      });
      const predicted = servedMetric(name, unit, result, base);
      if (predicted === undefined) break;
      return {
        predicted,
        note: `closed loop of ${concurrency} clients, ${result.requests} requests, simulated`,
      };
    }
    case 'H1':
      return layerOperator(name, context, /decode/i.test(phase));
    case 'I1': {
      if (!/end-to-end batch latency/.test(name)) break;
      const report = run(design, base, catalog);
      return { predicted: report.request.endToEndSeconds };
    }
    case 'I2': {
      const report = run(design, { ...base, outputTokens: /end-to-end/.test(name) ? 1024 : 1 }, catalog);
      if (/TTFT/.test(name)) return { predicted: toSeconds(report.prefill.seconds, 's') };
      if (/end-to-end latency/.test(name)) return { predicted: report.request.endToEndSeconds };
      break;
    }
    case 'I3': {
      const inputTokens = 512;
      const report = run(design, { ...base, inputTokens, batch: 1 }, catalog);
      const note = 'ShareGPT prompts: assumed 512 input tokens';
      if (/generation throughput/.test(name)) return { predicted: 1 / report.decode.secondsPerStep, note };
      if (/mean latency per response/.test(name)) return { predicted: report.request.endToEndSeconds, note };
      return { skip: 'not a performance metric' };
    }
    default:
      break;
  }
  return { skip: `no prediction for "${name}" in source group ${group}` };
}

/**
 * LLMCompass times a bare LayerNorm (read the layer input, write the normalised output: 2 tensors per element),
 * while the engine's norm operator is the fused residual add and norm of a serving runtime (read the sub-layer
 * output and the residual, write the new residual and the normalised input: 4 tensors, `TENSORS_PER_ELEMENT.
 * addAndNorm` in engine/stages/lower.ts; the FFN's also counts the add's operation, 5 per element instead of the
 * norm's 4). The norm alone moves half the bytes and does its own operations, on the same unit:
 *
 *   seconds = overhead + max(compute · normOps / operatorOps, memory · 2 / 4)
 */
function bareNormSeconds(operator: OperatorReport): number {
  const operatorOps = operator.id === 'ffn.norm' ? 5 : 4;
  const compute = (operator.computeSeconds * 4) / operatorOps;
  return operator.overheadSeconds + Math.max(compute, (operator.memorySeconds * 2) / 4);
}

/** GPT-3 layer operators measured by LLMCompass (prefill, batch 8 × 2048, TP 4), against the same operators here. */
function layerOperator(name: string, context: Context, decode: boolean): Prediction {
  const { base, design, catalog } = context;
  const report = run(design, { ...base, outputTokens: 2, decodeContext: base.inputTokens }, catalog);
  const phase = decode ? report.decode : report.prefill;
  const perLayer = (id: string): number => {
    const operator = phase.operators.find((candidate) => candidate.id === id);
    return operator ? operator.seconds / Math.max(1, operator.repeat) : 0;
  };
  const map: Record<string, string[]> = {
    Q_K_V: ['attention.qkv'],
    Wo_proj: ['attention.out'],
    W1_proj: ['ffn.up'],
    W2_proj: ['ffn.down'],
    GeLU: ['ffn.activation'],
    AllReduce_MHA: ['attention.all-reduce'],
    AllReduce_FFN: ['ffn.all-reduce'],
  };
  const key = name.replace(/ latency$/, '');
  if (key === 'Q_mul_K' || key === 'A_mul_V' || key === 'Softmax') {
    return {
      skip: 'attention is one fused operator here (QKᵀ, softmax and AV together); compared as their sum below',
    };
  }
  const norm = key === 'LayerNorm_MHA' ? 'attention.norm' : key === 'LayerNorm_FFN' ? 'ffn.norm' : undefined;
  if (norm !== undefined) {
    const operator = phase.operators.find((candidate) => candidate.id === norm);
    return {
      predicted: operator ? (bareNormSeconds(operator) / Math.max(1, operator.repeat)) * 1000 : 0,
      note: `${decode ? 'decode step, KV length 2048' : 'prefill'}; the norm alone (LLMCompass times a bare LayerNorm)`,
    };
  }
  const ids = map[key];
  if (ids)
    return {
      predicted: ids.reduce((sum, id) => sum + perLayer(id), 0) * 1000,
      note: decode ? 'decode step, KV length 2048' : 'prefill',
    };
  if (/sum over operators/.test(name)) {
    const total = phase.operators
      .filter((operator) => !['embedding', 'head.norm', 'head.logits'].includes(operator.id))
      .reduce((sum, operator) => sum + operator.seconds / Math.max(1, operator.repeat), 0);
    return { predicted: total * 1000, note: 'one layer' };
  }
  if (/x96 layers/.test(name))
    return { skip: 'the source multiplies its own layer sum by 96; the layer sum is compared instead' };
  return { skip: `operator "${name}" has no counterpart` };
}

/** LLMCompass's single GEMMs on an A100: an M × K × N FP16 GEMM costed directly. */
function gemmRow(
  row: MeasurementRow,
  catalog: CatalogIndex,
  design: DesignDocument,
  label: Omit<Skipped, 'reason'>,
): RowOutcome {
  const m = numberFrom(row.workload.gemm_M);
  const dims = /(\d+)\s*x\s*(\d+)/.exec(textOf(row.workload.gemm_K_N));
  if (m === undefined || !dims) return { skipped: { ...label, reason: 'GEMM shape not readable' } };
  const k = Number(dims[1]);
  const n = Number(dims[2]);
  const machine = resolve(design, catalog);
  const unitIndex = 0;
  const operator: Operator = {
    id: 'gemm',
    name: 'GEMM',
    kind: 'matmul',
    part: 'ffn',
    repeat: 1,
    gemm: { m, k, n, batch: 1 },
    macs: m * k * n,
    vectorOps: 0,
    bytes: { weights: k * n * 2, kv: 0, activations: (m * k + m * n) * 2 },
    computeClass: 'bf16',
    elementBytes: 2,
    sparse: false,
    collective: undefined,
  };
  const storage = machine.chip.levels.findIndex((level) => level.usage === 'storage');
  const everything = [{ levelIndex: storage, fraction: 1 }];
  const cost = costOperator(operator, unitIndex, {
    chip: machine.chip,
    network: undefined,
    placement: { weights: everything, kv: everything, activations: everything },
    dramBandwidthScale: 1,
    sparseWeights: false,
  });
  const seconds =
    cost.overheadSeconds + Math.max(cost.computeSeconds, cost.memorySeconds) + cost.latencySeconds;
  const comparisons: Comparison[] = [];
  for (const metric of row.metrics) {
    if (metric.provenance !== 'read' || typeof metric.value !== 'number') continue;
    let predicted: number | undefined;
    if (metric.metric === 'latency') predicted = fromSeconds(seconds, metric.unit);
    if (/achieved throughput/.test(metric.metric)) predicted = (2 * m * k * n) / seconds / 1e12;
    if (predicted === undefined) continue;
    comparisons.push({
      ...label,
      metric: `${metric.metric} (M=${m}, K=${k}, N=${n})`,
      kind: 'performance',
      unit: metric.unit,
      measured: metric.value,
      predicted,
      errorPercent: ((predicted - metric.value) / metric.value) * 100,
      note: undefined,
    });
  }
  return comparisons.length > 0 ? { comparisons } : { skipped: { ...label, reason: 'no GEMM metric read' } };
}

/** Measured average GPU power (LLM-Inference-Bench, ML.ENERGY) against the predicted average over the request. */
function predictPower(
  group: string,
  context: Context,
): { metric: string; measured: number; predicted: number } | undefined {
  const energy = context.row.power_energy;
  if (!energy) return undefined;
  const measured = numberFrom(energy.avg_gpu_power_w) ?? numberFrom(energy.avg_power_w);
  if (measured === undefined) return undefined;
  try {
    const inputTokens = group === 'I3' ? 512 : context.base.inputTokens;
    const report = run(context.design, { ...context.base, inputTokens }, context.catalog);
    const decodeSeconds = Math.max(0, report.workload.outputTokens - 1) * report.decode.secondsPerStep;
    const joules =
      report.prefill.averagePowerWatts * report.prefill.seconds +
      report.decode.averagePowerWatts * decodeSeconds;
    return {
      metric: 'average GPU power over the request',
      measured,
      predicted: joules / (report.prefill.seconds + decodeSeconds) / context.chips,
    };
  } catch (error) {
    if (error instanceof ScenarioError) return undefined;
    throw error;
  }
}
