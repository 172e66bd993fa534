/**
 * Shared pieces of every Tessera file format: ids, sources, and the way validation problems are reported.
 *
 * Every format is a zod schema (one definition, used for parsing, typing and the JSON Schema export).
 */
import { z } from 'zod';

/** A stable identifier a person can type: letters, digits, `-`, `_` and `.`; starts with a letter. */
export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]{0,79}$/,
    'must start with a letter and use only letters, digits, "-", "_" or "."',
  );

/** Library ids are kebab-case (`nvidia-h100-sxm`) or dotted kebab-case for block types (`compute.systolic`). */
export const libraryIdSchema = z
  .string()
  .regex(
    /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/,
    'must be lowercase kebab-case, e.g. "llama-3-8b" or "compute.systolic"',
  );

/**
 * A finite number (never NaN or ±Infinity: zod's `number` refuses both). Its message comes from the error map
 * below; a per-schema message or a refinement here would take zod off its fast path for every object holding a
 * number (validating a 1,000-block design took 3× longer).
 */
export const finite = () => z.number();

// Every "expected a number" problem, NaN and ±Infinity included, reads the same way in Tessera's messages.
z.config({
  customError: (issue) =>
    issue.code === 'invalid_type' && issue.expected === 'number' ? 'must be a finite number' : undefined,
});
/** A finite number ≥ 0. */
export const nonNegative = () => finite().refine((value) => value >= 0, 'must be zero or more');
/** A finite number > 0. */
export const positive = () => finite().refine((value) => value > 0, 'must be greater than zero');
/** A whole number ≥ 1. */
export const countSchema = z.number().int('must be a whole number').min(1, 'must be at least 1');

/**
 * Free text with a length limit and a message that says it. Every text a file can carry is bounded: the
 * exports and the app lay text out in time that grows with its length, and a name or a citation is never
 * long (a 60,000-character citation took a Markdown export 15 s).
 */
export const boundedText = (max: number) =>
  z.string().max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

/** The limits of free-text fields, in UTF-16 code units. */
export const textLimits = {
  citation: 2000,
  url: 2000,
  original: 1000,
  note: 4000,
  appliesTo: 200,
} as const;

/**
 * Where a number comes from. `original` keeps the figure as the source printed it when Tessera converted
 * it to SI units ("3.35 TB/s", "700 W TDP", "0.9 pJ/bit at 45 nm").
 */
export const sourceSchema = z.strictObject({
  citation: boundedText(textLimits.citation).min(3, 'must name the datasheet, paper or page'),
  url: boundedText(textLimits.url).url('must be a URL').optional(),
  original: boundedText(textLimits.original).optional(),
  note: boundedText(textLimits.note).optional(),
  /** What the source backs, when it backs only part of an entry: a parameter path such as `hbm.bandwidthBytesPerSecond`. */
  appliesTo: boundedText(textLimits.appliesTo).optional(),
});
export type Source = z.infer<typeof sourceSchema>;

/** One problem found while validating a value: where (a JSON path such as `blocks[2].params.rows`) and why. */
export interface ValidationProblem {
  path: string;
  message: string;
  /** 1-based line in the source text, when the value was read from text (a JSON or YAML spec). */
  line?: number;
  /** 1-based column (UTF-16 code units), with `line`. */
  column?: number;
}

/** Result of parsing untrusted data: the typed value, or every problem with its path. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: ValidationProblem[] };

/** Formats a zod issue path the way a person reads it: `blocks[2].params.rows`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(top level)' : text;
}

/** Parses `value` with `schema`; never throws. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}

/** One line per problem, for messages shown to a person. */
export function describeProblems(problems: readonly ValidationProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}
