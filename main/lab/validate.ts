/**
 * `tessera validate`: predicts every published measurement the engine can model, prints predicted against
 * measured with the error for every row (the bad ones included), a summary by source group, and the skipped
 * rows with their reasons. Writes the same to `bench-results/validation.md` and `.json`; `--update-readme`
 * replaces the summary between the README's validation markers. Run on the library's own measurements, it
 * also rewrites `library/validation/error-bands.json` (the bands every report's figures carry) and applies the
 * ratchet (`ratchet.ts`): exit 1 when an overall median |error| is more than 2 points worse than the README's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CatalogIndex } from '../../engine/catalog';
import { defaultLibraryRoot, loadCatalog, table, UsageError, type Streams } from '../app/command-line';
import { ratchet, README_END, README_START, recordedMedians } from './ratchet';
import { errorBandsText } from './validation/bands';
import { predictRow, type Comparison, type MetricKind, type Skipped } from './validation/mapping';
import { loadMeasurements, type MeasurementRow } from './validation/measurements';

export interface GroupSummary {
  group: string;
  kind: MetricKind;
  count: number;
  medianAbsoluteErrorPercent: number;
  p90AbsoluteErrorPercent: number;
  medianSignedErrorPercent: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

export function summarise(comparisons: Comparison[]): GroupSummary[] {
  const keys = [...new Set(comparisons.map((comparison) => `${comparison.kind}|${comparison.group}`))].sort();
  const summaries = keys.map((key) => {
    const [kind, group] = key.split('|') as [MetricKind, string];
    return summary(
      group,
      kind,
      comparisons.filter((comparison) => comparison.kind === kind && comparison.group === group),
    );
  });
  for (const kind of ['performance', 'power'] as const) {
    const all = comparisons.filter((comparison) => comparison.kind === kind);
    if (all.length > 0) summaries.push(summary('all', kind, all));
  }
  return summaries;
}

/** The served measurements (a scheduler in the loop), whose groups are also split by the figure measured. */
const SERVED = /^(online serving|offline max-load|closed loop),/;

/** The figure a served comparison measures: time to first token, time per output token, or a throughput. */
function servedFigure(comparison: Comparison): string {
  if (/TTFT|first token/i.test(comparison.metric)) return 'TTFT';
  if (/ITL|TPOT/.test(comparison.metric)) return 'TPOT';
  return 'throughput';
}

/**
 * The error groups by what was measured and on which software (`Comparison.setting`: "online serving,
 * TensorRT-LLM (Triton)"); served settings also by figure ("… · TTFT"), since a scheduler's throughput and its
 * latencies go wrong for different reasons.
 */
export function summariseBySetting(comparisons: Comparison[]): GroupSummary[] {
  const keyOf = (comparison: Comparison): string[] => {
    const keys = [`${comparison.kind}|${comparison.setting}`];
    if (comparison.kind === 'performance' && SERVED.test(comparison.setting))
      keys.push(`${comparison.kind}|${comparison.setting} · ${servedFigure(comparison)}`);
    return keys;
  };
  const members = new Map<string, Comparison[]>();
  for (const comparison of comparisons)
    for (const key of keyOf(comparison)) members.set(key, [...(members.get(key) ?? []), comparison]);
  // A setting that measured one figure only needs no split.
  for (const key of [...members.keys()]) {
    const base = key.split(' · ')[0] ?? key;
    if (base !== key && members.get(key)?.length === members.get(base)?.length) members.delete(key);
  }
  // Each setting's own row first, then its figures.
  const order = (key: string): string => key.replace(' · ', '\u0000');
  return [...members.keys()]
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
    .map((key) => {
      const [kind, setting] = key.split('|') as [MetricKind, string];
      return summary(setting, kind, members.get(key) ?? []);
    });
}

function summary(group: string, kind: MetricKind, rows: Comparison[]): GroupSummary {
  const absolute = rows.map((row) => Math.abs(row.errorPercent)).sort((a, b) => a - b);
  const signed = rows.map((row) => row.errorPercent).sort((a, b) => a - b);
  return {
    group,
    kind,
    count: rows.length,
    medianAbsoluteErrorPercent: percentile(absolute, 0.5),
    p90AbsoluteErrorPercent: percentile(absolute, 0.9),
    medianSignedErrorPercent: percentile(signed, 0.5),
  };
}

const number = (value: number): string =>
  Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
const percent = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;

export function summaryTable(summaries: GroupSummary[]): string[][] {
  return summaries.map((entry) => [
    entry.group,
    entry.kind,
    String(entry.count),
    `${entry.medianAbsoluteErrorPercent.toFixed(1)} %`,
    `${entry.p90AbsoluteErrorPercent.toFixed(1)} %`,
    percent(entry.medianSignedErrorPercent),
  ]);
}

const settingHeaders = [
  'measurement, software',
  'metric',
  'comparisons',
  'median |error|',
  'p90 |error|',
  'median error (bias)',
];

const summaryHeaders = [
  'source group',
  'metric',
  'comparisons',
  'median |error|',
  'p90 |error|',
  'median error (bias)',
];

function markdownTable(headers: string[], rows: string[][]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  return [
    `| ${headers.map(escape).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** Every row predicted: the comparisons made and the rows skipped with their reasons. */
export function compareAll(
  rows: readonly MeasurementRow[],
  catalog: CatalogIndex,
): { comparisons: Comparison[]; skipped: Skipped[] } {
  const comparisons: Comparison[] = [];
  const skipped: Skipped[] = [];
  for (const row of rows) {
    const outcome = predictRow(row, catalog);
    if ('skipped' in outcome) skipped.push(outcome.skipped);
    else comparisons.push(...outcome.comparisons);
  }
  return { comparisons, skipped };
}

/** The library's own measurements, which the README's figures and the error bands are computed from. */
export function defaultMeasurementsFile(): string {
  return join(defaultLibraryRoot(), 'validation', 'published-measurements.json');
}

export async function runValidation(args: string[], streams: Streams): Promise<number> {
  let values: { json?: boolean; out?: string; data?: string; 'update-readme'?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        data: { type: 'string' },
        'update-readme': { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const catalog = await loadCatalog();
  const dataFile = values.data ?? defaultMeasurementsFile();
  let rows;
  try {
    rows = await loadMeasurements(dataFile);
  } catch (error) {
    throw new UsageError(`cannot read the measurements at ${dataFile}: ${(error as Error).message}`);
  }
  const { comparisons, skipped } = compareAll(rows, catalog);
  const summaries = summarise(comparisons);
  const settings = summariseBySetting(comparisons);
  const rowsModelled = new Set(comparisons.map((comparison) => comparison.rowId)).size;
  const result = {
    dataFile,
    rows: rows.length,
    rowsModelled,
    rowsSkipped: skipped.length,
    summaries,
    settings,
    comparisons,
    skipped,
  };

  const outFolder = join(process.cwd(), 'bench-results');
  await mkdir(outFolder, { recursive: true });
  const markdown = [
    '# Tessera accuracy against published measurements',
    '',
    `${rows.length} rows; ${rowsModelled} modelled (${comparisons.length} comparisons), ${skipped.length} skipped. Error = (predicted − measured) / measured.`,
    '',
    markdownTable(summaryHeaders, summaryTable(summaries)),
    '',
    '## By measurement and software',
    '',
    markdownTable(settingHeaders, summaryTable(settings)),
    '',
    '## Every comparison',
    '',
    markdownTable(
      [
        'row',
        'group',
        'setting',
        'hardware',
        'model',
        'metric',
        'unit',
        'measured',
        'predicted',
        'error',
        'note',
      ],
      comparisons.map((comparison) => [
        String(comparison.rowId),
        comparison.group.split('.')[0] ?? '',
        comparison.setting,
        comparison.hardware,
        comparison.model,
        comparison.metric,
        comparison.unit,
        number(comparison.measured),
        number(comparison.predicted),
        percent(comparison.errorPercent),
        comparison.note ?? '',
      ]),
    ),
    '',
    '## Skipped rows',
    '',
    markdownTable(
      ['row', 'group', 'hardware', 'model', 'why'],
      skipped.map((entry) => [
        String(entry.rowId),
        entry.group.split('.')[0] ?? '',
        entry.hardware,
        entry.model,
        entry.reason,
      ]),
    ),
    '',
  ].join('\n');
  await writeFile(values.out ?? join(outFolder, 'validation.md'), markdown, 'utf8');
  await writeFile(join(outFolder, 'validation.json'), `${JSON.stringify(result, null, 2)}\n`, 'utf8');

  if (values['update-readme'] === true) {
    const readme = join(process.cwd(), 'README.md');
    const text = await readFile(readme, 'utf8');
    const start = README_START;
    const end = README_END;
    if (!text.includes(start) || !text.includes(end))
      throw new UsageError('README.md has no validation markers');
    const block = `${start}\n${rows.length} published rows; ${rowsModelled} modelled (${comparisons.length} comparisons), ${skipped.length} skipped with a reason. Produced by \`npm run validate\`.\n\n${markdownTable(summaryHeaders, summaryTable(summaries))}\n\nBy what was measured and the software it ran on (served measurements also by figure):\n\n${markdownTable(settingHeaders, summaryTable(settings))}\n${end}`;
    await writeFile(
      readme,
      text.slice(0, text.indexOf(start)) + block + text.slice(text.indexOf(end) + end.length),
      'utf8',
    );
  }

  // The bands and the ratchet belong to the library's own data set; a run on other data (`--data`) judges nothing.
  const isDefault = values.data === undefined;
  if (isDefault)
    await writeFile(
      join(defaultLibraryRoot(), 'validation', 'error-bands.json'),
      errorBandsText(comparisons, catalog),
      'utf8',
    );
  const verdict = isDefault
    ? ratchet(
        recordedMedians(await readFile(join(process.cwd(), 'README.md'), 'utf8')),
        overallMedians(summaries),
      )
    : { ok: true, lines: [] };
  const exitCode = verdict.ok ? 0 : 1;

  if (values.json === true) {
    streams.stdout(`${JSON.stringify(result, null, 2)}\n`);
    for (const line of verdict.lines) streams.stderr(`${line}\n`);
    return exitCode;
  }
  streams.stdout(
    table(
      ['row', 'group', 'hardware', 'model', 'metric', 'measured', 'predicted', 'error'],
      comparisons.map((comparison) => [
        String(comparison.rowId),
        comparison.group.split('.')[0] ?? '',
        comparison.hardware.slice(0, 22),
        comparison.model.slice(0, 22),
        `${comparison.metric.slice(0, 40)} [${comparison.unit}]`,
        number(comparison.measured),
        number(comparison.predicted),
        percent(comparison.errorPercent),
      ]),
      ['right', 'left', 'left', 'left', 'left', 'right', 'right', 'right'],
    ),
  );
  streams.stdout(`\nskipped ${skipped.length} rows:\n`);
  const reasons = new Map<string, number>();
  for (const entry of skipped) reasons.set(entry.reason, (reasons.get(entry.reason) ?? 0) + 1);
  streams.stdout(
    table(
      ['rows', 'reason'],
      [...reasons.entries()].sort((a, b) => b[1] - a[1]).map(([reason, count]) => [String(count), reason]),
      ['right', 'left'],
    ),
  );
  streams.stdout(
    `\n${rows.length} rows; ${rowsModelled} modelled (${comparisons.length} comparisons), ${skipped.length} skipped.\n\n`,
  );
  streams.stdout(
    table(summaryHeaders, summaryTable(summaries), ['left', 'left', 'right', 'right', 'right', 'right']),
  );
  streams.stdout('\n');
  streams.stdout(
    table(settingHeaders, summaryTable(settings), ['left', 'left', 'right', 'right', 'right', 'right']),
  );
  streams.stdout(`\nwritten to ${values.out ?? join(outFolder, 'validation.md')}\n`);
  for (const line of verdict.lines) (verdict.ok ? streams.stdout : streams.stderr)(`${line}\n`);
  return exitCode;
}

function overallMedians(summaries: readonly GroupSummary[]): Partial<Record<MetricKind, number>> {
  const medians: Partial<Record<MetricKind, number>> = {};
  for (const entry of summaries)
    if (entry.group === 'all') medians[entry.kind] = entry.medianAbsoluteErrorPercent;
  return medians;
}
