/**
 * `tessera simulate`'s workload flags: the runtime profile and the unit policy of the workload, with the short
 * names people type, and the counts (`--batch`, `--input`, …) read as whole numbers in digits and checked by the
 * same schema the API uses. A bad value is a usage error (exit 2) that names the flag.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { idSchema } from '../../engine/schema/common';
import { parsePlacement, type Placement } from '../../engine/schema/placement';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
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
