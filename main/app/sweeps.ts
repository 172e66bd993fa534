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
import type { EvaluationResult } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import { readSweepFigures, sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec, SweepValue } from '../../engine/sweep/spec';
import { formatQuantity } from '../../engine/units';
import type { StoredDesign, SweepProgress, SweepSensitivity, SweepSummary } from '../contract/api';
import type { EnginePool } from '../services/engine-pool';
import { StoreError, type ProjectStore, type SweepRunInput } from '../store/project-store';
import {
  applyPoint,
  gridSource,
  judgeFigures,
  objectivesOf,
  paretoFront,
  sensitivityVariants,
} from './sweep-standins';

/** Points evaluated between two writes to the project (one transaction each). */
export const DEFAULT_CHUNK_SIZE = 64;
/** Progress events are at least this far apart (four a second at most); the last one always goes. */
const PROGRESS_INTERVAL_MS = 250;

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
  /** The clock progress rates are measured with (tests may pass their own). */
  now?: () => number;
}

interface ActiveRun {
  store: ProjectStore;
  stop: 'pause' | 'cancel' | undefined;
  finished: Promise<void>;
  startedAt: number;
  evaluatedAtStart: number;
  lastEmit: number;
}

/** The parameter values of a point by path, as a row carries them. */
function valuesByPath(spec: SweepSpec, values: readonly SweepValue[]): Record<string, SweepValue> {
  const record: Record<string, SweepValue> = {};
  spec.parameters.forEach((parameter, position) => {
    const value = values[position];
    if (value !== undefined) record[parameter.path] = value;
  });
  return record;
}

/** The points a sweep has in all, and the values of each (the grid, or a seeded draw). */
function pointsOf(spec: SweepSpec): { total: number; at(index: number): SweepValue[] } {
  if (spec.strategy.kind === 'grid') return gridSource(spec);
  throw new StoreError(
    'unavailable',
    `The "${spec.strategy.kind}" strategy cannot run in the app yet; use a grid (strategy kind "grid").`,
  );
}

export class SweepService {
  private readonly runs = new Map<string, ActiveRun>();
  private readonly now: () => number;

  constructor(private readonly options: SweepServiceOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Evaluates one point of a sweep on the pool: never throws, a point that fails is a row saying why. */
  private async evaluate(
    sweep: { spec: SweepSpec; document: DesignDocument; workload: Workload },
    catalog: CatalogIndex,
    index: number,
    values: Record<string, SweepValue>,
  ): Promise<SweepRow> {
    const failed = (error: string): SweepRow => ({ index, values, ok: false, error, feasible: false });
    const applied = applyPoint(sweep.document, sweep.workload, values, catalog);
    if (!applied.ok) return failed(applied.problems.join('; '));
    const model = await this.options.projectModel(applied.workload.model);
    const result = await this.options.pool.run<EvaluationResult>('simulate', {
      design: applied.design,
      workload: applied.workload,
      model,
      validated: true,
    });
    if (!result.ok) return failed(result.error.message);
    if (!result.value.ok)
      return failed(
        result.value.diagnostics
          .filter((diagnostic) => diagnostic.severity === 'error')
          .map((diagnostic) => diagnostic.message)
          .join('; ') || 'The design could not be evaluated.',
      );
    const figures = readSweepFigures(result.value.report);
    const judged = judgeFigures(sweep.spec, figures);
    return {
      index,
      values,
      ok: true,
      figures,
      feasible: judged.feasible,
      ...(judged.violations.length > 0 ? { violations: judged.violations } : {}),
    };
  }

  /**
   * Every parameter path checked against the design and workload once, before anything is kept: a path that
   * names nothing is refused with the path and what the design has.
   */
  private async checkPaths(
    document: DesignDocument,
    workload: Workload,
    spec: SweepSpec,
    catalog: CatalogIndex,
  ): Promise<void> {
    const source = pointsOf(spec);
    if (source.total === 0) throw new StoreError('invalid-payload', 'The sweep has no points.');
    const first = valuesByPath(spec, source.at(0));
    const problems: string[] = [];
    for (const parameter of spec.parameters) {
      const value = first[parameter.path];
      if (value === undefined) continue;
      const applied = applyPoint(document, workload, { [parameter.path]: value }, catalog);
      if (!applied.ok) problems.push(`parameters: "${parameter.path}": ${applied.problems.join('; ')}`);
    }
    if (problems.length > 0)
      throw new StoreError('invalid-payload', `The sweep cannot run on this design:\n${problems.join('\n')}`);
    await Promise.resolve();
  }

  async start(designId: string, spec: SweepSpec, workload: Workload): Promise<SweepSummary> {
    const store = this.options.project();
    const design = await store.getDesign(designId);
    const catalog = await this.options.catalog();
    await this.checkPaths(design.document, workload, spec, catalog);
    const sweep = await store.createSweep(designId, spec, workload, pointsOf(spec).total);
    this.launch(store, sweep, catalog);
    return summaryOf(sweep);
  }

  async resume(sweepId: string): Promise<SweepSummary> {
    const store = this.options.project();
    if (this.runs.has(sweepId)) return store.getSweepSummary(sweepId);
    const sweep = await store.getSweep(sweepId);
    if (sweep.status === 'done' || sweep.status === 'cancelled')
      throw new StoreError(
        'conflict',
        `Sweep "${sweep.name}" is ${sweep.status}; only a paused sweep resumes.`,
      );
    await store.setSweepStatus(sweepId, 'running');
    this.launch(store, { ...sweep, status: 'running' }, await this.options.catalog());
    return { ...summaryOf(sweep), status: 'running' };
  }

  /** Stops a running sweep after the chunk in flight; `pause` keeps it resumable, `cancel` ends it. */
  async stop(sweepId: string, how: 'pause' | 'cancel'): Promise<SweepSummary> {
    const store = this.options.project();
    const run = this.runs.get(sweepId);
    if (run) {
      run.stop = how;
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
      await run.finished;
    }
    await this.options.project().deleteSweep(sweepId);
  }

  /** Pauses every running sweep (the project is closing or another one opens); each keeps its points. */
  async pauseAll(): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) run.stop = 'pause';
    await Promise.all(runs.map((run) => run.finished));
  }

  private launch(store: ProjectStore, sweep: SweepRunInput, catalog: CatalogIndex): void {
    const run: ActiveRun = {
      store,
      stop: undefined,
      finished: Promise.resolve(),
      startedAt: this.now(),
      evaluatedAtStart: sweep.evaluated,
      lastEmit: Number.NEGATIVE_INFINITY,
    };
    this.runs.set(sweep.id, run);
    run.finished = this.drive(run, sweep, catalog).finally(() => this.runs.delete(sweep.id));
  }

  private report(run: ActiveRun, summary: SweepSummary, force: boolean): void {
    const now = this.now();
    if (!force && now - run.lastEmit < PROGRESS_INTERVAL_MS) return;
    run.lastEmit = now;
    const seconds = (now - run.startedAt) / 1000;
    const rate = seconds > 0 ? (summary.evaluated - run.evaluatedAtStart) / seconds : 0;
    this.options.emit(progressOf(summary, rate));
  }

  private async drive(run: ActiveRun, sweep: SweepRunInput, catalog: CatalogIndex): Promise<void> {
    const { store } = run;
    const chunkSize = Math.max(1, this.options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    try {
      const source = pointsOf(sweep.spec);
      const done = await store.sweepDoneIndices(sweep.id);
      let summary: SweepSummary = await store.getSweepSummary(sweep.id);
      this.report(run, summary, true);
      let next = 0;
      while (run.stop === undefined) {
        const chunk: number[] = [];
        for (; next < source.total && chunk.length < chunkSize; next += 1)
          if (!done.has(next)) chunk.push(next);
        if (chunk.length === 0) break;
        const rows = await Promise.all(
          chunk.map((index) =>
            this.evaluate(sweep, catalog, index, valuesByPath(sweep.spec, source.at(index))),
          ),
        );
        summary = await store.addSweepPoints(sweep.id, rows);
        this.report(run, summary, false);
      }
      await this.recomputeFront(store, sweep.id, sweep.spec);
      const status = run.stop === 'cancel' ? 'cancelled' : run.stop === 'pause' ? 'paused' : 'done';
      summary = await store.setSweepStatus(sweep.id, status);
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
    const points = await store.sweepFeasibleFigures(
      sweepId,
      objectives.map((objective) => objective.figure),
    );
    const front = paretoFront(
      points,
      objectives.map((objective) => objective.goal),
    );
    await store.markSweepFront(sweepId, front);
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
    const catalog = await this.options.catalog();
    const variants = sensitivityVariants(sweep.spec, point.values);
    const figuresOf = async (
      values: Record<string, SweepValue>,
    ): Promise<Partial<Record<SweepFigureId, number>>> => {
      const row = await this.evaluate(sweep, catalog, point.index, values);
      return row.figures ?? {};
    };
    const base = point.figures ?? (await figuresOf(point.values));
    return Promise.all(
      variants.map(async (variant) => {
        const [low, high] = await Promise.all([
          figuresOf({ ...point.values, [variant.parameter.path]: variant.low }),
          figuresOf({ ...point.values, [variant.parameter.path]: variant.high }),
        ]);
        const figures: SweepSensitivity['figures'] = {};
        for (const figure of sweepFigureIds)
          figures[figure] = {
            base: base[figure] ?? Number.NaN,
            low: low[figure] ?? Number.NaN,
            high: high[figure] ?? Number.NaN,
          };
        return {
          parameter: variant.parameter.path,
          label: variant.parameter.label ?? variant.parameter.path,
          base: variant.base,
          low: variant.low,
          high: variant.high,
          figures,
        };
      }),
    );
  }

  /** A point as a new design: the sweep's design document with the point applied, its history naming the source. */
  async openPoint(sweepId: string, index: number, name: string | undefined): Promise<StoredDesign> {
    const store = this.options.project();
    const sweep = await store.getSweep(sweepId);
    const point = await store.sweepPoint(sweepId, index);
    const catalog = await this.options.catalog();
    const applied = applyPoint(sweep.document, sweep.workload, point.values, catalog);
    if (!applied.ok)
      throw new StoreError(
        'invalid-payload',
        `Point #${index} of sweep "${sweep.name}" cannot be applied to its design: ${applied.problems.join('; ')}`,
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
