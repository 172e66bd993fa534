/**
 * `tessera simulate --runtime` and `--units`: the runtime profile and the unit policy of the workload, with the
 * short names people type. An unknown value is a usage error (exit 2) that lists the accepted ones.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { idSchema } from '../../engine/schema/common';
import type { Workload } from '../../engine/schema/workload';
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
