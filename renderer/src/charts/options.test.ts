import { describe, expect, it } from 'vitest';
import { roofLines, rooflinePoints, rooflineWindow, roofs } from '../../../engine/figures';
import type { OperatorReport, Report } from '../../../engine/report';
import type { BatchSweepPoint } from './chart-data';
import {
  batchSweepOption,
  chartCaptionHeight,
  chartHeightToFit,
  memoryOccupancyOption,
  minimumChartHeight,
  operatorTimeOption,
  powerByBlockOption,
  rooflineOption,
  type ChartOption,
} from './options';
import { simulateTestReport } from './test-report';
import { chartPalette } from './theme';

const report = simulateTestReport();

/** The parts of an option these tests read, without ECharts' unions of every possible shape. */
interface SeriesView {
  type: string;
  name?: string;
  stack?: string;
  xAxisIndex?: number;
  yAxisIndex?: number;
  itemStyle?: { color?: string };
  data: unknown[];
}
interface AxisView {
  type: string;
  name?: string;
  data?: string[];
  min?: number;
  max?: number;
  axisLabel?: { color?: string; formatter?: (value: number) => string };
}

function seriesOf(option: ChartOption): SeriesView[] {
  const series: unknown = option.series;
  return series as SeriesView[];
}
function axes(option: ChartOption, which: 'xAxis' | 'yAxis'): AxisView[] {
  const axis: unknown = option[which];
  return (Array.isArray(axis) ? axis : [axis]) as AxisView[];
}
function axis(option: ChartOption, which: 'xAxis' | 'yAxis'): AxisView {
  const first = axes(option, which)[0];
  if (!first) throw new Error(`the option has no ${which}`);
  return first;
}
/** A data item's `[x, y]`, whether given as an array or as `{ value }`. */
function point(item: unknown): [number, number] {
  const value: unknown = typeof item === 'object' && item !== null && 'value' in item ? item.value : item;
  if (!Array.isArray(value) || typeof value[0] !== 'number' || typeof value[1] !== 'number')
    throw new Error(`not a point: ${JSON.stringify(item)}`);
  return [value[0], value[1]];
}
function tooltipText(option: ChartOption, params: unknown): string {
  const tooltip = option.tooltip as { formatter: (params: unknown) => string };
  return tooltip.formatter(params);
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);
const totalBytes = (operator: OperatorReport): number =>
  operator.bytes.weights + operator.bytes.kv + operator.bytes.activations;

describe('operatorTimeOption', () => {
  for (const phase of ['prefill', 'decode'] as const) {
    it(`has one bar per ${phase} operator, longest first, whose stacks add up to its time`, () => {
      const option = operatorTimeOption(report, phase, 'light');
      const operators = report[phase].operators;
      expect(operators.length).toBeLessThanOrEqual(13);
      const categories = axis(option, 'yAxis').data ?? [];
      expect(categories).toHaveLength(operators.length);
      const unitName = axis(option, 'xAxis').name ?? '';
      const unitSeconds = unitName.includes('ms') ? 1e-3 : unitName.includes('µs') ? 1e-6 : Number.NaN;
      const longest = Math.max(...operators.map((operator) => operator.seconds));
      expect(unitSeconds).toBe(longest >= 1e-3 ? 1e-3 : 1e-6);
      const series = seriesOf(option);
      expect(series.every((entry) => entry.type === 'bar' && entry.stack === 'time')).toBe(true);
      const sorted = [...operators].sort((a, b) => b.seconds - a.seconds);
      sorted.forEach((operator, index) => {
        expect(categories[index]).toBe(operator.name);
        const stacked = sum(series.map((entry) => entry.data[index] as number));
        expect(stacked * unitSeconds).toBeCloseTo(operator.seconds, 15);
        expect(stacked * unitSeconds).toBeGreaterThan(operator.seconds * (1 - 1e-9));
        expect(stacked * unitSeconds).toBeLessThan(operator.seconds * (1 + 1e-9));
      });
    });
  }

  it('puts the time an operator was bound by memory in the memory stack', () => {
    const option = operatorTimeOption(report, 'decode', 'light');
    const memory = seriesOf(option).find((entry) => entry.name === 'Memory');
    const sorted = [...report.decode.operators].sort((a, b) => b.seconds - a.seconds);
    const index = sorted.findIndex((operator) => operator.memorySeconds > operator.computeSeconds);
    const operator = sorted[index];
    if (!memory || !operator) throw new Error('expected a memory-bound decode operator');
    // Memory time hides the compute under it, so the memory stack is the operator's time less its overhead.
    expect(memory.data[index] as number).toBeGreaterThan(0);
    expect(
      (memory.data[index] as number) * (axis(option, 'xAxis').name?.includes('ms') ? 1e-3 : 1e-6),
    ).toBeCloseTo(operator.seconds - operator.overheadSeconds - operator.communicationSeconds, 15);
  });

  it('keeps the 12 longest operators and sums the rest into "other"', () => {
    // Three copies of every decode operator: 33 operators, each with its own id.
    const copies = [1, 2, 3].flatMap((copy) =>
      report.decode.operators.map((operator) => ({
        ...operator,
        id: `${operator.id}.${copy}`,
        name: `${operator.name} ${copy}`,
        seconds: operator.seconds * copy,
        computeSeconds: operator.computeSeconds * copy,
        memorySeconds: operator.memorySeconds * copy,
        communicationSeconds: operator.communicationSeconds * copy,
        overheadSeconds: operator.overheadSeconds * copy,
      })),
    );
    const many: Report = { ...report, decode: { ...report.decode, operators: copies } };
    const option = operatorTimeOption(many, 'decode', 'light');
    const categories = axis(option, 'yAxis').data ?? [];
    expect(categories).toHaveLength(13);
    expect(categories[12]).toBe(`Other (${copies.length - 12} operators)`);
    const unitSeconds = axis(option, 'xAxis').name?.includes('ms') ? 1e-3 : 1e-6;
    const rest = [...copies].sort((a, b) => b.seconds - a.seconds).slice(12);
    const stacked = sum(seriesOf(option).map((entry) => entry.data[12] as number));
    expect(stacked * unitSeconds).toBeCloseTo(sum(rest.map((operator) => operator.seconds)), 15);
  });

  it("says in the tooltip what bound the operator and its share of the phase's operator time", () => {
    const option = operatorTimeOption(report, 'decode', 'light');
    const sorted = [...report.decode.operators].sort((a, b) => b.seconds - a.seconds);
    const top = sorted[0];
    if (!top) throw new Error('no decode operators');
    const share = top.seconds / sum(report.decode.operators.map((operator) => operator.seconds));
    const text = tooltipText(option, [{ dataIndex: 0, seriesIndex: 0 }]);
    expect(text).toContain(top.name);
    expect(text).toContain(`${top.bound === 'memory' ? 'Memory' : 'Compute'}-bound`);
    expect(text).toContain(`${Math.round(share * 100)} %`);
  });
});

describe('rooflineOption', () => {
  const option = rooflineOption(report, 'light');
  const series = seriesOf(option);
  const peak = Math.max(...report.machine.computeUnits.map((unit) => unit.peakBf16FlopsPerSecond));
  const dram = report.memory.levels.find((level) => level.levelId === 'dram');
  const sram = report.memory.levels.find((level) => level.levelId === 'sram');

  it('has a point per operator of each phase at flops / bytes and its achieved FLOP/s', () => {
    for (const [name, phase] of [
      ['Prefill', report.prefill],
      ['Decode', report.decode],
    ] as const) {
      const scatter = series.find((entry) => entry.type === 'scatter' && entry.name === name);
      if (!scatter) throw new Error(`no ${name} series`);
      // Operators without multiply-accumulates (norms, activations, the embedding gather) have no place on a
      // log axis; every other operator has exactly one point.
      const arithmetic = phase.operators.filter((operator) => operator.flops > 0);
      expect(arithmetic.length).toBeGreaterThan(0);
      expect(scatter.data).toHaveLength(arithmetic.length);
      arithmetic.forEach((operator, index) => {
        const [x, y] = point(scatter.data[index]);
        expect(x).toBeCloseTo(operator.flops / totalBytes(operator), 9);
        expect(y).toBe(operator.achievedFlopsPerSecond);
      });
    }
  });

  it('draws the memory roof of the fastest level holding weights up to the ridge at peak ÷ bandwidth', () => {
    if (!dram || !sram) throw new Error('expected an SRAM and a DRAM level');
    // The premise: SRAM is faster but holds no weights.
    expect(sram.bandwidthBytesPerSecond).toBeGreaterThan(dram.bandwidthBytesPerSecond);
    expect(sram.used.weights).toBe(0);
    expect(dram.used.weights).toBeGreaterThan(0);
    const ridge = peak / dram.bandwidthBytesPerSecond;
    const compute = series.find((entry) => entry.name === 'BF16 peak');
    const memory = series.find((entry) => entry.name === 'Memory roof');
    if (!compute || !memory) throw new Error('missing a roof');
    const [ridgeX, ridgeY] = point(compute.data[0]);
    expect(ridgeX).toBeCloseTo(ridge, 12);
    expect(ridgeY).toBe(peak);
    expect(point(compute.data[1])[1]).toBe(peak);
    // The memory roof is bandwidth × intensity, meeting the compute roof at the ridge.
    for (const item of memory.data) {
      const [x, y] = point(item);
      expect(y).toBeCloseTo(x * dram.bandwidthBytesPerSecond, 0);
    }
    const [endX, endY] = point(memory.data.at(-1));
    expect(endX).toBeCloseTo(ridge, 12);
    expect(endY / peak).toBeCloseTo(1, 12);
  });

  it("adds the workload's arithmetic roof when it differs from BF16", () => {
    if (!dram) throw new Error('no DRAM level');
    // The report names the workload's arithmetic and each unit's peak in it.
    const inArithmetic = (computeClass: string, flopsPerSecond: number): Report => ({
      ...report,
      machine: {
        ...report.machine,
        computeClass,
        computeUnits: report.machine.computeUnits.map((unit) => ({
          ...unit,
          peakFlopsPerSecond: flopsPerSecond,
        })),
      },
    });
    const withFp8 = seriesOf(rooflineOption(inArithmetic('fp8', 2 * peak), 'light')).find(
      (entry) => entry.name === 'FP8 peak',
    );
    if (!withFp8) throw new Error('no FP8 roof');
    expect(point(withFp8.data[0])).toEqual([(2 * peak) / dram.bandwidthBytesPerSecond, 2 * peak]);
    const same = seriesOf(rooflineOption(inArithmetic('bf16', peak), 'light'));
    expect(same.filter((entry) => entry.name?.endsWith('peak'))).toHaveLength(1);
  });

  it('draws the roofs of engine/figures where roofLines puts them, as the exported report does', () => {
    // main/export/report-charts.test.ts holds the report's roofline to the same functions on the presets.
    const roof = roofs(report);
    const all = [...rooflinePoints(report.prefill), ...rooflinePoints(report.decode)];
    const x = axis(option, 'xAxis');
    const y = axis(option, 'yAxis');
    const window = rooflineWindow(all, roof);
    expect([x.min, y.min, y.max]).toEqual([window.xMin, window.yMin, window.yMax]);
    // The app leaves a decade right of the last ridge for the compute roofs' labels.
    expect(x.max).toBeGreaterThanOrEqual(window.xMax);
    const lines = roofLines(roof, { ...window, xMax: x.max ?? Number.NaN });
    // A memory roof's label rides on a point inserted into its line; the compute roofs' on their end points.
    const isLabel = (item: unknown): boolean => typeof item === 'object' && item !== null && 'label' in item;
    const drawn = series
      .filter((entry) => entry.type === 'line')
      .map((entry) =>
        entry.data
          .filter((item, index) => index === 0 || index === entry.data.length - 1 || !isLabel(item))
          .map(point),
      );
    expect(drawn).toEqual([...lines.memory, ...lines.compute].map((line) => line.points));
    // Both storage levels have a roof; the DRAM, which holds the weights, is the main one.
    expect(series.filter((entry) => entry.type === 'line').map((entry) => entry.name)).toEqual([
      '10 TB/s (sram)',
      'Memory roof',
      'BF16 peak',
    ]);
  });

  it('uses log axes that contain every point and roof', () => {
    const x = axis(option, 'xAxis');
    const y = axis(option, 'yAxis');
    expect([x.type, y.type]).toEqual(['log', 'log']);
    for (const entry of series)
      for (const item of entry.data) {
        const [px, py] = point(item);
        expect(px).toBeGreaterThanOrEqual(x.min ?? Number.NaN);
        expect(px).toBeLessThanOrEqual(x.max ?? Number.NaN);
        expect(py).toBeGreaterThanOrEqual(y.min ?? Number.NaN);
        expect(py).toBeLessThanOrEqual(y.max ?? Number.NaN);
      }
  });

  it('names the operator in the tooltip', () => {
    const first = report.prefill.operators.find((operator) => operator.flops > 0);
    if (!first) throw new Error('no prefill operator with arithmetic');
    expect(tooltipText(option, { seriesIndex: 0, dataIndex: 0 })).toContain(first.name);
  });
});

describe('powerByBlockOption', () => {
  it('shows the blocks by power, highest first, each in its category colour', () => {
    const palette = chartPalette('dark');
    const option = powerByBlockOption(report, 'decode', 'dark');
    const blocks = [...report.decode.blocks].sort((a, b) => b.averagePowerWatts - a.averagePowerWatts);
    expect(axis(option, 'yAxis').data).toEqual(blocks.map((block) => block.name));
    const series = seriesOf(option);
    blocks.forEach((block, index) => {
      const holding = series.filter((entry) => (entry.data[index] as number) > 0);
      expect(holding).toHaveLength(1);
      expect(holding[0]?.data[index]).toBe(block.averagePowerWatts);
      expect(holding[0]?.itemStyle?.color).toBe(palette.categories[block.category]);
    });
  });

  it('keeps the ten blocks drawing most, and escapes their names in the tooltip', () => {
    const many = Array.from({ length: 14 }, (_, index) => ({
      blockId: `b${index}`,
      name: index === 13 ? '<img src=x>' : `block ${index}`,
      category: 'compute' as const,
      utilization: 0.5,
      averagePowerWatts: index + 1,
      bound: undefined,
    }));
    const option = powerByBlockOption(
      { ...report, decode: { ...report.decode, blocks: many } },
      'decode',
      'light',
    );
    expect(axis(option, 'yAxis').data).toHaveLength(10);
    const text = tooltipText(option, { seriesIndex: 0, dataIndex: 0 });
    expect(text).toContain('&lt;img src=x&gt;');
    expect(text).not.toContain('<img');
  });
});

describe('memoryOccupancyOption', () => {
  it('stacks each storage level to the bytes it holds, with a marker at its capacity', () => {
    const option = memoryOccupancyOption(report, 'light');
    const levels = report.memory.levels.filter((level) => level.usage === 'storage');
    expect(levels.length).toBe(2);
    const series = seriesOf(option);
    levels.forEach((level, index) => {
      expect(axes(option, 'yAxis')[index]?.data).toEqual([level.name]);
      const row = series.filter((entry) => entry.xAxisIndex === index);
      const bars = row.filter((entry) => entry.type === 'bar');
      expect(bars.map((entry) => entry.name)).toEqual(['Weights', 'KV cache', 'Activations']);
      expect(new Set(bars.map((entry) => entry.stack)).size).toBe(1);
      const stackedGiB = sum(bars.map((entry) => entry.data[0] as number));
      expect(stackedGiB * 2 ** 30).toBeCloseTo(
        level.used.weights + level.used.kv + level.used.activations,
        3,
      );
      const marker = row.filter((entry) => entry.name === 'Capacity');
      expect(marker).toHaveLength(1);
      expect(marker[0]?.data.map(point)).toEqual([[level.capacityBytes / 2 ** 30, 0]]);
      // The axis reaches past the capacity, so the marker is inside the plot.
      expect(axes(option, 'xAxis')[index]?.max ?? 0).toBeGreaterThan(level.capacityBytes / 2 ** 30);
    });
  });
});

describe('batchSweepOption', () => {
  const points: BatchSweepPoint[] = [
    { batch: 64, tokensPerSecond: 5200, tpotSeconds: 0.012, fits: true },
    { batch: 1, tokensPerSecond: 110, tpotSeconds: 0.009, fits: true },
    { batch: 8, tokensPerSecond: 850, tpotSeconds: 0.0094, fits: true },
    { batch: 256, tokensPerSecond: 9000, tpotSeconds: 0.028, fits: false },
    { batch: 512, tokensPerSecond: 9500, tpotSeconds: 0.054, fits: false },
  ];

  it('greys out the batches that do not fit and only those', () => {
    const palette = chartPalette('light');
    const series = seriesOf(batchSweepOption(points, 'light'));
    const grey = series.filter((entry) => entry.itemStyle?.color === palette.inactive);
    const coloured = series.filter((entry) => entry.itemStyle?.color !== palette.inactive);
    expect(grey.length).toBe(2);
    expect(coloured.length).toBe(2);
    const batchesOf = (entries: SeriesView[]): number[] =>
      [...new Set(entries.flatMap((entry) => entry.data.map((item) => point(item)[0])))].sort(
        (a, b) => a - b,
      );
    expect(batchesOf(grey)).toEqual([256, 512]);
    expect(batchesOf(coloured)).toEqual([1, 8, 64]);
  });

  it('plots tokens/s on the first axis and TPOT on the second, against a log₂ batch axis', () => {
    const option = batchSweepOption(points, 'light');
    const x = axis(option, 'xAxis') as AxisView & { logBase?: number };
    expect(x.type).toBe('log');
    expect(x.logBase).toBe(2);
    expect([x.min, x.max]).toEqual([1, 512]);
    const series = seriesOf(option);
    const tokens = series.find((entry) => entry.name === 'Tokens/s');
    const tpot = series.find((entry) => entry.name === 'TPOT');
    expect(tokens?.yAxisIndex ?? 0).toBe(0);
    expect(tpot?.yAxisIndex).toBe(1);
    expect(tokens?.data.map(point)).toEqual([
      [1, 110],
      [8, 850],
      [64, 5200],
    ]);
    expect(tpot?.data.map(point)[2]).toEqual([64, 0.012]);
  });
});

describe('every option', () => {
  const builders = {
    operatorTime: (theme: 'light' | 'dark') => operatorTimeOption(report, 'decode', theme),
    roofline: (theme: 'light' | 'dark') => rooflineOption(report, theme),
    powerByBlock: (theme: 'light' | 'dark') => powerByBlockOption(report, 'prefill', theme),
    memoryOccupancy: (theme: 'light' | 'dark') => memoryOccupancyOption(report, theme),
    batchSweep: (theme: 'light' | 'dark') =>
      batchSweepOption([{ batch: 1, tokensPerSecond: 10, tpotSeconds: 0.1, fits: true }], theme),
  };

  for (const [name, build] of Object.entries(builders)) {
    it(`${name}: no animation, a transparent background, and theme-coloured text`, () => {
      const light = build('light');
      const dark = build('dark');
      expect(light.animation).toBe(false);
      expect(light.backgroundColor).toBe('transparent');
      const textColour = (option: ChartOption): unknown => (option.textStyle as { color?: string }).color;
      expect(textColour(light)).toBe(chartPalette('light').text);
      expect(textColour(dark)).toBe(chartPalette('dark').text);
      expect(textColour(light)).not.toBe(textColour(dark));
      expect(axis(light, 'xAxis').axisLabel?.color).not.toBe(axis(dark, 'xAxis').axisLabel?.color);
    });
  }

  it('formats axis labels with units', () => {
    const roofline = rooflineOption(report, 'light');
    expect(axis(roofline, 'yAxis').axisLabel?.formatter?.(1e12)).toBe('1 TFLOP/s');
    const memory = memoryOccupancyOption(report, 'light');
    expect(axis(memory, 'xAxis').axisLabel?.formatter?.(0.5)).toBe('512 MiB');
    const sweep = batchSweepOption([{ batch: 4, tokensPerSecond: 1, tpotSeconds: 1, fits: true }], 'light');
    expect(axes(sweep, 'yAxis')[1]?.axisLabel?.formatter?.(0.02)).toBe('20 ms');
  });
});

describe('chart sizes', () => {
  it('fits a chart, caption included, in the panel it is given, down to a readable minimum', () => {
    // The results panel's default height less its tab strip: a fixed 230 px drawing under its caption ran past it.
    for (const available of [244, 300, 420]) {
      expect(chartHeightToFit(available) + chartCaptionHeight).toBeLessThanOrEqual(available);
      expect(chartHeightToFit(available)).toBeGreaterThanOrEqual(available - chartCaptionHeight - 1);
    }
    expect(chartHeightToFit(40)).toBe(minimumChartHeight);
  });
});
