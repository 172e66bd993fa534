/**
 * The sweep document as text: read from YAML or JSON with every problem placed on its line (the schema's and
 * the semantic ones: one way of giving values per parameter, a grid of lists or stepped ranges, linked
 * parameters of equal length, ranges that go somewhere), and written as readable YAML. Also the JSON Schema
 * export (`docs/sweep.schema.json`).
 *
 * Pure: no I/O; the caller reads and writes the files.
 */
import { Document, YAMLMap, YAMLSeq, isMap, isSeq } from 'yaml';
import { z } from 'zod';
import { formatPath, type Parsed, type ValidationProblem } from '../schema/common';
import { readJsonSource } from '../spec/json-source';
import { lineLocator, quote, type SourceNode } from '../spec/source-tree';
import { readYamlSource } from '../spec/yaml-source';
import { axesOf, gridLength, gridValues } from './axes';
import { sweepSpecSchema, type SweepParameter, type SweepSpec } from './spec';

/** The longest sweep text read, in UTF-16 code units (a sweep with 100,000 listed values is about 1 MB). */
export const maxSweepTextLength = 4_000_000;

/** The most points a grid may have (as many as the largest random sample). */
export const maxGridPoints = 100_000_000;

/** The most problems listed for one text (one more entry says how many were left out). */
export const maxSweepProblems = 100;

/** The `$id` of the sweep document's JSON Schema. */
export const sweepSchemaId = 'https://tessera.dev/schema/sweep-v1.json';

const topLevel = '(top level)';

/**
 * Reads a sweep document from YAML or JSON text (JSON when the text starts with `{`) and checks it: the
 * schema, then the rules a schema cannot say (see {@link sweepSpecProblems}). Every problem carries its path
 * and, where the text has the node, its line and column; sorted by position. Never throws.
 */
export function readSweepSpec(text: string): Parsed<SweepSpec> {
  try {
    return readOrFail(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    return fail({ path: topLevel, message: `could not read the text (${reason})`, line: 1, column: 1 });
  }
}

function readOrFail(text: unknown): Parsed<SweepSpec> {
  if (typeof text !== 'string') {
    return fail({ path: topLevel, message: 'expected the sweep as text', line: 1, column: 1 });
  }
  if (text.length > maxSweepTextLength) {
    return fail({
      path: topLevel,
      message: `the text is too long for a sweep (${text.length} characters; the limit is ${maxSweepTextLength})`,
      line: 1,
      column: 1,
    });
  }
  const locate = lineLocator(text);
  const json = text
    .trimStart()
    .replace(/^\uFEFF/, '')
    .startsWith('{');
  const reading = json ? readJsonSource(text) : readYamlSource(text);
  const placed = (offset: number, path: string, message: string): ValidationProblem => ({
    path,
    message,
    ...locate(offset),
  });
  if (reading.root === undefined || reading.problems.length > 0) {
    const problems = reading.problems.map((problem) => placed(problem.offset, problem.path, problem.message));
    return fail(...(problems.length > 0 ? problems : [placed(0, topLevel, 'the text could not be read')]));
  }
  const tree = plainValue(reading.root);
  const result = checkValue(tree.value);
  if (result.ok) return result;
  const problems = result.problems.map((problem) => {
    return placed(spotOf(problem.path, tree.spots), problem.path, problem.message);
  });
  problems.sort(
    (first, second) => (first.line ?? 0) - (second.line ?? 0) || (first.column ?? 0) - (second.column ?? 0),
  );
  return { ok: false, problems: capped(problems) };
}

/**
 * Checks a sweep document given as a value (a payload from the app, a parsed JSON file): the schema, then
 * {@link sweepSpecProblems}. Never throws.
 */
export function parseSweepSpecValue(value: unknown): Parsed<SweepSpec> {
  const result = checkValue(value);
  return result.ok ? result : { ok: false, problems: capped(result.problems) };
}

/** At most {@link maxSweepProblems}, and one more saying how many were left out. */
function capped(problems: ValidationProblem[]): ValidationProblem[] {
  const hidden = problems[maxSweepProblems];
  if (hidden === undefined) return problems;
  // A list of 100,000 wrong values would say the same thing 100,000 times; the first few say enough.
  return [
    ...problems.slice(0, maxSweepProblems),
    { ...hidden, message: `${problems.length - maxSweepProblems} more problems from here on are not shown` },
  ];
}

function checkValue(value: unknown): Parsed<SweepSpec> {
  const result = sweepSpecSchema.safeParse(value);
  if (!result.success) {
    const problems: ValidationProblem[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          problems.push({ path: formatPath([...issue.path, key]), message: `unknown key ${quote(key)}` });
        }
        continue;
      }
      const missing = issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined;
      problems.push({
        path: formatPath(issue.path),
        message: missing ? `required but missing (expected ${issue.expected})` : issue.message,
      });
    }
    return { ok: false, problems };
  }
  const problems = sweepSpecProblems(result.data);
  return problems.length === 0 ? { ok: true, value: result.data } : { ok: false, problems };
}

/**
 * The rules of a sweep document that its schema cannot express, as problems with paths (empty when there
 * are none): each parameter gives exactly one of `values`, `range` or `distribution`; paths are unique; a grid
 * needs lists or ranges with `steps`, and at most {@link maxGridPoints} points; linked parameters have the same
 * number of values; a range or distribution goes from a smaller to a larger number (positive on a log scale);
 * weights match their values; a constraint has a bound; an objective is listed once.
 */
export function sweepSpecProblems(spec: SweepSpec): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const grid = spec.strategy.kind === 'grid';
  const seen = new Map<string, number>();
  spec.parameters.forEach((parameter, index) => {
    const at = `parameters[${index}]`;
    const first = seen.get(parameter.path);
    if (first !== undefined) {
      problems.push({
        path: `${at}.path`,
        message: `${quote(parameter.path)} is already swept by parameters[${first}]`,
      });
    } else {
      seen.set(parameter.path, index);
    }
    const given = (['values', 'range', 'distribution'] as const).filter(
      (key) => parameter[key] !== undefined,
    );
    if (given.length !== 1) {
      problems.push({
        path: at,
        message:
          given.length === 0
            ? 'give the values to sweep: "values" (a list), "range" or "distribution"'
            : `give exactly one of "values", "range" or "distribution", not ${given.map((key) => `"${key}"`).join(' and ')}`,
      });
      return;
    }
    problems.push(...rangeProblems(parameter, at));
    if (grid && parameter.distribution !== undefined) {
      problems.push({
        path: `${at}.distribution`,
        message:
          'a grid takes a list of values or a range with steps; a distribution needs a sampling strategy',
      });
    }
    if (grid && parameter.range !== undefined && parameter.range.steps === undefined) {
      problems.push({
        path: `${at}.range`,
        message: 'a grid needs "steps": how many points along the range',
      });
    }
  });
  if (problems.length === 0) problems.push(...linkProblems(spec, grid));
  if (problems.length === 0 && grid) {
    let total = 1;
    for (const axis of axesOf(spec)) {
      const first = spec.parameters[axis.parameters[0] ?? 0];
      total *= first ? (gridLength(first) ?? 1) : 1;
    }
    if (total > maxGridPoints) {
      problems.push({
        path: 'parameters',
        message: `the grid has ${total.toLocaleString('en-US')} points; at most ${maxGridPoints.toLocaleString('en-US')} (use a sampling strategy or NSGA-II)`,
      });
    }
  }
  spec.constraints.forEach((constraint, index) => {
    const at = `constraints[${index}]`;
    if (constraint.min === undefined && constraint.max === undefined) {
      problems.push({ path: at, message: 'a constraint needs "min", "max" or both' });
    } else if (
      constraint.min !== undefined &&
      constraint.max !== undefined &&
      constraint.min > constraint.max
    ) {
      problems.push({ path: at, message: `"min" (${constraint.min}) is above "max" (${constraint.max})` });
    }
  });
  const objectives = new Map<string, number>();
  (spec.objectives ?? []).forEach((objective, index) => {
    const first = objectives.get(objective.figure);
    if (first === undefined) objectives.set(objective.figure, index);
    else {
      problems.push({
        path: `objectives[${index}].figure`,
        message: `${quote(objective.figure)} is already an objective (objectives[${first}])`,
      });
    }
  });
  return problems;
}

function rangeProblems(parameter: SweepParameter, at: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const range = parameter.range;
  if (range !== undefined) {
    if (!(range.from < range.to)) {
      problems.push({
        path: `${at}.range`,
        message: `"from" (${range.from}) must be below "to" (${range.to})`,
      });
    } else if (range.scale === 'log' && range.from <= 0) {
      problems.push({ path: `${at}.range.from`, message: 'a log range needs positive ends' });
    } else if (range.integer === true && Math.floor(range.to) < Math.ceil(range.from)) {
      problems.push({
        path: `${at}.range`,
        message: 'an integer range needs a whole number between its ends',
      });
    } else if (range.integer === true && range.steps !== undefined) {
      const values = gridValues(parameter) ?? [];
      if (new Set(values).size < values.length) {
        problems.push({
          path: `${at}.range.steps`,
          message: `${range.steps} whole-number steps from ${range.from} to ${range.to} repeat values; use fewer steps`,
        });
      }
    }
  }
  const distribution = parameter.distribution;
  if (distribution !== undefined) {
    const path = `${at}.distribution`;
    if (distribution.kind === 'uniform' || distribution.kind === 'log-uniform') {
      if (!(distribution.min < distribution.max)) {
        problems.push({
          path,
          message: `"min" (${distribution.min}) must be below "max" (${distribution.max})`,
        });
      } else if (
        distribution.integer === true &&
        Math.floor(distribution.max) < Math.ceil(distribution.min)
      ) {
        problems.push({
          path,
          message: 'an integer distribution needs a whole number between "min" and "max"',
        });
      }
    } else if (distribution.kind === 'normal') {
      if (
        distribution.min !== undefined &&
        distribution.max !== undefined &&
        !(distribution.min < distribution.max)
      ) {
        problems.push({
          path,
          message: `"min" (${distribution.min}) must be below "max" (${distribution.max})`,
        });
      }
    } else if (distribution.weights !== undefined) {
      if (distribution.weights.length !== distribution.values.length) {
        problems.push({
          path: `${path}.weights`,
          message: `${distribution.weights.length} weights for ${distribution.values.length} values; give one weight per value`,
        });
      } else if (!distribution.weights.some((weight) => weight > 0)) {
        problems.push({ path: `${path}.weights`, message: 'at least one weight must be above zero' });
      }
    }
  }
  return problems;
}

/** Linked parameters move as one axis: in a grid, and for lists in any strategy, they have equally many values. */
function linkProblems(spec: SweepSpec, grid: boolean): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const axis of axesOf(spec)) {
    if (axis.link === undefined || axis.parameters.length < 2) continue;
    let expected: { length: number; index: number } | undefined;
    for (const index of axis.parameters) {
      const parameter = spec.parameters[index];
      if (parameter === undefined) continue;
      // Sampling moves a list by position and a range by fraction, so only lists must agree there.
      const length = grid ? gridLength(parameter) : parameter.values?.length;
      if (length === undefined) continue;
      if (expected === undefined) expected = { length, index };
      else if (length !== expected.length) {
        problems.push({
          path: `parameters[${index}]`,
          message: `linked with parameters[${expected.index}] by "${axis.link}", so it needs ${expected.length} values like it, not ${length}`,
        });
      }
    }
  }
  return problems;
}

/** The value at a path of a plain value; undefined where the path leaves it. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function fail(...problems: ValidationProblem[]): Parsed<SweepSpec> {
  return { ok: false, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Source tree → plain value, remembering where each node was written

interface PlainTree {
  value: unknown;
  /** Formatted path → offset of the node (of its key, for a mapping entry). */
  spots: Map<string, number>;
}

function plainValue(root: SourceNode): PlainTree {
  const spots = new Map<string, number>();
  const walk = (node: SourceNode, path: string, offset: number): unknown => {
    spots.set(path === '' ? topLevel : path, offset);
    if (node.kind === 'scalar') return node.value;
    if (node.kind === 'numbers') return node.values;
    if (node.kind === 'seq')
      return node.items.map((item, index) => walk(item, `${path}[${index}]`, item.offset));
    const object: Record<string, unknown> = {};
    for (const entry of node.entries) {
      const value = walk(entry.value, path === '' ? entry.key : `${path}.${entry.key}`, entry.keyOffset);
      Object.defineProperty(object, entry.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  };
  return { value: walk(root, '', root.offset), spots };
}

/** The offset of the node a path names, or of its nearest written ancestor (a missing field: its parent). */
function spotOf(path: string, spots: ReadonlyMap<string, number>): number {
  for (let current = path; ;) {
    const offset = spots.get(current);
    if (offset !== undefined) return offset;
    if (current === topLevel) return 0;
    const cut = current.endsWith(']') ? current.lastIndexOf('[') : current.lastIndexOf('.');
    current = cut > 0 ? current.slice(0, cut) : topLevel;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a sweep document as YAML: the document's own field order, lists of values and ranges on one line
 * each, no line folding; reads back to the same document with {@link readSweepSpec}.
 */
export function writeSweepSpec(spec: SweepSpec): string {
  const document = new Document(spec);
  document.commentBefore = ` Tessera sweep — ${spec.name.replace(/\s+/g, ' ')}`;
  const parameters = document.get('parameters');
  if (isSeq(parameters)) {
    for (const item of parameters.items) {
      if (!isMap(item)) continue;
      for (const key of ['values', 'range']) {
        const node = item.get(key, true);
        if (node instanceof YAMLSeq || node instanceof YAMLMap) node.flow = true;
      }
      const distribution = item.get('distribution', true);
      if (distribution instanceof YAMLMap) {
        for (const key of ['values', 'weights']) {
          const node = distribution.get(key, true);
          if (node instanceof YAMLSeq) node.flow = true;
        }
      }
    }
  }
  for (const key of ['strategy']) {
    const node = document.get(key, true);
    if (node instanceof YAMLMap) node.flow = true;
  }
  for (const key of ['constraints', 'objectives']) {
    const node = document.get(key, true);
    if (!(node instanceof YAMLSeq)) continue;
    for (const item of node.items) if (item instanceof YAMLMap) item.flow = true;
    if (node.items.length === 0) node.flow = true;
  }
  return document.toString({ lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true });
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema

/**
 * The JSON Schema (draft 2020-12) of the sweep document, for editors and other tools (`docs/sweep.schema.json`).
 * It says the shape; the rules of {@link sweepSpecProblems} are checked when the document is read.
 */
export function sweepJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(sweepSpecSchema, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io: 'input',
  });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: sweepSchemaId,
    title: 'Tessera sweep',
    description:
      'A Tessera sweep: which parameters of a design and its workload to vary, over which values, by which strategy (grid, random, Latin hypercube, NSGA-II), under which constraints, toward which objectives.',
    ...rest,
  };
}
