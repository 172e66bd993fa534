/**
 * `tessera new <file.tessera> [--preset ID]`: a new project file, made by the same project store as the app's
 * File ▸ New Project, empty or holding one design copied from a preset. An existing file is never overwritten;
 * an unknown preset is refused before any file is made.
 */
import { parseArgs } from 'node:util';
import { UsageError, loadCatalog, type Streams } from '../app/command-line';
import { ProjectStore } from '../store/project-store';

export const newUsage = 'new <file.tessera> [--preset ID]';

export async function runNew(args: string[], streams: Streams): Promise<number> {
  let values: { preset?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: { preset: { type: 'string' } },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\nusage: tessera ${newUsage}`);
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError(`new takes the path of one project file\n\nusage: tessera ${newUsage}`);
  if (!file.endsWith('.tessera'))
    throw new UsageError(`a project file's name ends in .tessera (got "${file}")`);
  let preset;
  if (values.preset !== undefined) {
    const catalog = await loadCatalog();
    preset = catalog.presets.get(values.preset);
    if (!preset)
      throw new UsageError(`there is no preset "${values.preset}"; \`tessera presets\` lists them`);
  }
  const store = await ProjectStore.create(file);
  try {
    if (preset) {
      const design = await store.createDesign(preset.design.name, preset.design, null);
      streams.stdout(
        `created ${file} with design "${design.name}" (id ${design.id}) from preset ${preset.id}\n`,
      );
    } else streams.stdout(`created ${file} (no designs yet)\n`);
  } finally {
    await store.close();
  }
  return 0;
}
