/**
 * The backend: plain functions behind `TesseraApi`, with no Electron in sight. The Electron shell, the test
 * host and the tests all use the same object (through `dispatch`, which validates payloads first).
 */
import { userInfo } from 'node:os';
import { indexCatalog, type Catalog } from '../../engine/catalog';
import { describeProblems, type ValidationProblem } from '../../engine/schema/common';
import type { Diagnostic } from '../../engine/diagnostics';
import { importHfConfig } from '../../engine/models/hf-import';
import type { EvaluationResult } from '../../engine/report';
import { emptyDesign, type DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../engine/schema/workload';
import { ExportError, FileJobError, exportFormatInfo, exportFormats, type FileJobRunner } from '../files';
import type {
  ApiError,
  AppInfo,
  ExportFormatInfo,
  ProjectInfo,
  Result,
  ServingProgress,
  SweepPoint,
  SweepProgress,
} from '../contract/api';
import type { EnginePool, JobDesign } from '../services/engine-pool';
import type { SettingsStore } from '../services/settings';
import { ProjectStore, StoreError } from '../store/project-store';
import type { Backend } from './dispatch';
import { HeldDesigns } from './held-designs';
import { ServingRuns } from './serving';
import { exportSweep } from './sweep-export';
import { SweepService } from './sweeps';

export interface BackendDependencies {
  catalog: Catalog;
  pool: EnginePool;
  /** Imports and exports run here, on a worker thread with a time limit. */
  fileJobs: FileJobRunner;
  settings: SettingsStore;
  info: AppInfo;
  /** The system file dialog, where there is one (the desktop app). */
  chooseProjectFile?: (mode: 'open' | 'create') => Promise<string | null>;
  /** Prints an HTML page to PDF, where a browser engine is at hand (the desktop app). */
  printToPdf?: (html: string) => Promise<Uint8Array>;
  /** Sends a sweep's progress to the renderer (`sweeps.onProgress`; the runtime passes its event hub). */
  emitSweepProgress?: (progress: SweepProgress) => void;
  /** Points a sweep evaluates between two writes to the project (tests set fewer). */
  sweepChunkSize?: number;
  /** Sends a serving run's progress to the renderer (`serving.onProgress`; the runtime passes its event hub). */
  emitServingProgress?: (progress: ServingProgress) => void;
}

/** The backend plus what its shell needs to manage it. */
export interface BackendHandle {
  backend: Backend;
  /** Opens a project as if the user had (`--project` on the command line, Open Recent); a failure is kept for `projects.current`. */
  openProject(path: string, options?: { createIfMissing?: boolean }): Promise<Result<null>>;
  /** The open project, if any. */
  currentProject(): ProjectInfo | null;
  close(): Promise<void>;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (code: ApiError['code'], message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

/** The user's account name on this computer, or '' where the platform does not tell. */
function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** An import refused with every problem found. */
class ImportError extends Error {
  constructor(
    readonly problems: ValidationProblem[],
    message = `The config.json cannot be imported:\n${describeProblems(problems)}`,
  ) {
    super(message);
  }
}

/** PDF: the HTML report printed by the desktop app's Chromium. */
const pdfFormat: ExportFormatInfo = {
  id: 'pdf',
  label: 'Report (PDF)',
  extension: '.report.pdf',
  mediaType: 'application/pdf',
  needsReport: true,
  needsRaster: false,
  description: 'The HTML report printed to PDF, for reviews on paper or in a PDF reader.',
};

/** Turns store and import exceptions into error results; anything else is re-thrown for `dispatch` to report. */
async function guard<T>(body: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await body());
  } catch (error) {
    if (error instanceof StoreError) return fail(error.code, error.message);
    if (error instanceof ImportError)
      return {
        ok: false,
        error: { code: 'invalid-payload', message: error.message, problems: error.problems },
      };
    if (error instanceof ExportError) return fail('invalid-payload', error.message);
    if (error instanceof FileJobError)
      return fail(error.reason === 'closed' ? 'unavailable' : 'worker-failed', error.message);
    throw error;
  }
}

const notBuilt = (): Promise<Result<never>> => Promise.resolve(fail('unavailable', 'Not built yet.'));

export function createBackend(dependencies: BackendDependencies): BackendHandle {
  let project: ProjectStore | undefined;
  let lastError: ApiError | null = null;

  const requireProject = (): ProjectStore => {
    if (!project) throw new StoreError('no-project', 'No project is open. Create or open a project first.');
    return project;
  };

  /** Who saved a version: the name from the settings, else the account name on this computer. */
  const author = (): string => dependencies.settings.settings.authorName.trim() || accountName();

  const catalogWithProjectModels = async (): Promise<Catalog> => {
    const imported = project ? await project.listModels() : [];
    return { ...dependencies.catalog, models: [...dependencies.catalog.models, ...imported] };
  };

  /** The project's own model of that id, when the library does not have it. */
  const projectModel = async (id: string): Promise<ModelConfig | undefined> =>
    dependencies.catalog.models.some((model) => model.id === id) || !project
      ? undefined
      : (await project.listModels()).find((candidate) => candidate.id === id);

  /** Designs that later requests build on with a delta (the editor's, on every edit). */
  const heldDesigns = new HeldDesigns();

  /**
   * Simulates on a worker. A design passed as a `JobDesign` travels to the worker in its cheapest form (a delta
   * or only its key, when that worker holds the base or the design itself).
   */
  const simulate = async (
    design: DesignDocument | JobDesign,
    workload: Workload,
    channel?: string,
  ): Promise<Result<EvaluationResult>> => {
    const job = 'key' in design ? design : undefined;
    // Checked by `dispatch` (or read back through the same schemas), so the worker need not check it again.
    const payload = { workload, model: await projectModel(workload.model), validated: true };
    return dependencies.pool.run<EvaluationResult>('simulate', job ? payload : { ...payload, design }, {
      supersedes: channel === undefined ? undefined : `simulate:${channel}`,
      design: job,
    });
  };

  const sweeps = new SweepService({
    pool: dependencies.pool,
    project: requireProject,
    catalog: async () => indexCatalog(await catalogWithProjectModels()),
    projectModel,
    emit: (progress) => dependencies.emitSweepProgress?.(progress),
    author,
    ...(dependencies.sweepChunkSize === undefined ? {} : { chunkSize: dependencies.sweepChunkSize }),
  });

  const serving = new ServingRuns({
    pool: dependencies.pool,
    projectModels: async () => (project ? await project.listModels() : []),
    libraryHas: (id) => dependencies.catalog.models.some((model) => model.id === id),
    emit: (progress) => dependencies.emitServingProgress?.(progress),
  });

  const switchTo = async (next: ProjectStore): Promise<void> => {
    // Running sweeps pause first: each keeps its points and resumes when its project is open again.
    await sweeps.pauseAll();
    const previous = project;
    project = next;
    lastError = null;
    await previous?.close().catch(() => undefined);
    await dependencies.settings.addRecentProject(next.path);
  };

  const backend: Backend = {
    app: {
      info: () => Promise.resolve(ok(dependencies.info)),
      getSettings: () => Promise.resolve(ok(dependencies.settings.settings)),
      setSettings: async (changes) => ok(await dependencies.settings.update(changes)),
      chooseProjectFile: async ({ mode }) => {
        if (!dependencies.chooseProjectFile)
          return fail(
            'unavailable',
            'This window has no file dialog; type the path of the project file instead.',
          );
        return ok(await dependencies.chooseProjectFile(mode));
      },
    },
    projects: {
      current: () => Promise.resolve(ok({ project: project ? project.info() : null, lastError })),
      open: ({ path }) =>
        guard(async () => {
          await switchTo(await ProjectStore.open(path));
          return requireProject().info();
        }),
      create: ({ path }) =>
        guard(async () => {
          await switchTo(await ProjectStore.create(path));
          return requireProject().info();
        }),
      recent: () => Promise.resolve(ok(dependencies.settings.recentProjects)),
      saveAs: ({ path }) =>
        guard(async () => {
          await requireProject().saveCopyAs(path);
          await switchTo(await ProjectStore.open(path));
          return requireProject().info();
        }),
    },
    designs: {
      list: () => guard(() => requireProject().listDesigns()),
      get: ({ id }) => guard(() => requireProject().getDesign(id)),
      create: ({ name, document, workload }) =>
        guard(() =>
          requireProject().createDesign(name, document ?? emptyDesign(name), workload ?? null, {
            author: author(),
          }),
        ),
      save: ({ id, document, workload, baseRevision, restoredFrom }) =>
        guard(() =>
          requireProject().saveDesign(id, document, workload, baseRevision, {
            author: author(),
            ...(restoredFrom ? { restoredFrom } : {}),
          }),
        ),
      rename: ({ id, name }) => guard(() => requireProject().renameDesign(id, name)),
      duplicate: ({ id, name }) => guard(() => requireProject().duplicateDesign(id, name, author())),
      delete: ({ id }) =>
        guard(async () => {
          await requireProject().deleteDesign(id);
          return null;
        }),
      restore: ({ id }) => guard(() => requireProject().restoreDesign(id)),
      versions: ({ id }) => guard(() => requireProject().listVersions(id)),
      checkpoint: ({ id, name }) => guard(() => requireProject().createCheckpoint(id, name, author())),
      version: ({ versionId }) => guard(() => requireProject().getVersion(versionId)),
    },
    library: {
      catalog: () => guard(catalogWithProjectModels),
      importModel: ({ config, id, name, sourceUrl }) =>
        guard(async () => {
          const store = requireProject();
          if (dependencies.catalog.models.some((model) => model.id === id)) {
            throw new StoreError(
              'exists',
              `The library already has a model "${id}"; choose another id for the imported one.`,
            );
          }
          const imported = importHfConfig(config, { id, name, sourceUrl });
          if (!imported.ok) throw new ImportError(imported.problems);
          await store.saveModel(imported.value);
          return imported.value;
        }),
      modules: () => guard(async () => (project ? await project.listModules() : [])),
      saveModule: ({ name, description, fragment }) =>
        guard(() => requireProject().saveModule(name, description ?? '', fragment)),
      deleteModule: ({ id }) =>
        guard(async () => {
          await requireProject().deleteModule(id);
          return null;
        }),
    },
    simulation: {
      check: ({ design }) =>
        dependencies.pool.run<Diagnostic[]>('check', { design, validated: true }, { supersedes: 'check' }),
      sweep: async ({ workload, variants, channel, ...input }) => {
        const held = heldDesigns.take(input);
        if (!held.ok) return held;
        return dependencies.pool.run<SweepPoint[]>(
          'sweep',
          { workload, variants, validated: true },
          { supersedes: channel === undefined ? undefined : `sweep:${channel}`, design: held.value },
        );
      },
      run: async ({ workload, channel, designId, ...input }) => {
        const held = heldDesigns.take(input);
        if (!held.ok) return held;
        const design = held.value.design;
        const result = await simulate(held.value, workload, channel);
        // Kept with the design (keyed by its content), so reopening it shows these results at once.
        const store = project;
        // After the answer has left: hashing and writing a large design's report takes a few milliseconds.
        if (result.ok && designId !== undefined && store)
          setTimeout(
            () => void store.saveReport(designId, design, workload, result.value).catch(() => undefined),
          );
        return result;
      },
    },
    files: {
      formats: () =>
        Promise.resolve(
          ok([
            ...exportFormats.map((format) => ({ ...format })),
            ...(dependencies.printToPdf ? [pdfFormat] : []),
          ]),
        ),
      export: ({ id, format, raster }) =>
        guard(async () => {
          const store = requireProject();
          const stored = await store.getDesign(id);
          const workload = stored.workload ?? defaultWorkload(DEFAULT_MODEL_ID);
          const model = await projectModel(workload.model);
          const wanted = format === 'pdf' ? 'html' : format;
          const info = exportFormatInfo(wanted);
          let report: EvaluationResult | null = stored.report ?? null;
          if (info.needsReport && report === null) {
            const run = await simulate(stored.document, workload);
            if (!run.ok) throw new StoreError(run.error.code, run.error.message);
            report = run.value;
          }
          const catalog = indexCatalog(await catalogWithProjectModels());
          const file = await dependencies.fileJobs.exportDesign({
            design: stored.document,
            // The spec formats write the design's own workload (none saved: none written); reports the one used.
            workload: info.needsReport ? workload : stored.workload,
            report,
            catalog,
            format: info.id,
            ...(model ? { model } : {}),
            ...(raster === undefined ? {} : { raster: Buffer.from(raster, 'base64') }),
            generatedAt: new Date(),
            appVersion: dependencies.info.version,
          });
          if (format === 'pdf') {
            const print = dependencies.printToPdf;
            if (!print)
              throw new StoreError(
                'unavailable',
                'PDF export needs the desktop app (it prints the HTML report).',
              );
            const pdf = await print(String(file.data));
            return {
              fileName: file.fileName.replace(/\.html$/, '.pdf'),
              mediaType: 'application/pdf',
              encoding: 'base64' as const,
              content: Buffer.from(pdf).toString('base64'),
            };
          }
          return typeof file.data === 'string'
            ? {
                fileName: file.fileName,
                mediaType: file.mediaType,
                encoding: 'utf8' as const,
                content: file.data,
              }
            : {
                fileName: file.fileName,
                mediaType: file.mediaType,
                encoding: 'base64' as const,
                content: Buffer.from(file.data).toString('base64'),
              };
        }),
      import: ({ fileName, content }) =>
        guard(async () => {
          const store = requireProject();
          // Parsed and checked on the file worker; the project is touched only after a valid result came back.
          const imported = await dependencies.fileJobs.importFile({
            fileName,
            bytes: Buffer.from(content, 'base64'),
          });
          if (!imported.ok) throw new ImportError(imported.problems, imported.message);
          if (imported.kind === 'design') {
            // The design keeps the workload its file carried (validated on the file worker).
            const design = await store.createDesign(
              imported.design.name,
              imported.design,
              imported.workload ?? null,
              {
                author: author(),
                kind: 'import',
              },
            );
            return { kind: 'design' as const, design, source: imported.source };
          }
          const known = [...dependencies.catalog.models, ...(await store.listModels())];
          if (known.some((model) => model.id === imported.model.id))
            throw new StoreError(
              'exists',
              `${fileName}: a model "${imported.model.id}" is already in the library or the project; rename the file or import it with another id.`,
            );
          await store.saveModel(imported.model);
          return { kind: 'model' as const, model: imported.model };
        }),
    },
    serving: {
      run: ({ workload, runId, rates, ...input }) => {
        const held = heldDesigns.take(input);
        if (!held.ok) return Promise.resolve(held);
        return serving.run(runId, held.value, workload, rates);
      },
      cancel: ({ runId }) => {
        serving.cancel(runId);
        return Promise.resolve(ok(null));
      },
    },
    // Issue 19's contract: built on the i19-* branches.
    comments: { list: notBuilt, add: notBuilt, reply: notBuilt, setStatus: notBuilt },
    review: {
      export: notBuilt,
      open: notBuilt,
      save: notBuilt,
      whatIf: notBuilt,
      merge: notBuilt,
      report: notBuilt,
    },
    compare: { run: notBuilt },
    sweeps: {
      list: ({ designId }) =>
        guard(async () =>
          (await requireProject().listSweeps(designId)).map((summary) => sweeps.withLiveStatus(summary)),
        ),
      get: ({ sweepId }) =>
        guard(async () => {
          const { document: _document, ...stored } = await requireProject().getSweep(sweepId);
          return sweeps.withLiveStatus(stored);
        }),
      start: ({ designId, spec, workload }) => guard(() => sweeps.start(designId, spec, workload)),
      pause: ({ sweepId }) => guard(() => sweeps.stop(sweepId, 'pause')),
      resume: ({ sweepId }) => guard(() => sweeps.resume(sweepId)),
      cancel: ({ sweepId }) => guard(() => sweeps.stop(sweepId, 'cancel')),
      delete: ({ sweepId }) =>
        guard(async () => {
          await sweeps.delete(sweepId);
          return null;
        }),
      points: (query) => guard(() => requireProject().sweepPoints(query)),
      heatmap: (query) => guard(() => requireProject().sweepHeatmap(query)),
      sensitivity: ({ sweepId, index }) => guard(() => sweeps.sensitivity(sweepId, index)),
      openPoint: ({ sweepId, index, name }) => guard(() => sweeps.openPoint(sweepId, index, name)),
      export: ({ sweepId, format }) => guard(() => exportSweep(requireProject(), sweepId, format)),
    },
  };

  return {
    backend,
    openProject: async (path, options = {}) => {
      const result = await guard(async () => {
        try {
          await switchTo(await ProjectStore.open(path));
        } catch (error) {
          if (error instanceof StoreError && error.code === 'not-found' && options.createIfMissing === true) {
            await switchTo(await ProjectStore.create(path));
          } else throw error;
        }
        return null;
      });
      if (!result.ok) lastError = result.error;
      return result;
    },
    currentProject: () => (project ? project.info() : null),
    close: async () => {
      serving.cancelAll();
      await sweeps.pauseAll();
      await project?.close().catch(() => undefined);
      project = undefined;
    },
  };
}
