/**
 * The jobs an engine worker runs, as plain functions of (catalog, payload) so tests can call them without a
 * process. The worker (`engine-serve.ts`) only receives messages and calls `runJob`.
 */
import { indexCatalog, type Catalog, type CatalogIndex } from '../../engine/catalog';
import { checkDesign } from '../../engine/stages/check';
import { readDesign } from '../../engine/design-io';
import { evaluate } from '../../engine/evaluate';
import { applyOverrides } from '../../engine/overrides';
import { describeProblems, parseWith, type ValidationProblem } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import { modelSchema, type ModelConfig } from '../../engine/schema/model';
import {
  DEFAULT_MODEL_ID,
  defaultWorkload,
  workloadSchema,
  type Workload,
} from '../../engine/schema/workload';
import type { Result, SweepPoint, SweepVariant } from '../contract/api';
import { runServingJob, SERVING_JOB, type JobContext } from './serving-job';
import { runSweepChunk, SWEEP_CHUNK_JOB } from './sweep-protocol';

export type JobKind = 'check' | 'simulate' | 'sweep' | typeof SWEEP_CHUNK_JOB | typeof SERVING_JOB;

export type { JobContext };

export type { SweepPoint, SweepVariant };

const failedPoint: SweepPoint = {
  ok: false,
  decodeTokensPerSecond: 0,
  ttftSeconds: 0,
  tpotSeconds: 0,
  decodePowerWatts: 0,
  energyJoulesPerToken: 0,
  fits: false,
};

/**
 * A job's design and workload: validated here, unless the caller marks the payload `validated` — the backend
 * does, because `dispatch` has already checked it against the same schemas (or it was read back from the
 * project through them). Checking a 1,000-block design again costs 10–20 ms on every edit.
 */
function readJob(
  payload: unknown,
  needsWorkload: boolean,
): Result<{ design: DesignDocument; workload: Workload | undefined; model: ModelConfig | undefined }> {
  const request = (payload ?? {}) as {
    design?: unknown;
    workload?: unknown;
    model?: unknown;
    validated?: boolean;
  };
  if (request.validated === true)
    return {
      ok: true,
      value: {
        design: request.design as DesignDocument,
        workload: request.workload as Workload | undefined,
        model: request.model as ModelConfig | undefined,
      },
    };
  const invalid = (what: string, problems: ValidationProblem[]): Result<never> => ({
    ok: false,
    error: {
      code: 'invalid-payload',
      message: `The ${what} is invalid:\n${describeProblems(problems)}`,
      problems,
    },
  });
  const design = readDesign(request.design);
  if (!design.ok) return invalid('design', design.problems);
  let workload: Workload | undefined;
  if (needsWorkload) {
    const parsed = parseWith(workloadSchema, request.workload);
    if (!parsed.ok) return invalid('workload', parsed.problems);
    workload = parsed.value;
  }
  let model: ModelConfig | undefined;
  if (request.model !== undefined) {
    const parsed = parseWith(modelSchema, request.model);
    if (!parsed.ok) return invalid('model', parsed.problems);
    model = parsed.value;
  }
  return { ok: true, value: { design: design.value, workload, model } };
}

export function createJobRunner(
  catalog: Catalog,
): (kind: string, payload: unknown, context?: JobContext) => Result<unknown> {
  const index: CatalogIndex = indexCatalog(catalog);
  return (kind, payload, context) => {
    switch (kind) {
      case 'check': {
        const job = readJob(payload, false);
        if (!job.ok) return job;
        return { ok: true, value: checkDesign(job.value.design, index) };
      }
      case 'simulate': {
        const job = readJob(payload, true);
        if (!job.ok) return job;
        const { design, workload, model } = job.value;
        return {
          ok: true,
          value: evaluate({ design, workload: workload as Workload, model }, index),
        };
      }
      case 'sweep': {
        const job = readJob(payload, true);
        if (!job.ok) return job;
        const variants = ((payload ?? {}) as { variants?: SweepVariant[] }).variants ?? [];
        const { design } = job.value;
        const workload = job.value.workload as Workload;
        const points: SweepPoint[] = variants.map((variant) => {
          const changed =
            variant.overrides && variant.overrides.length > 0
              ? applyOverrides(design, variant.overrides, index)
              : { ok: true as const, design };
          if (!changed.ok) return failedPoint;
          const result = evaluate(
            { design: changed.design, workload: { ...workload, ...variant.workload } },
            index,
          );
          if (!result.ok) return failedPoint;
          const report = result.report;
          return {
            ok: true,
            decodeTokensPerSecond: report.decode.tokensPerSecond,
            ttftSeconds: report.prefill.seconds,
            tpotSeconds: report.decode.secondsPerStep,
            decodePowerWatts: report.decode.averagePowerWatts,
            energyJoulesPerToken: report.decode.energyJoulesPerToken,
            fits: report.memory.fits,
          };
        });
        return { ok: true, value: points };
      }
      // A chunk of a sweep's points; its session (design, workload, definition) was validated by `SweepRun`.
      case SWEEP_CHUNK_JOB:
        return runSweepChunk(index, payload);
      case SERVING_JOB:
        return runServingJob(catalog, index, payload, context);
      default:
        return { ok: false, error: { code: 'invalid-payload', message: `The engine has no job "${kind}".` } };
    }
  };
}

/** The design and model a worker warms up on: a common case that fits, so every stage of the engine runs. */
const WARM_UP_PRESET = 'nvidia-h100-sxm';

/**
 * Runs the jobs an edit runs — a simulation and a short batch sweep of the H100 preset with the default model —
 * once, with the results thrown away, so the engine's code is compiled before the user's first edit and not
 * during it (`npm run bench`: the first simulation on a worker took 35–39 ms, 6–6.5 ms after a warm-up). Returns
 * how many jobs produced a full result; a catalog without a preset or a model warms nothing. Never throws: a
 * worker that fails to warm up still works.
 */
export function warmUp(
  runJob: (kind: string, payload: unknown) => Result<unknown>,
  catalog: Catalog,
): number {
  const preset = catalog.presets.find((entry) => entry.id === WARM_UP_PRESET) ?? catalog.presets[0];
  const model = catalog.models.find((entry) => entry.id === DEFAULT_MODEL_ID) ?? catalog.models[0];
  if (!preset || !model) return 0;
  const workload = defaultWorkload(model.id);
  const jobs: [JobKind, unknown][] = [
    ['simulate', { design: preset.design, workload }],
    [
      'sweep',
      { design: preset.design, workload, variants: [{ workload: { batch: 2 } }, { workload: { batch: 4 } }] },
    ],
  ];
  // A job that runs but cannot evaluate (a simulation whose report failed, a sweep point that failed) compiled
  // less of the engine: it does not count.
  const complete = (value: unknown): boolean =>
    Array.isArray(value)
      ? value.every((point) => (point as SweepPoint).ok)
      : (value as { ok?: boolean } | undefined)?.ok === true;
  let ran = 0;
  for (const [kind, payload] of jobs) {
    try {
      const result = runJob(kind, payload);
      if (result.ok && complete(result.value)) ran += 1;
    } catch {
      // Only a head start: the same job, run for real, reports its own error.
    }
  }
  return ran;
}
