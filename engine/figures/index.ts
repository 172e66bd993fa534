/**
 * Derived figures, written once: what the app's charts, the exported reports (HTML, Markdown) and the command
 * line show beyond the report's own numbers. Pure; see ARCHITECTURE.md, "Derived figures".
 *
 * - `design.ts`: a design's datasheet figures over the whole system (`designFigures`), a unit's peak.
 * - `roofline.ts`: a report's roofs (one per storage level, the main memory roof, the compute roofs), the
 *   operators' points, the window and the lines drawn.
 * - `headline.ts`: a report's headline figures (TTFT, TPOT, tokens/s, power, energy per token, memory fit).
 * - `bands.ts`: the error band of each headline figure from the accuracy suite (`report.ranges`).
 * - `plan.ts`: the automatic plan search as table rows (the chosen split and the runners-up).
 * - `breakdown.ts`: an operator's time by what it waited on; storage levels and what they hold.
 * - `format.ts`: FLOP/s, FLOP, FLOP/B, percentages, counts, axis ticks.
 * - `escape.ts`: escaping names for HTML, SVG and XML.
 * - `reconfiguration.ts`: a reconfigurable fabric's configurations as table rows and its choice in a sentence.
 * - `area-cost.ts`: the report's area and cost as facts and a per-block table.
 */
export {
  designFamily,
  formatBandPercent,
  MIN_BAND_ROWS,
  rangePaths,
  reportRanges,
  withRangeKeys,
  type DesignFamily,
} from './bands';
export { PLAN_SEARCH_ALIGN, PLAN_SEARCH_HEADERS, planSearchRows } from './plan';
export { exposedSeconds, operatorSeconds, storageLevels, usedBytes } from './breakdown';
export { designFigures, fastestUnit, unitPeakFlopsPerSecond, type DesignFigures } from './design';
export { escapeHtml } from './escape';
export {
  axisTick,
  formatCount,
  formatFlopCount,
  formatFlops,
  formatIntensity,
  formatPercent,
} from './format';
export { reportFigures, type MemoryFigures, type PhaseFigures, type ReportFigures } from './headline';
export {
  decades,
  ridgeIntensity,
  roofLines,
  rooflinePoints,
  rooflineWindow,
  roofs,
  type ComputeRoof,
  type MemoryRoof,
  type RoofLines,
  type RooflinePoint,
  type RooflineWindow,
  type RooflineXY,
  type Roofs,
} from './roofline';
export {
  RECONFIGURATION_ALIGN,
  RECONFIGURATION_HEADERS,
  reconfigurationRows,
  reconfigurationSummary,
} from './reconfiguration';
export {
  areaCostFigures,
  formatDollars,
  formatPowerDensity,
  formatSquareMillimetres,
  type AreaCostFigures,
} from './area-cost';
