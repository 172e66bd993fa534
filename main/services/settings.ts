/**
 * User settings and the recent-projects list, kept in one JSON file in the user's data folder. Written
 * atomically (temporary file, then rename), so a crash never leaves half a settings file; a damaged file is
 * set aside and defaults are used.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { Settings } from '../contract/api';

const MAX_RECENT = 10;

const fileSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).catch('system'),
  authorName: z.string().max(120).catch(''),
  recentProjects: z.array(z.string()).catch([]),
});
type SettingsFile = z.infer<typeof fileSchema>;

const defaults: SettingsFile = { theme: 'system', authorName: '', recentProjects: [] };

export class SettingsStore {
  private state: SettingsFile = { ...defaults };
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined) {}

  /** Loads settings from `file` (or keeps them in memory only when `file` is undefined). */
  static async load(file: string | undefined): Promise<SettingsStore> {
    const store = new SettingsStore(file);
    if (file === undefined) return store;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (parsed.success) store.state = parsed.data;
      else await rename(file, `${file}.damaged`).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        await rename(file, `${file}.damaged`).catch(() => undefined);
    }
    return store;
  }

  get settings(): Settings {
    return { theme: this.state.theme, authorName: this.state.authorName };
  }

  get recentProjects(): string[] {
    return [...this.state.recentProjects];
  }

  async update(changes: Partial<Settings>): Promise<Settings> {
    this.state = {
      ...this.state,
      ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)),
    };
    await this.persist();
    return this.settings;
  }

  async addRecentProject(path: string): Promise<void> {
    this.state = {
      ...this.state,
      recentProjects: [path, ...this.state.recentProjects.filter((entry) => entry !== path)].slice(
        0,
        MAX_RECENT,
      ),
    };
    await this.persist();
  }

  /**
   * Writes the current state after the writes already queued. The queue goes on after a failure: each write
   * reports its own error, and the next one writes the whole state again (so it also saves what the failed one
   * could not). Kept as a promise that never rejects, or one failure would reject every later write.
   */
  private persist(): Promise<void> {
    const file = this.file;
    if (file === undefined) return Promise.resolve();
    const write = this.writing.then(async () => {
      const text = `${JSON.stringify(this.state, null, 2)}\n`;
      try {
        await mkdir(dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, file);
      } catch (error) {
        throw new Error(`Could not save the settings to ${file}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    });
    this.writing = write.catch(() => undefined);
    return write;
  }
}
