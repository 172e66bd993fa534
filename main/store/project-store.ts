/**
 * The project store: one `.tessera` file is one SQLite database holding a project's designs, their version
 * history, the last report of each design, imported models and modules. WAL mode with `synchronous = FULL` (a
 * save that returned survives a power cut); a schema-version table with forward migrations; every change in one
 * transaction.
 *
 * Opening is careful: a file that is not SQLite, a SQLite file that is not a Tessera project, a damaged
 * project or one from a newer Tessera is refused with a clear message, and the file is only ever opened
 * read-only until it has passed every check — so it is left byte-for-byte untouched. A project from an older
 * Tessera is copied byte for byte to a backup next to it before it is upgraded, in one transaction.
 *
 * `ProjectStore` is the public face: it owns the connection and runs every operation through one queue, so
 * transactions never interleave. The work is done by one module per concern: `project-file.ts` (create, open,
 * Save As) with `inspection.ts` and `migration.ts`, `designs.ts`, `history.ts`, `reports.ts` and `library.ts`
 * (imported models and modules).
 */
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import type { SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import type {
  DesignSummary,
  ModuleEntry,
  ProjectInfo,
  StoredDesign,
  StoredVersion,
  SweepHeatmap,
  SweepHeatmapQuery,
  SweepPointsPage,
  SweepPointsQuery,
  SweepStatus,
  SweepSummary,
  VersionSummary,
} from '../contract/api';
import { explainBusy } from './busy';
import { settingsOf, type ProjectStoreOptions, type StoreContext, type StoreSettings } from './context';
import * as designs from './designs';
import { projectName, requireProjectPath } from './disk';
import * as history from './history';
import * as library from './library';
import { createProjectFile, openProjectFile, saveCopyAs, type Upgrade } from './project-file';
import { saveReport } from './reports';
import { SCHEMA_VERSION } from './schema';
import type { Connection } from './sqlite';
import * as sweeps from './sweeps';

export {
  DEFAULT_AUTO_VERSION_INTERVAL_MS,
  DEFAULT_AUTO_VERSION_LIMIT,
  type ProjectStoreOptions,
} from './context';
export { DELETED_DESIGN_RETENTION_MS } from './designs';
export type { VersionKind } from './history';
export { contentKey } from './reports';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema';
export { StoreError } from './store-error';
export type { SweepRunInput } from './sweeps';

/** A busy timeout other than the files' default (5 s), for tests that wait for another program's lock. */
async function setBusyTimeout(connection: Connection, options: ProjectStoreOptions): Promise<void> {
  const milliseconds = options.busyTimeoutMs;
  if (milliseconds !== undefined)
    await connection.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(milliseconds))}`);
}

export class ProjectStore {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly context: StoreContext;

  private constructor(
    private readonly connection: Connection,
    readonly path: string,
    readonly schemaVersion: number,
    settings: StoreSettings,
    private readonly upgraded: Upgrade | undefined,
  ) {
    this.context = { connection, settings };
  }

  /**
   * Creates a new project file at the current schema; refuses to overwrite an existing file. Every path the
   * store takes (here, `open`, `saveCopyAs`) must be absolute and end in `.tessera` (else `invalid-payload`).
   */
  static async create(path: string, options: ProjectStoreOptions = {}): Promise<ProjectStore> {
    requireProjectPath(path);
    const connection = await createProjectFile(path);
    await setBusyTimeout(connection, options);
    return new ProjectStore(connection, path, SCHEMA_VERSION, settingsOf(options), undefined);
  }

  /**
   * Opens an existing project after checking it read-only. An older schema is upgraded (backup copy first, see
   * `info().upgrade`); designs deleted more than 30 days ago are purged.
   */
  static async open(path: string, options: ProjectStoreOptions = {}): Promise<ProjectStore> {
    requireProjectPath(path);
    const { connection, upgraded } = await openProjectFile(path).catch(async (error: unknown) => {
      throw await explainBusy(error, path);
    });
    await setBusyTimeout(connection, options);
    const store = new ProjectStore(connection, path, SCHEMA_VERSION, settingsOf(options), upgraded);
    // Housekeeping: if the file is busy now, the next opening purges instead.
    await designs.purgeDeletedDesigns(store.context).catch(() => undefined);
    // A sweep still marked running was cut off (the app ended mid-sweep): it is paused with the points it has.
    await sweeps.pauseInterrupted(connection).catch(() => undefined);
    return store;
  }

  /** Project facts for the UI; `upgrade` when opening it upgraded the file. */
  info(): ProjectInfo {
    return {
      path: this.path,
      name: projectName(this.path),
      schemaVersion: this.schemaVersion,
      ...(this.upgraded ? { upgrade: { ...this.upgraded } } : {}),
    };
  }

  /**
   * Runs operations one after another on this connection, so transactions never interleave. Another program
   * holding the write lock past the busy timeout becomes a `busy` error naming it (`busy.ts`); nothing of the
   * operation was written, so the caller may send it again.
   */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const guarded = (): Promise<T> =>
      operation().catch(async (error: unknown) => {
        throw await explainBusy(error, this.path);
      });
    const next = this.queue.then(guarded, guarded);
    this.queue = next.catch(() => undefined);
    return next;
  }

  listDesigns(): Promise<DesignSummary[]> {
    return this.serial(() => designs.listDesigns(this.connection));
  }

  /** A design with its last report when that report was made for exactly its current document and workload. */
  getDesign(id: string): Promise<StoredDesign> {
    return this.serial(() => designs.getDesign(this.connection, id));
  }

  createDesign(
    name: string,
    document: DesignDocument,
    workload: Workload | null,
    options: { author?: string; kind?: 'created' | 'import' | 'sweep'; summary?: string } = {},
  ): Promise<StoredDesign> {
    return this.serial(() => designs.createDesign(this.context, name, document, workload, options));
  }

  /**
   * Saves a new state of a design. `baseRevision` is the revision the edit started from; if someone else
   * saved in between, the save is refused (`conflict`) rather than silently overwriting their work. The same
   * transaction records it in the design's history.
   */
  saveDesign(
    id: string,
    document: DesignDocument,
    workload: Workload | null | undefined,
    baseRevision: number,
    options: { author?: string; restoredFrom?: { versionId: string; name: string } } = {},
  ): Promise<DesignSummary> {
    return this.serial(() => designs.saveDesign(this.context, id, document, workload, baseRevision, options));
  }

  /** Renames a design (its document's name too); recorded in its history like a save. */
  renameDesign(id: string, name: string, options: { author?: string } = {}): Promise<StoredDesign> {
    return this.serial(() => designs.renameDesign(this.context, id, name, options));
  }

  /** Moves a design to the bin (hidden until `restoreDesign`; purged 30 days later); drops its report. */
  deleteDesign(id: string): Promise<void> {
    return this.serial(() => designs.deleteDesign(this.context, id));
  }

  /** Brings a deleted design back (the undo of `deleteDesign`). */
  restoreDesign(id: string): Promise<DesignSummary> {
    return this.serial(() => designs.restoreDesign(this.connection, id));
  }

  /** A copy of a design with a new id and its own history; the name defaults to "<name> copy" (then "copy 2", …). */
  duplicateDesign(id: string, name?: string, author?: string): Promise<StoredDesign> {
    return this.serial(() => designs.duplicateDesign(this.context, id, name, author));
  }

  /** Keeps a design's saved state as a named version (never pruned). */
  createCheckpoint(designId: string, name: string, author?: string): Promise<VersionSummary> {
    return this.serial(() => history.createCheckpoint(this.context, designId, name, author));
  }

  /** A design's history, newest first (without the documents). */
  listVersions(designId: string): Promise<VersionSummary[]> {
    return this.serial(() => history.listVersions(this.connection, designId));
  }

  /** One version with its document and workload, validated like `getDesign`. */
  getVersion(versionId: string): Promise<StoredVersion> {
    return this.serial(() => history.getVersion(this.connection, versionId));
  }

  /**
   * Keeps the report the engine made for a design's document and workload, filed under their `contentKey`;
   * `getDesign` returns it while the design still has exactly that content. Replaces the design's earlier report.
   */
  saveReport(
    designId: string,
    document: DesignDocument,
    workload: Workload | null,
    report: unknown,
  ): Promise<void> {
    return this.serial(() => saveReport(this.context, designId, document, workload, report));
  }

  /** Writes a consistent copy of the whole project to a new file (`VACUUM INTO`); refuses to overwrite anything. */
  saveCopyAs(path: string): Promise<void> {
    return this.serial(async () => {
      requireProjectPath(path);
      await saveCopyAs(this.connection, path);
    });
  }

  /** Models imported into this project (Hugging Face configs), each validated on the way out. */
  listModels(): Promise<ModelConfig[]> {
    return this.serial(() => library.listModels(this.connection));
  }

  /** Keeps an imported model in the project; a second import of the same id replaces the first. */
  saveModel(model: ModelConfig): Promise<void> {
    return this.serial(() => library.saveModel(this.context, model));
  }

  /** Groups saved to the palette. A row that no longer validates is skipped. */
  listModules(): Promise<ModuleEntry[]> {
    return this.serial(() => library.listModules(this.connection));
  }

  saveModule(name: string, description: string, fragment: ModuleEntry['fragment']): Promise<ModuleEntry> {
    return this.serial(() => library.saveModule(this.context, name, description, fragment));
  }

  deleteModule(id: string): Promise<void> {
    return this.serial(() => library.deleteModule(this.connection, id));
  }

  /** Keeps a new sweep of a design's current revision, status `running`, with no points yet. */
  createSweep(
    designId: string,
    spec: SweepSpec,
    workload: Workload,
    total: number,
  ): Promise<sweeps.SweepRunInput> {
    return this.serial(() => sweeps.createSweep(this.context, designId, spec, workload, total));
  }

  listSweeps(designId?: string): Promise<SweepSummary[]> {
    return this.serial(() => sweeps.listSweeps(this.connection, designId));
  }

  /** A sweep with its definition, workload and the design document it ran on. */
  getSweep(sweepId: string): Promise<sweeps.SweepRunInput> {
    return this.serial(() => sweeps.getSweep(this.connection, sweepId));
  }

  getSweepSummary(sweepId: string): Promise<SweepSummary> {
    return this.serial(() => sweeps.getSummary(this.connection, sweepId));
  }

  setSweepStatus(sweepId: string, status: SweepStatus, message?: string): Promise<SweepSummary> {
    return this.serial(() => sweeps.setStatus(this.connection, sweepId, status, message));
  }

  deleteSweep(sweepId: string): Promise<void> {
    return this.serial(() => sweeps.deleteSweep(this.connection, sweepId));
  }

  /** Keeps a chunk of evaluated points in one transaction with the sweep's counts; known indices are skipped. */
  addSweepPoints(sweepId: string, rows: readonly SweepRow[]): Promise<SweepSummary> {
    return this.serial(() => sweeps.addPoints(this.connection, sweepId, rows));
  }

  sweepDoneIndices(sweepId: string): Promise<Set<number>> {
    return this.serial(() => sweeps.doneIndices(this.connection, sweepId));
  }

  sweepFeasibleFigures(
    sweepId: string,
    figures: readonly SweepFigureId[],
  ): Promise<{ index: number; figures: number[] }[]> {
    return this.serial(() => sweeps.feasibleFigures(this.connection, sweepId, figures));
  }

  markSweepFront(sweepId: string, indices: readonly number[]): Promise<void> {
    return this.serial(() => sweeps.markFront(this.connection, sweepId, indices));
  }

  /** Marks the front of one or two objectives with a query (no point read into memory). */
  markSweepFrontInSql(
    sweepId: string,
    objectives: readonly { figure: SweepFigureId; goal: 'min' | 'max' }[],
  ): Promise<void> {
    return this.serial(() => sweeps.markFrontInSql(this.connection, sweepId, objectives));
  }

  sweepPoints(query: SweepPointsQuery): Promise<SweepPointsPage> {
    return this.serial(() => sweeps.queryPoints(this.connection, query));
  }

  /** The best value of a figure per pair of two parameters' values, over every kept point. */
  sweepHeatmap(query: SweepHeatmapQuery): Promise<SweepHeatmap> {
    return this.serial(() => sweeps.heatmap(this.connection, query));
  }

  sweepPoint(sweepId: string, index: number): Promise<SweepRow> {
    return this.serial(() => sweeps.getPoint(this.connection, sweepId, index));
  }

  firstSweepFrontPoint(sweepId: string): Promise<SweepRow | undefined> {
    return this.serial(() => sweeps.firstFrontPoint(this.connection, sweepId));
  }

  /** Up to `size` points after `afterIndex`, in index order (exports page through a sweep with this). */
  sweepPointsAfter(sweepId: string, afterIndex: number, size: number): Promise<SweepRow[]> {
    return this.serial(() => sweeps.pointsAfter(this.connection, sweepId, afterIndex, size));
  }

  close(): Promise<void> {
    return this.serial(() => this.connection.close());
  }
}
