/**
 * `tessera serve --scenario s.yaml`: a workload document (`tessera.workload`, YAML or JSON) with a `serving:`
 * section, read by the text spec's `readWorkloadText` (every problem with its line and path). A `trace` traffic
 * may name its trace as `file: <path>` (relative to the scenario) instead of carrying the arrays; such a
 * scenario is read with the YAML reader, each trace file put in its place, and then checked by the same schema.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { formatPath } from '../../engine/schema/common';
import { workloadSchema, type Workload } from '../../engine/schema/workload';
import { UsageError } from '../app/command-line';
import { readTextFile } from './read-input';

/** A scenario without a trace file is a few lines, a trace inline a few MB per 100,000 requests. */
const maxScenarioBytes = 64_000_000;

/** A trace file's text and name → the `trace` traffic it holds, or problems (the scenario branch's reader). */
export type TraceReader = (
  text: string,
  fileName: string,
) => { ok: true; traffic: unknown } | { ok: false; problems: { line?: number; message: string }[] };

/** Where a `trace` traffic sits in a workload document (the scenario's own, and each tenant's). */
function tracesWithFile(value: unknown): { path: (string | number)[]; file: string }[] {
  const serving = (value as { serving?: unknown } | null)?.serving as
    { traffic?: unknown; tenants?: unknown } | undefined;
  if (typeof serving !== 'object' || serving === null) return [];
  const found: { path: (string | number)[]; file: string }[] = [];
  const visit = (traffic: unknown, path: (string | number)[]) => {
    const candidate = traffic as { kind?: unknown; file?: unknown } | null;
    if (candidate?.kind === 'trace' && typeof candidate.file === 'string')
      found.push({ path, file: candidate.file });
  };
  visit(serving.traffic, ['serving', 'traffic']);
  if (Array.isArray(serving.tenants))
    serving.tenants.forEach((tenant: unknown, index) =>
      visit((tenant as { traffic?: unknown } | null)?.traffic, ['serving', 'tenants', index, 'traffic']),
    );
  return found;
}

/** A trace file named by a scenario, read relative to it. */
async function traceTraffic(
  scenarioPath: string,
  file: string,
  where: string,
  readTrace: TraceReader | undefined,
): Promise<unknown> {
  if (!readTrace)
    throw new UsageError(
      `scenario ${scenarioPath}: ${where}.file: trace files are not supported by this build yet; put the trace's arrivalsSeconds, inputTokens and outputTokens in the scenario`,
    );
  const path = isAbsolute(file) ? file : join(dirname(scenarioPath), file);
  const text = await readTextFile(path, 'trace');
  const read = readTrace(text, path);
  if (!read.ok)
    throw new UsageError(
      `trace ${path} (${where}.file in ${scenarioPath}) cannot be read:\n${read.problems
        .slice(0, 20)
        .map((problem) => `${problem.line === undefined ? '' : `line ${problem.line}: `}${problem.message}`)
        .join('\n')}`,
    );
  return read.traffic;
}

/** Reads a scenario: a workload with `serving`, every problem a usage error naming the file, path and line. */
export async function scenarioFrom(path: string, readTrace?: TraceReader): Promise<Workload> {
  const text = await readTextFile(path, 'scenario');
  if (text.length > maxScenarioBytes)
    throw new UsageError(
      `scenario ${path} is over 64 MB; put a long trace in a file of its own (file: trace.csv)`,
    );
  let workload: Workload;
  // `file:` under a trace traffic is not part of the schema: those scenarios take the YAML reader's way.
  if (/^\s*file\s*:/m.test(text) || /"file"\s*:/.test(text)) {
    const { readYamlValue } = await import('./read-yaml');
    const { value, lineOf } = readYamlValue(text, `scenario ${path}`);
    for (const trace of tracesWithFile(value)) {
      const where = formatPath(trace.path);
      const traffic = await traceTraffic(path, trace.file, where, readTrace);
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
