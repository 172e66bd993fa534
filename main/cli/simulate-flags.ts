/**
 * `tessera simulate`'s workload flags: the runtime profile and the unit policy of the workload, with the short
 * names people type, and the counts (`--batch`, `--input`, …) read as whole numbers in digits and checked by the
 * same schema the API uses. A bad value is a usage error (exit 2) that names the flag.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { idSchema } from '../../engine/schema/common';
import { workloadSchema, type MemoryPolicy, type Workload } from '../../engine/schema/workload';
import type { ReconfigurationReport } from '../../engine/report';
import { reconfigurationSummary } from '../../engine/figures';
import { parsePlacement, type Placement } from '../../engine/schema/placement';
import { UsageError } from '../app/command-line';

/** Short runtime names → library ids; `hardware` means no runtime (the hardware alone). */
export const runtimeAliases: Readonly<Record<string, string | undefined>> = {
  hardware: undefined,
  'trt-llm': 'tensorrt-llm',
  vllm: 'vllm',
  'llama-cpp': 'llama-cpp',
};

/** The workload's `runtime` for `--runtime TEXT`: an alias or a library id; `hardware` clears it. */
export function runtimeFromFlag(text: string, catalog: CatalogIndex): string | undefined {
  if (text in runtimeAliases) {
    const id = runtimeAliases[text];
    if (id !== undefined && !catalog.runtimes.has(id))
      throw new UsageError(`--runtime ${text}: the library has no runtime "${id}"`);
    return id;
  }
  if (catalog.runtimes.has(text)) return text;
  const names = [...Object.keys(runtimeAliases), ...catalog.runtimes.keys()];
  throw new UsageError(`--runtime must be one of ${[...new Set(names)].join(', ')} (got "${text}")`);
}

/** The workload's unit policy for `--units fastest | least-energy | pinned:<blockId>`. */
export function unitsFromFlag(text: string): Pick<Workload, 'unitPolicy' | 'pinnedUnit'> {
  if (text === 'fastest' || text === 'least-energy') return { unitPolicy: text };
  if (text.startsWith('pinned:')) {
    const blockId = text.slice('pinned:'.length);
    if (!idSchema.safeParse(blockId).success)
      throw new UsageError(`--units pinned:<blockId> needs the id of a compute block (got "${text}")`);
    return { unitPolicy: 'pinned', pinnedUnit: blockId };
  }
  throw new UsageError(`--units must be fastest, least-energy or pinned:<blockId> (got "${text}")`);
}

/** The workload with `--runtime` and `--units` applied (either may be absent). */
export function withUnitFlags(
  workload: Workload,
  flags: { runtime?: string | undefined; units?: string | undefined },
  catalog: CatalogIndex,
): Workload {
  const next: Workload = { ...workload };
  if (flags.runtime !== undefined) {
    const runtime = runtimeFromFlag(flags.runtime, catalog);
    if (runtime === undefined) delete next.runtime;
    else next.runtime = runtime;
  }
  if (flags.units !== undefined) {
    delete next.pinnedUnit;
    Object.assign(next, unitsFromFlag(flags.units));
  }
  return next;
}

/** The flag that sets each workload field, for messages about a workload the schema rejects. */
const flagOfField: Readonly<Record<string, string>> = {
  batch: '--batch',
  inputTokens: '--input',
  outputTokens: '--output',
  decodeContext: '--context',
  'parallelism.tensor': '--tp',
  'parallelism.pipeline': '--pp',
  'parallelism.expert': '--ep',
  tpotTargetSeconds: '--tpot-target',
  operatingPoint: '--operating-point',
  weights: '--weights',
  activations: '--activations',
  kv: '--kv',
  runtime: '--runtime',
  pinnedUnit: '--units',
  unitPolicy: '--units',
  model: '--model',
  memoryPolicy: '--memory',
  reconfiguration: '--reconfiguration',
  ttftTargetSeconds: '--ttft-target',
  requestsPerHour: '--requests-per-hour',
  dvfsPolicy: '--dvfs-policy',
  placement: '--placement',
};

/**
 * A count flag's value: a whole number written in decimal digits (`16`, not `0x10`, `1e3` or `16.0`), so what
 * was typed is the number simulated; its range is the schema's, checked by `checkedWorkload`.
 */
export function countFromFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text.trim()) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw new UsageError(`--${name} must be a whole number from 1, written in digits (got "${text}")`);
  return Number(text);
}

/** The workload the flags built, parsed by the API's schema; a value it rejects is a usage error naming the flag. */
export function checkedWorkload(
  workload: Workload,
  given: Readonly<Record<string, string | undefined>> = {},
): Workload {
  const parsed = workloadSchema.safeParse(workload);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const field = issue.path.join('.');
    const flag = flagOfField[field] ?? field;
    const typed = given[flag] === undefined ? '' : ` (got "${given[flag]}")`;
    const bound =
      issue.code === 'too_big'
        ? `must be at most ${String(issue.maximum)}`
        : issue.code === 'too_small'
          ? `must be at least ${String(issue.minimum)}`
          : issue.message;
    return `${flag} ${bound}${typed}`;
  });
  throw new UsageError(lines.join('\n'));
}

/**
 * The workload's memory policy for `--memory weights=auto|pin|stream[:BLOCK],kv=auto|pin|stream[:BLOCK],
 * page=TOKENS,prefetch=on|off` (any subset, comma-separated; unnamed parts stay `auto`, prefetch on).
 */
export function memoryPolicyFromFlag(text: string): MemoryPolicy {
  const policy: MemoryPolicy = {
    weights: { placement: 'auto' },
    kv: { placement: 'auto' },
    prefetch: true,
  };
  const usage = `--memory takes weights=auto|pin|stream[:BLOCK], kv=auto|pin|stream[:BLOCK], page=TOKENS and prefetch=on|off, separated by commas (got "${text}")`;
  for (const part of text.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 'weights' || key === 'kv') {
      const [placement = '', level] = value.split(':', 2);
      if (placement !== 'auto' && placement !== 'pin' && placement !== 'stream') throw new UsageError(usage);
      if (level !== undefined && !idSchema.safeParse(level).success) throw new UsageError(usage);
      policy[key] = level === undefined ? { placement } : { placement, level };
    } else if (key === 'page') {
      if (!/^[0-9]+$/.test(value)) throw new UsageError(usage);
      policy.kvBlockTokens = Number(value);
    } else if (key === 'prefetch' && (value === 'on' || value === 'off')) {
      policy.prefetch = value === 'on';
    } else throw new UsageError(usage);
  }
  return policy;
}

/**
 * The workload's weight sparsity for `--sparsity none | 2:4 | 4:8 | unstructured[:DENSITY]` (the density, the
 * share of weights kept, from 0.01 to 1; default 0.5).
 */
export function sparsityFromFlag(text: string): Pick<Workload, 'weightSparsity' | 'weightDensity'> {
  if (text === 'none' || text === '2:4' || text === '4:8') return { weightSparsity: text };
  const match = /^unstructured(?::([0-9.]+))?$/.exec(text.trim());
  if (match) {
    if (match[1] === undefined) return { weightSparsity: 'unstructured' };
    const density = Number(match[1]);
    if (!Number.isFinite(density) || density < 0.01 || density > 1)
      throw new UsageError(`--sparsity unstructured:DENSITY needs a density from 0.01 to 1 (got "${text}")`);
    return { weightSparsity: 'unstructured', weightDensity: density };
  }
  throw new UsageError(`--sparsity must be none, 2:4, 4:8 or unstructured[:DENSITY] (got "${text}")`);
}

/** The workload's reconfiguration policy for `--reconfiguration never | per-phase | auto`. */
export function reconfigurationFromFlag(text: string | undefined): Workload['reconfiguration'] {
  if (text === undefined) return undefined;
  if (text === 'never' || text === 'per-phase' || text === 'auto') return text;
  throw new UsageError(`--reconfiguration must be never, per-phase or auto (got "${text}")`);
}

/** The reconfiguration section of `tessera simulate`'s text: the choice per phase, its cost and the answer. */
export function reconfigurationLines(section: ReconfigurationReport): string {
  return [`Reconfiguration: ${reconfigurationSummary(section)}`, section.sentence].join('\n');
}

/** The DVFS policies `--dvfs-policy` takes (the workload schema's). */
export const dvfsPolicies = ['fixed', 'adaptive', 'race-to-idle', 'least-energy', 'max-throughput'] as const;

/**
 * The workload's DVFS fields from `--dvfs-policy`, `--ttft-target` (already in seconds) and `--requests-per-hour` (a
 * number in digits, a fraction allowed: 0.5 is one request every two hours); absent flags leave the fields out.
 */
export function dvfsFromFlags(flags: {
  policy: string | undefined;
  ttftTargetSeconds: number | undefined;
  requestsPerHour: string | undefined;
}): Pick<Workload, 'dvfsPolicy' | 'ttftTargetSeconds' | 'requestsPerHour'> {
  const fields: Pick<Workload, 'dvfsPolicy' | 'ttftTargetSeconds' | 'requestsPerHour'> = {};
  if (flags.policy !== undefined) {
    const policy = dvfsPolicies.find((name) => name === flags.policy);
    if (!policy)
      throw new UsageError(`--dvfs-policy must be one of ${dvfsPolicies.join(', ')} (got "${flags.policy}")`);
    fields.dvfsPolicy = policy;
  }
  if (flags.ttftTargetSeconds !== undefined) fields.ttftTargetSeconds = flags.ttftTargetSeconds;
  if (flags.requestsPerHour !== undefined) {
    const text = flags.requestsPerHour.trim();
    if (!/^[0-9]+(\.[0-9]+)?$/.test(text))
      throw new UsageError(
        `--requests-per-hour must be a number of requests written in digits (got "${flags.requestsPerHour}")`,
      );
    fields.requestsPerHour = Number(text);
  }
  return fields;
}

/** The workload with `--placement` (see `engine/schema/placement.ts`) and `--placement-overlap` applied. */
export function withPlacementFlags(
  workload: Workload,
  flags: { placement?: string | undefined; overlap?: string | undefined },
): Workload {
  if (flags.placement === undefined && flags.overlap === undefined) return workload;
  let placement: Placement = workload.placement ?? { policy: 'fastest' };
  if (flags.placement !== undefined) {
    const parsed = parsePlacement(flags.placement);
    if (!parsed.ok) throw new UsageError(`--placement: ${parsed.message}`);
    placement = parsed.placement;
  }
  if (flags.overlap !== undefined) {
    if (flags.overlap !== 'double-buffered' && flags.overlap !== 'serial')
      throw new UsageError(`--placement-overlap must be double-buffered or serial (got "${flags.overlap}")`);
    placement = { ...placement, overlap: flags.overlap };
  }
  return { ...workload, placement };
}
