/**
 * Results as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break in
 * double quotes, quotes doubled) for spreadsheets and scripts. Numbers are written in SI units at full
 * precision (JavaScript's shortest round-trip form), so a value read back is the value the report holds;
 * the column names are the report's stable keys (ARCHITECTURE.md, "The report").
 */
import { rangePaths } from '../../engine/figures';
import type { OperatorReport, Report, ReportRanges } from '../../engine/report';

/** One cell value: text, a number in SI units, a boolean, or nothing (an empty field). */
export type CsvValue = string | number | boolean | undefined;

/** Quotes a field when RFC 4180 requires it. */
export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Joins a header and rows into RFC 4180 text, CRLF after every record (the last included). */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}

/** A column: its header and how to read it from one run. */
interface Column<T> {
  key: string;
  value: (row: T) => CsvValue;
}

/** One simulation run: the design's name and its report. */
export interface ResultRow {
  designName: string;
  report: Report;
}

const resultColumns: Column<ResultRow>[] = [
  { key: 'design', value: (row) => row.designName },
  { key: 'model', value: (row) => row.report.model.id },
  { key: 'workload.batch', value: (row) => row.report.workload.batch },
  { key: 'workload.inputTokens', value: (row) => row.report.workload.inputTokens },
  { key: 'workload.outputTokens', value: (row) => row.report.workload.outputTokens },
  { key: 'workload.weights', value: (row) => row.report.workload.weights },
  { key: 'workload.activations', value: (row) => row.report.workload.activations },
  { key: 'workload.kv', value: (row) => row.report.workload.kv },
  { key: 'parallelism.tensor', value: (row) => row.report.parallelism.tensor },
  { key: 'parallelism.pipeline', value: (row) => row.report.parallelism.pipeline },
  { key: 'prefill.seconds', value: (row) => row.report.prefill.seconds },
  { key: 'prefill.tokensPerSecond', value: (row) => row.report.prefill.tokensPerSecond },
  { key: 'prefill.averagePowerWatts', value: (row) => row.report.prefill.averagePowerWatts },
  { key: 'prefill.energyJoules', value: (row) => row.report.prefill.energyJoules },
  { key: 'prefill.bound', value: (row) => row.report.prefill.bound },
  { key: 'decode.secondsPerStep', value: (row) => row.report.decode.secondsPerStep },
  { key: 'decode.tokensPerSecond', value: (row) => row.report.decode.tokensPerSecond },
  { key: 'decode.averagePowerWatts', value: (row) => row.report.decode.averagePowerWatts },
  { key: 'decode.energyJoulesPerToken', value: (row) => row.report.decode.energyJoulesPerToken },
  { key: 'decode.context', value: (row) => row.report.decode.context },
  { key: 'decode.bound', value: (row) => row.report.decode.bound },
  { key: 'memory.fits', value: (row) => row.report.memory.fits },
  { key: 'memory.maxBatch', value: (row) => row.report.memory.maxBatch },
  { key: 'clockHertz', value: (row) => row.report.clockHertz },
  ...rangeColumns(),
  { key: 'area.processNode', value: (row) => row.report.area?.processNode },
  { key: 'area.dieAreaSquareMetres', value: (row) => row.report.area?.dieAreaSquareMetres },
  { key: 'area.statedDieAreaSquareMetres', value: (row) => row.report.area?.statedDieAreaSquareMetres },
  {
    key: 'area.powerDensityWattsPerSquareMetre',
    value: (row) => row.report.area?.powerDensityWattsPerSquareMetre,
  },
  { key: 'cost.yield', value: (row) => row.report.cost?.yield },
  { key: 'cost.dieDollars', value: (row) => row.report.cost?.dieDollars },
  { key: 'cost.chipDollars', value: (row) => row.report.cost?.chipDollars },
  { key: 'cost.systemDollars', value: (row) => row.report.cost?.systemDollars },
  { key: 'cost.dollarsPerTokenPerSecond', value: (row) => row.report.cost?.dollarsPerTokenPerSecond },
];

/**
 * The error band of each headline figure (`report.ranges`): `ranges.<figure>.low`, `.high` (SI, empty without
 * published rows) and `.basis` ("±18 % on 212 published H100 rows").
 */
function rangeColumns(): Column<ResultRow>[] {
  return (Object.keys(rangePaths) as (keyof ReportRanges)[]).flatMap((figure) => [
    { key: `ranges.${figure}.low`, value: (row: ResultRow) => row.report.ranges?.[figure].low },
    { key: `ranges.${figure}.high`, value: (row: ResultRow) => row.report.ranges?.[figure].high },
    { key: `ranges.${figure}.basis`, value: (row: ResultRow) => row.report.ranges?.[figure].basis },
  ]);
}

/** The column names of `resultsToCsv`, in order. */
export const resultCsvColumns: readonly string[] = resultColumns.map((column) => column.key);

/**
 * One row per run with the stable headline keys as columns (plus the design, model, workload lengths and
 * formats, tensor and pipeline parallelism), then each headline figure's error band (`ranges.*`), then the die area
 * and cost (`area.*`, `cost.*`; empty without them). Numbers are SI (seconds, W, J, Hz, m², US $); `memory.fits`
 * is `true`/`false`.
 */
export function resultsToCsv(rows: readonly ResultRow[]): string {
  return toCsv(
    resultCsvColumns,
    rows.map((row) => resultColumns.map((column) => column.value(row))),
  );
}

interface PhaseOperator {
  phase: 'prefill' | 'decode';
  operator: OperatorReport;
}

const operatorColumns: Column<PhaseOperator>[] = [
  { key: 'phase', value: (row) => row.phase },
  { key: 'id', value: (row) => row.operator.id },
  { key: 'name', value: (row) => row.operator.name },
  { key: 'kind', value: (row) => row.operator.kind },
  { key: 'part', value: (row) => row.operator.part },
  { key: 'unitId', value: (row) => row.operator.unitId },
  { key: 'repeat', value: (row) => row.operator.repeat },
  { key: 'seconds', value: (row) => row.operator.seconds },
  { key: 'computeSeconds', value: (row) => row.operator.computeSeconds },
  { key: 'memorySeconds', value: (row) => row.operator.memorySeconds },
  { key: 'communicationSeconds', value: (row) => row.operator.communicationSeconds },
  { key: 'overheadSeconds', value: (row) => row.operator.overheadSeconds },
  { key: 'bound', value: (row) => row.operator.bound },
  { key: 'boundLevelId', value: (row) => row.operator.boundLevelId },
  { key: 'flops', value: (row) => row.operator.flops },
  { key: 'bytes.weights', value: (row) => row.operator.bytes.weights },
  { key: 'bytes.kv', value: (row) => row.operator.bytes.kv },
  { key: 'bytes.activations', value: (row) => row.operator.bytes.activations },
  { key: 'arithmeticIntensity', value: (row) => row.operator.arithmeticIntensity },
  { key: 'achievedFlopsPerSecond', value: (row) => row.operator.achievedFlopsPerSecond },
  { key: 'energyJoules', value: (row) => row.operator.energyJoules },
];

/** The column names of `operatorsToCsv`, in order. */
export const operatorCsvColumns: readonly string[] = operatorColumns.map((column) => column.key);

/**
 * Every operator of both phases, prefill first: one row each, with the report's operator fields (times of all
 * runs on one chip; `flops` and `bytes.*` per run).
 */
export function operatorsToCsv(report: Report): string {
  const rows: PhaseOperator[] = [
    ...report.prefill.operators.map((operator) => ({ phase: 'prefill' as const, operator })),
    ...report.decode.operators.map((operator) => ({ phase: 'decode' as const, operator })),
  ];
  return toCsv(
    operatorCsvColumns,
    rows.map((row) => operatorColumns.map((column) => column.value(row))),
  );
}
