/**
 * A sweep's points applied to one design and workload, evaluated on the engine's figures path. `prepareSweep`
 * reads every parameter path against the design once (which block, group, link or workload field it names, the
 * parameter's unit and range); a point is then a delta — the few blocks, groups or links it touches replaced in a
 * shallow copy of the design, or the workload fields it sets — so a point costs what its evaluation costs.
 *
 * What stays cached between points, and why it is sound:
 * - A point that touches no block, group or link evaluates the SAME design object, so the engine's check and
 *   resolve (cached per design object, `evaluate.ts`) and area (cached per design object, `stages/area.ts`) run
 *   once for the whole sweep: they read the design alone, never the workload.
 * - A point that touches no workload field evaluates the SAME workload object.
 * - Nothing is cached by a point's values: two points with equal values are evaluated twice.
 *
 * Feasibility is core's `judgeFigures` (constraints, and objectives on a figure the point lacks).
 */
import type { CatalogIndex } from '../catalog';
import { evaluate } from '../evaluate';
import type { ParamSpec } from '../schema/block-type';
import type { Block, DesignDocument, Group, Link } from '../schema/design';
import { linkParamRanges } from '../schema/design';
import { workloadSchema, type Workload } from '../schema/workload';
import { parseQuantity, type Unit } from '../units';
import type { ValidationProblem } from '../schema/common';
import { readSweepFigures } from './figures';
import { judgeFigures } from './judge';
import { sweepSpecProblems } from './read';
import type { SweepRow } from './row';
import type { SweepParameter, SweepSpec, SweepValue } from './spec';

/** A problem with the sweep on this design: where (`parameters[2].path`) and what. */
export type SweepProblem = ValidationProblem;

export type PreparedSweep =
  | { ok: false; problems: SweepProblem[] }
  | {
      ok: true;
      /**
       * One point applied to the design and workload (values aligned with `spec.parameters`): copies of what it
       * touches, the rest shared. What a point opens as, and what `evaluate` evaluates.
       */
      apply(values: readonly SweepValue[]): AppliedPoint;
      /** Evaluates one point: its values aligned with `spec.parameters`. Never throws. */
      evaluate(values: readonly SweepValue[], index?: number): SweepRow;
    };

export type AppliedPoint =
  { ok: true; design: DesignDocument; workload: Workload } | { ok: false; message: string };

/** How one parameter is applied: where it goes and how its value is read. */
type Setter =
  | { kind: 'block'; path: string; blockIndex: number; param: string; read: (value: SweepValue) => Read }
  | { kind: 'group'; path: string; groupIndex: number; read: (value: SweepValue) => Read }
  | { kind: 'link'; path: string; linkIndex: number; param: string; read: (value: SweepValue) => Read }
  | { kind: 'workload'; path: string; field: string; sub?: string; read: (value: SweepValue) => Read };

type Read = { ok: true; value: number | string } | { ok: false; message: string };

const workloadFields = workloadSchema.shape;

function show(value: SweepValue): string {
  return typeof value === 'number' ? String(value) : `"${value}"`;
}

/** Reads a value for a number parameter: a number (SI) or a quantity with its unit, within [min, max]. */
function numberReader(
  name: string,
  unit: Unit,
  min: number,
  max: number,
  integer: boolean,
): (value: SweepValue) => Read {
  return (value) => {
    let number: number;
    if (typeof value === 'number') number = value;
    else {
      const parsed = parseQuantity(value, unit);
      if (!parsed.ok) return { ok: false, message: `${show(value)}: ${parsed.message}` };
      number = parsed.value;
    }
    if (!Number.isFinite(number) || number < min || number > max)
      return { ok: false, message: `${name} must be between ${min} and ${max}, not ${show(value)}` };
    if (integer && !Number.isInteger(number))
      return { ok: false, message: `${name} must be a whole number, not ${show(value)}` };
    return { ok: true, value: number };
  };
}

function paramReader(spec: ParamSpec): ((value: SweepValue) => Read) | string {
  if (spec.kind === 'number')
    return numberReader(spec.name, spec.unit, spec.min, spec.max, spec.integer === true);
  if (spec.kind === 'enum') {
    const options = spec.options.map((option) => option.value);
    return (value) =>
      typeof value === 'string' && options.includes(value)
        ? { ok: true, value }
        : { ok: false, message: `${spec.name} must be one of ${options.join(', ')}, not ${show(value)}` };
  }
  return `${spec.name} is a table and cannot be swept`;
}

/** A workload field's reader: the value checked by the field's own schema (a nested field inside its object). */
function workloadReader(field: string, sub: string | undefined, base: Workload): (value: SweepValue) => Read {
  const schema = workloadFields[field as keyof typeof workloadFields];
  return (value) => {
    const candidate = sub
      ? { ...(base[field as keyof Workload] as Record<string, unknown>), [sub]: value }
      : value;
    const parsed = schema.safeParse(candidate);
    if (parsed.success) return { ok: true, value };
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `workload.${field}${sub ? `.${sub}` : ''} cannot be ${show(value)}: ${issue?.message ?? 'invalid'}`,
    };
  };
}

function setterOf(
  parameter: SweepParameter,
  design: DesignDocument,
  workload: Workload,
  catalog: CatalogIndex,
): Setter | string {
  const { path } = parameter;
  const [head = '', ...rest] = path.split('.');
  if (head === 'workload') {
    const [field = '', sub, ...deeper] = rest;
    if (!(field in workloadFields))
      return `the workload has no field "${field}" (it has ${Object.keys(workloadFields)
        .filter((key) => key !== 'format' && key !== 'version')
        .join(', ')})`;
    if (field === 'format' || field === 'version') return `workload.${field} cannot be swept`;
    if (deeper.length > 0) return `"${path}" goes deeper than a workload field's own fields`;
    if (sub !== undefined) {
      const current = workload[field as keyof Workload];
      if (current === null || typeof current !== 'object')
        return `workload.${field} has no fields, so "${path}" names nothing`;
    }
    return { kind: 'workload', path, field, sub, read: workloadReader(field, sub, workload) };
  }
  const param = rest.join('.');
  if (rest.length !== 1) return `"${path}" must be "<id>.<parameter>"`;
  const groupIndex = design.groups.findIndex((group) => group.id === head);
  if (groupIndex >= 0) {
    if (param !== 'count') return `group "${head}" has only "count"`;
    return {
      kind: 'group',
      path,
      groupIndex,
      read: numberReader('A group count', 'count', 1, 1_000_000, true),
    };
  }
  const blockIndex = design.blocks.findIndex((block) => block.id === head);
  if (blockIndex >= 0) {
    const block = design.blocks[blockIndex] as Block;
    const type = catalog.blockTypes.get(block.type);
    const spec = type?.params.find((candidate) => candidate.key === param);
    if (!type || !spec) {
      const keys = type?.params.map((candidate) => candidate.key) ?? [];
      return `block "${head}" has no parameter "${param}"${keys.length > 0 ? ` (it has ${keys.join(', ')})` : ''}`;
    }
    const read = paramReader(spec);
    if (typeof read === 'string') return read;
    return { kind: 'block', path, blockIndex, param, read };
  }
  const linkIndex = design.links.findIndex((link) => link.id === head);
  if (linkIndex >= 0) {
    const range = linkParamRanges[param as keyof typeof linkParamRanges] as
      (typeof linkParamRanges)[keyof typeof linkParamRanges] | undefined;
    if (!range)
      return `link "${head}" has no parameter "${param}" (it has ${Object.keys(linkParamRanges).join(', ')})`;
    return {
      kind: 'link',
      path,
      linkIndex,
      param,
      read: numberReader(range.name, range.unit, range.min, range.max, false),
    };
  }
  const ids = [...design.blocks, ...design.groups, ...design.links].map((item) => `"${item.id}"`);
  return `there is no block, group or link "${head}" in the design (it has ${ids.join(', ') || 'none'}), and it is not "workload"`;
}

/** The values a parameter takes that can be listed before the sweep (its list, its range's ends, its choices). */
function listedValues(parameter: SweepParameter): SweepValue[] {
  if (parameter.values) return parameter.values;
  if (parameter.range) return [parameter.range.from, parameter.range.to];
  const distribution = parameter.distribution;
  if (!distribution) return [];
  if (distribution.kind === 'choice') return distribution.values;
  if (distribution.kind === 'normal') {
    const ends: number[] = [];
    if (distribution.min !== undefined) ends.push(distribution.min);
    if (distribution.max !== undefined) ends.push(distribution.max);
    return ends;
  }
  return [distribution.min, distribution.max];
}

/**
 * Checks every parameter path of the sweep against the design and workload once, and every value that can be
 * known before the sweep (listed values, a range's ends); returns the point evaluator, or every problem found.
 */
export function prepareSweep(
  design: DesignDocument,
  workload: Workload,
  spec: SweepSpec,
  catalog: CatalogIndex,
): PreparedSweep {
  // The document's own rules first (one of values/range/distribution, linked lengths, …): then the design.
  const problems: SweepProblem[] = sweepSpecProblems(spec);
  if (problems.length > 0) return { ok: false, problems };
  const setters: Setter[] = [];
  const seen = new Map<string, number>();
  spec.parameters.forEach((parameter, index) => {
    const at = `parameters[${index}]`;
    const earlier = seen.get(parameter.path);
    if (earlier !== undefined) {
      problems.push({
        path: `${at}.path`,
        message: `"${parameter.path}" is already swept by parameters[${earlier}]`,
      });
      return;
    }
    seen.set(parameter.path, index);
    const setter = setterOf(parameter, design, workload, catalog);
    if (typeof setter === 'string') {
      problems.push({ path: `${at}.path`, message: setter });
      return;
    }
    setters.push(setter);
    listedValues(parameter).forEach((value, valueIndex) => {
      const read = setter.read(value);
      if (!read.ok)
        problems.push({
          path: parameter.values
            ? `${at}.values[${valueIndex}]`
            : parameter.range
              ? `${at}.range.${valueIndex === 0 ? 'from' : 'to'}`
              : `${at}.distribution`,
          message: `${parameter.path}: ${read.message}`,
        });
    });
  });
  if (problems.length > 0) return { ok: false, problems };
  const touchesDesign = setters.some((setter) => setter.kind !== 'workload');
  const touchesWorkload = setters.some((setter) => setter.kind === 'workload');
  const paths = setters.map((setter) => setter.path);

  function applyPoint(values: readonly SweepValue[]): AppliedPoint {
    if (values.length !== setters.length)
      return { ok: false, message: `the point has ${values.length} values for ${setters.length} parameters` };
    // The delta: copies of the arrays and objects the point touches, the rest shared with the design.
    let blocks: Block[] | undefined;
    let groups: Group[] | undefined;
    let links: Link[] | undefined;
    let changedWorkload: Workload | undefined;
    for (let position = 0; position < setters.length; position += 1) {
      const setter = setters[position] as Setter;
      const read = setter.read(values[position] as SweepValue);
      if (!read.ok) return { ok: false, message: `${setter.path}: ${read.message}` };
      switch (setter.kind) {
        case 'block': {
          blocks ??= design.blocks.slice();
          const block = blocks[setter.blockIndex] as Block;
          blocks[setter.blockIndex] = { ...block, params: { ...block.params, [setter.param]: read.value } };
          break;
        }
        case 'group': {
          groups ??= design.groups.slice();
          groups[setter.groupIndex] = {
            ...(groups[setter.groupIndex] as Group),
            count: read.value as number,
          };
          break;
        }
        case 'link': {
          links ??= design.links.slice();
          const link = links[setter.linkIndex] as Link;
          links[setter.linkIndex] = { ...link, params: { ...link.params, [setter.param]: read.value } };
          break;
        }
        case 'workload': {
          changedWorkload ??= { ...workload };
          const target = changedWorkload as Record<string, unknown>;
          target[setter.field] = setter.sub
            ? { ...(target[setter.field] as Record<string, unknown>), [setter.sub]: read.value }
            : read.value;
          break;
        }
      }
    }
    return {
      ok: true,
      design: touchesDesign
        ? {
            ...design,
            blocks: blocks ?? design.blocks,
            groups: groups ?? design.groups,
            links: links ?? design.links,
          }
        : design,
      workload: touchesWorkload ? (changedWorkload ?? workload) : workload,
    };
  }

  function evaluatePoint(values: readonly SweepValue[], index = 0): SweepRow {
    const record: Record<string, SweepValue> = {};
    for (let position = 0; position < paths.length; position += 1)
      record[paths[position] as string] = values[position] as SweepValue;
    const failed = (error: string): SweepRow => ({
      index,
      values: record,
      ok: false,
      error,
      feasible: false,
    });
    const applied = applyPoint(values);
    if (!applied.ok) return failed(applied.message);
    const { design: pointDesign, workload: pointWorkload } = applied;
    let result;
    try {
      result = evaluate({ design: pointDesign, workload: pointWorkload }, catalog, { detail: 'figures' });
    } catch (error) {
      return failed(`the engine failed: ${(error as Error).message}`);
    }
    if (!result.ok) {
      const first = result.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
      return failed(first?.message ?? 'the point could not be evaluated');
    }
    const figures = readSweepFigures(result.report);
    const verdict = judgeFigures(spec, figures);
    const row: SweepRow = { index, values: record, ok: true, figures, feasible: verdict.feasible };
    if (verdict.violations.length > 0) row.violations = verdict.violations;
    return row;
  }

  return { ok: true, apply: applyPoint, evaluate: evaluatePoint };
}
