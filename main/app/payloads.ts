/**
 * One schema per payload shape: main validates the arguments of every API call before the backend sees
 * them. The mapped type makes the compiler insist on a schema for every method of the contract.
 */
import { z } from 'zod';
import { designDeltaSchema } from '../../engine/design-delta';
import { designSchema } from '../../engine/schema/design';
import { workloadSchema } from '../../engine/schema/workload';
import { anchorSchema, commentIdSchema, reviewLimits } from '../../engine/schema/review';
import { sweepFigureIds } from '../../engine/sweep/figures';
import { sweepSpecProblems } from '../../engine/sweep/read';
import { sweepSpecSchema } from '../../engine/sweep/spec';
import type { DesignInput, TesseraApi } from '../contract/api';
import { projectPathProblem } from '../store/disk';
import { fragmentSchema } from '../store/library';

type Method<D extends keyof TesseraApi> = {
  [M in keyof TesseraApi[D]]: M extends `on${string}` ? never : M;
}[keyof TesseraApi[D]];

type Arguments<D extends keyof TesseraApi, M extends keyof TesseraApi[D]> = TesseraApi[D][M] extends (
  ...args: infer A
) => unknown
  ? A
  : never;

type PayloadSchemas = {
  [D in keyof TesseraApi]: { [M in Method<D>]: z.ZodType<Arguments<D, M>> };
};

const id = z.string().min(1, 'must not be empty').max(200, 'is too long');
const path = z
  .string()
  .min(1, 'must not be empty')
  .max(4096, 'is too long')
  .refine((value) => !value.includes('\0'), 'must not contain NUL characters');
/** A project file's path: absolute, ending in `.tessera` (what the file dialogs give). */
const projectPath = path.superRefine((value, context) => {
  if (value.includes('\0')) return;
  const problem = projectPathProblem(value);
  if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
});
const name = z.string().trim().min(1, 'must not be empty').max(200, 'is too long (200 characters at most)');

/**
 * A request about a design (`DesignInput`): the design whole, or `base` (the token of an earlier request) with
 * an optional delta — one or the other, which the refinement checks and the contract's union type states.
 */
function withDesignInput<Shape extends z.ZodRawShape>(shape: Shape) {
  const token = z.string().min(1, 'must not be empty').max(200, 'is too long');
  return z
    .strictObject({
      design: designSchema.optional(),
      base: token.optional(),
      delta: designDeltaSchema.optional(),
      token: token.optional(),
      ...shape,
    })
    .superRefine((input, context) => {
      const value = input as { design?: unknown; base?: unknown; delta?: unknown };
      if ((value.design === undefined) === (value.base === undefined))
        context.addIssue({
          code: 'custom',
          path: ['design'],
          message: 'give either a design or the base (token) of an earlier one, not both or neither',
        });
      if (value.delta !== undefined && value.base === undefined)
        context.addIssue({
          code: 'custom',
          path: ['delta'],
          message: 'a delta needs the base it applies to',
        });
    }) as unknown as z.ZodType<DesignInput & z.infer<ReturnType<typeof z.strictObject<Shape>>>>;
}
const none = z.tuple([]);
/** A sweep document: its schema, then the rules the schema cannot express (`sweepSpecProblems`), each with its path. */
const sweepSpec = sweepSpecSchema.superRefine((spec, context) => {
  for (const problem of sweepSpecProblems(spec))
    context.addIssue({ code: 'custom', message: `${problem.path}: ${problem.message}` });
});
const sweepId = z.strictObject({ sweepId: id });
/** A sort or filter key of a sweep's points: `index`, a figure id or a parameter path. */
const pointKey = z.string().min(1, 'must not be empty').max(200, 'is too long (200 characters at most)');
const pointIndex = z.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER);
/** Base64 text of at most `maxBytes` decoded bytes. */
const base64 = (maxBytes: number, what: string) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4, `${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64 text');
/** A review bundle the user chose: its name and its bytes (base64). */
const bundleFile = z.strictObject({
  fileName: z.string().max(1000, 'is too long'),
  content: base64(reviewLimits.bundleBytes, 'the review bundle'),
});
const commentText = z
  .string()
  .trim()
  .min(1, 'a comment needs some text')
  .max(
    reviewLimits.commentText,
    `is too long (${reviewLimits.commentText.toLocaleString('en-US')} characters at most)`,
  );
/** A new comment's anchor: the backend adds the element's fingerprint and label. */
const commentAnchorInput = z.union([
  z.strictObject({ kind: z.literal('design') }),
  z.strictObject({ kind: z.enum(['block', 'link', 'group']), id }),
  z.strictObject({ kind: z.literal('point'), x: z.number(), y: z.number() }),
  anchorSchema.options[3],
]);
const compareSide = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('design'), id }),
  z.strictObject({ kind: z.literal('version'), versionId: id }),
  z.strictObject({ kind: z.literal('sweep-point'), sweepId: id, index: pointIndex }),
  z.strictObject({
    kind: z.literal('document'),
    label: name,
    document: designSchema,
    workload: workloadSchema.nullable(),
  }),
]);

export const payloadSchemas: PayloadSchemas = {
  app: {
    info: none,
    getSettings: none,
    setSettings: z.tuple([
      z.strictObject({
        theme: z.enum(['system', 'light', 'dark']).optional(),
        authorName: z.string().max(120, 'is too long (120 characters at most)').optional(),
      }),
    ]),
    chooseProjectFile: z.tuple([z.strictObject({ mode: z.enum(['open', 'create']) })]),
  },
  projects: {
    current: none,
    open: z.tuple([z.strictObject({ path: projectPath })]),
    create: z.tuple([z.strictObject({ path: projectPath })]),
    recent: none,
    saveAs: z.tuple([z.strictObject({ path: projectPath })]),
  },
  designs: {
    list: none,
    get: z.tuple([z.strictObject({ id })]),
    create: z.tuple([
      z.strictObject({ name, document: designSchema.optional(), workload: workloadSchema.optional() }),
    ]),
    save: z.tuple([
      z.strictObject({
        id,
        document: designSchema,
        workload: workloadSchema.nullable().optional(),
        baseRevision: z.number().int().min(0),
        restoredFrom: z.strictObject({ versionId: id, name: z.string().max(300) }).optional(),
      }),
    ]),
    rename: z.tuple([z.strictObject({ id, name })]),
    duplicate: z.tuple([z.strictObject({ id, name: name.optional() })]),
    delete: z.tuple([z.strictObject({ id })]),
    restore: z.tuple([z.strictObject({ id })]),
    versions: z.tuple([z.strictObject({ id })]),
    checkpoint: z.tuple([z.strictObject({ id, name })]),
    version: z.tuple([z.strictObject({ versionId: id })]),
  },
  library: {
    catalog: none,
    importModel: z.tuple([
      z.strictObject({
        config: z.unknown(),
        id: z
          .string()
          .regex(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/, 'must be lowercase kebab-case, e.g. "my-model-7b"'),
        name: name.optional(),
        sourceUrl: z.string().url('must be a URL').optional(),
      }),
    ]),
    modules: none,
    saveModule: z.tuple([
      z.strictObject({ name, description: z.string().max(2000).optional(), fragment: fragmentSchema }),
    ]),
    deleteModule: z.tuple([z.strictObject({ id })]),
  },
  simulation: {
    check: z.tuple([z.strictObject({ design: designSchema })]),
    run: z.tuple([
      withDesignInput({
        workload: workloadSchema,
        channel: z.string().max(100).optional(),
        designId: id.optional(),
      }),
    ]),
    sweep: z.tuple([
      withDesignInput({
        workload: workloadSchema,
        variants: z
          .array(
            z.strictObject({
              workload: workloadSchema.partial().optional(),
              overrides: z
                .array(
                  z.strictObject({
                    target: z.string().max(100),
                    param: z.string().max(100),
                    value: z.string().max(200),
                  }),
                )
                .max(100)
                .optional(),
            }),
          )
          .max(100_000, 'a sweep has at most 100,000 points'),
        channel: z.string().max(100).optional(),
      }),
    ]),
  },
  files: {
    formats: none,
    export: z.tuple([
      z.strictObject({
        id,
        format: z.string().regex(/^[a-z]{2,16}$/, 'must be a format id such as "yaml" or "html"'),
        raster: base64(64 * 1024 * 1024, 'the picture').optional(),
      }),
    ]),
    import: z.tuple([
      z.strictObject({
        fileName: z.string().max(1000, 'is too long'),
        content: base64(16 * 1024 * 1024, 'the file'),
      }),
    ]),
  },
  sweeps: {
    list: z.tuple([z.strictObject({ designId: id.optional() })]),
    get: z.tuple([sweepId]),
    start: z.tuple([z.strictObject({ designId: id, spec: sweepSpec, workload: workloadSchema })]),
    pause: z.tuple([sweepId]),
    resume: z.tuple([sweepId]),
    cancel: z.tuple([sweepId]),
    delete: z.tuple([sweepId]),
    points: z.tuple([
      z.strictObject({
        sweepId: id,
        offset: pointIndex.optional(),
        limit: z.number().int('must be a whole number').min(1).max(10_000, 'is at most 10,000'),
        sort: z.strictObject({ key: pointKey, direction: z.enum(['asc', 'desc']) }).optional(),
        filters: z
          .array(
            z.strictObject({
              key: pointKey,
              min: z.number().optional(),
              max: z.number().optional(),
            }),
          )
          .max(32, 'has at most 32 filters')
          .optional(),
        only: z.enum(['all', 'feasible', 'front']).optional(),
        sample: z.boolean().optional(),
      }),
    ]),
    heatmap: z.tuple([
      z.strictObject({
        sweepId: id,
        x: pointKey,
        y: pointKey.optional(),
        figure: z.enum(sweepFigureIds),
        goal: z.enum(['min', 'max']),
        only: z.enum(['all', 'feasible']).optional(),
      }),
    ]),
    sensitivity: z.tuple([z.strictObject({ sweepId: id, index: pointIndex.optional() })]),
    openPoint: z.tuple([z.strictObject({ sweepId: id, index: pointIndex, name: name.optional() })]),
    export: z.tuple([z.strictObject({ sweepId: id, format: z.enum(['html', 'csv', 'jsonl']) })]),
  },
  serving: {
    run: z.tuple([
      withDesignInput({
        workload: workloadSchema.superRefine((workload, context) => {
          if (workload.serving === undefined)
            context.addIssue({
              code: 'custom',
              path: ['serving'],
              message:
                "a serving run needs the workload's serving scenario (traffic, requests, seed, scheduler); this workload has none",
            });
        }),
        runId: z.string().min(1).max(100),
        rates: z
          .array(z.number().positive().max(1e6))
          .min(1)
          .max(64, 'a rate sweep has at most 64 rates')
          .optional(),
      }),
    ]),
    cancel: z.tuple([z.strictObject({ runId: z.string().min(1).max(100) })]),
  },
  comments: {
    list: z.tuple([
      z.strictObject({
        designId: id,
        status: z.enum(['open', 'resolved', 'all']).optional(),
        author: z.string().max(reviewLimits.author, 'is too long').optional(),
      }),
    ]),
    add: z.tuple([z.strictObject({ designId: id, text: commentText, anchor: commentAnchorInput })]),
    reply: z.tuple([z.strictObject({ threadId: commentIdSchema, text: commentText })]),
    setStatus: z.tuple([z.strictObject({ threadId: commentIdSchema, status: z.enum(['open', 'resolved']) })]),
  },
  review: {
    export: z.tuple([
      z.strictObject({
        designIds: z
          .array(id)
          .min(1, 'choose at least one design to share')
          .max(reviewLimits.designs, `a review holds at most ${reviewLimits.designs} designs`),
      }),
    ]),
    open: z.tuple([bundleFile]),
    save: none,
    whatIf: z.tuple([z.strictObject({ designId: id, name: name.optional() })]),
    merge: z.tuple([bundleFile]),
    report: z.tuple([bundleFile]),
  },
  compare: {
    run: z.tuple([
      z.strictObject({ before: compareSide, after: compareSide, workload: workloadSchema.optional() }),
    ]),
  },
};
