/**
 * One sentence per chart saying what it shows, for people who cannot see it (the chart is hidden from
 * assistive technology; this sentence is its description). Built from the same derivations as the options.
 */
import type { Bound } from '../../../engine/report';
import {
  formatFlops,
  formatIntensity,
  formatPercent,
  roofs,
  rooflinePoints,
  storageLevels,
  usedBytes,
} from '../../../engine/figures';
import type { Report } from '../../../engine/report';
import { formatQuantity } from '../../../engine/units';
import {
  blocksByPower,
  operatorTimes,
  phaseNames,
  phaseNouns,
  type BatchSweepPoint,
  type Phase,
} from './chart-data';

const boundPhrases: Record<Bound, string> = {
  compute: 'compute-bound',
  memory: 'memory-bound',
  communication: 'spent in communication',
  overhead: 'dispatch and latency overhead',
};

/** "FFN up projection takes 41 % of the decode step; 84 % of the step is memory-bound." */
export function operatorTimeSummary(report: Report, phase: Phase): string {
  const phaseReport = report[phase];
  const top = operatorTimes(phaseReport)[0];
  const noun = phaseNouns[phase];
  if (!top) return `${phaseNames[phase]} has no operators to show.`;
  const share = phaseReport.boundShares[phaseReport.bound];
  return (
    `${top.label} takes ${formatPercent(top.share)} of the ${noun}; ` +
    `${formatPercent(share)} of the ${phase === 'decode' ? 'step' : 'prefill'} is ${boundPhrases[phaseReport.bound]}.`
  );
}

export function rooflineSummary(report: Report): string {
  const roof = roofs(report);
  const compute = roof.compute[0];
  if (!compute || !roof.main)
    return 'The roofline cannot be drawn: the design reports no compute peak or memory bandwidth.';
  const phases: Phase[] = ['prefill', 'decode'];
  const counts = phases.map((phase) => {
    const points = rooflinePoints(report[phase]);
    const below = points.filter((point) => point.intensity < compute.ridgeIntensity).length;
    return `${below} of ${points.length} ${phase} operators`;
  });
  return (
    `The ridge is at ${formatIntensity(compute.ridgeIntensity)} ` +
    `(${formatFlops(compute.flopsPerSecond)} over ${formatQuantity(roof.main.bandwidthBytesPerSecond, 'bytesPerSecond')} from ${roof.main.name}); ` +
    `${counts.join(' and ')} with matrix arithmetic sit left of it, where memory bandwidth limits them.`
  );
}

export function powerByBlockSummary(report: Report, phase: Phase): string {
  const phaseReport = report[phase];
  const top = blocksByPower(phaseReport, 1)[0];
  if (!top) return `${phaseNames[phase]} reports no block power.`;
  const total = phaseReport.blocks.reduce((sum, block) => sum + block.averagePowerWatts, 0);
  return (
    `In ${phase}, ${top.name} draws the most power: ${formatQuantity(top.averagePowerWatts, 'watts')} ` +
    `of the ${formatQuantity(total, 'watts')} the blocks of one chip draw (${formatPercent(total > 0 ? top.averagePowerWatts / total : 0)}).`
  );
}

export function memoryOccupancySummary(report: Report): string {
  const levels = storageLevels(report).map((level) => {
    const used = usedBytes(level);
    const share = level.capacityBytes > 0 ? ` (${formatPercent(used / level.capacityBytes)})` : '';
    return `${level.name} holds ${formatQuantity(used, 'bytes')} of ${formatQuantity(level.capacityBytes, 'bytes')}${share}`;
  });
  if (levels.length === 0) return 'The design has no storage levels.';
  const fits = report.memory.fits ? 'The model fits' : 'The model does not fit';
  return `Per chip, ${levels.join('; ')}. ${fits}.`;
}

export function batchSweepSummary(points: readonly BatchSweepPoint[]): string {
  if (points.length === 0) return 'No batch sizes have been evaluated.';
  const fitting = points.filter((point) => point.fits);
  const best = fitting.reduce<BatchSweepPoint | undefined>(
    (top, point) => (top === undefined || point.tokensPerSecond > top.tokensPerSecond ? point : top),
    undefined,
  );
  if (!best) return `None of the ${points.length} batch sizes fits in memory.`;
  const largest = Math.max(...fitting.map((point) => point.batch));
  const excess = points.length - fitting.length;
  return (
    `Throughput peaks at ${formatQuantity(best.tokensPerSecond, 'tokensPerSecond')} at batch ${formatQuantity(best.batch, 'count')}, ` +
    `with ${formatQuantity(best.tpotSeconds, 'seconds')} per output token; ` +
    (excess > 0
      ? `${excess} of ${points.length} batch sizes ${excess === 1 ? 'does' : 'do'} not fit; the largest that fits is ${formatQuantity(largest, 'count')}.`
      : `every batch size shown fits, up to ${formatQuantity(largest, 'count')}.`)
  );
}
