/**
 * The one API between the renderer and the backend. Types only (plus the method list in `methods.ts`): the
 * Electron preload exposes it over IPC as `window.tessera`, the test host over HTTP, and the unit tests call
 * the backend directly. Every method is async, takes and returns plain structured-clone-safe data, and
 * returns a `Result` — errors carry a message a person can read, never a stack trace.
 *
 * To add a method: declare it here, add it to `apiMethods` in `methods.ts` (the compiler insists), give
 * its payload a schema in `main/app/payloads.ts` (the compiler insists again), implement it in
 * `main/app/backend.ts`.
 */
import type { Catalog } from '../../engine/catalog';
import type { Diagnostic } from '../../engine/diagnostics';
import type { ValidationProblem } from '../../engine/schema/common';
import type { EvaluationResult } from '../../engine/report';
import type { DesignDelta } from '../../engine/design-delta';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';
import type { SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec, SweepValue } from '../../engine/sweep/spec';
import type { ServingReport } from '../../engine/serving/types';
import type { DesignComparison } from '../../engine/compare/types';
import type { ReviewThread } from '../../engine/review/types';
import type { ReviewAnchor } from '../../engine/schema/review';

export type ErrorCode =
  | 'invalid-payload'
  | 'not-found'
  | 'no-project'
  | 'not-sqlite'
  | 'not-tessera'
  | 'damaged'
  | 'newer-version'
  | 'exists'
  | 'conflict'
  | 'unavailable'
  | 'cancelled'
  | 'worker-failed'
  /** A request built on a design (`base`) the backend no longer holds: send the design whole. */
  | 'unknown-base'
  | 'io'
  /**
   * Another program holds the project file's write lock: nothing was written, and the same request may
   * succeed once it lets go (the editor keeps the edit and tries again).
   */
  | 'busy'
  /** The test host refused a request without its token (or from another origin). */
  | 'unauthorized'
  /** The design is under review (a review bundle opened in review mode): comment on it, or make a what-if copy. */
  | 'read-only'
  | 'internal';

export interface ApiError {
  code: ErrorCode;
  /** One or two sentences a person can act on. */
  message: string;
  /** Every problem found in the input, each with its path. */
  problems?: ValidationProblem[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface AppInfo {
  name: string;
  version: string;
  /** `electron` in the desktop app, `browser` when served by the test host. */
  shell: 'electron' | 'browser';
  platform: string;
}

export type ThemePreference = 'system' | 'light' | 'dark';

export interface Settings {
  theme: ThemePreference;
  /** The name written on versions and review comments. */
  authorName: string;
}

export interface ProjectInfo {
  /** Absolute path of the `.tessera` file. */
  path: string;
  /** File name without folder and extension. */
  name: string;
  schemaVersion: number;
  /**
   * Present when opening this project upgraded it from an older schema: the schema it had and the backup copy of
   * the file kept, byte for byte, before the upgrade.
   */
  upgrade?: { fromSchema: number; backupPath: string };
  /** Present in review mode: this project was made from a review bundle, whose designs are read-only. */
  review?: ReviewOrigin;
}

/** Where a project opened in review mode came from. */
export interface ReviewOrigin {
  /** The review's id (`r-…`), the same in every copy of the bundle. */
  reviewId: string;
  /** The bundle's file name as opened. */
  fileName: string;
  /** The project it was shared from, and by whom and when. */
  projectName: string;
  sharedBy: string;
  sharedAt: string;
  /** The reviewed designs (read-only here); what-if copies are the project's other designs. */
  designIds: string[];
}

export interface DesignSummary {
  id: string;
  name: string;
  revision: number;
  blockCount: number;
  /** ISO-8601 time of the last save. */
  updatedAt: string;
  /** In review mode: a reviewed design (read-only), or a what-if copy of the reviewed design with this id. */
  review?: { role: 'reviewed' } | { role: 'what-if'; basedOn: string };
  /** Open comment threads on the design. */
  openThreads?: number;
}

export interface StoredDesign {
  id: string;
  name: string;
  document: DesignDocument;
  workload: Workload | null;
  /** Increases by one on every save; a save names the revision it edits so lost updates are refused. */
  revision: number;
  updatedAt: string;
  /**
   * The last report stored for exactly this document and workload (absent when there is none, when the design
   * changed since, or when the stored report could not be read). Not re-validated: it is what the engine returned.
   */
  report?: EvaluationResult;
}

/**
 * One entry of a design's version history (without its document). `created` starts the history (also after a
 * project upgrade), `import` starts it for an imported design, `auto` versions are taken while saving (one per
 * interval, the oldest pruned), `checkpoint` versions are named by a person, `restore` records going back to an
 * earlier version, `sweep` starts the history of a design opened from a sweep's point (its summary names the sweep,
 * the point and the swept values). Only `auto` versions are ever pruned.
 */
export interface VersionSummary {
  id: string;
  designId: string;
  kind: 'created' | 'auto' | 'checkpoint' | 'restore' | 'import' | 'sweep';
  /** The checkpoint's name, or the name of the version a `restore` went back to; null for the others. */
  name: string | null;
  /** One line describing the change from the version before (e.g. "Added 2 blocks (HBM3, SRAM); …"). */
  summary: string;
  /** Who made the change (the settings' author name); empty when not known. */
  author: string;
  /** ISO-8601 time the version was taken. */
  createdAt: string;
  /** ISO-8601 time of the last save folded into it (an `auto` version collects the saves of its interval). */
  updatedAt: string;
  /** The design's revision this version holds. */
  revision: number;
}

/** Commands the application menu sends to the renderer. */
export type MenuCommand =
  | 'new-project'
  | 'open-project'
  | 'save-project-as'
  | 'new-design'
  | 'manage-designs'
  | 'export'
  | 'import'
  | 'checkpoint'
  | 'show-history'
  | 'preferences'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'paste-with-links'
  | 'duplicate'
  | 'select-all'
  | 'delete'
  | 'quick-add'
  | 'connect'
  | 'group'
  | 'ungroup'
  | 'enter-group'
  | 'leave-group'
  | 'auto-layout'
  | 'zoom-in'
  | 'zoom-out'
  | 'fit-view'
  | 'toggle-overlay'
  | 'toggle-spec'
  | 'toggle-theme'
  | 'next-pane'
  | 'previous-pane'
  | 'show-shortcuts'
  | 'about'
  | 'toggle-sweeps';

export type Unsubscribe = () => void;

export interface AppApi {
  info(): Promise<Result<AppInfo>>;
  getSettings(): Promise<Result<Settings>>;
  setSettings(settings: Partial<Settings>): Promise<Result<Settings>>;
  /** Shows the system's file dialog (desktop app only; the browser shell answers `unavailable`). */
  chooseProjectFile(request: { mode: 'open' | 'create' }): Promise<Result<string | null>>;
  /** A menu entry was chosen. */
  onMenuCommand(listener: (command: MenuCommand) => void): Unsubscribe;
}

/** The open project, and why the last attempt to open one failed (a damaged file named on the command line). */
export interface CurrentProject {
  project: ProjectInfo | null;
  lastError: ApiError | null;
}

export interface ProjectsApi {
  current(): Promise<Result<CurrentProject>>;
  /** Opens an existing project file; refuses files that are not Tessera projects and leaves them untouched. */
  open(request: { path: string }): Promise<Result<ProjectInfo>>;
  /** Creates a new, empty project file (refuses to overwrite) and opens it. */
  create(request: { path: string }): Promise<Result<ProjectInfo>>;
  /** Projects opened recently, newest first. */
  recent(): Promise<Result<string[]>>;
  /**
   * Writes a copy of the open project to a new file (refusing to overwrite one) and opens the copy, the way
   * "Save As" works in desktop tools: later edits go to the copy, the original stays as it was.
   */
  saveAs(request: { path: string }): Promise<Result<ProjectInfo>>;
  /** Another project was opened from outside the page (the File menu's Open Recent). */
  onChanged(listener: (project: ProjectInfo) => void): Unsubscribe;
}

export interface DesignsApi {
  list(): Promise<Result<DesignSummary[]>>;
  get(request: { id: string }): Promise<Result<StoredDesign>>;
  create(request: {
    name: string;
    document?: DesignDocument;
    workload?: Workload;
  }): Promise<Result<StoredDesign>>;
  /**
   * Saves a new state of a design; `baseRevision` must be the revision the edit started from. The project's
   * history keeps automatic versions (coalesced); `restoredFrom` records that this state restores a version.
   */
  save(request: {
    id: string;
    document: DesignDocument;
    workload?: Workload | null;
    baseRevision: number;
    restoredFrom?: { versionId: string; name: string };
  }): Promise<Result<DesignSummary>>;
  rename(request: { id: string; name: string }): Promise<Result<StoredDesign>>;
  /** A copy of a design (document and workload) under a new name ("<name> copy" by default). */
  duplicate(request: { id: string; name?: string }): Promise<Result<StoredDesign>>;
  /** Moves a design to the project's bin (kept 30 days); `restore` brings it back (undo). */
  delete(request: { id: string }): Promise<Result<null>>;
  restore(request: { id: string }): Promise<Result<DesignSummary>>;
  /** A design's history, newest first: automatic versions, checkpoints, restores. */
  versions(request: { id: string }): Promise<Result<VersionSummary[]>>;
  /** Keeps the design's saved state as a named checkpoint. */
  checkpoint(request: { id: string; name: string }): Promise<Result<VersionSummary>>;
  /** One version with its document and workload (to look at or restore). */
  version(request: { versionId: string }): Promise<Result<StoredVersion>>;
}

/** A version of a design with its content. */
export interface StoredVersion {
  version: VersionSummary;
  document: DesignDocument;
  workload: Workload | null;
  /** The design's comment threads as they stood when the version was taken (its status then). */
  threads: ReviewThread[];
}

/** An export format the app offers (the list comes from the backend, which writes them). */
export interface ExportFormatInfo {
  id: string;
  label: string;
  extension: string;
  mediaType: string;
  description: string;
  /** Needs a design that simulates (reports, traces, CSV). */
  needsReport: boolean;
  /** Needs a picture of the canvas rendered by the renderer (PNG). */
  needsRaster: boolean;
}

/** A file written by an export, for the renderer to hand to the user (a download, a save dialog). */
export interface ExportedFile {
  fileName: string;
  mediaType: string;
  encoding: 'utf8' | 'base64';
  content: string;
}

/** What an import added to the project. */
export type ImportedFile =
  | { kind: 'design'; design: StoredDesign; source: 'json' | 'yaml' | 'png' | 'svg' }
  | { kind: 'model'; model: ModelConfig };

export interface FilesApi {
  /** The export formats this shell offers (PDF only where the app can print). */
  formats(): Promise<Result<ExportFormatInfo[]>>;
  /**
   * Exports a saved design: its spec, a report, a picture, results, a trace or an architecture description.
   * `raster` is the canvas as a PNG (base64) for the PNG export, which embeds the spec in it.
   */
  export(request: { id: string; format: string; raster?: string }): Promise<Result<ExportedFile>>;
  /**
   * Reads a file the user chose — a design spec (JSON, YAML), a picture with an embedded spec (PNG, SVG) or a
   * Hugging Face `config.json` — and adds it to the project. Refuses with every problem and its path, and
   * writes nothing then.
   */
  import(request: { fileName: string; content: string }): Promise<Result<ImportedFile>>;
}

/** A group saved to the palette: blocks, links and groups to insert again (positions relative to each other). */
export interface ModuleEntry {
  id: string;
  name: string;
  description: string;
  fragment: {
    blocks: DesignDocument['blocks'];
    links: DesignDocument['links'];
    groups: DesignDocument['groups'];
  };
}

export interface LibraryApi {
  /** Every block type, preset, model, number format and technology table, plus the open project's imported models. */
  catalog(): Promise<Result<Catalog>>;
  /**
   * Reads a Hugging Face `config.json` (already parsed) into a model entry and keeps it in the open project.
   * Refuses with every missing or invalid field named; nothing is written then.
   */
  importModel(request: {
    config: unknown;
    id: string;
    name?: string;
    sourceUrl?: string;
  }): Promise<Result<ModelConfig>>;
  /** Modules (groups saved to the palette) of the open project. */
  modules(): Promise<Result<ModuleEntry[]>>;
  saveModule(request: {
    name: string;
    description?: string;
    fragment: ModuleEntry['fragment'];
  }): Promise<Result<ModuleEntry>>;
  deleteModule(request: { id: string }): Promise<Result<null>>;
}

/** One point of a sweep: workload fields to change and `id.param=value` overrides of the design. */
export interface SweepVariant {
  workload?: Partial<Workload>;
  overrides?: { target: string; param: string; value: string }[];
}

/** The headline numbers of one sweep point. */
export interface SweepPoint {
  ok: boolean;
  decodeTokensPerSecond: number;
  ttftSeconds: number;
  tpotSeconds: number;
  decodePowerWatts: number;
  energyJoulesPerToken: number;
  fits: boolean;
}

/**
 * The design a simulation request is about: the document itself, or a delta of a design sent earlier (`base`,
 * the `token` that request carried). With a `token`, the backend keeps this design so later requests can build
 * on it; the editor sends a delta per edit instead of the whole document. A request whose base the backend
 * no longer holds is answered `unknown-base`: send the design whole.
 */
export type DesignInput =
  { design: DesignDocument; token?: string } | { base: string; delta?: DesignDelta; token?: string };

export interface SimulationApi {
  /** Checks a design on an engine worker and lists its problems. */
  check(request: { design: DesignDocument }): Promise<Result<Diagnostic[]>>;
  /**
   * Simulates a workload on a design on an engine worker. A newer `run` with the same `channel` cancels an older
   * one still waiting (the editor re-simulates on every edit). The value is the report, or the diagnostics that
   * stopped it.
   */
  run(
    request: DesignInput & {
      workload: Workload;
      channel?: string;
      /** The stored design this is a run of: its report is kept with it, so reopening shows results at once. */
      designId?: string;
    },
  ): Promise<Result<EvaluationResult>>;
  /**
   * Evaluates many variants of one design and workload on the worker pool (a sweep) and returns the headline
   * numbers of each, in order. A newer sweep on the same `channel` cancels an older one still waiting.
   */
  sweep(
    request: DesignInput & {
      workload: Workload;
      variants: SweepVariant[];
      channel?: string;
    },
  ): Promise<Result<SweepPoint[]>>;
}

/** Where a sweep stands. A paused sweep keeps its points and goes on from where it stopped. */
export type SweepStatus = 'running' | 'paused' | 'cancelled' | 'done' | 'failed';

/** A sweep kept in the project: its definition ran on one revision of one design. */
export interface SweepSummary {
  id: string;
  name: string;
  designId: string;
  /** The design's revision the sweep ran on (its document is kept with the sweep). */
  designRevision: number;
  /** ISO-8601 time the sweep was started. */
  createdAt: string;
  status: SweepStatus;
  /** Points the sweep has in all (for NSGA-II: population × generations). */
  total: number;
  /** Points evaluated so far (failed ones included). */
  evaluated: number;
  failed: number;
  feasible: number;
  /** Why the sweep failed, when it did. */
  message?: string;
}

export interface StoredSweep extends SweepSummary {
  spec: SweepSpec;
  workload: Workload;
}

/** A running sweep's progress, sent as it goes (a few times a second at most). */
export interface SweepProgress extends SweepSummary {
  pointsPerSecond: number;
  /** Seconds left at the current rate; null while paused or before the rate is known. */
  etaSeconds: number | null;
}

/** A page of a sweep's points: sorted, filtered, or an even sample for charts. */
export interface SweepPointsQuery {
  sweepId: string;
  offset?: number;
  /** At most 10,000. */
  limit: number;
  /** `index`, a parameter path or a figure id. */
  sort?: { key: string; direction: 'asc' | 'desc' };
  /** Keeps points whose value of `key` (a parameter path or a figure id) lies in [min, max]. */
  filters?: { key: string; min?: number; max?: number }[];
  /** `feasible`: within every constraint; `front`: the Pareto front of the feasible points. */
  only?: 'all' | 'feasible' | 'front';
  /** Instead of a page, up to `limit` points spread evenly over the matching ones (for charts). */
  sample?: boolean;
}

export interface SweepPointsPage {
  /** Points matching the query's filters. */
  total: number;
  rows: SweepRow[];
}

/**
 * A heat map over one or two swept parameters: per pair of their values, the best value of a figure over every
 * other parameter, computed by the store (so it covers every point, not a sample).
 */
export interface SweepHeatmapQuery {
  sweepId: string;
  /** The horizontal parameter's path. */
  x: string;
  /** The vertical parameter's path; absent: one row over `x` alone. */
  y?: string;
  figure: SweepFigureId;
  goal: 'min' | 'max';
  /** `feasible`: only points within every constraint (default `all`: every point that has the figure). */
  only?: 'all' | 'feasible';
}

/** One cell of a heat map: positions in `xValues`/`yValues`, the best value and the point that has it. */
export interface SweepHeatmapCell {
  x: number;
  y: number;
  value: number;
  /** The point with the best value (the lowest index among equal ones), to open it as a design. */
  index: number;
}

export interface SweepHeatmap {
  /** The values of `x` that have a cell, ascending (numbers by value, text alphabetically). */
  xValues: SweepValue[];
  /** The values of `y`, ascending; one empty text when the query has no `y`. */
  yValues: SweepValue[];
  /** Cells with at least one point, by row then column. */
  cells: SweepHeatmapCell[];
}

/** One parameter's effect (a tornado bar): the parameter 10 % below and above its value at the point. */
export interface SweepSensitivity {
  parameter: string;
  label: string;
  base: SweepValue;
  low: SweepValue;
  high: SweepValue;
  /** Each figure at the base, low and high values (NaN where that variant could not be evaluated). */
  figures: Partial<Record<SweepFigureId, { base: number; low: number; high: number }>>;
}

export interface SweepsApi {
  /** The project's sweeps, newest first (of one design when `designId` is given). */
  list(request: { designId?: string }): Promise<Result<SweepSummary[]>>;
  get(request: { sweepId: string }): Promise<Result<StoredSweep>>;
  /**
   * Starts a sweep of a saved design (its current revision) on the worker pool; points are kept in the project
   * as they arrive. Refuses a definition that names a parameter the design does not have, with its path.
   */
  start(request: { designId: string; spec: SweepSpec; workload: Workload }): Promise<Result<SweepSummary>>;
  pause(request: { sweepId: string }): Promise<Result<SweepSummary>>;
  resume(request: { sweepId: string }): Promise<Result<SweepSummary>>;
  cancel(request: { sweepId: string }): Promise<Result<SweepSummary>>;
  delete(request: { sweepId: string }): Promise<Result<null>>;
  points(query: SweepPointsQuery): Promise<Result<SweepPointsPage>>;
  /** The best value of a figure per pair of two parameters' values (at most 250,000 cells). */
  heatmap(query: SweepHeatmapQuery): Promise<Result<SweepHeatmap>>;
  /** Every parameter ±10 % around one point (the first feasible one on the front when absent). */
  sensitivity(request: { sweepId: string; index?: number }): Promise<Result<SweepSensitivity[]>>;
  /** Opens a point as a new design whose history records the sweep and the point it came from. */
  openPoint(request: { sweepId: string; index: number; name?: string }): Promise<Result<StoredDesign>>;
  /** The sweep's report (`html`: definition, front, charts, best points) or all its points (`csv`, `jsonl`). */
  export(request: { sweepId: string; format: 'html' | 'csv' | 'jsonl' }): Promise<Result<ExportedFile>>;
  /** A sweep moved on, paused, finished, failed or was cancelled. */
  onProgress(listener: (progress: SweepProgress) => void): Unsubscribe;
}

/** A serving simulation's progress (a few times a second at most). */
export interface ServingProgress {
  runId: string;
  /** Share done, 0–1. */
  done: number;
  /** What it is doing now: "rate 4 of 12", "model qwen-2-7b". */
  stage: string;
}

export interface ServingApi {
  /**
   * Simulates the workload's serving scenario (`workload.serving`) on the design on an engine worker: request by
   * request, every scheduler step costed by the engine; with `rates`, a latency–rate curve too. `runId` names the
   * run for `onProgress` and `cancel`; a cancelled run answers `cancelled`.
   */
  run(
    request: DesignInput & {
      workload: Workload;
      runId: string;
      rates?: number[];
    },
  ): Promise<Result<ServingReport>>;
  /** Stops a run; its `run` call answers `cancelled`. Unknown or finished ids are ignored. */
  cancel(request: { runId: string }): Promise<Result<null>>;
  onProgress(listener: (progress: ServingProgress) => void): Unsubscribe;
}

export interface CommentsApi {
  /** A design's comment threads (with where each anchor stands in its current state), oldest first. */
  list(request: {
    designId: string;
    status?: 'open' | 'resolved' | 'all';
    author?: string;
  }): Promise<Result<ReviewThread[]>>;
  /** Starts a thread pinned to `anchor`, written by the settings' author; the anchor's fingerprint is taken here. */
  add(request: { designId: string; text: string; anchor: CommentAnchorInput }): Promise<Result<ReviewThread>>;
  reply(request: { threadId: string; text: string }): Promise<Result<ReviewThread>>;
  /** Resolves or reopens a thread (a new state record, stamped now, by the settings' author). */
  setStatus(request: { threadId: string; status: 'open' | 'resolved' }): Promise<Result<ReviewThread>>;
}

/** What a new comment is pinned to: the backend adds the element's fingerprint and label. */
export type CommentAnchorInput =
  | { kind: 'design' }
  | { kind: 'block' | 'link' | 'group'; id: string }
  | { kind: 'point'; x: number; y: number }
  | Extract<ReviewAnchor, { kind: 'figure' }>;

/** What merging a review bundle brought into the project. */
export interface ReviewMergeResult {
  /** "From Ben: 3 new threads, 5 replies, 2 resolved; 1 what-if copy added." or "Nothing new: …". */
  sentence: string;
  /** True when nothing was added or changed (a bundle merged before). */
  nothingNew: boolean;
  designs: {
    designId: string;
    name: string;
    newThreads: number;
    newReplies: number;
    stateChanges: number;
    /**
     * Present when the design changed in the project since the bundle was shared: the shared state, for a
     * compare with the current one.
     */
    changedSinceShared?: { revision: number; document: DesignDocument; workload: Workload | null };
  }[];
  /** What-if copies the reviewers made, added as designs of their own (once). */
  whatIfs: DesignSummary[];
}

export interface ReviewApi {
  /** File › Share for Review…: one file with the designs, their workloads, last reports and comments. */
  export(request: { designIds: string[] }): Promise<Result<ExportedFile>>;
  /**
   * Opens a bundle in review mode: a project of its own (kept by review id, so opening the same review again goes
   * on where the reviewer left it), its designs read-only. Refuses a damaged or foreign file with what is wrong.
   */
  open(request: { fileName: string; content: string }): Promise<Result<ProjectInfo>>;
  /** In review mode: the bundle to send back, with every comment, state and what-if copy made here. */
  save(): Promise<Result<ExportedFile>>;
  /** In review mode: a what-if copy of a reviewed design, editable, kept apart from it. */
  whatIf(request: { designId: string; name?: string }): Promise<Result<StoredDesign>>;
  /** File › Merge Review…: new comments, replies and states into the open project; idempotent. */
  merge(request: { fileName: string; content: string }): Promise<Result<ReviewMergeResult>>;
  /** The HTML report of a bundle, for those without Tessera (diagram, comments beside what they refer to, compare). */
  report(request: { fileName: string; content: string }): Promise<Result<ExportedFile>>;
}

/** One side of a comparison. */
export type CompareSide =
  | { kind: 'design'; id: string }
  | { kind: 'version'; versionId: string }
  | { kind: 'sweep-point'; sweepId: string; index: number }
  | { kind: 'document'; label: string; document: DesignDocument; workload: Workload | null };

export interface CompareApi {
  /**
   * Evaluates both sides on the engine workers (a stored report is used where it matches) and compares them. A
   * side without a workload runs `workload`, else the other side's, else the default.
   */
  run(request: {
    before: CompareSide;
    after: CompareSide;
    workload?: Workload;
  }): Promise<Result<DesignComparison>>;
}

export interface TesseraApi {
  app: AppApi;
  projects: ProjectsApi;
  designs: DesignsApi;
  library: LibraryApi;
  simulation: SimulationApi;
  files: FilesApi;
  sweeps: SweepsApi;
  serving: ServingApi;
  comments: CommentsApi;
  review: ReviewApi;
  compare: CompareApi;
}

export type Domain = keyof TesseraApi;
