/**
 * The golden scenarios' files: `engine/scenarios/<name>.scenario.json` (a design and a workload) and
 * `<name>.golden.json` (what the engine answered, rounded). `npm run goldens` evaluates every scenario, prints
 * what changed against the checked-in golden, and rewrites the goldens — so an intended change to the engine is
 * committed as a reviewed diff. `npm run goldens -- --check` only compares (exit 1 on any change). The test
 * `goldens.test.ts` compares on every run of the unit tests.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { indexCatalog, type CatalogIndex } from '../../engine/catalog';
import { diffGoldens, runScenario, scenarioSchema } from '../../engine/scenarios/golden';
import { describeProblems, parseWith } from '../../engine/schema/common';
import { loadLibrary, locateLibrary } from '../services/library-loader';

/** The folder the scenarios live in. */
export const scenarioFolder = resolve(import.meta.dirname, '../../engine/scenarios');

export interface ScenarioOutcome {
  name: string;
  /** The golden as it is now, as the text the file holds. */
  text: string;
  /** What changed against the checked-in golden; `undefined` when there is none yet. */
  changes: string[] | undefined;
}

export async function goldenCatalog(): Promise<CatalogIndex> {
  const { catalog, problems } = await loadLibrary(locateLibrary(import.meta.dirname));
  if (problems.length > 0)
    throw new Error(`the library has invalid files: ${problems.map((problem) => problem.file).join(', ')}`);
  return indexCatalog(catalog);
}

export async function scenarioNames(folder = scenarioFolder): Promise<string[]> {
  const suffix = '.scenario.json';
  return (await readdir(folder))
    .filter((name) => name.endsWith(suffix))
    .map((name) => name.slice(0, -suffix.length))
    .sort();
}

/** Evaluates one scenario and compares it with its golden file. */
export async function runGolden(
  name: string,
  catalog: CatalogIndex,
  folder = scenarioFolder,
): Promise<ScenarioOutcome> {
  const raw: unknown = JSON.parse(await readFile(join(folder, `${name}.scenario.json`), 'utf8'));
  const parsed = parseWith(scenarioSchema, raw);
  if (!parsed.ok) throw new Error(`${name}.scenario.json is invalid:\n${describeProblems(parsed.problems)}`);
  const golden = runScenario(name, parsed.value, catalog);
  // Written as Prettier writes it, so `npm run format:check` passes on a rewritten golden.
  const file = join(folder, `${name}.golden.json`);
  const text = await format(JSON.stringify(golden, null, 2), {
    ...(await resolveConfig(file)),
    filepath: file,
  });
  let stored: unknown;
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return { name, text, changes: undefined };
  }
  return { name, text, changes: diffGoldens(stored, golden) };
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const catalog = await goldenCatalog();
  let changed = 0;
  for (const name of await scenarioNames()) {
    const outcome = await runGolden(name, catalog);
    if (outcome.changes === undefined) {
      process.stdout.write(`${name}: new golden\n`);
      changed += 1;
    } else if (outcome.changes.length > 0) {
      process.stdout.write(`${name}: ${outcome.changes.length} change(s)\n`);
      for (const line of outcome.changes) process.stdout.write(`  ${line}\n`);
      changed += 1;
    } else {
      process.stdout.write(`${name}: unchanged\n`);
    }
    if (!check && outcome.changes?.length !== 0)
      await writeFile(join(scenarioFolder, `${name}.golden.json`), outcome.text);
  }
  if (check && changed > 0) {
    process.stdout.write(`${changed} golden(s) differ; run \`npm run goldens\` to accept the change.\n`);
    return 1;
  }
  if (!check && changed > 0) process.stdout.write(`${changed} golden(s) rewritten; review the diff.\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename))
  process.exitCode = await main(process.argv.slice(2));
