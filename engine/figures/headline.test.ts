import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import { defaultWorkload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import { exposedSeconds, operatorSeconds, storageLevels, usedBytes } from './breakdown';
import { reportFigures } from './headline';

function simulate(): Report {
  const design = testDesign(
    {
      tile: { type: 'test.array' },
      sram: { type: 'test.sram', params: { capacityBytes: 8 * 2 ** 20 } },
      cache: { type: 'test.sram', params: { usage: 'cache' } },
      dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e12 } },
    },
    [
      ['tile', 'sram'],
      ['tile', 'cache'],
      ['tile', 'dram'],
    ],
  );
  const workload = { ...defaultWorkload('toy'), batch: 4, inputTokens: 256, outputTokens: 64 };
  const result = evaluate({ design, workload }, testCatalog());
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const report = simulate();

describe('reportFigures', () => {
  const figures = reportFigures(report);

  it('takes TTFT from the prefill and TPOT from one decode step, and adds them up for one request', () => {
    expect(figures.ttftSeconds).toBe(report.prefill.seconds);
    expect(figures.tpotSeconds).toBe(report.decode.secondsPerStep);
    // The first output token comes out of the prefill; each of the other 63 takes a decode step.
    expect(figures.endToEndSeconds).toBeCloseTo(
      report.prefill.seconds + 63 * report.decode.secondsPerStep,
      15,
    );
    expect(figures.requestOutputTokensPerSecond).toBeCloseTo(1 / report.decode.secondsPerStep, 6);
  });

  it("gives each phase's throughput, power, energy and clock, and the higher of the phases' peak power", () => {
    for (const phase of ['prefill', 'decode'] as const) {
      expect(figures[phase].tokensPerSecond).toBe(report[phase].tokensPerSecond);
      expect(figures[phase].averagePowerWatts).toBe(report[phase].averagePowerWatts);
      expect(figures[phase].energyJoulesPerToken).toBe(report[phase].energyJoulesPerToken);
      expect(figures[phase].clockHertz).toBe(report[phase].clockHertz);
      expect(figures[phase].bound).toBe(report[phase].bound);
    }
    expect(figures.peakChipPowerWatts).toBe(
      Math.max(report.prefill.peakPowerWatts, report.decode.peakPowerWatts),
    );
  });

  it('says whether the model fits, per chip', () => {
    expect(figures.memory).toEqual({
      fits: true,
      requiredBytesPerChip: report.memory.requiredBytesPerChip,
      availableBytesPerChip: report.memory.availableBytesPerChip,
      maxBatch: report.memory.maxBatch,
      maxContext: report.memory.maxContext,
    });
    expect(figures.batch).toBe(4);
  });
});

describe('the breakdowns', () => {
  it("split each operator's time into parts that add up to it, the larger of compute and memory shown", () => {
    for (const operator of [...report.prefill.operators, ...report.decode.operators]) {
      const parts = exposedSeconds(operator);
      const sum = parts.compute + parts.memory + parts.communication + parts.overhead;
      expect(sum).toBeCloseTo(operator.seconds, 15);
      const leading = operator.computeSeconds >= operator.memorySeconds ? 'compute' : 'memory';
      expect(parts[leading === 'compute' ? 'memory' : 'compute']).toBe(0);
      expect(parts.overhead).toBe(operator.overheadSeconds);
    }
  });

  it("sum a phase's operator time", () => {
    const seconds = report.decode.operators.map((operator) => operator.seconds);
    expect(operatorSeconds(report.decode)).toBe(seconds.reduce((sum, value) => sum + value, 0));
  });

  it('count only storage levels, and what each holds', () => {
    expect(storageLevels(report).map((level) => level.levelId)).toEqual(['sram', 'dram']);
    for (const level of report.memory.levels)
      expect(usedBytes(level)).toBe(level.used.weights + level.used.kv + level.used.activations);
    const cacheOnly: Report = {
      ...report,
      memory: { ...report.memory, levels: report.memory.levels.filter((level) => level.usage === 'cache') },
    };
    expect(storageLevels(cacheOnly).map((level) => level.levelId)).toEqual(['cache']);
  });
});
