/**
 * The library's listings (`presets`, `models`, `formats`) and `import-model`.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importHfConfig } from '../../engine/models/hf-import';
import { describeProblems } from '../../engine/schema/common';
import { loadCatalog, UsageError, type Streams } from '../app/command-line';
import { readJsonFile } from './read-input';
import { saveModelToProject } from './save-model';
import { parsedArgs } from './usage';

export async function runList(
  what: 'presets' | 'models' | 'formats',
  args: string[],
  streams: Streams,
): Promise<number> {
  const { values } = parsedArgs(() =>
    parseArgs({ args, strict: true, options: { json: { type: 'boolean', default: false } } }),
  );
  const catalog = await loadCatalog();
  const entries =
    what === 'presets'
      ? catalog.catalog.presets
      : what === 'models'
        ? catalog.catalog.models
        : catalog.catalog.formats;
  if (values.json === true) {
    streams.stdout(`${JSON.stringify(entries.map((entry) => entry.id))}\n`);
    return 0;
  }
  streams.stdout(entries.map((entry) => `${entry.id}\n`).join(''));
  return 0;
}

export async function runImportModel(args: string[], streams: Streams): Promise<number> {
  const { values, positionals } = parsedArgs(() =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        id: { type: 'string' },
        name: { type: 'string' },
        out: { type: 'string' },
        project: { type: 'string' },
        url: { type: 'string' },
      },
    }),
  );
  const file = positionals[0];
  if (file === undefined) throw new UsageError('import-model needs the path of a config.json');
  if (values.id === undefined) throw new UsageError('import-model needs --id <kebab-case id>');
  const imported = importHfConfig(await readJsonFile(file, 'model config'), {
    id: values.id,
    name: values.name,
    sourceUrl: values.url,
  });
  if (!imported.ok)
    throw new UsageError(
      `${file} cannot be imported; nothing was written:\n${describeProblems(imported.problems)}`,
    );
  const text = `${JSON.stringify(imported.value, null, 2)}\n`;
  if (values.project !== undefined) {
    await saveModelToProject(values.project, imported.value);
    streams.stderr(`imported "${imported.value.id}" into ${values.project}\n`);
  }
  if (values.out !== undefined) await writeFile(values.out, text, 'utf8');
  else if (values.project === undefined) streams.stdout(text);
  return 0;
}
