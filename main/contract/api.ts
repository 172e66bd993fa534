/**
 * The one API between the renderer and the backend. Types only (plus the method list in `methods.ts`): the
 * Electron preload exposes it over IPC as `window.tessera`, the test host over HTTP, and the unit tests call
 * the backend directly. Every method is async, takes and returns plain structured-clone-safe data, and
 * returns a `Result` — errors carry a message a person can read, never a stack trace.
 *
 * To add a method: declare it here, add it to `apiMethods` in `methods.ts` (the compiler insists), give
 * its payload a schema in `main/api/payloads.ts` (the compiler insists again), implement it in
 * `main/api/backend.ts`.
 */
import type { Catalog } from '../../engine/catalog';
import type { Diagnostic } from '../../engine/diagnostics';
import type { ValidationProblem } from '../../engine/schema/common';
import type { EvaluationResult } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import type { Workload } from '../../engine/schema/workload';

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
  | 'io'
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
}

export interface DesignSummary {
  id: string;
  name: string;
  revision: number;
  blockCount: number;
  /** ISO-8601 time of the last save. */
  updatedAt: string;
}

export interface StoredDesign {
  id: string;
  name: string;
  document: DesignDocument;
  workload: Workload | null;
  /** Increases by one on every save; a save names the revision it edits so lost updates are refused. */
  revision: number;
  updatedAt: string;
}

/** Commands the application menu sends to the renderer. */
export type MenuCommand =
  | 'new-project'
  | 'open-project'
  | 'save-project-as'
  | 'new-design'
  | 'export'
  | 'undo'
  | 'redo'
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
  | 'show-shortcuts'
  | 'about';

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
  /** Saves a new state of a design; `baseRevision` must be the revision the edit started from. */
  save(request: {
    id: string;
    document: DesignDocument;
    workload?: Workload | null;
    baseRevision: number;
  }): Promise<Result<DesignSummary>>;
  rename(request: { id: string; name: string }): Promise<Result<StoredDesign>>;
  delete(request: { id: string }): Promise<Result<null>>;
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

export interface SimulationApi {
  /** Checks a design on an engine worker and lists its problems. */
  check(request: { design: DesignDocument }): Promise<Result<Diagnostic[]>>;
  /**
   * Simulates a workload on a design on an engine worker. A newer `run` with the same `channel` cancels an older
   * one still waiting (the editor re-simulates on every edit). The value is the report, or the diagnostics that
   * stopped it.
   */
  run(request: {
    design: DesignDocument;
    workload: Workload;
    channel?: string;
  }): Promise<Result<EvaluationResult>>;
  /**
   * Evaluates many variants of one design and workload on the worker pool (a sweep) and returns the headline
   * numbers of each, in order. A newer sweep on the same `channel` cancels an older one still waiting.
   */
  sweep(request: {
    design: DesignDocument;
    workload: Workload;
    variants: SweepVariant[];
    channel?: string;
  }): Promise<Result<SweepPoint[]>>;
}

export interface TesseraApi {
  app: AppApi;
  projects: ProjectsApi;
  designs: DesignsApi;
  library: LibraryApi;
  simulation: SimulationApi;
}

export type Domain = keyof TesseraApi;
