/**
 * The workload as text: a workload document of its own (a serving scenario, `tessera serve --scenario`) and the
 * `workload:` section of a design text. YAML or JSON in, readable YAML out; every problem with the line and
 * column of the node it is about, like the design text (`spec-text.ts`), whose readers this shares. A trace's
 * arrival times and lengths are written one list per line and read apart from the parser (`number-lists.ts`),
 * so a million-request trace reads in well under a second.
 *
 * Pure: no I/O; the caller reads and writes the files.
 */
import { Document, Pair, Scalar, YAMLMap, YAMLSeq, type Node as YamlNode } from 'yaml';
import { parseWith } from '../schema/common';
import { readTrace } from '../serving/trace';
import { workloadSchema, type Workload } from '../schema/workload';
import { minLiftedItems, readSourceText, type SourceFormat } from './number-lists';
import { convertPlainSource } from './readable-shape';
import {
  isUnder,
  located,
  placeSchemaProblem,
  textProblem,
  typeDescription,
  type SpecProblem,
} from './schema-problems';
import {
  describeNode,
  lineLocator,
  quote,
  type OffsetProblem,
  type SourceEntry,
  type SourceNode,
} from './source-tree';

export type { SpecProblem } from './schema-problems';

/** The format tag of a workload document. */
export const WORKLOAD_FORMAT = 'tessera.workload';

/**
 * The longest text the parser reads per format, in UTF-16 code units, besides long number lists (a trace's
 * columns, read apart and bounded by the trace's row limit): a workload without a trace is a few lines.
 */
export const maxWorkloadTextLength: Readonly<Record<SourceFormat, number>> = {
  yaml: 1_000_000,
  json: 4_000_000,
};

/** The result of reading a workload text: the validated workload, or every problem found. */
export type ParsedWorkloadText = { ok: true; workload: Workload } | { ok: false; problems: SpecProblem[] };

// ---------------------------------------------------------------------------------------------------------
// Reading

/**
 * Reads a workload document from YAML or JSON text and validates it with `workloadSchema` (format tag,
 * version, every field). `format` left out: text starting with `{` is read as JSON, and as YAML (a flow
 * mapping) when it is not valid JSON but is valid YAML; anything else as YAML. Every problem has the line and
 * column of the node it is about (a missing field: its parent's key; an item of a long number list: the
 * list), sorted by position, at most 100 listed. Never throws.
 */
export function readWorkloadText(text: string, format?: SourceFormat): ParsedWorkloadText {
  try {
    return readOrFail(text, format);
  } catch (error) {
    // The readers bound depth, size and alias expansion; this guard is for whatever they did not foresee.
    const reason = error instanceof Error ? error.message : 'unknown error';
    return { ok: false, problems: textProblem(`could not read the text (${reason})`) };
  }
}

/** The format asked for, else JSON when the text starts with `{` (after a byte-order mark), else YAML. */
function formatOf(text: string, format: SourceFormat | undefined): SourceFormat {
  if (format !== undefined) return format;
  return text
    .replace(/^\uFEFF/, '')
    .trimStart()
    .startsWith('{')
    ? 'json'
    : 'yaml';
}

function readOrFail(text: unknown, format: SourceFormat | undefined): ParsedWorkloadText {
  if (typeof text !== 'string')
    return {
      ok: false,
      problems: textProblem(`expected the workload as text, found ${typeDescription(text)}`),
    };
  const locate = lineLocator(text);
  const chosen = formatOf(text, format);
  let reading = readSourceText(text, chosen, maxWorkloadTextLength[chosen], 'a workload');
  if (reading.root === undefined && format === undefined && chosen === 'json') {
    const asYaml = readSourceText(text, 'yaml', maxWorkloadTextLength.yaml, 'a workload');
    if (asYaml.root !== undefined) reading = asYaml;
  }
  if (reading.root === undefined)
    return { ok: false, problems: located(reading.problems, locate, 'the text could not be read') };
  const read = readWorkloadSource(reading.root, '');
  if (read.workload !== undefined) return { ok: true, workload: read.workload };
  return { ok: false, problems: located(read.problems, locate, 'the workload is not valid') };
}

/**
 * Validates a workload read into a source tree, placing each problem on its node. `sourcePrefix` is the
 * workload's path in the text (`workload` inside a design text, '' for a workload document), so that problems
 * say `workload.serving.traffic.ratePerSecond`, and `rootOffset` where a problem with the whole workload is
 * shown (its key). Used by the design text for its `workload:` section.
 */
export function readWorkloadSource(
  root: SourceNode,
  sourcePrefix: string,
  rootOffset = root.offset,
): { workload?: Workload; problems: OffsetProblem[] } {
  const where = sourcePrefix === '' ? '(top level)' : sourcePrefix;
  if (root.kind !== 'map')
    return {
      problems: [
        {
          offset: rootOffset,
          path: where,
          message: `a workload is a mapping (format: ${WORKLOAD_FORMAT}, version, model, batch, …); found ${describeNode(root)}`,
        },
      ],
    };
  // A text that is not a workload at all (a design, a sweep) is told so once, not with every key it lacks.
  const formatEntry = root.entries.find((entry) => entry.key === 'format');
  const formatValue = formatEntry?.value.kind === 'scalar' ? formatEntry.value.value : undefined;
  if (formatValue !== WORKLOAD_FORMAT)
    return {
      problems: [
        {
          offset: formatEntry?.keyOffset ?? rootOffset,
          path: sourcePrefix === '' ? 'format' : `${sourcePrefix}.format`,
          message:
            formatEntry === undefined
              ? `required but missing: a workload starts with format: ${WORKLOAD_FORMAT}`
              : `must be "${WORKLOAD_FORMAT}" (found ${describeNode(formatEntry.value)})`,
        },
      ],
    };
  const conversion = convertPlainSource(root, sourcePrefix, rootOffset);
  const parsed = parseWith(workloadSchema, conversion.document);
  if (parsed.ok && conversion.problems.length === 0) return { workload: parsed.value, problems: [] };
  const problems: OffsetProblem[] = [...conversion.problems];
  if (!parsed.ok) {
    const explained = new Set(conversion.problems.map((problem) => problem.documentPath));
    for (const problem of parsed.problems) {
      if (isUnder(problem.path, explained)) continue;
      problems.push(...placeSchemaProblem(problem, conversion));
    }
  }
  return { problems };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a workload as readable YAML: a header comment, then its fields in the schema's order; a mapping of a
 * few plain values on one line (`parallelism: { mode: auto }`, `slo: { ttftSeconds: 1, … }`), others indented;
 * every list of plain values on one line (`arrivalsSeconds: [ 0, 0.25, … ]`, however long). Deterministic, no
 * line folding, and reads back with {@link readWorkloadText} to the same workload.
 */
export function writeWorkloadText(workload: Workload): string {
  const document = new Document();
  document.commentBefore = ` Tessera workload — ${oneLine(workload.model)}`;
  const lists: number[][] = [];
  document.contents = workloadYamlNode(workload, lists);
  return withNumberLists(yamlText(document), lists, () => {
    const plain = new Document();
    plain.commentBefore = document.commentBefore;
    plain.contents = workloadYamlNode(workload, undefined);
    return yamlText(plain);
  });
}

/** The document's text: no folding, so one edit changes one line of a diff. */
export function yamlText(document: Document): string {
  return document.toString({ lineWidth: 0, minContentWidth: 0, indent: 2, indentSeq: true });
}

/**
 * The workload in the schema's field order (the order zod gives): two equal workloads are written alike
 * whatever order their fields were set in. A value the schema refuses is written as it is.
 */
function normalized(workload: Workload): Workload {
  const parsed = workloadSchema.safeParse(workload);
  return parsed.success ? parsed.data : workload;
}

/**
 * The workload as a YAML node. Long number lists are put in `lists` and written as a placeholder that
 * {@link withNumberLists} replaces (the YAML writer takes about 2 µs per item); without `lists`, as YAML lists.
 */
export function workloadYamlNode(workload: Workload, lists: number[][] | undefined): YAMLMap {
  return valueNode(normalized(workload), lists) as YAMLMap;
}

const placeholder = (index: number) => `tessera-number-list-${index}-end`;

/**
 * Replaces each long list's placeholder by the list, `[ 0, 0.25, 1.5 ]` as the YAML writer writes a flow list.
 * If a placeholder is not found exactly once (a text in the workload happens to contain it), the whole text
 * is written again by `slow`, without placeholders.
 */
export function withNumberLists(text: string, lists: readonly number[][], slow: () => string): string {
  if (lists.length === 0) return text;
  const parts: string[] = [];
  let copied = 0;
  const places = lists.map((_, index) => {
    const mark = placeholder(index);
    const at = text.indexOf(mark);
    return at !== -1 && text.indexOf(mark, at + 1) === -1 ? at : -1;
  });
  if (places.some((at) => at === -1)) return slow();
  const order = places.map((at, index) => ({ at, index })).sort((first, second) => first.at - second.at);
  for (const { at, index } of order) {
    parts.push(text.slice(copied, at), `[ ${(lists[index] ?? []).map(numberText).join(', ')} ]`);
    copied = at + placeholder(index).length;
  }
  parts.push(text.slice(copied));
  return parts.join('');
}

/** A number as YAML's writer gives it (shortest text that reads back as the same double; `-0` kept). */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function isPlainValue(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function valueNode(value: unknown, lists: number[][] | undefined): YamlNode {
  if (Array.isArray(value)) {
    const seq = new YAMLSeq();
    if (value.every(isPlainValue)) {
      if (
        lists !== undefined &&
        value.length >= minLiftedItems &&
        value.every((item) => typeof item === 'number')
      ) {
        lists.push(value);
        return new Scalar(placeholder(lists.length - 1));
      }
      seq.flow = true;
      for (const item of value) seq.items.push(new Scalar(item));
      return seq;
    }
    for (const item of value) seq.items.push(valueNode(item, lists));
    if (seq.items.length === 0) seq.flow = true;
    return seq;
  }
  if (value !== null && typeof value === 'object') {
    const map = new YAMLMap();
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    // A few plain values read best on one line; anything with a list or a mapping inside is indented.
    map.flow = entries.length <= 4 && entries.every(([, item]) => isPlainValue(item));
    for (const [key, item] of entries) map.items.push(new Pair(new Scalar(key), valueNode(item, lists)));
    return map;
  }
  return new Scalar(value);
}

/**
 * Writes a value as JSON indented by two spaces, like `JSON.stringify(value, null, 2)` but with each list of
 * plain numbers on one line (a trace's columns would otherwise take a line per number). `indent` is the
 * indentation of the line the value starts on.
 */
export function compactJson(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => typeof item === 'number'))
      return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((item: unknown) => `${inner}${compactJson(item ?? null, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${compactJson(item, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The workload as JSON, in the schema's field order, number lists on one line each; ends with a newline. */
export function workloadToJson(workload: Workload): string {
  return `${compactJson(normalized(workload))}\n`;
}

/** A text on one line, for a header comment (a line break would end the comment). */
function oneLine(text: string): string {
  return quoteIfLong(text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' '));
}

function quoteIfLong(text: string): string {
  return text.length > 120 ? quote(text) : text;
}

// ---------------------------------------------------------------------------------------------------------
// A scenario: a workload document whose trace traffic may name its trace file

/** The result of reading a scenario: the workload and what reading its trace files did; or every problem. */
export type ParsedScenarioText =
  { ok: true; workload: Workload; notes: string[] } | { ok: false; problems: SpecProblem[] };

/** The trace traffic mappings of a workload tree (`serving.traffic`, `serving.tenants[i].traffic`), with their paths. */
function trafficMappings(root: SourceNode): { node: Extract<SourceNode, { kind: 'map' }>; path: string }[] {
  const child = (node: SourceNode | undefined, key: string) =>
    node?.kind === 'map' ? node.entries.find((entry) => entry.key === key)?.value : undefined;
  const found: { node: Extract<SourceNode, { kind: 'map' }>; path: string }[] = [];
  const serving = child(root, 'serving');
  const traffic = child(serving, 'traffic');
  if (traffic?.kind === 'map') found.push({ node: traffic, path: 'serving.traffic' });
  const tenants = child(serving, 'tenants');
  if (tenants?.kind === 'seq')
    tenants.items.forEach((tenant, index) => {
      const own = child(tenant, 'traffic');
      if (own?.kind === 'map') found.push({ node: own, path: `serving.tenants[${index}].traffic` });
    });
  return found;
}

/** The `file:` of each trace traffic, as written (a path relative to the scenario is the caller's to resolve). */
function traceFileEntries(
  root: SourceNode,
): { traffic: Extract<SourceNode, { kind: 'map' }>; entry: SourceEntry; file: string; path: string }[] {
  return trafficMappings(root).flatMap(({ node, path }) => {
    const entry = node.entries.find((candidate) => candidate.key === 'file');
    if (entry?.value.kind !== 'scalar' || typeof entry.value.value !== 'string') return [];
    return [{ traffic: node, entry, file: entry.value.value, path: `${path}.file` }];
  });
}

/**
 * The trace files a scenario names (`traffic: { kind: trace, file: azure-code.csv }`), as written, in text order;
 * empty when the text cannot be read (`readScenarioText` then says why). The CLI reads these files (relative to
 * the scenario's folder) and hands their text to `readScenarioText`.
 */
export function scenarioTraceFiles(text: string, format?: SourceFormat): string[] {
  try {
    const chosen = formatOf(text, format);
    const reading = readSourceText(text, chosen, maxWorkloadTextLength[chosen], 'a workload');
    return reading.root === undefined
      ? []
      : traceFileEntries(reading.root).map((reference) => reference.file);
  } catch {
    return [];
  }
}

/**
 * Reads a scenario: a workload document in which a `trace` traffic may name its recorded trace with `file:`
 * instead of holding the arrival times and lengths itself. Each named file's text comes from `traceText` (its
 * `file:` as written; undefined when it could not be read) and is read by `readTrace` (Azure LLM inference trace,
 * BurstGPT, JSON Lines); its columns take the place of `file:` (and `name`, when not given, is the file's name).
 * A file that cannot be read or is not a trace is a problem on the `file:` line, with the trace's own problems
 * (their lines in the trace file). `notes` says what reading each trace did (rows skipped, sorted, capped).
 * Pure: `traceText` is the caller's reading of the files. Never throws.
 */
export function readScenarioText(
  text: string,
  traceText: (file: string) => string | undefined,
  format?: SourceFormat,
): ParsedScenarioText {
  try {
    if (typeof text !== 'string')
      return {
        ok: false,
        problems: textProblem(`expected the scenario as text, found ${typeDescription(text)}`),
      };
    const locate = lineLocator(text);
    const chosen = formatOf(text, format);
    const reading = readSourceText(text, chosen, maxWorkloadTextLength[chosen], 'a workload');
    if (reading.root === undefined)
      return { ok: false, problems: located(reading.problems, locate, 'the text could not be read') };
    const problems: OffsetProblem[] = [];
    const notes: string[] = [];
    for (const { traffic, entry, file, path } of traceFileEntries(reading.root)) {
      const at = entry.keyOffset;
      const given = ['arrivalsSeconds', 'inputTokens', 'outputTokens'].filter((key) =>
        traffic.entries.some((candidate) => candidate.key === key),
      );
      if (given.length > 0) {
        problems.push({
          offset: at,
          path,
          message: `a trace takes its requests from file: or from ${given.join(', ')}, not both`,
        });
        continue;
      }
      const content = traceText(file);
      if (content === undefined) {
        problems.push({ offset: at, path, message: `the trace file ${quote(file)} could not be read` });
        continue;
      }
      const trace = readTrace(content, file);
      if (!trace.ok) {
        for (const message of trace.problems)
          problems.push({ offset: at, path, message: `trace file: ${message}` });
        continue;
      }
      notes.push(
        `${trace.traffic.name}: ${trace.rows.toLocaleString('en-US')} requests (${trace.format === 'azure' ? 'Azure LLM inference trace' : trace.format === 'burstgpt' ? 'BurstGPT' : 'JSON Lines'})`,
        ...trace.notes.map((note) => `${trace.traffic.name}: ${note}`),
      );
      const columns: SourceEntry[] = [
        {
          key: 'arrivalsSeconds',
          keyOffset: at,
          value: { kind: 'numbers', offset: at, values: trace.traffic.arrivalsSeconds },
        },
        {
          key: 'inputTokens',
          keyOffset: at,
          value: { kind: 'numbers', offset: at, values: trace.traffic.inputTokens },
        },
        {
          key: 'outputTokens',
          keyOffset: at,
          value: { kind: 'numbers', offset: at, values: trace.traffic.outputTokens },
        },
      ];
      if (!traffic.entries.some((candidate) => candidate.key === 'name'))
        columns.unshift({
          key: 'name',
          keyOffset: at,
          value: { kind: 'scalar', offset: at, value: trace.traffic.name },
        });
      traffic.entries.splice(traffic.entries.indexOf(entry), 1, ...columns);
    }
    if (problems.length > 0)
      return { ok: false, problems: located(problems, locate, 'the scenario is not valid') };
    const read = readWorkloadSource(reading.root, '');
    if (read.workload !== undefined) return { ok: true, workload: read.workload, notes };
    return { ok: false, problems: located(read.problems, locate, 'the workload is not valid') };
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'unknown error';
    return { ok: false, problems: textProblem(`could not read the text (${reason})`) };
  }
}
