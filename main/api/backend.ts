/**
 * The backend: plain functions behind `TesseraApi`, with no Electron in sight. The Electron shell, the test
 * host and the tests all use the same object (through `dispatch`, which validates payloads first).
 */
import type { Catalog } from '../../engine/catalog';
import type { ValidationProblem } from '../../engine/schema/common';
import type { Diagnostic } from '../../engine/diagnostics';
import { importHfConfig } from '../../engine/models/hf-import';
import type { EvaluationResult } from '../../engine/report';
import { emptyDesign } from '../../engine/schema/design';
import type { ApiError, AppInfo, ProjectInfo, Result, SweepPoint } from '../contract/api';
import type { EnginePool } from '../services/engine-pool';
import type { SettingsStore } from '../services/settings';
import { ProjectStore, StoreError } from '../store/project-store';
import type { Backend } from './dispatch';

export interface BackendDependencies {
  catalog: Catalog;
  pool: EnginePool;
  settings: SettingsStore;
  info: AppInfo;
  /** The system file dialog, where there is one (the desktop app). */
  chooseProjectFile?: (mode: 'open' | 'create') => Promise<string | null>;
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

/** An import refused with every problem found. */
class ImportError extends Error {
  constructor(readonly problems: ValidationProblem[]) {
    super(
      `The config.json cannot be imported:\n${problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n')}`,
    );
  }
}

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
    throw error;
  }
}

export function createBackend(dependencies: BackendDependencies): BackendHandle {
  let project: ProjectStore | undefined;
  let lastError: ApiError | null = null;

  const requireProject = (): ProjectStore => {
    if (!project) throw new StoreError('no-project', 'No project is open. Create or open a project first.');
    return project;
  };

  const switchTo = async (next: ProjectStore): Promise<void> => {
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
    },
    designs: {
      list: () => guard(() => requireProject().listDesigns()),
      get: ({ id }) => guard(() => requireProject().getDesign(id)),
      create: ({ name, document, workload }) =>
        guard(() => requireProject().createDesign(name, document ?? emptyDesign(name), workload ?? null)),
      save: ({ id, document, workload, baseRevision }) =>
        guard(() => requireProject().saveDesign(id, document, workload, baseRevision)),
      rename: ({ id, name }) => guard(() => requireProject().renameDesign(id, name)),
      delete: ({ id }) =>
        guard(async () => {
          await requireProject().deleteDesign(id);
          return null;
        }),
    },
    library: {
      catalog: () =>
        guard(async () => {
          const imported = project ? await project.listModels() : [];
          return { ...dependencies.catalog, models: [...dependencies.catalog.models, ...imported] };
        }),
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
        dependencies.pool.run<Diagnostic[]>('check', { design }, { supersedes: 'check' }),
      sweep: ({ design, workload, variants, channel }) =>
        dependencies.pool.run<SweepPoint[]>(
          'sweep',
          { design, workload, variants },
          { supersedes: channel === undefined ? undefined : `sweep:${channel}` },
        ),
      run: async ({ design, workload, channel }) => {
        const inLibrary = dependencies.catalog.models.some((model) => model.id === workload.model);
        const model =
          inLibrary || !project
            ? undefined
            : (await project.listModels()).find((candidate) => candidate.id === workload.model);
        return dependencies.pool.run<EvaluationResult>(
          'simulate',
          { design, workload, model },
          { supersedes: channel === undefined ? undefined : `simulate:${channel}` },
        );
      },
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
      await project?.close().catch(() => undefined);
      project = undefined;
    },
  };
}
