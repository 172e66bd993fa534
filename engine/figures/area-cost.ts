/**
 * The report's area and cost as a person reads them, written once for the app's "Area & cost" tab, the HTML and
 * Markdown reports and the command line: the facts (die area, yield, cost per die, per chip, per system, $ per
 * decode token/s, power density) and the per-block area table.
 */
import type { Report } from '../report';
import { formatCount, formatPercent } from './format';

/** Square metres as square millimetres, three significant figures ("814 mm²"). */
export function formatSquareMillimetres(squareMetres: number): string {
  return `${Number((squareMetres * 1e6).toPrecision(3))} mm²`;
}

/** US dollars, whole, with thousands separators ("$2,972"); below $10 with cents. */
export function formatDollars(value: number): string {
  return value < 10 ? `$${value.toFixed(2)}` : `$${formatCount(Math.round(value))}`;
}

/** W/m² as W/mm² ("0.51 W/mm²"). */
export function formatPowerDensity(wattsPerSquareMetre: number): string {
  return `${Number((wattsPerSquareMetre / 1e6).toPrecision(2))} W/mm²`;
}

export interface AreaCostFigures {
  /** The answer in a sentence (the cost's, else the area's). */
  sentence: string;
  facts: [label: string, value: string][];
  blocks: { headers: string[]; align: ('left' | 'right')[]; rows: string[][] };
}

/** The area and cost figures of a report; undefined when the report has no area (nothing on a chip). */
export function areaCostFigures(report: Report): AreaCostFigures | undefined {
  const { area, cost } = report;
  if (!area) return undefined;
  const facts: [string, string][] = [
    ['Process node', area.processNode],
    ['Die area (estimated from the blocks)', formatSquareMillimetres(area.dieAreaSquareMetres)],
  ];
  if (area.statedDieAreaSquareMetres !== undefined) {
    const error = area.dieAreaSquareMetres / area.statedDieAreaSquareMetres - 1;
    facts.push([
      'Die area (stated)',
      `${formatSquareMillimetres(area.statedDieAreaSquareMetres)} (estimate ${error >= 0 ? '+' : '−'}${formatPercent(Math.abs(error))})`,
    ]);
  }
  facts.push(
    ['Power density (decode average)', formatPowerDensity(area.powerDensityWattsPerSquareMetre)],
    ['Power density (decode peak)', formatPowerDensity(area.peakPowerDensityWattsPerSquareMetre)],
  );
  if (cost)
    facts.push(
      ['Wafer cost', formatDollars(cost.waferCostDollars)],
      ['Gross dies per wafer', formatCount(cost.grossDiesPerWafer)],
      ['Yield', formatPercent(cost.yield)],
      ['Cost per good die', formatDollars(cost.dieDollars)],
      ['Memory', formatDollars(cost.memoryDollars)],
      [
        'Package',
        cost.interposerAreaSquareMetres > 0
          ? `${formatDollars(cost.packageDollars)} (interposer ${formatSquareMillimetres(cost.interposerAreaSquareMetres)})`
          : formatDollars(cost.packageDollars),
      ],
      ['Board', formatDollars(cost.boardDollars)],
      ['Cost per chip', formatDollars(cost.chipDollars)],
      [
        `System (${formatCount(cost.chips)} chip${cost.chips === 1 ? '' : 's'})`,
        formatDollars(cost.systemDollars),
      ],
      ['Per decode token/s', formatDollars(cost.dollarsPerTokenPerSecond)],
    );
  const estimate = formatSquareMillimetres(area.dieAreaSquareMetres);
  return {
    sentence: cost?.sentence ?? `One ${area.processNode} die of ${estimate} (estimated from the blocks).`,
    facts,
    blocks: {
      headers: ['Block', 'Instances', 'Area', 'Share', 'How (one instance)'],
      align: ['left', 'right', 'right', 'right', 'left'],
      rows: area.blocks.map((block) => [
        block.name,
        formatCount(block.instances),
        formatSquareMillimetres(block.areaSquareMetres),
        formatPercent(block.share),
        block.basis,
      ]),
    },
  };
}
