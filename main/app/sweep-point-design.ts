/**
 * A sweep's point as a design: `applyPoint` sets a point's values in the design and workload the sweep ran on —
 * what opening a point as a design keeps (`engine/sweep/apply.ts` evaluates points without building the design).
 */
import type { CatalogIndex } from '../../engine/catalog';
import { applyOverrides, type Override } from '../../engine/overrides';
import { describeProblems, parseWith } from '../../engine/schema/common';
import { linkParamRanges, type DesignDocument } from '../../engine/schema/design';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import type { SweepValue } from '../../engine/sweep/spec';
import { parseQuantity, type Unit } from '../../engine/units';

/** Sets `workload.a.b` = value in a copy of the workload. */
function setWorkloadField(
  workload: Record<string, unknown>,
  path: string[],
  value: SweepValue,
): Record<string, unknown> {
  const [head, ...rest] = path;
  if (head === undefined) return workload;
  if (rest.length === 0) return { ...workload, [head]: value };
  const inner = workload[head];
  return {
    ...workload,
    [head]: setWorkloadField(
      typeof inner === 'object' && inner !== null ? (inner as Record<string, unknown>) : {},
      rest,
      value,
    ),
  };
}

/**
 * A point applied to the design and workload it was swept on: block parameters and group counts through the
 * overrides (`--set`), link parameters read in their unit, workload fields set and the workload validated.
 */
export function applyPoint(
  design: DesignDocument,
  workload: Workload,
  values: Record<string, SweepValue>,
  catalog: CatalogIndex,
): { ok: true; design: DesignDocument; workload: Workload } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const overrides: Override[] = [];
  let links = design.links;
  let changedWorkload: Record<string, unknown> = workload;
  for (const [path, value] of Object.entries(values)) {
    const [target = '', ...rest] = path.split('.');
    if (target === 'workload') {
      changedWorkload = setWorkloadField(changedWorkload, rest, value);
      continue;
    }
    const param = rest.join('.');
    const link = links.find((candidate) => candidate.id === target);
    if (link) {
      const range = (
        linkParamRanges as Record<string, { unit: string; min: number; max: number } | undefined>
      )[param];
      if (!range) {
        problems.push(`${path}: a link has only ${Object.keys(linkParamRanges).join(', ')}`);
        continue;
      }
      const parsed =
        typeof value === 'number' ? { ok: true as const, value } : parseQuantity(value, range.unit as Unit);
      if (!parsed.ok) {
        problems.push(`${path}: ${parsed.message}`);
        continue;
      }
      links = links.map((candidate) =>
        candidate.id === link.id
          ? { ...candidate, params: { ...candidate.params, [param]: parsed.value } }
          : candidate,
      );
      continue;
    }
    overrides.push({ target, param, value: String(value) });
  }
  const applied = applyOverrides({ ...design, links }, overrides, catalog);
  if (!applied.ok) problems.push(...applied.problems);
  const parsedWorkload = parseWith(workloadSchema, changedWorkload);
  if (!parsedWorkload.ok)
    problems.push(`The workload is invalid:\n${describeProblems(parsedWorkload.problems)}`);
  if (problems.length > 0 || !applied.ok || !parsedWorkload.ok) return { ok: false, problems };
  return { ok: true, design: applied.design, workload: parsedWorkload.value };
}
