/**
 * How a sweep's points read in the app: the columns of the results table (index, swept parameters, figures,
 * feasibility), each figure in its display unit (ms, tokens/s, J, W, mm², $), and the units constraints are typed
 * in. Pure: the table, the charts' axes and tooltips and the definition form all format through here.
 */
import { sweepFigureIds, sweepFigures, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepSpec, SweepValue } from '../../../engine/sweep/spec';
import { formatQuantity, type Unit } from '../../../engine/units';

/** The unit of each swept parameter by path (from the design's block types), for showing its values. */
export type ParameterUnits = ReadonlyMap<string, Unit>;

/** A figure's display unit: what its value is divided by and the symbol shown after it. */
export interface DisplayUnit {
  /** Shown after the number, and in a column or axis title ("ms"); `""` for a plain count. */
  symbol: string;
  /** SI value ÷ factor = the number shown. */
  factor: number;
}

/**
 * Display units chosen for the figures a person reads: latencies in milliseconds (a TPOT is tens of ms), energy in
 * joules, area in mm² (as recorded), money in dollars. One unit per figure, so a column or an axis compares like
 * with like rather than switching prefixes from row to row.
 */
export const figureDisplayUnits: Record<SweepFigureId, DisplayUnit> = {
  decodeTokensPerSecond: { symbol: 'tokens/s', factor: 1 },
  prefillTokensPerSecond: { symbol: 'tokens/s', factor: 1 },
  ttftSeconds: { symbol: 'ms', factor: 1e-3 },
  tpotSeconds: { symbol: 'ms', factor: 1e-3 },
  endToEndSeconds: { symbol: 's', factor: 1 },
  energyJoulesPerToken: { symbol: 'J', factor: 1 },
  decodePowerWatts: { symbol: 'W', factor: 1 },
  peakChipPowerWatts: { symbol: 'W', factor: 1 },
  fits: { symbol: '', factor: 1 },
  memoryRequiredBytesPerChip: { symbol: 'GB', factor: 1e9 },
  maxBatch: { symbol: '', factor: 1 },
  chipsUsed: { symbol: '', factor: 1 },
  dieAreaSquareMillimetres: { symbol: 'mm²', factor: 1 },
  systemDollars: { symbol: '$', factor: 1 },
  dollarsPerTokenPerSecond: { symbol: '$ per token/s', factor: 1 },
};

/** Three significant figures, thousands separated when large ("12,345", "61.2", "0.00431"). */
export function significant(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  const text = value.toPrecision(digits);
  if (text.includes('e')) return String(Number(text));
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** The number a figure shows in its display unit (NaN stays NaN). */
export function displayValue(figure: SweepFigureId, value: number): number {
  return value / figureDisplayUnits[figure].factor;
}

/** A figure's value as read in a cell or a tooltip: "61.2 ms", "1,234 tokens/s", "$412,000", "yes". */
export function formatFigure(figure: SweepFigureId, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (figure === 'fits') return value >= 1 ? 'yes' : 'no';
  const unit = figureDisplayUnits[figure];
  const number = significant(displayValue(figure, value));
  if (unit.symbol === '$') return `$${number}`;
  if (unit.symbol === '$ per token/s') return `$${number} per token/s`;
  return unit.symbol === '' ? number : `${number} ${unit.symbol}`;
}

/** A figure's title with its display unit ("TPOT (ms)"), for a column header or an axis. */
export function figureTitle(figure: SweepFigureId): string {
  const { symbol } = figureDisplayUnits[figure];
  const label = sweepFigures[figure].label;
  // "Decode tokens/s" names its unit already.
  return symbol === '' || label.endsWith(symbol) ? label : `${label} (${symbol})`;
}

/** A swept value as a cell shows it: a number in its parameter's unit ("3.35 TB/s") or plain, text as written. */
export function formatSweepValue(value: SweepValue | undefined, unit?: Unit): string {
  if (value === undefined) return '—';
  if (typeof value !== 'number') return value;
  return unit === undefined || unit === 'ratio' ? significant(value, 4) : formatQuantity(value, unit, 4);
}

/** A figure's number in its display unit without the unit (the column title says it): "61.2", "12,346". */
export function formatFigureNumber(figure: SweepFigureId, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (figure === 'fits') return value >= 1 ? 'yes' : 'no';
  return significant(displayValue(figure, value));
}

/** A parameter's label: its own, or its path. */
export function parameterLabel(parameter: { path: string; label?: string }): string {
  return parameter.label ?? parameter.path;
}

export type SweepColumn =
  | { kind: 'index'; key: 'index'; title: string }
  | { kind: 'parameter'; key: string; title: string; unit?: Unit }
  | { kind: 'figure'; key: SweepFigureId; title: string }
  | { kind: 'feasible'; key: 'feasible'; title: string };

/** The results table's columns: the point's number, every swept parameter, every figure, whether it is feasible. */
export function sweepColumns(
  spec: Pick<SweepSpec, 'parameters'>,
  units: ParameterUnits = new Map(),
): SweepColumn[] {
  return [
    { kind: 'index', key: 'index', title: 'Point #' },
    ...spec.parameters.map((parameter) => {
      const unit = units.get(parameter.path);
      return {
        kind: 'parameter' as const,
        key: parameter.path,
        title: parameterLabel(parameter),
        ...(unit ? { unit } : {}),
      };
    }),
    ...sweepFigureIds.map((figure) => ({ kind: 'figure' as const, key: figure, title: figureTitle(figure) })),
    { kind: 'feasible', key: 'feasible', title: 'Feasible' },
  ];
}

/** What one cell of a row shows. */
export function cellText(column: SweepColumn, row: SweepRow): string {
  switch (column.kind) {
    case 'index':
      return `#${row.index}`;
    case 'parameter':
      return formatSweepValue(row.values[column.key], column.unit);
    case 'figure':
      return row.ok ? formatFigureNumber(column.key, row.figures?.[column.key]) : '—';
    case 'feasible':
      if (!row.ok) return `failed: ${row.error ?? 'could not be evaluated'}`;
      return row.feasible ? 'yes' : `no: ${(row.violations ?? []).join('; ')}`;
  }
}

/** Whether a column's cells are numbers (right-aligned, sortable as numbers). */
export function isNumericColumn(column: SweepColumn): boolean {
  return column.kind === 'index' || column.kind === 'figure' || column.kind === 'parameter';
}

/**
 * The units constraints are typed in (the form shows these, the document stores SI): power in W, area in mm²,
 * latencies in ms.
 */
export const constraintFigures = [
  { figure: 'decodePowerWatts', label: 'Decode power ≤', symbol: 'W', factor: 1 },
  { figure: 'peakChipPowerWatts', label: 'Peak chip power ≤', symbol: 'W', factor: 1 },
  { figure: 'dieAreaSquareMillimetres', label: 'Die area ≤', symbol: 'mm²', factor: 1 },
  { figure: 'tpotSeconds', label: 'TPOT ≤', symbol: 'ms', factor: 1e-3 },
  { figure: 'ttftSeconds', label: 'TTFT ≤', symbol: 'ms', factor: 1e-3 },
] as const satisfies readonly { figure: SweepFigureId; label: string; symbol: string; factor: number }[];

/** A rate for the progress line: "52,300 points/s". */
export function formatRate(pointsPerSecond: number): string {
  return `${significant(pointsPerSecond)} points/s`;
}

/** Time left for the progress line: "about 12 s", "about 3 min", "—" when unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `about ${Math.round(seconds / 60)} min`;
  return `about ${significant(seconds / 3600, 2)} h`;
}

/** A count with separators ("1,000,000"). */
export function formatPoints(count: number): string {
  return formatQuantity(count, 'count');
}
