/**
 * Application-wide state: settings and theme, the library catalog, the open project and its designs.
 * Components read it; only the methods here change it.
 */
import { indexCatalog, type CatalogIndex } from '../../../engine/catalog';
import { emptyDesign, type DesignDocument } from '../../../engine/schema/design';
import type {
  ApiError,
  AppInfo,
  DesignSummary,
  ModuleEntry,
  ProjectInfo,
  Settings,
  ThemePreference,
} from '../../../main/contract/api';
import { api, ApiFailure, call, messageOf } from '../lib/api';
import { editor } from './editor.svelte';
import { toasts } from './toasts.svelte';

export type ResolvedTheme = 'light' | 'dark';

const systemDark =
  typeof window !== 'undefined' ? window.matchMedia('(prefers-color-scheme: dark)') : undefined;

class AppState {
  info = $state.raw<AppInfo | null>(null);
  settings = $state.raw<Settings>({ theme: 'system', authorName: '' });
  catalog = $state.raw<CatalogIndex | null>(null);
  project = $state.raw<ProjectInfo | null>(null);
  designs = $state.raw<DesignSummary[]>([]);
  /** Groups saved to the palette in the open project. */
  modules = $state.raw<ModuleEntry[]>([]);
  recent = $state.raw<string[]>([]);
  /** The last failure worth showing in a banner (opening a project, loading the library). */
  problem = $state.raw<ApiError | null>(null);
  loading = $state(true);
  private systemPrefersDark = $state(systemDark?.matches ?? false);

  readonly theme: ResolvedTheme = $derived(
    this.settings.theme === 'system' ? (this.systemPrefersDark ? 'dark' : 'light') : this.settings.theme,
  );

  async start(): Promise<void> {
    systemDark?.addEventListener('change', (event) => {
      this.systemPrefersDark = event.matches;
    });
    try {
      const tessera = api();
      const [info, settings, catalog, current, recent] = await Promise.all([
        call(tessera.app.info()),
        call(tessera.app.getSettings()),
        call(tessera.library.catalog()),
        call(tessera.projects.current()),
        call(tessera.projects.recent()),
      ]);
      this.info = info;
      this.settings = settings;
      this.catalog = indexCatalog(catalog);
      this.recent = recent;
      this.problem = current.lastError;
      tessera.projects.onChanged((project) => void this.adopt(project));
      editor.onSaved = (saved) => {
        this.designs = this.designs.map((design) => (design.id === saved.id ? saved : design));
      };
      if (current.project) await this.adopt(current.project);
    } catch (error) {
      this.problem =
        error instanceof ApiFailure ? error.error : { code: 'internal', message: messageOf(error) };
    } finally {
      this.loading = false;
    }
  }

  async setTheme(theme: ThemePreference): Promise<void> {
    this.settings = { ...this.settings, theme };
    this.settings = await call(api().app.setSettings({ theme }));
  }

  /** The name written into the history next to each version saved from now on. */
  async setAuthorName(authorName: string): Promise<void> {
    this.settings = await call(api().app.setSettings({ authorName }));
  }

  toggleTheme(): Promise<void> {
    return this.setTheme(this.theme === 'dark' ? 'light' : 'dark');
  }

  /** Opens (or creates) a project by path; a refusal is shown in the banner and changes nothing. */
  async openProject(path: string, mode: 'open' | 'create'): Promise<boolean> {
    const tessera = api();
    const result =
      mode === 'open' ? await tessera.projects.open({ path }) : await tessera.projects.create({ path });
    if (!result.ok) {
      this.problem = result.error;
      return false;
    }
    this.problem = null;
    await this.adopt(result.value);
    this.recent = await call(tessera.projects.recent());
    return true;
  }

  /** Shows the system file dialog where there is one; `null` when cancelled or unavailable. */
  async chooseProjectFile(mode: 'open' | 'create'): Promise<string | null> {
    const result = await api().app.chooseProjectFile({ mode });
    return result.ok ? result.value : null;
  }

  /** Back to the start view (to create or open another project); pending saves finish first. */
  async leaveProject(): Promise<void> {
    await editor.settled();
    editor.close();
    this.project = null;
    this.designs = [];
    this.recent = await call(api().projects.recent());
  }

  dismissProblem(): void {
    this.problem = null;
  }

  /** Reads the catalog again (after importing a model into the project). */
  async refreshCatalog(): Promise<void> {
    this.catalog = indexCatalog(await call(api().library.catalog()));
  }

  async refreshModules(): Promise<void> {
    this.modules = await call(api().library.modules());
  }

  private async adopt(project: ProjectInfo): Promise<void> {
    await editor.settled();
    this.project = project;
    this.designs = await call(api().designs.list());
    await this.refreshModules();
    this.catalog = indexCatalog(await call(api().library.catalog()));
    if (this.designs.length === 0) {
      editor.close();
      return;
    }
    const first = this.designs[0];
    if (first) await this.openDesign(first.id);
  }

  async openDesign(id: string): Promise<void> {
    await editor.settled();
    editor.load(await call(api().designs.get({ id })));
  }

  async renameDesign(id: string, name: string): Promise<void> {
    await editor.settled();
    const renamed = await call(api().designs.rename({ id, name }));
    this.designs = await call(api().designs.list());
    if (editor.designId === id) editor.adoptName(renamed.name, renamed.revision);
  }

  async duplicateDesign(id: string): Promise<void> {
    await editor.settled();
    const copy = await call(api().designs.duplicate({ id }));
    this.designs = await call(api().designs.list());
    editor.load(copy);
    toasts.show(`Duplicated as "${copy.name}".`);
  }

  /** Moves a design to the bin; the notice offers Undo (which brings it back and opens it again). */
  async deleteDesign(id: string): Promise<void> {
    await editor.settled();
    const name = this.designs.find((design) => design.id === id)?.name ?? 'the design';
    await call(api().designs.delete({ id }));
    this.designs = await call(api().designs.list());
    if (editor.designId === id) {
      const next = this.designs[0];
      if (next) await this.openDesign(next.id);
      else editor.close();
    }
    toasts.show(`Deleted "${name}".`, { label: 'Undo', run: () => this.undeleteDesign(id) });
  }

  /** Brings a deleted design back from the bin and opens it. */
  async undeleteDesign(id: string): Promise<void> {
    await call(api().designs.restore({ id }));
    this.designs = await call(api().designs.list());
    await this.openDesign(id);
  }

  /** Writes a copy of the project to `path` and continues in the copy. */
  async saveProjectAs(path: string): Promise<boolean> {
    await editor.settled();
    const result = await api().projects.saveAs({ path });
    if (!result.ok) {
      this.problem = result.error;
      return false;
    }
    this.problem = null;
    const designId = editor.designId;
    await this.adopt(result.value);
    if (designId && this.designs.some((design) => design.id === designId)) await this.openDesign(designId);
    this.recent = await call(api().projects.recent());
    toasts.show(`Saved a copy as ${result.value.path}; you are now editing the copy.`);
    return true;
  }

  async createDesign(name: string, document: DesignDocument = emptyDesign(name)): Promise<void> {
    await editor.settled();
    const created = await call(api().designs.create({ name, document: { ...document, name } }));
    this.designs = await call(api().designs.list());
    editor.load(created);
  }
}

export const app = new AppState();
