/**
 * What the commands read from files and references: JSON files with a readable complaint; a design from a preset,
 * a design file (JSON or YAML) or a design in a project file (`lab.tessera#Design name`, read only); a workload
 * document (`tessera.workload`, YAML or JSON); a model from the library or a Hugging Face config.json.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CatalogIndex } from '../../engine/catalog';
import { importHfConfig } from '../../engine/models/hf-import';
import { describeProblems, formatPath } from '../../engine/schema/common';
import type { DesignDocument } from '../../engine/schema/design';
import type { ModelConfig } from '../../engine/schema/model';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { UsageError } from '../app/command-line';

/** The text of a file the user named, or a usage error saying why it cannot be read. */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readTextFile(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * A design and what came with it: a design in a project brings its saved workload and the project's models; a
 * design file its `workload:` section.
 */
export interface DesignSource {
  design: DesignDocument;
  /** The design's workload: saved with it in a project, or written in its file. */
  workload?: Workload;
  /** Models the project imported (a workload may name one). */
  projectModels: ModelConfig[];
}

/** `lab.tessera#Design name` → the project file and the design's name or id. */
export function projectReference(reference: string): { project: string; design: string } | undefined {
  const match = /^(.+\.tessera)#(.+)$/s.exec(reference);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { project: match[1], design: match[2] }
    : undefined;
}

/**
 * A design from `preset:ID`, a design file (`.json` as the JSON document; `.yaml`/`.yml` in the readable YAML
 * shape `tessera export --format yaml` writes) or `project.tessera#Design name` (a design's name or id).
 */
export async function designSourceFrom(reference: string, catalog: CatalogIndex): Promise<DesignSource> {
  if (reference.startsWith('preset:')) {
    const id = reference.slice('preset:'.length);
    const preset = catalog.presets.get(id);
    if (!preset) throw new UsageError(`there is no preset "${id}"; \`tessera presets\` lists them`);
    return { design: preset.design, projectModels: [] };
  }
  const inProject = projectReference(reference);
  if (inProject) return await designInProject(inProject.project, inProject.design);
  if (reference.endsWith('.tessera'))
    throw new UsageError(
      `--design ${reference} names a project; name one of its designs too: "${reference}#Design name"`,
    );
  const yaml = /\.ya?ml$/i.test(reference);
  const text = await readTextFile(reference, 'design');
  if (!yaml) {
    // Checked here so that a file that is not JSON at all keeps its short message.
    try {
      JSON.parse(text);
    } catch (error) {
      throw new UsageError(`design ${reference} is not valid JSON: ${(error as Error).message}`);
    }
  }
  // The text reader (and the YAML library) is loaded only for a design file: it is a large share of the start-up.
  const { parseDesignText } = await import('../../engine/spec/spec-text');
  const parsed = parseDesignText(text, yaml ? 'yaml' : 'json');
  if (!parsed.ok)
    throw new UsageError(
      `design ${reference} is invalid:\n${parsed.problems.map((problem) => `line ${problem.line}: ${problem.path}: ${problem.message}`).join('\n')}`,
    );
  // A design file that carries its workload (`workload:`, as the spec exports write it) brings it along.
  return {
    design: parsed.design,
    ...(parsed.workload === undefined ? {} : { workload: parsed.workload }),
    projectModels: [],
  };
}

/** A design from any reference `designSourceFrom` takes. */
export async function designFrom(reference: string, catalog: CatalogIndex): Promise<DesignDocument> {
  return (await designSourceFrom(reference, catalog)).design;
}

/**
 * A design in a project file, by id or exact name; the project is only read. An unknown name lists the
 * project's designs; a name two designs share lists their ids.
 */
async function designInProject(project: string, reference: string): Promise<DesignSource> {
  // The project store (sqlite3) is loaded only when a command reads a project.
  const { ProjectStore } = await import('../store/project-store');
  const store = await ProjectStore.open(resolve(project));
  try {
    const designs = await store.listDesigns();
    const byId = designs.find((design) => design.id === reference);
    const byName = designs.filter((design) => design.name === reference);
    const chosen = byId ?? (byName.length === 1 ? byName[0] : undefined);
    if (!chosen) {
      if (byName.length > 1)
        throw new UsageError(
          `${byName.length} designs in ${project} are named "${reference}"; name one by its id ("${project}#ID"):\n${byName.map((design) => `  ${design.id}  (saved ${design.updatedAt})`).join('\n')}`,
        );
      const known =
        designs.length === 0
          ? 'the project has no designs'
          : `its designs are:\n${designs.map((design) => `  ${design.name}  (id ${design.id})`).join('\n')}`;
      throw new UsageError(`there is no design "${reference}" in ${project}; ${known}`);
    }
    const stored = await store.getDesign(chosen.id);
    return {
      design: stored.document,
      ...(stored.workload ? { workload: stored.workload } : {}),
      projectModels: await store.listModels(),
    };
  } finally {
    await store.close();
  }
}

/** A `tessera.workload` document (YAML or JSON), checked by the API's workload schema. */
export async function workloadFrom(path: string): Promise<Workload> {
  const text = await readTextFile(path, 'workload');
  if (text.length > 1_000_000)
    throw new UsageError(`workload ${path} is over 1 MB; a workload is a few lines`);
  const { readYamlValue } = await import('./read-yaml');
  const { value, lineOf } = readYamlValue(text, `workload ${path}`);
  const parsed = workloadSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const line = lineOf(issue.path);
    return `${line === undefined ? '' : `line ${line}: `}${formatPath(issue.path)}: ${issue.message}`;
  });
  throw new UsageError(`workload ${path} is not a valid tessera.workload document:\n${problems.join('\n')}`);
}

/** A model by library id (or one the design's project imported), or from a Hugging Face config.json file. */
export async function modelFrom(
  reference: string,
  catalog: CatalogIndex,
  projectModels: readonly ModelConfig[] = [],
): Promise<ModelConfig> {
  const known = catalog.models.get(reference) ?? projectModels.find((model) => model.id === reference);
  if (known) return known;
  if (!reference.endsWith('.json'))
    throw new UsageError(
      `there is no model "${reference}"; \`tessera models\` lists them, or pass a config.json`,
    );
  const imported = importHfConfig(await readJsonFile(reference, 'model config'), {
    id: 'imported-model',
    name: reference,
  });
  if (!imported.ok)
    throw new UsageError(`model config ${reference} cannot be used:\n${describeProblems(imported.problems)}`);
  return imported.value;
}
