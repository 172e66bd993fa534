/**
 * The exported report's roofline on real presets: its roofs are those of `engine/figures`, checked here
 * against the report's own numbers, and it draws exactly the lines `roofLines` gives for them — as the app's
 * roofline does (`renderer/src/charts/options.test.ts` checks the app's chart against the same functions; the
 * layering keeps main/ from importing the renderer, so each side is held to the shared function).
 */
import { describe, expect, it } from 'vitest';
import { roofLines, rooflinePoints, rooflineWindow, roofs, type Roofs } from '../../engine/figures';
import type { Report } from '../../engine/report';
import { defaultWorkload } from '../../engine/schema/workload';
import { rooflineChart, rooflineChartOption } from './report-charts';
import { presetDesign, run, scenarios } from './test-support';

const { catalog, h100, dgx } = await scenarios();
const h100Fp8 = run(catalog, 'H100 + Llama 3 8B in FP8', presetDesign(catalog, 'nvidia-h100-sxm'), {
  ...defaultWorkload('llama-3-8b'),
  weights: 'fp8-e4m3',
  activations: 'fp8-e4m3',
});

interface LineView {
  type: string;
  name?: string;
  data: unknown[];
}
interface AxisView {
  min?: number;
  max?: number;
}

/** The line series of the report's roofline, in order, and its axes. */
function drawn(report: Report): { lines: LineView[]; x: AxisView; y: AxisView } {
  const option = rooflineChartOption(report);
  const series = option.series as unknown as LineView[];
  return {
    lines: series.filter((entry) => entry.type === 'line'),
    x: option.xAxis as AxisView,
    y: option.yAxis as AxisView,
  };
}

/** What the shared functions say the roofline of a report draws. */
function shared(report: Report): { roof: Roofs; points: unknown[][]; x: AxisView; y: AxisView } {
  const roof = roofs(report);
  const window = rooflineWindow([...rooflinePoints(report.prefill), ...rooflinePoints(report.decode)], roof);
  const lines = roofLines(roof, window);
  return {
    roof,
    points: [...lines.compute, ...lines.memory].map((line) => line.points),
    x: { min: window.xMin, max: window.xMax },
    y: { min: window.yMin, max: window.yMax },
  };
}

describe("the report's roofline", () => {
  it.each([h100, dgx, h100Fp8])(
    'draws the roofs of engine/figures where roofLines puts them: $name',
    (scenario) => {
      const chart = drawn(scenario.report);
      const expected = shared(scenario.report);
      expect(chart.lines.map((line) => line.data)).toEqual(expected.points);
      expect(chart.x).toMatchObject(expected.x);
      expect(chart.y).toMatchObject(expected.y);
    },
  );

  it('has, for the H100, the BF16 peak of its fastest unit and the roof of its HBM, not of its L2 cache', () => {
    const { report } = h100;
    const hbm = report.memory.levels.find((level) => level.usage === 'storage');
    const l2 = report.memory.levels.find((level) => level.usage === 'cache');
    // The premise: a faster L2 that holds copies only, and an HBM that holds the weights.
    expect(l2 && hbm && l2.bandwidthBytesPerSecond > hbm.bandwidthBytesPerSecond).toBe(true);
    if (!hbm || !l2) throw new Error('expected an HBM and an L2');
    const peak = Math.max(...report.machine.computeUnits.map((unit) => unit.peakBf16FlopsPerSecond));
    const main = {
      levelId: hbm.levelId,
      name: hbm.name,
      bandwidthBytesPerSecond: hbm.bandwidthBytesPerSecond,
    };
    expect(shared(report).roof).toEqual({
      memory: [main],
      main,
      compute: [
        {
          label: 'BF16 peak',
          computeClass: 'bf16',
          flopsPerSecond: peak,
          ridgeIntensity: peak / hbm.bandwidthBytesPerSecond,
        },
      ],
    });
    // 989 TFLOP/s over 3.35 TB/s: the ridge at about 295 FLOP per byte.
    expect(peak / hbm.bandwidthBytesPerSecond).toBeCloseTo(295.4, 1);
    const svg = rooflineChart(report);
    expect(svg).toContain('BF16 peak: 989 TFLOP/s');
    expect(svg).toContain('Memory roof: 3.35 TB/s (HBM3)');
    expect(svg).not.toContain(l2.name);
  });

  it('adds the FP8 roof of an FP8 workload at the peak the report gives the unit in FP8', () => {
    const { report } = h100Fp8;
    expect(report.machine.computeClass).toBe('fp8');
    const peak = Math.max(...report.machine.computeUnits.map((unit) => unit.peakFlopsPerSecond));
    const hbm = shared(report).roof.main?.bandwidthBytesPerSecond ?? 0;
    expect(shared(report).roof.compute.slice(1)).toEqual([
      { label: 'FP8 peak', computeClass: 'fp8', flopsPerSecond: peak, ridgeIntensity: peak / hbm },
    ]);
    expect(rooflineChart(report)).toContain('FP8 peak: 1.98 PFLOP/s');
  });

  it("draws the DGX's host memory as a second roof, with the HBM, which holds the weights, as main", () => {
    const roof = shared(dgx.report).roof;
    expect(roof.memory.map((memory) => memory.bandwidthBytesPerSecond)).toEqual([3.35e12, 76.8e9]);
    expect(roof.main).toBe(roof.memory[0]);
    expect(rooflineChart(dgx.report)).toContain('Other level: 76.8 GB/s');
  });
});
