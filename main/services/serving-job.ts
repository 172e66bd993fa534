/**
 * The serving run as an engine worker's job: `serve` (engine/serving/serve.ts) on the job's design and workload,
 * its progress sent to the pool at most `PROGRESS_INTERVAL_MS` apart (and once at the end). A serving run may take
 * minutes, so the pool gives this job kind its own time limit, `SERVING_TIME_LIMIT_MS`.
 *
 * Cancel: a worker runs a job synchronously and hears no message until it ends, so the pool stops a cancelled
 * run by ending its worker (`EnginePool`, `CANCEL_GRACE_MS`). `serve`'s `progress` returning false
 * (`ServingCancelled`) is still answered `cancelled`, for a caller that runs it in its own process.
 */
import { indexCatalog, type Catalog, type CatalogIndex } from '../../engine/catalog';
import { readDesign } from '../../engine/design-io';
import { describeProblems, parseWith, type ValidationProblem } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import type { ServingReport } from '../../engine/serving/types';
import type { Result } from '../contract/api';
import { serve } from '../../engine/serving/serve';
import { ServingCancelled } from '../../engine/serving/simulate';

/** The job kind the pool runs a serving simulation as. */
export const SERVING_JOB = 'serve';

/** How long a serving run may take on a worker before it is stopped (the pool's default for other jobs is 60 s). */
export const SERVING_TIME_LIMIT_MS = 10 * 60_000;

/** Progress messages at most this far apart (5 a second): enough for a progress bar, little IPC. */
export const PROGRESS_INTERVAL_MS = 200;

/** What a worker sends the pool while a serving run goes on. */
export interface ServingJobProgress {
  /** Share done, 0–1. */
  done: number;
  stage: string;
}

/** What a job may do beside answering: send progress to the pool while it runs. */
export interface JobContext {
  progress(progress: unknown): void;
}

/** A serving job's payload; the worker puts the design in from the job's `JobDesign`. */
export interface ServingJobPayload {
  design: DesignDocument;
  workload: Workload;
  rates?: number[];
  /** Models the workload or its tenants name that the library does not have (a project's imported ones). */
  models?: ModelConfig[];
  /** Already checked against the same schemas (by `dispatch`): not checked again. */
  validated?: boolean;
}

/** What the run is doing, in a few words, for the progress bar. */
export function servingStage(workload: Workload, rates: readonly number[] | undefined): string {
  const tenants = workload.serving?.tenants?.length ?? 0;
  if (tenants > 1) return `${tenants} models sharing the design`;
  if (rates && rates.length > 0) return `the run and ${rates.length} rates of the curve`;
  return 'simulating requests';
}

const invalid = (message: string, problems: ValidationProblem[] = []): Result<never> => ({
  ok: false,
  error: { code: 'invalid-payload', message, ...(problems.length > 0 ? { problems } : {}) },
});

/** The payload as a serving run needs it: checked here unless `validated`. */
function readPayload(payload: unknown): Result<ServingJobPayload> {
  const request = (payload ?? {}) as Partial<ServingJobPayload>;
  if (request.validated === true) return { ok: true, value: request as ServingJobPayload };
  const design = readDesign(request.design);
  if (!design.ok)
    return invalid(`The design is invalid:\n${describeProblems(design.problems)}`, design.problems);
  const workload = parseWith(workloadSchema, request.workload);
  if (!workload.ok)
    return invalid(`The workload is invalid:\n${describeProblems(workload.problems)}`, workload.problems);
  return { ok: true, value: { ...request, design: design.value, workload: workload.value } };
}

export function runServingJob(
  catalog: Catalog,
  index: CatalogIndex,
  payload: unknown,
  context: JobContext | undefined,
): Result<ServingReport> {
  const job = readPayload(payload);
  if (!job.ok) return job;
  const { design, workload, rates, models } = job.value;
  if (!workload.serving)
    return invalid('The workload has no serving scenario (workload.serving): nothing to simulate.', [
      { path: 'workload.serving', message: 'is required for a serving run' },
    ]);
  const catalogIndex =
    models && models.length > 0
      ? indexCatalog({ ...catalog, models: [...catalog.models, ...models] })
      : index;
  const stage = servingStage(workload, rates);
  let sentAt = -Infinity;
  const progress = (done: number): boolean => {
    const now = performance.now();
    if (done >= 1 || now - sentAt >= PROGRESS_INTERVAL_MS) {
      sentAt = now;
      context?.progress({ done: Math.min(1, Math.max(0, done)), stage } satisfies ServingJobProgress);
    }
    return true;
  };
  try {
    const served = serve(design, workload, catalogIndex, { ...(rates ? { rates } : {}), progress });
    if (!served.ok) return { ok: false, error: { code: 'invalid-payload', message: served.message } };
    return { ok: true, value: served.report };
  } catch (error) {
    if (error instanceof ServingCancelled)
      return { ok: false, error: { code: 'cancelled', message: 'The serving run was cancelled.' } };
    throw error;
  }
}
