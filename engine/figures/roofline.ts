/**
 * The roofline of a report, derived once for the app's chart and the exported report's: the bandwidth roof of
 * every storage level and which of them is the main memory roof, the compute roofs, where each is drawn, and
 * the operators' points. Everything is per chip, as the report's machine and memory levels are.
 *
 * The compute roof is the peak of the fastest compute unit, not a sum over units: the cost stage gives each
 * operator to one unit (the one that finishes it soonest), and operators run one after another, so no
 * operator ever has two units' arithmetic. (The datasheet's peak of `designFigures` is the other figure, the
 * whole system's total.)
 */
import type { OperatorReport, PhaseReport, Report } from '../report';

/** The bandwidth roof of one storage level: FLOP/s = bandwidth × arithmetic intensity. */
export interface MemoryRoof {
  levelId: string;
  name: string;
  /** Peak bandwidth of the level for one chip, bytes per second. */
  bandwidthBytesPerSecond: number;
}

/** A compute roof: the highest FLOP/s one chip's fastest unit reaches in one arithmetic. */
export interface ComputeRoof {
  /** "BF16 peak", or the workload's arithmetic: "FP8 peak". */
  label: string;
  /** The arithmetic class as the report names it (`bf16`, `fp8`, …). */
  computeClass: string;
  /** Dense peak FLOP/s of the fastest compute unit of one chip in this arithmetic. */
  flopsPerSecond: number;
  /** FLOP per byte where the main memory roof meets this roof; 0 when there is no memory roof. */
  ridgeIntensity: number;
}

export interface Roofs {
  /** One per storage level with a bandwidth, fastest first (caches hold copies; no tensor streams from them). */
  memory: MemoryRoof[];
  /**
   * The main memory roof, one of `memory`: the level the weights stream from — every matrix multiply reads
   * them, so it is the roof weight-bound operators (all of decode) meet. Where the weights are split across
   * levels, the one whose share takes longest to read (weight bytes ÷ bandwidth): a GEMM waits for its slowest
   * stream. A faster level holding only activations bounds no weight-bound operator. Without weights in any
   * storage level, the fastest one.
   */
  main: MemoryRoof | undefined;
  /** The BF16 roof first, then the workload's arithmetic where it differs from BF16 by more than 0.1 %. */
  compute: ComputeRoof[];
}

/** FLOP per byte where a bandwidth roof reaches a compute roof; 0 without a bandwidth. */
export function ridgeIntensity(flopsPerSecond: number, bandwidthBytesPerSecond: number): number {
  return bandwidthBytesPerSecond > 0 ? flopsPerSecond / bandwidthBytesPerSecond : 0;
}

/** The roofs of a report's roofline. */
export function roofs(report: Report): Roofs {
  const levels = report.memory.levels.filter(
    (level) => level.usage === 'storage' && level.bandwidthBytesPerSecond > 0,
  );
  // Fastest first; a stable sort keeps the report's level order between equal bandwidths.
  const ordered = [...levels].sort((a, b) => b.bandwidthBytesPerSecond - a.bandwidthBytesPerSecond);
  const memory: MemoryRoof[] = ordered.map((level) => ({
    levelId: level.levelId,
    name: level.name,
    bandwidthBytesPerSecond: level.bandwidthBytesPerSecond,
  }));
  // Fastest first, so between equal reading times the faster level wins.
  let slowest = 0;
  ordered.forEach((level, index) => {
    const seconds = level.used.weights / level.bandwidthBytesPerSecond;
    const best = ordered[slowest];
    if (best && seconds > best.used.weights / best.bandwidthBytesPerSecond) slowest = index;
  });
  const main = memory[slowest];
  const bandwidth = main?.bandwidthBytesPerSecond ?? 0;

  const units = report.machine.computeUnits;
  const bf16 = Math.max(0, ...units.map((unit) => unit.peakBf16FlopsPerSecond));
  const compute: ComputeRoof[] = [];
  if (bf16 > 0)
    compute.push({
      label: 'BF16 peak',
      computeClass: 'bf16',
      flopsPerSecond: bf16,
      ridgeIntensity: ridgeIntensity(bf16, bandwidth),
    });
  // The workload's weight GEMMs run in `computeClass`; each unit's peak in it is `peakFlopsPerSecond`.
  const workloadClass = report.machine.computeClass;
  const arithmetic = Math.max(0, ...units.map((unit) => unit.peakFlopsPerSecond));
  // A roof within 0.1 % of the BF16 one would draw on top of it.
  if (workloadClass !== 'bf16' && arithmetic > 0 && Math.abs(arithmetic - bf16) > bf16 * 1e-3)
    compute.push({
      label: `${workloadClass.toUpperCase()} peak`,
      computeClass: workloadClass,
      flopsPerSecond: arithmetic,
      ridgeIntensity: ridgeIntensity(arithmetic, bandwidth),
    });
  return { memory, main, compute };
}

/** One operator on the roofline. */
export interface RooflinePoint {
  operator: OperatorReport;
  /** FLOP per byte moved. */
  intensity: number;
  /** FLOP/s while it runs. */
  flopsPerSecond: number;
}

/**
 * The operators a log-log roofline can place: those that do arithmetic and move bytes. Norms, activations,
 * gathers and collectives report no FLOPs (their element-wise work is not multiply-accumulate) and would sit
 * at minus infinity on a log axis.
 */
export function rooflinePoints(phase: PhaseReport): RooflinePoint[] {
  return phase.operators
    .filter((operator) => operator.arithmeticIntensity > 0 && operator.achievedFlopsPerSecond > 0)
    .map((operator) => ({
      operator,
      intensity: operator.arithmeticIntensity,
      flopsPerSecond: operator.achievedFlopsPerSecond,
    }));
}

/** The powers of ten just below and above the positive finite values; undefined when there are none. */
export function decades(values: readonly number[]): [number, number] | undefined {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) return undefined;
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive)));
  return [low, high > low ? high : low * 10];
}

/** The part of the plane a roofline shows: arithmetic intensity (FLOP/B) across, FLOP/s up, both log. */
export interface RooflineWindow {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/**
 * The window of a roofline, in whole decades: every operator, every compute roof and its ridge with the main
 * memory roof, and the main memory roof where it enters at the left edge. Other memory roofs are not
 * stretched to: a host DRAM forty times slower than HBM would push the operators into a corner; its roof
 * enters through the bottom edge instead. Without points or roofs: 0.1–1,000 FLOP/B, 1 GFLOP/s–1 PFLOP/s.
 */
export function rooflineWindow(points: readonly RooflinePoint[], roof: Roofs): RooflineWindow {
  const [xMin, xMax] = decades([
    ...points.map((point) => point.intensity),
    ...roof.compute.map((compute) => compute.ridgeIntensity),
  ]) ?? [0.1, 1000];
  const [yMin, yMax] = decades([
    ...points.map((point) => point.flopsPerSecond),
    ...roof.compute.map((compute) => compute.flopsPerSecond),
    (roof.main?.bandwidthBytesPerSecond ?? 0) * xMin,
  ]) ?? [1e9, 1e15];
  return { xMin, xMax, yMin, yMax };
}

/** A point of a roofline: [FLOP per byte, FLOP/s]. */
export type RooflineXY = [intensity: number, flopsPerSecond: number];

/** Where the roofs are drawn in a window, each a polyline from left to right. */
export interface RoofLines {
  /** One per memory roof with a visible part, fastest first. */
  memory: { roof: MemoryRoof; main: boolean; points: RooflineXY[] }[];
  compute: { roof: ComputeRoof; points: RooflineXY[] }[];
}

/**
 * The roofs as lines in a window. A memory roof rises from where it enters the window to where it meets the
 * highest compute roof (across the whole window when there is none). A compute roof runs from its ridge with
 * the main memory roof to the right edge (across the whole window without one). A level faster than the main
 * one meets the compute roof left of the main ridge; its line runs on along the highest compute roof to the
 * main ridge, so the top of the roofline has no gap. Parts outside the window are cut off.
 */
export function roofLines(roof: Roofs, window: RooflineWindow): RoofLines {
  const { xMin, xMax, yMin, yMax } = window;
  const top = Math.max(0, ...roof.compute.map((compute) => compute.flopsPerSecond));
  const mainEnd = roof.main && top > 0 ? ridgeIntensity(top, roof.main.bandwidthBytesPerSecond) : undefined;
  const memory = roof.memory.flatMap((memoryRoof) => {
    const bandwidth = memoryRoof.bandwidthBytesPerSecond;
    const end = top > 0 ? ridgeIntensity(top, bandwidth) : xMax;
    const from = Math.max(xMin, yMin / bandwidth);
    const to = Math.min(xMax, yMax / bandwidth, end);
    const points: RooflineXY[] =
      from < to
        ? [
            [from, bandwidth * from],
            [to, bandwidth * to],
          ]
        : [];
    if (mainEnd !== undefined && end < mainEnd) {
      const flatFrom = Math.max(xMin, end);
      const flatTo = Math.min(xMax, mainEnd);
      if (flatFrom < flatTo) {
        if (points.at(-1)?.[0] !== flatFrom) points.push([flatFrom, top]);
        points.push([flatTo, top]);
      }
    }
    return points.length > 0 ? [{ roof: memoryRoof, main: memoryRoof === roof.main, points }] : [];
  });
  const compute = roof.compute.flatMap((computeRoof) => {
    const y = computeRoof.flopsPerSecond;
    const start = Math.max(xMin, computeRoof.ridgeIntensity > 0 ? computeRoof.ridgeIntensity : xMin);
    if (y < yMin || y > yMax || start >= xMax) return [];
    const points: RooflineXY[] = [
      [start, y],
      [xMax, y],
    ];
    return [{ roof: computeRoof, points }];
  });
  return { memory, compute };
}
