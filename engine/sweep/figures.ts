/**
 * The figures a sweep records for every point, and may constrain or optimise: one registry, read from a report,
 * so the CLI's columns, the app's table and charts, constraints and objectives all use the same names and SI units.
 */
import type { Report } from '../report';

/** Every figure a sweep point carries, in column order. */
export const sweepFigureIds = [
  'decodeTokensPerSecond',
  'prefillTokensPerSecond',
  'ttftSeconds',
  'tpotSeconds',
  'endToEndSeconds',
  'energyJoulesPerToken',
  'decodePowerWatts',
  'peakChipPowerWatts',
  'fits',
  'memoryRequiredBytesPerChip',
  'maxBatch',
  'chipsUsed',
  'dieAreaSquareMillimetres',
  'systemDollars',
  'dollarsPerTokenPerSecond',
] as const;

export type SweepFigureId = (typeof sweepFigureIds)[number];

export interface SweepFigureInfo {
  id: SweepFigureId;
  /** A column or axis title. */
  label: string;
  /** The SI unit of the value (`""` for a count, `"bool"` for 1/0). */
  unit: string;
  /** Which way is better, when the figure is an objective without a goal. */
  better: 'min' | 'max';
}

export const sweepFigures: Record<SweepFigureId, SweepFigureInfo> = {
  decodeTokensPerSecond: {
    id: 'decodeTokensPerSecond',
    label: 'Decode tokens/s',
    unit: 'tokens/s',
    better: 'max',
  },
  prefillTokensPerSecond: {
    id: 'prefillTokensPerSecond',
    label: 'Prefill tokens/s',
    unit: 'tokens/s',
    better: 'max',
  },
  ttftSeconds: { id: 'ttftSeconds', label: 'TTFT', unit: 's', better: 'min' },
  tpotSeconds: { id: 'tpotSeconds', label: 'TPOT', unit: 's', better: 'min' },
  endToEndSeconds: { id: 'endToEndSeconds', label: 'Request end to end', unit: 's', better: 'min' },
  energyJoulesPerToken: {
    id: 'energyJoulesPerToken',
    label: 'Energy per decode token',
    unit: 'J',
    better: 'min',
  },
  decodePowerWatts: { id: 'decodePowerWatts', label: 'Decode power', unit: 'W', better: 'min' },
  peakChipPowerWatts: { id: 'peakChipPowerWatts', label: 'Peak chip power', unit: 'W', better: 'min' },
  fits: { id: 'fits', label: 'Fits in memory', unit: 'bool', better: 'max' },
  memoryRequiredBytesPerChip: {
    id: 'memoryRequiredBytesPerChip',
    label: 'Memory needed per chip',
    unit: 'B',
    better: 'min',
  },
  maxBatch: { id: 'maxBatch', label: 'Largest batch that fits', unit: '', better: 'max' },
  chipsUsed: { id: 'chipsUsed', label: 'Chips used', unit: '', better: 'min' },
  dieAreaSquareMillimetres: { id: 'dieAreaSquareMillimetres', label: 'Die area', unit: 'mm²', better: 'min' },
  systemDollars: { id: 'systemDollars', label: 'System cost', unit: '$', better: 'min' },
  dollarsPerTokenPerSecond: {
    id: 'dollarsPerTokenPerSecond',
    label: '$ per decode token/s',
    unit: '$/(tokens/s)',
    better: 'min',
  },
};

/**
 * A point's figures from its report. Area and cost are NaN when the report has no area section (a design whose
 * chip has no process node): a constraint or objective on them then fails that point with a message.
 */
export function readSweepFigures(report: Report): Record<SweepFigureId, number> {
  return {
    decodeTokensPerSecond: report.decode.tokensPerSecond,
    prefillTokensPerSecond: report.prefill.tokensPerSecond,
    ttftSeconds: report.request.ttftSeconds,
    tpotSeconds: report.request.tpotSeconds,
    endToEndSeconds: report.request.endToEndSeconds,
    energyJoulesPerToken: report.decode.energyJoulesPerToken,
    decodePowerWatts: report.decode.averagePowerWatts,
    peakChipPowerWatts: Math.max(report.prefill.peakPowerWatts, report.decode.peakPowerWatts),
    fits: report.memory.fits ? 1 : 0,
    memoryRequiredBytesPerChip: report.memory.requiredBytesPerChip,
    maxBatch: report.memory.maxBatch,
    chipsUsed: report.parallelism.chipsUsed,
    dieAreaSquareMillimetres: report.area ? report.area.dieAreaSquareMetres * 1e6 : Number.NaN,
    systemDollars: report.cost ? report.cost.systemDollars : Number.NaN,
    dollarsPerTokenPerSecond: report.cost ? report.cost.dollarsPerTokenPerSecond : Number.NaN,
  };
}
