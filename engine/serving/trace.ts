/**
 * Reads a recorded request trace into a `trace` Traffic: each request's arrival time and its prompt and output
 * lengths. Three layouts, told apart by their content (the file name only names the trace):
 *
 * - the Azure LLM inference traces (2023 and 2024, github.com/Azure/AzurePublicDataset, `AzureLLMInferenceTrace_
 *   code.csv`/`_conv.csv`): CSV with the header `TIMESTAMP,ContextTokens,GeneratedTokens`, the time a date-time
 *   such as `2023-11-16 18:15:46.6805900` (UTC; the fraction has up to 7 digits);
 * - BurstGPT (github.com/HPMLL/BurstGPT, `BurstGPT_1.csv`): CSV with the header `Timestamp,Model,Request
 *   tokens,Response tokens,Total tokens,Log Type` (later releases add `Session ID` and `Elapsed time`; columns
 *   are found by name), the time in seconds from the trace's first day. Its README says a row with 0 response
 *   tokens is a failed request: such rows are skipped and counted;
 * - JSON Lines, one request per line: `{ "arrival": 0.5, "input_tokens": 812, "output_tokens": 64 }`, with the
 *   synonyms `timestamp`/`arrival_time` (seconds, or an Azure-style date-time), `prompt_tokens`/`context_tokens`
 *   and `completion_tokens`/`generated_tokens` (the names of OpenAI's usage record and of the Azure trace).
 *
 * Times become seconds from the earliest request. Rows out of time order are sorted (and the result says so);
 * a request that generated no token or had no prompt cannot be replayed and is skipped (and counted). At most
 * `MAX_SERVING_REQUESTS` requests are read; the rest are left out with a note. Any row that cannot be read
 * (a missing or non-numeric value, a negative count) makes the whole trace refused, each problem with its line
 * (at most 100 listed): a trace with damaged rows would replay a different load than the one recorded.
 *
 * Pure: the caller reads the file.
 */
import { MAX_SERVING_REQUESTS, type Traffic } from '../schema/serving';

/** A trace Traffic. */
export type TraceTraffic = Extract<Traffic, { kind: 'trace' }>;

/** The layouts `readTrace` knows. */
export type TraceFormat = 'azure' | 'burstgpt' | 'jsonl';

/** What `readTrace` gives: the traffic and what was read, or every problem found. */
export type TraceReading =
  | {
      ok: true;
      traffic: TraceTraffic;
      format: TraceFormat;
      /** Requests in the traffic. */
      rows: number;
      /** Rows skipped: failed requests (no output token) and requests without a prompt. */
      skipped: number;
      /** What was done to the rows, one sentence each (sorted by time, skipped rows, rows beyond the limit). */
      notes: string[];
    }
  | { ok: false; problems: string[] };

/** The most problems listed (one more line says how many were left out). */
export const maxTraceProblems = 100;

/** The longest prompt or output the workload schema takes, in tokens. */
const maxTokens = 10_000_000;

/** Names compared without case, spaces, underscores or dashes: `Request tokens` → `requesttokens`. */
function columnKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .replace(/^"|"$/g, '')
    .replace(/[\s_-]+/g, '')
    .toLowerCase();
}

const layouts = {
  azure: { time: 'timestamp', input: 'contexttokens', output: 'generatedtokens' },
  burstgpt: { time: 'timestamp', input: 'requesttokens', output: 'responsetokens' },
} as const;

const layoutHeaders = {
  azure: 'TIMESTAMP, ContextTokens, GeneratedTokens',
  burstgpt: 'Timestamp, Model, Request tokens, Response tokens, Total tokens, Log Type',
} as const;

/** Column names as they are written in each layout, for messages. */
const writtenNames: Record<string, string> = {
  timestamp: 'Timestamp',
  contexttokens: 'ContextTokens',
  generatedtokens: 'GeneratedTokens',
  requesttokens: 'Request tokens',
  responsetokens: 'Response tokens',
};

const jsonlNames = {
  time: ['arrival', 'timestamp', 'arrival_time'],
  input: ['input_tokens', 'prompt_tokens', 'context_tokens'],
  output: ['output_tokens', 'completion_tokens', 'generated_tokens'],
} as const;

/** `2023-11-16 18:15:46.6805900`, with a `T` and a zone (`Z`, `+00:00`) also taken. */
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):?(\d{2}))?$/;
const decimal = /^[+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const wholeNumber = /^[+-]?\d+(?:\.0*)?$/;

/** A time: whole seconds and the fraction apart, so that a date-time keeps its 100 ns digits. */
interface Time {
  whole: number;
  fraction: number;
}

/** Collects problems, at most {@link maxTraceProblems} written out. */
class Problems {
  readonly list: string[] = [];
  count = 0;

  add(message: string): void {
    this.count += 1;
    if (this.list.length < maxTraceProblems) this.list.push(message);
  }

  result(): string[] {
    const more = this.count - this.list.length;
    return more > 0 ? [...this.list, `… and ${more} more problems`] : this.list;
  }
}

/** The rows read, in file order. */
class Rows {
  whole: number[] = [];
  fraction: number[] = [];
  input: number[] = [];
  output: number[] = [];
  skippedFailed = 0;
  skippedNoPrompt = 0;
  /** Rows with a request beyond the limit (not read). */
  beyondLimit = 0;

  get length(): number {
    return this.whole.length;
  }

  push(time: Time, input: number, output: number): void {
    if (output === 0) {
      this.skippedFailed += 1;
      return;
    }
    if (input === 0) {
      this.skippedNoPrompt += 1;
      return;
    }
    this.whole.push(time.whole);
    this.fraction.push(time.fraction);
    this.input.push(input);
    this.output.push(output);
  }
}

/**
 * Reads a trace file's text (see the module comment). `fileName` names the traffic (its last path part) and the
 * messages. Never throws.
 */
export function readTrace(text: string, fileName: string): TraceReading {
  const name = baseName(fileName);
  try {
    return readOrFail(text, name);
  } catch (error) {
    return {
      ok: false,
      problems: [`${name}: could not be read (${error instanceof Error ? error.message : 'unknown error'})`],
    };
  }
}

function readOrFail(text: unknown, name: string): TraceReading {
  if (typeof text !== 'string') return { ok: false, problems: [`${name}: expected the trace as text`] };
  if (text.includes('\u0000') || replacementShare(text) > 0.01)
    return {
      ok: false,
      problems: [`${name} is not a text file (it holds binary data): a trace is CSV or JSON Lines`],
    };
  const body = text.replace(/^\uFEFF/, '');
  const first = firstLine(body);
  if (first === undefined)
    return { ok: false, problems: [`${name} is empty: a trace has a header line and one line per request`] };
  const problems = new Problems();
  const rows = new Rows();
  let format: TraceFormat;
  if (first.text.trimStart().startsWith('{')) {
    format = 'jsonl';
    readJsonLines(body, rows, problems);
  } else {
    const header = splitCsv(first.text).map(columnKey);
    const found = csvLayout(header);
    if (typeof found === 'string') return { ok: false, problems: [`${name} line ${first.line}: ${found}`] };
    format = found.format;
    readCsv(body, first, found.columns, format, rows, problems);
  }
  if (problems.count > 0)
    return { ok: false, problems: problems.result().map((problem) => `${name} ${problem}`) };
  if (rows.length === 0)
    return {
      ok: false,
      problems: [
        rows.skippedFailed + rows.skippedNoPrompt > 0
          ? `${name} has no request to replay: all ${rows.skippedFailed + rows.skippedNoPrompt} rows are failed requests (0 output tokens) or have no prompt`
          : `${name} has a header but no requests`,
      ],
    };
  return traffic(rows, format, name);
}

/** The share of U+FFFD (bytes that were not UTF-8) in the first 64 kB. */
function replacementShare(text: string): number {
  const sample = text.slice(0, 65_536);
  if (sample.length === 0) return 0;
  let count = 0;
  for (let index = sample.indexOf('\uFFFD'); index !== -1; index = sample.indexOf('\uFFFD', index + 1))
    count += 1;
  return count / sample.length;
}

/** The first line with something on it, and its 1-based number. */
function firstLine(text: string): { text: string; line: number; end: number } | undefined {
  let start = 0;
  for (let line = 1; start <= text.length; line += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const content = text.slice(start, end).replace(/\r$/, '');
    if (content.trim() !== '') return { text: content, line, end };
    if (newline === -1) return undefined;
    start = newline + 1;
  }
  return undefined;
}

/** Calls `visit` with each line after `from` (its text without `\r`, and its 1-based number) until it says stop. */
function eachLine(
  text: string,
  from: number,
  firstNumber: number,
  visit: (line: string, number: number) => boolean,
): void {
  let start = from;
  for (let number = firstNumber; start < text.length; number += 1) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    const line = text.charCodeAt(end - 1) === 0x0d ? text.slice(start, end - 1) : text.slice(start, end);
    if (!visit(line, number)) return;
    start = end + 1;
  }
}

/** The lines with something on them from `from` on (those left unread beyond the limit). */
function countLines(text: string, from: number): number {
  let count = 0;
  eachLine(text, from, 0, (line) => {
    if (line.trim() !== '') count += 1;
    return true;
  });
  return count;
}

/** CSV fields; double quotes around a field (with "" inside) are taken off. */
function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

interface Columns {
  time: number;
  input: number;
  output: number;
  count: number;
}

/** Which layout a header is, and where its columns are; or why it is neither. */
function csvLayout(header: readonly string[]): { format: 'azure' | 'burstgpt'; columns: Columns } | string {
  for (const format of ['azure', 'burstgpt'] as const) {
    const layout = layouts[format];
    const time = header.indexOf(layout.time);
    const input = header.indexOf(layout.input);
    const output = header.indexOf(layout.output);
    if (time !== -1 && input !== -1 && output !== -1)
      return { format, columns: { time, input, output, count: header.length } };
  }
  // A header that has some of a layout's columns is that layout with columns missing.
  for (const format of ['azure', 'burstgpt'] as const) {
    const layout = layouts[format];
    const wanted = [layout.time, layout.input, layout.output];
    const present = wanted.filter((column) => header.includes(column));
    const distinctive =
      format === 'azure' ? ['contexttokens', 'generatedtokens'] : ['requesttokens', 'responsetokens'];
    if (present.length > 0 && distinctive.some((column) => header.includes(column))) {
      const missing = wanted
        .filter((column) => !header.includes(column))
        .map((column) => writtenNames[column] ?? column);
      return `the header is ${format === 'azure' ? 'an Azure LLM inference trace' : 'a BurstGPT trace'}'s without the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${layoutHeaders[format]})`;
    }
  }
  return `the first line is not a header this reader knows: an Azure LLM inference trace starts "${layoutHeaders.azure.replaceAll(', ', ',')}", a BurstGPT trace "${layoutHeaders.burstgpt.replaceAll(', ', ',')}", and JSON Lines start with {`;
}

function readCsv(
  text: string,
  header: { line: number; end: number },
  columns: Columns,
  format: 'azure' | 'burstgpt',
  rows: Rows,
  problems: Problems,
): void {
  const names = layouts[format];
  let stoppedAt = -1;
  let offset = header.end + 1;
  eachLine(text, header.end + 1, header.line + 1, (line, number) => {
    const lineStart = offset;
    offset += line.length + 1 + (text.charCodeAt(offset + line.length) === 0x0d ? 1 : 0);
    if (line.trim() === '') return true;
    if (rows.length >= MAX_SERVING_REQUESTS) {
      stoppedAt = lineStart;
      return false;
    }
    const fields = splitCsv(line);
    if (fields.length < columns.count) {
      problems.add(`line ${number}: ${fields.length} fields, the header has ${columns.count}`);
      return problems.count <= 10 * maxTraceProblems;
    }
    const where = `line ${number}`;
    const time =
      format === 'azure'
        ? dateTimeValue(fields[columns.time] ?? '', `${where}: ${writtenNames[names.time]}`, problems)
        : secondsValue(fields[columns.time] ?? '', `${where}: ${writtenNames[names.time]}`, problems);
    const input = tokensValue(
      fields[columns.input] ?? '',
      `${where}: ${writtenNames[names.input]}`,
      problems,
    );
    const output = tokensValue(
      fields[columns.output] ?? '',
      `${where}: ${writtenNames[names.output]}`,
      problems,
    );
    if (time !== undefined && input !== undefined && output !== undefined) rows.push(time, input, output);
    // Past a thousand bad rows the file is not a trace; reading on would only cost time.
    return problems.count <= 10 * maxTraceProblems;
  });
  if (stoppedAt !== -1) rows.beyondLimit = countLines(text, stoppedAt);
}

function readJsonLines(text: string, rows: Rows, problems: Problems): void {
  let stoppedAt = -1;
  let offset = 0;
  eachLine(text, 0, 1, (line, number) => {
    const lineStart = offset;
    offset += line.length + 1 + (text.charCodeAt(offset + line.length) === 0x0d ? 1 : 0);
    if (line.trim() === '') return true;
    if (rows.length >= MAX_SERVING_REQUESTS) {
      stoppedAt = lineStart;
      return false;
    }
    const where = `line ${number}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.add(
        `${where}: not a JSON object (each line of JSON Lines is one request, { "arrival": …, "input_tokens": …, "output_tokens": … })`,
      );
      return problems.count <= 10 * maxTraceProblems;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add(`${where}: not a JSON object`);
      return problems.count <= 10 * maxTraceProblems;
    }
    const record = value as Record<string, unknown>;
    const field = (names: readonly string[], what: string): { key: string; value: unknown } | undefined => {
      const key = names.find((candidate) => Object.hasOwn(record, candidate));
      if (key === undefined) {
        problems.add(`${where}: no ${what} (${names.map((candidate) => `"${candidate}"`).join(', ')})`);
        return undefined;
      }
      return { key, value: record[key] };
    };
    const timeField = field(jsonlNames.time, 'arrival time');
    const inputField = field(jsonlNames.input, 'prompt length');
    const outputField = field(jsonlNames.output, 'output length');
    if (timeField === undefined || inputField === undefined || outputField === undefined)
      return problems.count <= 10 * maxTraceProblems;
    const time =
      typeof timeField.value === 'string' && timeField.value.includes('-', 1)
        ? dateTimeValue(timeField.value, `${where}: "${timeField.key}"`, problems)
        : secondsValue(jsonText(timeField.value), `${where}: "${timeField.key}"`, problems);
    const input = tokensValue(jsonText(inputField.value), `${where}: "${inputField.key}"`, problems);
    const output = tokensValue(jsonText(outputField.value), `${where}: "${outputField.key}"`, problems);
    if (time !== undefined && input !== undefined && output !== undefined) rows.push(time, input, output);
    return problems.count <= 10 * maxTraceProblems;
  });
  if (stoppedAt !== -1) rows.beyondLimit = countLines(text, stoppedAt);
}

/** A JSON value as the text a CSV field would hold (numbers as written, text as it is). */
function jsonText(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'not finite';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? 'nothing';
}

function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function secondsValue(field: string, where: string, problems: Problems): Time | undefined {
  const text = field.trim();
  if (text.startsWith('-') && decimal.test(text.slice(1))) {
    problems.add(`${where} ${shown(text)} is negative: a time is seconds from the trace's start`);
    return undefined;
  }
  if (!decimal.test(text)) {
    problems.add(`${where} ${shown(text)} is not a number of seconds`);
    return undefined;
  }
  const seconds = Number(text);
  if (!Number.isFinite(seconds)) {
    problems.add(`${where} ${shown(text)} is too large`);
    return undefined;
  }
  const whole = Math.floor(seconds);
  return { whole, fraction: seconds - whole };
}

function dateTimeValue(field: string, where: string, problems: Problems): Time | undefined {
  const text = field.trim();
  const match = dateTime.exec(text);
  if (!match) {
    problems.add(`${where} ${shown(text)} is not a date and time such as 2023-11-16 18:15:46.6805900`);
    return undefined;
  }
  const [, year, month, day, hour, minute, second, fraction, sign, zoneHours, zoneMinutes] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = parts;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
    problems.add(`${where} ${shown(text)} is not a valid date and time`);
    return undefined;
  }
  const zone =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(zoneHours) * 3600 + Number(zoneMinutes) * 60);
  // Date.UTC is arithmetic on the calendar (no clock, no time zone of this computer).
  const whole = Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - zone;
  return { whole, fraction: fraction === undefined ? 0 : Number(`0.${fraction}`) };
}

function tokensValue(field: string, where: string, problems: Problems): number | undefined {
  const text = field.trim();
  if (!wholeNumber.test(text)) {
    problems.add(`${where} ${shown(text)} is not a whole number of tokens`);
    return undefined;
  }
  const tokens = Number(text);
  if (tokens < 0) {
    problems.add(`${where} ${text} is negative`);
    return undefined;
  }
  if (tokens > maxTokens) {
    problems.add(`${where} ${text} is more than ${maxTokens.toLocaleString('en-US')} tokens`);
    return undefined;
  }
  return tokens === 0 ? 0 : tokens;
}

/** The rows as a Traffic: times from the earliest request, in time order. */
function traffic(rows: Rows, format: TraceFormat, name: string): TraceReading {
  const count = rows.length;
  let sorted = true;
  for (let index = 1; index < count && sorted; index += 1) {
    const previous = index - 1;
    const before =
      (rows.whole[previous] ?? 0) -
      (rows.whole[index] ?? 0) +
      ((rows.fraction[previous] ?? 0) - (rows.fraction[index] ?? 0));
    if (before > 0) sorted = false;
  }
  const order = Array.from({ length: count }, (_, index) => index);
  // Stable: requests at the same time keep the file's order.
  if (!sorted)
    order.sort(
      (first, second) =>
        (rows.whole[first] ?? 0) - (rows.whole[second] ?? 0) ||
        (rows.fraction[first] ?? 0) - (rows.fraction[second] ?? 0),
    );
  const firstIndex = order[0] ?? 0;
  const startWhole = rows.whole[firstIndex] ?? 0;
  const startFraction = rows.fraction[firstIndex] ?? 0;
  const arrivalsSeconds = new Array<number>(count);
  const inputTokens = new Array<number>(count);
  const outputTokens = new Array<number>(count);
  for (let position = 0; position < count; position += 1) {
    const index = order[position] ?? 0;
    // Whole seconds and fractions apart: a date-time in 2023 is 1.7e9 s, where a double keeps only ~0.2 µs.
    const seconds = (rows.whole[index] ?? 0) - startWhole + ((rows.fraction[index] ?? 0) - startFraction);
    arrivalsSeconds[position] = Math.max(0, seconds);
    inputTokens[position] = rows.input[index] ?? 1;
    outputTokens[position] = rows.output[index] ?? 1;
  }
  const notes: string[] = [];
  if (!sorted) notes.push('The rows were not in time order; they were sorted by arrival time.');
  if (rows.skippedFailed > 0)
    notes.push(
      `${rows.skippedFailed.toLocaleString('en-US')} failed request${rows.skippedFailed === 1 ? ' was' : 's were'} skipped (0 output tokens).`,
    );
  if (rows.skippedNoPrompt > 0)
    notes.push(
      `${rows.skippedNoPrompt.toLocaleString('en-US')} request${rows.skippedNoPrompt === 1 ? ' was' : 's were'} skipped for having no prompt (0 input tokens).`,
    );
  if (rows.beyondLimit > 0)
    notes.push(
      `The trace has ${(count + rows.skippedFailed + rows.skippedNoPrompt + rows.beyondLimit).toLocaleString('en-US')} rows; only the first ${MAX_SERVING_REQUESTS.toLocaleString('en-US')} requests are read (the simulator's limit), ${rows.beyondLimit.toLocaleString('en-US')} rows after them are left out.`,
    );
  return {
    ok: true,
    traffic: { kind: 'trace', name, arrivalsSeconds, inputTokens, outputTokens },
    format,
    rows: count,
    skipped: rows.skippedFailed + rows.skippedNoPrompt,
    notes,
  };
}

/** The last part of a path, without control characters, at most 200 characters (the schema's bound). */
function baseName(fileName: unknown): string {
  const text = typeof fileName === 'string' ? fileName : '';
  const base = (text.split(/[\\/]/).at(-1) ?? '').replace(/[\p{Cc}\u2028\u2029]/gu, '').trim();
  return base === '' ? 'trace' : base.slice(0, 200);
}
