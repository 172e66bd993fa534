/**
 * `tessera serve --scenario s.yaml`: a workload document (`tessera.workload`, YAML or JSON) with a `serving:`
 * section, read by the text spec's `readWorkloadText` (every problem with its line and path). A `trace` traffic
 * may name its trace as `file: <path>` (relative to the scenario) instead of carrying the arrays; such a
 * scenario is read with the YAML reader, each trace file put in its place, and then checked by the same schema.
 */
import { basename, dirname, isAbsolute, join } from 'node:path';
import { formatPath } from '../../engine/schema/common';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { UsageError } from '../app/command-line';
import { readTextFile } from './read-input';

/** A scenario without a trace file is a few lines, a trace inline a few MB per 100,000 requests. */
const maxScenarioBytes = 64_000_000;

/** Where a `trace` traffic sits in a workload document (the scenario's own, and each tenant's). */
function tracesWithFile(value: unknown): { path: (string | number)[]; file: string; timeScale?: unknown }[] {
  const serving = (value as { serving?: unknown } | null)?.serving as
    { traffic?: unknown; tenants?: unknown } | undefined;
  if (typeof serving !== 'object' || serving === null) return [];
  const found: { path: (string | number)[]; file: string; timeScale?: unknown }[] = [];
  const visit = (traffic: unknown, path: (string | number)[]) => {
    const candidate = traffic as { kind?: unknown; file?: unknown; timeScale?: unknown } | null;
    if (candidate?.kind === 'trace' && typeof candidate.file === 'string')
      found.push({ path, file: candidate.file, timeScale: candidate.timeScale });
  };
  visit(serving.traffic, ['serving', 'traffic']);
  if (Array.isArray(serving.tenants))
    serving.tenants.forEach((tenant: unknown, index) =>
      visit((tenant as { traffic?: unknown } | null)?.traffic, ['serving', 'tenants', index, 'traffic']),
    );
  return found;
}

/**
 * A trace file named by a scenario, read relative to it by `readTrace` (engine/serving/trace.ts: the Azure LLM
 * inference and BurstGPT CSV layouts, JSON Lines); a `timeScale` beside `file:` is kept.
 */
async function traceTraffic(scenarioPath: string, file: string, where: string): Promise<unknown> {
  const path = isAbsolute(file) ? file : join(dirname(scenarioPath), file);
  const text = await readTextFile(path, `trace (${where}.file in ${scenarioPath})`);
  const { readTrace } = await import('../../engine/serving/trace');
  const read = readTrace(text, basename(path));
  if (!read.ok)
    throw new UsageError(
      `trace ${path} (${where}.file in ${scenarioPath}) cannot be read:\n${read.problems.join('\n')}`,
    );
  return read.traffic;
}

/** Reads a scenario: a workload with `serving`, every problem a usage error naming the file, path and line. */
export async function scenarioFrom(path: string): Promise<Workload> {
  const text = await readTextFile(path, 'scenario');
  if (text.length > maxScenarioBytes)
    throw new UsageError(
      `scenario ${path} is over 64 MB; put a long trace in a file of its own (file: trace.csv)`,
    );
  let workload: Workload;
  // `file:` under a trace traffic is not part of the schema: those scenarios take the YAML reader's way.
  if (/(^|[\s{,"])file"?\s*:/m.test(text)) {
    const { readYamlValue } = await import('./read-yaml');
    const { value, lineOf } = readYamlValue(text, `scenario ${path}`);
    for (const trace of tracesWithFile(value)) {
      const where = formatPath(trace.path);
      const read = (await traceTraffic(path, trace.file, where)) as Record<string, unknown>;
      const traffic = trace.timeScale === undefined ? read : { ...read, timeScale: trace.timeScale };
      let parent = value as Record<string | number, unknown>;
      for (const segment of trace.path.slice(0, -1))
        parent = parent[segment] as Record<string | number, unknown>;
      parent[trace.path.at(-1)!] = traffic;
    }
    const parsed = workloadSchema.safeParse(value);
    if (!parsed.success)
      throw new UsageError(
        `scenario ${path} is not a valid tessera.workload document:\n${parsed.error.issues
          .map((issue) => {
            const line = lineOf(issue.path);
            return `${line === undefined ? '' : `line ${line}: `}${formatPath(issue.path)}: ${issue.message}`;
          })
          .join('\n')}`,
      );
    workload = parsed.data;
  } else {
    const { readWorkloadText } = await import('../../engine/spec/workload-text');
    const read = readWorkloadText(text, /\.json$/i.test(path) ? 'json' : undefined);
    if (!read.ok)
      throw new UsageError(
        `scenario ${path} is not a valid tessera.workload document:\n${read.problems
          .map((problem) => `line ${problem.line}: ${problem.path}: ${problem.message}`)
          .join('\n')}`,
      );
    workload = read.workload;
  }
  if (!workload.serving)
    throw new UsageError(
      `scenario ${path} has no serving: section (traffic, requests, seed, scheduler); \`tessera simulate --workload\` takes a workload without one`,
    );
  return workload;
}
