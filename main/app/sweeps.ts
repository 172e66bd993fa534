/**
 * Sweeps in the backend: starting one on a saved design, running its points on the engine pool in chunks (each
 * chunk kept in the project in one transaction), pause, resume and cancel, progress events (at most four a
 * second), the Pareto front recomputed when a sweep stops, sensitivity around a point, and opening a point as a
 * new design whose history says where it came from.
 *
 * A sweep's points are never all in memory: the runner walks the indices, and everything read back (pages, the
 * front, exports) is a query on the project file.
 */
import type { CatalogIndex } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import { prepareSweep } from '../../engine/sweep/apply';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import { objectivesOf } from '../../engine/sweep/judge';
import { paretoFront } from '../../engine/sweep/pareto';
import { createPointSource, valuesByPath } from '../../engine/sweep/points';
import { sensitivityVariants } from '../../engine/sweep/sensitivity';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepParameter, SweepSpec, SweepValue } from '../../engine/sweep/spec';
import { formatQuantity } from '../../engine/units';
import type { StoredDesign, SweepProgress, SweepSensitivity, SweepSummary } from '../contract/api';
import type { EnginePool } from '../services/engine-pool';
import { SweepRun } from '../services/sweep-run';
import { StoreError, type ProjectStore, type SweepRunInput } from '../store/project-store';

/** Points a worker evaluates per job, and so per write to the project (one transaction each). */
export const DEFAULT_CHUNK_SIZE = 1000;
/** Progress events are at least this far apart (four a second at most); a change of status always goes. */
const PROGRESS_INTERVAL_MS = 250;
/**
 * Chunks delivered but not yet written at which the run is held (no more chunks sent) until the writes catch
 * up: evaluation outrunning SQLite must not pile rows up in memory.
 */
const MAX_PENDING_WRITES = 8;

export interface SweepServiceOptions {
  pool: EnginePool;
  /** The open project (throws `no-project` when none is). */
  project: () => ProjectStore;
  /** The catalog with the project's own models. */
  catalog: () => Promise<CatalogIndex>;
  /** A model of the project's own (not in the library), for the workers. */
  projectModel: (id: string) => Promise<ModelConfig | undefined>;
  emit: (progress: SweepProgress) => void;
  author: () => string;
  chunkSize?: number;
  /** The clock progress events are throttled by (tests may pass their own). */
  now?: () => number;
}

interface ActiveRun {
  store: ProjectStore;
  stop: 'pause' | 'cancel' | undefined;
  runner: SweepRun | undefined;
  finished: Promise<void>;
  lastEmit: number;
  pointsPerSecond: number;
  /** Chunks delivered and waiting for their write, and the chain of writes. */
  pending: number;
  writes: Promise<void>;
  /** Whether the runner is held because writes fell behind. */
  held: boolean;
}

/** The points a sweep has in all: its grid or sample, or an NSGA-II run's population × generations. */
function totalOf(spec: SweepSpec): number {
  if (spec.strategy.kind === 'nsga2') return spec.strategy.population * spec.strategy.generations;
  return createPointSource(spec).total;
}

/** ` ("hbm.bandwidthBytesPerSecond")` for a problem at `parameters[0]…`: the parameter's path in its words. */
function sweptPath(spec: SweepSpec, at: string): string {
  const match = /^parameters\[(\d+)\]/.exec(at);
  const parameter = match ? spec.parameters[Number(match[1])] : undefined;
  return parameter ? ` ("${parameter.path}")` : '';
}

export class SweepService {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly now: () => number;

  constructor(private readonly options: SweepServiceOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /**
   * Every parameter path checked against the design and workload once, before anything is kept: a path that
   * names nothing, or a listed value out of its parameter's range, is refused with where it is.
   */
  private checkPaths(
    document: DesignDocument,
    workload: Workload,
    spec: SweepSpec,
    catalog: CatalogIndex,
  ): void {
    const prepared = prepareSweep(document, workload, spec, catalog);
    if (!prepared.ok)
      throw new StoreError(
        'invalid-payload',
        `The sweep cannot run on this design:\n${prepared.problems.map((problem) => `${problem.path}${sweptPath(spec, problem.path)}: ${problem.message}`).join('\n')}`,
      );
    if (totalOf(spec) === 0) throw new StoreError('invalid-payload', 'The sweep has no points.');
  }

  async start(designId: string, spec: SweepSpec, workload: Workload): Promise<SweepSummary> {
    const store = this.options.project();
    const design = await store.getDesign(designId);
    const catalog = await this.options.catalog();
    this.checkPaths(design.document, workload, spec, catalog);
    const sweep = await store.createSweep(designId, spec, workload, totalOf(spec));
    this.launch(store, sweep, catalog);
    return summaryOf(sweep);
  }

  async resume(sweepId: string): Promise<SweepSummary> {
    const store = this.options.project();
    if (this.runs.has(sweepId)) return store.getSweepSummary(sweepId);
    const sweep = await store.getSweep(sweepId);
    // A cancelled sweep resumes like a paused one: it kept its points, and goes on with the ones it lacks.
    if (sweep.status === 'done')
      throw new StoreError('conflict', `Sweep "${sweep.name}" is done; it has every point already.`);
    const running = await store.setSweepStatus(sweepId, 'running');
    this.launch(store, { ...sweep, ...running }, await this.options.catalog());
    return running;
  }

  /**
   * Stops a running sweep: the chunks in flight are evaluated and kept, then `pause` or `cancel` (which says the
   * user meant to end it) leaves it with its points; either resumes. Resolves once the project holds every point
   * it will.
   */
  async stop(sweepId: string, how: 'pause' | 'cancel'): Promise<SweepSummary> {
    const store = this.options.project();
    const run = this.runs.get(sweepId);
    if (run) {
      run.stop = how;
      run.runner?.cancel();
      await run.finished;
      return store.getSweepSummary(sweepId);
    }
    const summary = await store.getSweepSummary(sweepId);
    if (how === 'pause' || summary.status === 'done' || summary.status === 'cancelled') return summary;
    const cancelled = await store.setSweepStatus(sweepId, 'cancelled');
    this.options.emit(progressOf(cancelled, 0));
    return cancelled;
  }

  async delete(sweepId: string): Promise<void> {
    const run = this.runs.get(sweepId);
    if (run) {
      run.stop = 'cancel';
      run.runner?.cancel();
      await run.finished;
    }
    await this.options.project().deleteSweep(sweepId);
  }

  /**
   * The status as this process knows it: a sweep it is running is `running`, even if another program opening the
   * project marked it paused in the file meanwhile (it pauses sweeps a crash left `running`; this run goes on and
   * writes its final status when it ends).
   */
  withLiveStatus<T extends SweepSummary>(summary: T): T {
    return this.runs.has(summary.id) && summary.status === 'paused'
      ? { ...summary, status: 'running' }
      : summary;
  }

  /** Pauses every running sweep (the project is closing or another one opens); each keeps its points. */
  async pauseAll(): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) {
      run.stop = 'pause';
      run.runner?.cancel();
    }
    await Promise.all(runs.map((run) => run.finished));
  }

  private launch(store: ProjectStore, sweep: SweepRunInput, catalog: CatalogIndex): void {
    const run: ActiveRun = {
      store,
      stop: undefined,
      runner: undefined,
      finished: Promise.resolve(),
      lastEmit: Number.NEGATIVE_INFINITY,
      pointsPerSecond: 0,
      pending: 0,
      writes: Promise.resolve(),
      held: false,
    };
    this.runs.set(sweep.id, run);
    run.finished = this.drive(run, sweep, catalog).finally(() => this.runs.delete(sweep.id));
  }

  private report(run: ActiveRun, summary: SweepSummary, force: boolean): void {
    const now = this.now();
    if (!force && now - run.lastEmit < PROGRESS_INTERVAL_MS) return;
    run.lastEmit = now;
    this.options.emit(progressOf(summary, run.pointsPerSecond));
  }

  /**
   * Runs the sweep's points not yet kept on the pool (`SweepRun`), writing each chunk as it arrives; then marks
   * the front and records how it ended.
   */
  private async drive(run: ActiveRun, sweep: SweepRunInput, catalog: CatalogIndex): Promise<void> {
    const { store } = run;
    try {
      // NSGA-II's later generations need the rows of the earlier ones, so it cannot skip: it runs again from
      // its seed, making the same points, and those already kept are left as they were (their rows are equal).
      const skip =
        sweep.spec.strategy.kind === 'nsga2' ? new Set<number>() : await store.sweepDoneIndices(sweep.id);
      let summary: SweepSummary = await store.getSweepSummary(sweep.id);
      this.report(run, summary, true);
      let writeError: Error | undefined;
      const runner: SweepRun = new SweepRun({
        pool: this.options.pool,
        catalog,
        design: sweep.document,
        workload: sweep.workload,
        spec: sweep.spec,
        skip,
        chunkSize: this.options.chunkSize ?? DEFAULT_CHUNK_SIZE,
        onProgress: (progress) => {
          run.pointsPerSecond = progress.pointsPerSecond;
        },
        onRows: (rows) => {
          run.pending += 1;
          if (run.pending >= MAX_PENDING_WRITES && !run.held) {
            run.held = true;
            runner.pause();
          }
          run.writes = run.writes.then(async () => {
            try {
              if (writeError === undefined) {
                summary = await store.addSweepPoints(sweep.id, rows);
                this.report(run, summary, false);
              }
            } catch (error) {
              writeError = error instanceof Error ? error : new Error(String(error));
              runner.cancel();
            } finally {
              run.pending -= 1;
              if (run.held && run.pending <= MAX_PENDING_WRITES / 2) {
                run.held = false;
                runner.resume();
              }
            }
          });
        },
      });
      run.runner = runner;
      const finished = runner.start();
      if (run.stop !== undefined) runner.cancel();
      const result = await finished;
      await run.writes;
      if (writeError !== undefined) throw writeError;
      await this.recomputeFront(store, sweep.id, sweep.spec);
      const status =
        result.status === 'failed'
          ? 'failed'
          : run.stop === 'cancel'
            ? 'cancelled'
            : run.stop === 'pause' || result.status === 'cancelled'
              ? 'paused'
              : 'done';
      summary = await store.setSweepStatus(sweep.id, status, result.error?.message);
      this.report(run, summary, true);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const failed = await store.setSweepStatus(sweep.id, 'failed', message).catch(() => undefined);
      if (failed) this.report(run, failed, true);
    }
  }

  /** Marks the front of the feasible points over the sweep's objectives, so `only: 'front'` is a query. */
  private async recomputeFront(store: ProjectStore, sweepId: string, spec: SweepSpec): Promise<void> {
    const objectives = objectivesOf(spec);
    // One or two objectives (the usual case): a query over the kept points. More: core's front in memory, over
    // the objectives' figures alone.
    if (objectives.length <= 2) {
      await store.markSweepFrontInSql(sweepId, objectives);
      return;
    }
    const points = await store.sweepFeasibleFigures(
      sweepId,
      objectives.map((objective) => objective.figure),
    );
    // Rows with only the objectives' figures: what the front reads.
    const rows = points.map((point) => {
      const figures = {} as Record<SweepFigureId, number>;
      objectives.forEach((objective, position) => {
        figures[objective.figure] = point.figures[position] ?? Number.NaN;
      });
      return { index: point.index, values: {}, ok: true, feasible: true, figures };
    });
    const front = paretoFront(rows, objectives).map((row) => row.index);
    await store.markSweepFront(sweepId, front);
  }

  /**
   * Evaluates given points of a sweep's design on the pool, as one run of a grid whose parameters are all
   * linked (its i-th point is the i-th row of `points`). A point that cannot be evaluated comes back failed.
   */
  private async evaluatePoints(
    sweep: SweepRunInput,
    points: Record<string, SweepValue>[],
    catalog: CatalogIndex,
  ): Promise<SweepRow[]> {
    const linked = (values: SweepValue[], parameter: SweepParameter): SweepParameter => ({
      path: parameter.path,
      values,
      link: 'points',
    });
    const specOf = (rows: Record<string, SweepValue>[]): SweepSpec => ({
      ...sweep.spec,
      strategy: { kind: 'grid' },
      parameters: sweep.spec.parameters.map((parameter) =>
        linked(
          rows.map((row) => row[parameter.path] ?? 0),
          parameter,
        ),
      ),
    });
    // A value the design refuses (out of its parameter's range) fails only its own point.
    let usable = points;
    const refused = new Set<number>();
    const prepared = prepareSweep(sweep.document, sweep.workload, specOf(points), catalog);
    if (!prepared.ok)
      for (const problem of prepared.problems) {
        const match = /\.values\[(\d+)\]$/.exec(problem.path);
        if (match) refused.add(Number(match[1]));
      }
    if (refused.size > 0)
      usable = points.map((point, index) => (refused.has(index) ? (points[0] ?? point) : point));
    const rows: SweepRow[] = [];
    const runner = new SweepRun({
      pool: this.options.pool,
      catalog,
      design: sweep.document,
      workload: sweep.workload,
      spec: specOf(usable),
      chunkSize: usable.length,
      onRows: (chunk) => rows.push(...chunk),
    });
    const result = await runner.start();
    if (result.status !== 'done')
      throw new StoreError(
        'worker-failed',
        result.error?.message ?? 'The points could not be evaluated on the engine workers.',
      );
    return rows.map((row) =>
      refused.has(row.index)
        ? { index: row.index, values: points[row.index] ?? {}, ok: false, feasible: false, error: 'refused' }
        : row,
    );
  }

  /** Every parameter ±10 % around a point (the first on the front when not given), evaluated on the pool. */
  async sensitivity(sweepId: string, index: number | undefined): Promise<SweepSensitivity[]> {
    const store = this.options.project();
    const sweep = await store.getSweep(sweepId);
    const point =
      index === undefined
        ? await store.firstSweepFrontPoint(sweepId)
        : await store.sweepPoint(sweepId, index);
    if (!point)
      throw new StoreError('not-found', `Sweep "${sweep.name}" has no point on its front yet; name a point.`);
    const base = sweep.spec.parameters.map((parameter) => point.values[parameter.path] ?? Number.NaN);
    const variants = sensitivityVariants(sweep.spec, base);
    // Point 0 is the base, then each parameter's low and high.
    const points = [
      point.values,
      ...variants.flatMap((variant) => [
        valuesByPath(sweep.spec, variant.lowValues),
        valuesByPath(sweep.spec, variant.highValues),
      ]),
    ];
    const rows = await this.evaluatePoints(sweep, points, await this.options.catalog());
    const figure = (position: number, id: SweepFigureId): number =>
      rows[position]?.figures?.[id] ?? Number.NaN;
    return variants.map((variant, position) => {
      const figures: SweepSensitivity['figures'] = {};
      for (const id of sweepFigureIds)
        figures[id] = {
          base: figure(0, id),
          low: figure(1 + 2 * position, id),
          high: figure(2 + 2 * position, id),
        };
      return {
        parameter: variant.path,
        label: variant.label,
        base: variant.base,
        low: variant.low,
        high: variant.high,
        figures,
      };
    });
  }

  /** A point as a new design: the sweep's design document with the point applied, its history naming the source. */
  async openPoint(sweepId: string, index: number, name: string | undefined): Promise<StoredDesign> {
    const store = this.options.project();
    const sweep = await store.getSweep(sweepId);
    const point = await store.sweepPoint(sweepId, index);
    const catalog = await this.options.catalog();
    // The same delta the sweep evaluated the point with (engine/sweep/apply.ts), so the design opened is the one
    // whose figures the table shows.
    const prepared = prepareSweep(sweep.document, sweep.workload, sweep.spec, catalog);
    const applied = prepared.ok
      ? prepared.apply(sweep.spec.parameters.map((parameter) => point.values[parameter.path] as SweepValue))
      : { ok: false as const, message: prepared.problems.map((problem) => problem.message).join('; ') };
    if (!applied.ok)
      throw new StoreError(
        'invalid-payload',
        `Point #${index} of sweep "${sweep.name}" cannot be applied to its design: ${applied.message}`,
      );
    const designName = name ?? pointDesignName(sweep.document.name, sweep.name, index);
    const summary = `From sweep '${sweep.name}', point ${index}: ${describeValues(sweep.document, point.values, catalog)}`;
    return store.createDesign(designName, applied.design, applied.workload, {
      author: this.options.author(),
      kind: 'sweep',
      summary,
    });
  }
}

/** The name a point opens as: "<design> — <sweep> #<index>". */
export function pointDesignName(designName: string, sweepName: string, index: number): string {
  return `${designName} — ${sweepName} #${index}`.slice(0, 200);
}

/** "hbm.bandwidthBytesPerSecond = 4.8 TB/s, workload.batch = 64": each value in its parameter's unit. */
export function describeValues(
  design: DesignDocument,
  values: Record<string, SweepValue>,
  catalog: CatalogIndex,
): string {
  return Object.entries(values)
    .map(([path, value]) => {
      if (typeof value !== 'number') return `${path} = ${value}`;
      const [target, param] = path.split('.');
      const block = design.blocks.find((candidate) => candidate.id === target);
      const spec = block
        ? catalog.blockTypes.get(block.type)?.params.find((entry) => entry.key === param)
        : undefined;
      return `${path} = ${spec?.kind === 'number' ? formatQuantity(value, spec.unit) : String(value)}`;
    })
    .join(', ');
}

function summaryOf(sweep: SweepSummary): SweepSummary {
  return {
    id: sweep.id,
    name: sweep.name,
    designId: sweep.designId,
    designRevision: sweep.designRevision,
    createdAt: sweep.createdAt,
    status: sweep.status,
    total: sweep.total,
    evaluated: sweep.evaluated,
    failed: sweep.failed,
    feasible: sweep.feasible,
    ...(sweep.message === undefined ? {} : { message: sweep.message }),
  };
}

function progressOf(summary: SweepSummary, pointsPerSecond: number): SweepProgress {
  const left = summary.total - summary.evaluated;
  return {
    ...summary,
    pointsPerSecond,
    etaSeconds: summary.status === 'running' && pointsPerSecond > 0 ? left / pointsPerSecond : null,
  };
}
