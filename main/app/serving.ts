/**
 * The `serving` API: serving runs on the engine pool, by the caller's `runId`, with their progress sent as
 * `serving.onProgress` events and a cancel.
 *
 * - A run is one pool job (`SERVING_JOB`, time limit `SERVING_TIME_LIMIT_MS`); its progress arrives from the
 *   worker at most five times a second and goes out as `{ runId, done, stage }`; a run that succeeds ends with
 *   `done: 1`.
 * - `cancel(runId)` answers the run `cancelled` at once; the pool ends the worker if it is still busy a second
 *   later and starts another (`EnginePool`, `CANCEL_GRACE_MS`).
 * - A second run with the same `runId` while one runs **replaces** it: the old one answers `cancelled` (as a newer
 *   simulation supersedes an older one), so pressing Run again with other settings never leaves two runs racing
 *   under one name. Progress of the old run stops before the new one's starts.
 */
import type { ServingReport } from '../../engine/serving/types';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import type { Result, ServingProgress } from '../contract/api';
import type { EnginePool, JobDesign } from '../services/engine-pool';
import {
  SERVING_JOB,
  SERVING_TIME_LIMIT_MS,
  type ServingJobPayload,
  type ServingJobProgress,
} from '../services/serving-job';

export interface ServingRunsOptions {
  pool: EnginePool;
  /** The open project's imported models (a workload or a tenant may name one). */
  projectModels: () => Promise<ModelConfig[]>;
  /** Whether the library has a model of this id. */
  libraryHas: (id: string) => boolean;
  emit: (progress: ServingProgress) => void;
}

export class ServingRuns {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: ServingRunsOptions) {}

  async run(
    runId: string,
    design: JobDesign,
    workload: Workload,
    rates: number[] | undefined,
  ): Promise<Result<ServingReport>> {
    this.cancel(runId);
    const controller = new AbortController();
    this.running.set(runId, controller);
    try {
      const models = await this.modelsFor(workload);
      if (controller.signal.aborted)
        return { ok: false, error: { code: 'cancelled', message: 'The run was cancelled.' } };
      // Checked by `dispatch`, so the worker need not check it again.
      const payload: Omit<ServingJobPayload, 'design'> = {
        workload,
        ...(rates ? { rates } : {}),
        ...(models.length > 0 ? { models } : {}),
        validated: true,
      };
      const result = await this.options.pool.run<ServingReport>(SERVING_JOB, payload, {
        design,
        timeLimitMs: SERVING_TIME_LIMIT_MS,
        signal: controller.signal,
        onProgress: (progress) => {
          const { done, stage } = progress as ServingJobProgress;
          if (!controller.signal.aborted) this.options.emit({ runId, done, stage });
        },
      });
      if (result.ok) this.options.emit({ runId, done: 1, stage: 'done' });
      return result;
    } finally {
      if (this.running.get(runId) === controller) this.running.delete(runId);
    }
  }

  /** Stops a run; unknown or finished ids are ignored. */
  cancel(runId: string): void {
    const controller = this.running.get(runId);
    if (!controller) return;
    this.running.delete(runId);
    controller.abort();
  }

  /** Stops every run (the backend is closing). */
  cancelAll(): void {
    for (const runId of [...this.running.keys()]) this.cancel(runId);
  }

  /** The project's models the workload and its tenants name that the library does not have. */
  private async modelsFor(workload: Workload): Promise<ModelConfig[]> {
    const wanted = new Set(
      [workload.model, ...(workload.serving?.tenants ?? []).map((tenant) => tenant.model)].filter(
        (id) => !this.options.libraryHas(id),
      ),
    );
    if (wanted.size === 0) return [];
    return (await this.options.projectModels()).filter((model) => wanted.has(model.id));
  }
}
