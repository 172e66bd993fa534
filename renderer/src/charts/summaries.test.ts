import { describe, expect, it } from 'vitest';
import type { Report } from '../../../engine/report';
import {
  batchSweepSummary,
  memoryOccupancySummary,
  operatorTimeSummary,
  powerByBlockSummary,
  rooflineSummary,
} from './summaries';
import { simulateTestReport } from './test-report';

const report = simulateTestReport();

describe('the summary sentences', () => {
  it("name the longest operator, its share of the phase, and the phase's main bound", () => {
    const operators = [...report.decode.operators].sort((a, b) => b.seconds - a.seconds);
    const top = operators[0];
    if (!top) throw new Error('no decode operators');
    const total = operators.reduce((sum, operator) => sum + operator.seconds, 0);
    const share = Math.round((100 * top.seconds) / total);
    const bound = report.decode.bound;
    const boundShare = Math.round(100 * report.decode.boundShares[bound]);
    expect(report.decode.bound).toBe('memory');
    expect(operatorTimeSummary(report, 'decode')).toBe(
      `${top.name} takes ${share} % of the decode step; ${boundShare} % of the step is memory-bound.`,
    );
  });

  it('place the ridge at peak over the bandwidth of the level holding the weights', () => {
    const peak = report.machine.computeUnits[0]?.peakBf16FlopsPerSecond ?? 0;
    expect(peak).toBe(2 * 128 * 128 * 16 * 1e9);
    // 524 TFLOP/s over DRAM's 1 TB/s.
    expect(rooflineSummary(report)).toMatch(
      /^The ridge is at 524 FLOP\/B \(524 TFLOP\/s over 1 TB\/s from dram\);/,
    );
  });

  it('name the block drawing most power', () => {
    const top = [...report.prefill.blocks].sort((a, b) => b.averagePowerWatts - a.averagePowerWatts)[0];
    expect(powerByBlockSummary(report, 'prefill')).toContain(`In prefill, ${top?.name} draws the most power`);
  });

  it('give each storage level its use and capacity, and whether the model fits', () => {
    expect(memoryOccupancySummary(report)).toBe(
      'Per chip, sram holds 8 MiB of 8 MiB (100 %); dram holds 52 MiB of 64 GiB (0.079 %). The model fits.',
    );
    const tooBig: Report = { ...report, memory: { ...report.memory, fits: false } };
    expect(memoryOccupancySummary(tooBig)).toMatch(/The model does not fit\.$/);
  });

  it('give the best batch that fits and how many do not', () => {
    const points = [
      { batch: 1, tokensPerSecond: 100, tpotSeconds: 0.01, fits: true },
      { batch: 32, tokensPerSecond: 2500, tpotSeconds: 0.0128, fits: true },
      { batch: 64, tokensPerSecond: 4000, tpotSeconds: 0.016, fits: false },
    ];
    expect(batchSweepSummary(points)).toBe(
      'Throughput peaks at 2.5 ktok/s at batch 32, with 12.8 ms per output token; 1 of 3 batch sizes does not fit; the largest that fits is 32.',
    );
    expect(batchSweepSummary([])).toBe('No batch sizes have been evaluated.');
    expect(batchSweepSummary(points.map((point) => ({ ...point, fits: false })))).toBe(
      'None of the 3 batch sizes fits in memory.',
    );
  });
});
