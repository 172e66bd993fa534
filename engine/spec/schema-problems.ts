/**
 * Where a problem in a text is shown: the line, column and written path of the node a schema problem is about
 * (or its nearest written ancestor when the node is missing), for the design text and the workload text alike.
 */
import type { ValidationProblem } from '../schema/common';
import type { Conversion } from './readable-shape';
import { quote, type lineLocator, type OffsetProblem } from './source-tree';

/** One problem in a text: where (1-based line and column, in UTF-16 code units) and why. */
export interface SpecProblem {
  line: number;
  column: number;
  /**
   * Where in the text's structure, as written: `blocks.hbm.params.rows` for a block keyed by id,
   * `links[3].from` for a list entry, `workload.serving.traffic.ratePerSecond`; `(syntax)` for a syntax
   * error, `(text)` for a problem with the whole text.
   */
  path: string;
  message: string;
}

/** The most problems listed for one text (one more entry says how many were left out). */
export const maxProblems = 100;

export const topLevel = '(top level)';
export const wholeText = '(text)';

/**
 * Turns offsets into lines and columns, sorted by position, at most {@link maxProblems} of them (a
 * truncated or garbled file can raise thousands, and the first few say what is wrong); never empty.
 */
export function located(
  problems: readonly OffsetProblem[],
  locate: ReturnType<typeof lineLocator>,
  fallback: string,
): SpecProblem[] {
  const sorted = [...problems].sort((first, second) => first.offset - second.offset);
  const result = sorted.slice(0, maxProblems).map((problem) => ({
    ...locate(problem.offset),
    path: problem.path,
    message: problem.message,
  }));
  const firstHidden = sorted[maxProblems];
  if (firstHidden !== undefined) {
    result.push({
      ...locate(firstHidden.offset),
      path: firstHidden.path,
      message: `${sorted.length - maxProblems} more problems from here on are not shown`,
    });
  }
  return result.length > 0 ? result : [{ line: 1, column: 1, path: wholeText, message: fallback }];
}

/** One problem about the whole text, at its start. */
export function textProblem(message: string): SpecProblem[] {
  return [{ line: 1, column: 1, path: wholeText, message }];
}

export function typeDescription(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/** Whether `path` or one of its ancestors is in `paths` (formatted document paths). */
export function isUnder(path: string, paths: ReadonlySet<string>): boolean {
  for (let current = path; ; current = parentPath(current)) {
    if (paths.has(current)) return true;
    if (current === topLevel) return false;
  }
}

/** Places a schema problem on the node its path names, or on the nearest written ancestor when it is missing. */
export function placeSchemaProblem(
  problem: ValidationProblem,
  conversion: Pick<Conversion, 'spots' | 'keys'>,
): OffsetProblem[] {
  // zod reports unknown keys on their mapping; each is better shown on its own line.
  if (/^Unrecognized keys?: /.test(problem.message)) {
    const keys = (conversion.keys.get(problem.path) ?? []).filter((key) =>
      problem.message.includes(`"${key}"`),
    );
    const placed = [...new Set(keys)].flatMap((key) => {
      const spot = conversion.spots.get(problem.path === topLevel ? key : `${problem.path}.${key}`);
      return spot ? [{ offset: spot.offset, path: spot.path, message: `unknown key ${quote(key)}` }] : [];
    });
    if (placed.length > 0) return placed;
  }
  let matched = problem.path;
  let spot = conversion.spots.get(matched);
  while (spot === undefined && matched !== topLevel) {
    matched = parentPath(matched);
    spot = conversion.spots.get(matched);
  }
  const offset = spot?.offset ?? 0;
  const base = spot?.path ?? topLevel;
  return [
    {
      offset,
      path: joinPath(base, matched, problem.path),
      message: clearerMessage(problem, matched !== problem.path),
    },
  ];
}

/**
 * The written path of a document path whose ancestor `matched` was written at `base`: `blocks.hbm` +
 * `.params.rows`; under a root written at `workload`, `model` becomes `workload.model`.
 */
function joinPath(base: string, matched: string, path: string): string {
  if (base === topLevel) return path;
  if (matched !== topLevel) return `${base}${path.slice(matched.length)}`;
  if (path === topLevel) return base;
  return path.startsWith('[') ? `${base}${path}` : `${base}.${path}`;
}

/** zod's generic messages, said in the terms of the text where it helps. */
function clearerMessage(problem: ValidationProblem, missing: boolean): string {
  const expected = /^Invalid input: expected (.+), received undefined$/.exec(problem.message);
  if (missing && expected) return `required but missing (expected ${expected[1]})`;
  if (problem.message === 'Invalid input' && /^blocks\[\d+\]\.params\./.test(problem.path)) {
    // A failed union is reported on the parameter itself; a bad cell on its own path inside a row.
    return parentPath(problem.path).endsWith(']')
      ? 'a table cell is a number or a text'
      : 'a parameter is a number (in SI units), a text (an option), or a list of table rows';
  }
  return problem.message;
}

/** `blocks[2].params.rows` → `blocks[2].params` → `blocks[2]` → `blocks` → `(top level)`. */
export function parentPath(path: string): string {
  const cut = path.endsWith(']') ? path.lastIndexOf('[') : path.lastIndexOf('.');
  return cut > 0 && cut < path.length ? path.slice(0, cut) : topLevel;
}
