/**
 * The compression section of the exported reports (HTML and Markdown): the answer sentence, how the weights are
 * stored and expanded, and one row per compression unit with its decode load and what the design would be
 * without it. Built from `Report.compression` (`engine/stages/compression.ts`); absent when the report has none.
 */
import type { CompressionReport, Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';
import type { TableContent } from './report-content';

export interface CompressionContent {
  sentence: string;
  storage: string;
  expansion: string;
  units: TableContent;
}

const kinds: Record<CompressionReport['units'][number]['kind'], string> = {
  weights: 'weight decompressor',
  kv: 'KV-cache compressor',
  sparsity: 'sparsity engine',
};

/** A signed percent change from `before` to `after` ("−25 %"), or "—" without a counterfactual. */
function change(before: number | undefined, after: number): string {
  if (before === undefined || before <= 0) return '—';
  const percent = Math.round(((after - before) / before) * 100);
  return percent === 0 ? '0 %' : `${percent > 0 ? '+' : '−'}${Math.abs(percent)} %`;
}

export function compressionContent(report: Report): CompressionContent | undefined {
  const section = report.compression;
  if (!section) return undefined;
  const q = formatQuantity;
  const weights = section.weights;
  const sparsity =
    weights.sparsity === 'none'
      ? 'dense'
      : `${weights.sparsity}-sparse (density ${weights.density}, ${weights.indexBitsPerWeight} index bits per weight)${weights.storedSparse ? '' : ', stored dense: no sparsity engine reads that pattern'}`;
  return {
    sentence: section.sentence,
    storage: `Weights: ${weights.format}, ${weights.valueBitsPerWeight} value bits + ${weights.metadataBitsPerWeight.toFixed(3)} scale and metadata bits per weight; ${sparsity}; ${weights.storedBitsPerWeight.toFixed(3)} stored bits per matrix weight. The sparsity engine skips ${Math.round(weights.decodeMacsSkippedShare * 100)} % of the decode step's multiply-accumulates.`,
    expansion: section.expansion.sentence,
    units: {
      headers: [
        'Unit',
        'Kind',
        'Ratio',
        'Throughput',
        'Busy in decode',
        'Energy per step',
        'Area',
        'TPOT vs without',
        'Energy/token vs without',
        'Largest batch (without)',
        'Bounds decode',
      ],
      align: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
      rows: section.units.map((unit) => [
        unit.name,
        kinds[unit.kind],
        `${unit.compressionRatio.toFixed(2)}×`,
        q(unit.throughputBytesPerSecond, 'bytesPerSecond'),
        `${Math.round(unit.decodeUtilization * 100)} %`,
        q(unit.decodeEnergyJoulesPerStep, 'joules'),
        `${(unit.areaSquareMetres * 1e6).toPrecision(3)} mm²`,
        change(unit.without?.tpotSeconds, report.request.tpotSeconds),
        change(unit.without?.decodeEnergyJoulesPerToken, report.decode.energyJoulesPerToken),
        `${report.memory.maxBatch} (${unit.without?.maxBatch ?? '—'})`,
        unit.boundsDecode ? 'yes' : 'no',
      ]),
    },
  };
}
