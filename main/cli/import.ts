/**
 * `tessera import`: a file into a project — a design spec (JSON or YAML), a drawing that carries one (SVG or
 * PNG exported by Tessera) becomes a new design; a Hugging Face config.json becomes a project model. The file
 * is read and checked completely before the project is opened, so a file that cannot be imported leaves the
 * project untouched.
 */
import { open } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readDesign } from '../../engine/design-io';
import { maxImportBytes, type FileJobRunner, type ImportProblem } from '../files';
import { ProjectStore } from '../store/project-store';
import { UsageError, type Streams } from '../app/command-line';
import { saveModelToProject } from './save-model';

export const importUsage = 'import --project FILE.tessera <file> [--name NAME] [--model-id ID]';

function options(args: string[]): {
  project: string | undefined;
  name: string | undefined;
  modelId: string | undefined;
  file: string | undefined;
  help: boolean;
} {
  try {
    const { values, positionals } = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        project: { type: 'string' },
        name: { type: 'string' },
        'model-id': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 1)
      throw new Error(`import takes one file, got ${positionals.length}: ${positionals.join(' ')}`);
    return {
      project: values.project,
      name: values.name,
      modelId: values['model-id'],
      file: positionals[0],
      help: values.help === true,
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\nusage: tessera ${importUsage}`);
  }
}

/** The file's bytes, reading one byte past the limit so `importFile` can say the file is too large. */
async function readBytes(path: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new UsageError(`cannot read ${path}: it is not a file`);
    const buffer = Buffer.alloc(Math.min(info.size, maxImportBytes + 1));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead);
  } finally {
    await handle.close();
  }
}

/** One line per problem: `  path (line 3, column 7): message`. */
export function problemLines(problems: readonly ImportProblem[]): string {
  return problems
    .map((problem) => {
      const where =
        problem.line === undefined
          ? ''
          : ` (line ${problem.line}${problem.column === undefined ? '' : `, column ${problem.column}`})`;
      return `  ${problem.path}${where}: ${problem.message}\n`;
    })
    .join('');
}

export async function runImport(args: string[], streams: Streams, files: FileJobRunner): Promise<number> {
  const values = options(args);
  if (values.help) {
    streams.stdout(`usage: tessera ${importUsage}\n`);
    return 0;
  }
  if (values.file === undefined)
    throw new UsageError(`import needs the file to import\n\nusage: tessera ${importUsage}`);
  if (values.project === undefined)
    throw new UsageError(`import needs --project <file.tessera>\n\nusage: tessera ${importUsage}`);

  const file = { fileName: basename(values.file), bytes: await readBytes(values.file) };
  // Parsed on the file worker (the app's path, with its time limit); a stopped import is a FileJobError.
  const imported = await files.importFile(file, {
    ...(values.modelId === undefined ? {} : { modelId: values.modelId }),
    ...(values.name === undefined ? {} : { modelName: values.name }),
  });
  if (!imported.ok) {
    streams.stderr(
      `tessera: ${imported.message}\n${problemLines(imported.problems)}Nothing was written to ${values.project}.\n`,
    );
    return 2;
  }

  if (imported.kind === 'model') {
    const { model } = imported;
    await saveModelToProject(values.project, model);
    streams.stdout(`imported model "${model.name}" (id ${model.id}) into ${values.project}\n`);
    return 0;
  }

  if (values.modelId !== undefined)
    streams.stderr(`note: --model-id is for Hugging Face configs; ${values.file} is a design\n`);
  const name = values.name ?? imported.design.name;
  // The store takes the name as given; check it against the design format so a bad --name is refused here.
  const named = readDesign({ ...imported.design, name });
  if (!named.ok)
    throw new UsageError(
      `--name cannot be used: ${named.problems.map((problem) => problem.message).join('; ')}. Nothing was written to ${values.project}.`,
    );
  const store = await ProjectStore.open(resolve(values.project));
  try {
    // The design keeps the workload its file carried.
    const workload = imported.workload ?? null;
    const created = await store.createDesign(name, named.value, workload, { kind: 'import' });
    const carried =
      workload === null ? '' : `, with its workload (${workload.model}, batch ${workload.batch})`;
    streams.stdout(
      `imported design "${created.name}" (id ${created.id}, ${created.document.blocks.length} blocks, from ${imported.source.toUpperCase()}${carried}) into ${values.project}\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}
