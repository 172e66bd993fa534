/**
 * Which compute units the cost stage may give operators to, and how it chooses among them — part of the **cost**
 * stage (`cost.ts` asks it once per evaluation).
 *
 * A runtime runs only on the kinds of unit it has kernels for (`Runtime.unitTypes`): llama.cpp's Metal backend
 * encodes every graph node as a Metal compute kernel on the GPU and has no Core ML / Neural Engine path, so on an
 * Apple design its GEMMs run on the GPU cores however fast the Neural Engine would be. The workload's policy then
 * picks, per operator, the allowed unit that finishes soonest (`fastest`), uses least energy (`least-energy`), or
 * the one block the user pinned (`pinned`), falling back to the fastest where the pinned unit cannot run an
 * operator.
 */
import type { Diagnostic } from '../diagnostics';
import type { Chip } from '../machine';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';

export interface UnitChoice {
  /** `allowed[i]`: the runtime can run operators on unit `i`. */
  allowed: boolean[];
  /** How to score candidates among the allowed units. */
  score: 'fastest' | 'least-energy';
  /** The unit every operator goes to where it can run it, or undefined. */
  pinned: number | undefined;
}

/** Whether a runtime has kernels for a unit of this block type (no list: every type). */
export function runtimeRunsOn(runtime: Runtime | undefined, typeId: string): boolean {
  return runtime?.unitTypes === undefined || runtime.unitTypes.includes(typeId);
}

/**
 * The units a workload's operators may use on a chip under its runtime and unit policy. Problems come back as
 * warnings: a runtime that runs on none of the chip's units (every unit is then allowed, so the design still
 * evaluates), and a pinned unit that does not exist or that the runtime cannot use (the policy falls back to
 * fastest).
 */
export function chooseUnits(
  chip: Chip,
  workload: Workload,
  runtime: Runtime | undefined,
  diagnostics: Diagnostic[],
): UnitChoice {
  let allowed = chip.units.map((unit) => runtimeRunsOn(runtime, unit.typeId));
  const skipped = chip.units.filter((_, index) => !allowed[index]);
  if (runtime && skipped.length > 0) {
    if (skipped.length === chip.units.length) {
      diagnostics.push({
        severity: 'warning',
        code: 'runtime-units-unavailable',
        message: `${runtime.name} runs on none of this design's compute units (it has kernels for ${(runtime.unitTypes ?? []).join(', ')}); they are costed as if it could.`,
      });
      allowed = chip.units.map(() => true);
    } else
      diagnostics.push({
        severity: 'info',
        code: 'runtime-skips-units',
        message: `${runtime.name} does not run on ${skipped.map((unit) => unit.name).join(', ')}: no operator is placed there.`,
        blockId: skipped[0]?.id,
      });
  }
  if (workload.unitPolicy !== 'pinned') return { allowed, score: workload.unitPolicy, pinned: undefined };

  const wanted = workload.pinnedUnit;
  const index = wanted === undefined ? -1 : chip.units.findIndex((unit) => unit.blockIds.includes(wanted));
  const unit = chip.units[index];
  if (!unit || !allowed[index]) {
    diagnostics.push({
      severity: 'warning',
      code: 'pinned-unit-unavailable',
      message:
        wanted === undefined
          ? 'The unit policy is "pinned" but no compute unit is named; operators go to the fastest unit.'
          : !unit
            ? `The pinned unit "${wanted}" is not a compute block of this design; operators go to the fastest unit.`
            : `${runtime?.name ?? 'The runtime'} cannot run on the pinned unit ${unit.name}; operators go to the fastest unit.`,
      ...(unit ? { blockId: unit.id } : {}),
    });
    return { allowed, score: 'fastest', pinned: undefined };
  }
  return { allowed, score: 'fastest', pinned: index };
}
