/**
 * ECharts options for the results charts, built from a report as plain objects: no DOM and no ECharts
 * runtime (types only), so they are unit-tested like any other pure function and `Chart.svelte` only draws
 * them. Every option has `animation: false` (a result replaces the previous one; a tween would show numbers
 * that were never computed), a transparent background and the theme's colours.
 */
import type { BarSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import {
  axisTick,
  escapeHtml,
  formatFlops,
  formatIntensity,
  formatPercent,
  roofLines,
  rooflinePoints,
  rooflineWindow,
  roofs,
  storageLevels,
  usedBytes,
  type RoofLines,
  type RooflinePoint,
} from '../../../engine/figures';
import type { OperatorReport, Report } from '../../../engine/report';
import { formatQuantity } from '../../../engine/units';
import {
  blocksByPower,
  boundNames,
  bounds,
  byteAxis,
  bytesPerGibibyte,
  operatorTimes,
  phaseNames,
  phaseNouns,
  timeUnitFor,
  uniqueLabels,
  type BatchSweepPoint,
  type Phase,
} from './chart-data';
import { chartFontFamily, chartFontSize, chartPalette, type ChartPalette, type ChartTheme } from './theme';

/** The option shape of the chart and component modules registered in `echarts.ts`. */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

type Single<T> = T extends readonly (infer Item)[] ? Item : T;
type XAxisOption = Single<NonNullable<ChartOption['xAxis']>>;
type YAxisOption = Single<NonNullable<ChartOption['yAxis']>>;
type TooltipFormatter = Exclude<TooltipComponentOption['formatter'], string | undefined>;
type TooltipParams = Parameters<TooltipFormatter>[0];
type TooltipParam = Single<TooltipParams>;

/** The settings every chart shares. */
function frame(palette: ChartPalette): Pick<ChartOption, 'animation' | 'backgroundColor' | 'textStyle'> {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: chartFontFamily, fontSize: chartFontSize, color: palette.text },
  };
}

function tooltip(
  palette: ChartPalette,
  trigger: 'item' | 'axis',
  formatter: (params: TooltipParams) => string,
): TooltipComponentOption {
  return {
    trigger,
    confine: true,
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: { fontFamily: chartFontFamily, fontSize: chartFontSize, color: palette.text },
    ...(trigger === 'axis' ? { axisPointer: { type: 'shadow' } } : {}),
    formatter: (params) => formatter(params),
  };
}

function legend(palette: ChartPalette, data?: string[]): LegendComponentOption {
  return {
    top: 0,
    left: 0,
    itemWidth: 12,
    itemHeight: 8,
    itemGap: 14,
    textStyle: { color: palette.text, fontFamily: chartFontFamily, fontSize: chartFontSize },
    inactiveColor: palette.inactive,
    ...(data ? { data } : {}),
  };
}

/** Height of a chart's caption above its drawing (`Chart.svelte`: a 12 px title line and a 4 px gap), in pixels. */
export const chartCaptionHeight = 22;
/** The smallest drawing in which a chart's legend, axes, axis titles and some data still fit, in pixels. */
export const minimumChartHeight = 150;

/**
 * The drawing height that fits a chart, caption included, in `availablePixels` of its panel: the results panel
 * is as tall as its splitter makes it, and a fixed 230 px drawing under a caption ran past a 280 px panel, cutting
 * off the horizontal axis title at a 900 px window. Below the minimum the panel scrolls instead.
 */
export function chartHeightToFit(availablePixels: number): number {
  return Math.max(minimumChartHeight, Math.floor(availablePixels - chartCaptionHeight));
}

/** A grid whose rectangle includes its axis labels and names, so long operator names are never cut off. */
function grid(box: {
  top: number;
  bottom?: number;
  height?: number;
  left?: number;
  right?: number;
}): GridComponentOption {
  return {
    top: box.top,
    ...(box.height === undefined ? { bottom: box.bottom ?? 4 } : { height: box.height }),
    left: box.left ?? 8,
    right: box.right ?? 16,
    outerBoundsMode: 'same',
    outerBoundsContain: 'all',
  };
}

const axisName = (palette: ChartPalette) => ({
  color: palette.textMuted,
  fontFamily: chartFontFamily,
  fontSize: chartFontSize,
});

function axisLines(palette: ChartPalette) {
  return {
    axisLine: { show: true, lineStyle: { color: palette.axisLine } },
    axisTick: { lineStyle: { color: palette.axisLine } },
    splitLine: { show: true, lineStyle: { color: palette.gridLine } },
  };
}

function labelStyle(palette: ChartPalette) {
  return { color: palette.text, fontFamily: chartFontFamily, fontSize: chartFontSize };
}

function firstParam(params: TooltipParams): TooltipParam | undefined {
  return Array.isArray(params) ? params[0] : params;
}

/** The first coordinate of a point given as `[x, y]` (ECharts passes the item's value through). */
function firstCoordinate(param: TooltipParam | undefined): number | undefined {
  const value = param?.value;
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0];
  return undefined;
}

const line = (...parts: string[]): string => parts.filter((part) => part !== '').join('<br>');

/** The time hidden under the other of compute and memory: how close an operator is to changing bound. */
function overlapNote(operator: OperatorReport): string {
  if (operator.computeSeconds >= operator.memorySeconds)
    return operator.memorySeconds > 0
      ? `Memory traffic ${formatQuantity(operator.memorySeconds, 'seconds')} overlaps the compute`
      : '';
  return operator.computeSeconds > 0
    ? `Compute ${formatQuantity(operator.computeSeconds, 'seconds')} overlaps the memory traffic`
    : '';
}

/**
 * Time per operator in a phase: one horizontal bar per operator (the 12 longest, then "other"), stacked by what
 * its time was spent on — compute or memory (whichever the other overlaps with), communication, overhead.
 */
export function operatorTimeOption(report: Report, phase: Phase, theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const bars = operatorTimes(report[phase]);
  const unit = timeUnitFor(Math.max(0, ...bars.map((bar) => bar.seconds)));
  // A resource no operator spent time on would only add an empty legend entry.
  const shown = bounds.filter((bound) => bars.some((bar) => bar.exposed[bound] > 0));
  const series: BarSeriesOption[] = shown.map((bound) => ({
    type: 'bar',
    name: boundNames[bound],
    stack: 'time',
    barMaxWidth: 14,
    itemStyle: { color: palette.bounds[bound] },
    data: bars.map((bar) => bar.exposed[bound] / unit.seconds),
  }));
  const noun = phaseNouns[phase];
  const describe = (params: TooltipParams): string => {
    const index = firstParam(params)?.dataIndex;
    const bar = index === undefined ? undefined : bars[index];
    if (!bar) return '';
    const only = bar.operators.length === 1 ? bar.operators[0] : undefined;
    const parts = bounds
      .filter((bound) => bar.exposed[bound] > 0)
      .map((bound) => `${boundNames[bound]} ${formatQuantity(bar.exposed[bound], 'seconds')}`)
      .join(' · ');
    const hidden = only ? overlapNote(only) : '';
    return line(
      `<strong>${escapeHtml(bar.label)}</strong>`,
      `${formatQuantity(bar.seconds, 'seconds')} · ${formatPercent(bar.share)} of the ${noun}`,
      only
        ? `${boundNames[only.bound]}-bound · ${formatQuantity(only.repeat, 'count')} run${only.repeat === 1 ? '' : 's'}`
        : '',
      parts,
      hidden,
    );
  };
  return {
    ...frame(palette),
    legend: legend(palette),
    grid: grid({ top: 28, bottom: 4 }),
    tooltip: tooltip(palette, 'axis', describe),
    xAxis: {
      type: 'value',
      name: `Time (${unit.symbol})`,
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: axisName(palette),
      axisLabel: { ...labelStyle(palette), formatter: axisTick('count') },
      ...axisLines(palette),
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: bars.map((bar) => bar.label),
      axisLabel: { ...labelStyle(palette), width: 160, overflow: 'truncate' },
      ...axisLines(palette),
      splitLine: { show: false },
      axisTick: { show: false },
    },
    series,
  };
}

/**
 * The roofline of both phases: each operator's arithmetic intensity against the FLOP/s it reached, on log-log
 * axes, under the roofs of `engine/figures` — the same roofs, in the same places, as the exported report's
 * roofline: the compute roofs (the fastest unit's BF16 peak, and the workload's arithmetic where it differs)
 * and a bandwidth roof per storage level, the main memory roof (the level the weights stream from) dashed and
 * labelled, the others dotted.
 */
export function rooflineOption(report: Report, theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const roof = roofs(report);
  const phases: Phase[] = ['prefill', 'decode'];
  const points = phases.map((phase) => rooflinePoints(report[phase]));
  const all = points.flat();
  const ridges = roof.compute.map((compute) => compute.ridgeIntensity);
  const peaks = roof.compute.map((compute) => compute.flopsPerSecond);
  const window = rooflineWindow(all, roof);
  // A decade right of the last ridge or point, so the compute roof's label has room.
  const xMax = Math.max(window.xMax, 10 ** Math.ceil(Math.log10(Math.max(1, ...ridges) * 10)));
  const { xMin, yMin, yMax } = window;
  const lines = roofLines(roof, { ...window, xMax });

  const scatter: ScatterSeriesOption[] = phases.map((phase, index) => ({
    type: 'scatter',
    name: phaseNames[phase],
    symbolSize: 8,
    itemStyle: { color: palette.phases[phase], opacity: 0.85 },
    data: (points[index] ?? []).map((point) => ({
      name: point.operator.name,
      value: [point.intensity, point.flopsPerSecond],
    })),
  }));

  // Roof labels go where no operator can be: a memory roof's above and left of its sloped line (the
  // unreachable corner); the compute roofs' at the right end, the highest above its line and any lower one
  // below, so two roofs an octave apart do not print over each other.
  const roofLabel = (text: string, position: 'top' | 'bottom') => ({
    show: true,
    position,
    align: 'right' as const,
    distance: 4,
    formatter: text,
    ...labelStyle(palette),
    color: palette.reference,
  });
  const roofStyle = { color: palette.reference, width: 1.5 };
  const ridgeMark = { symbol: 'circle', symbolSize: 5 };
  // A line series draws an item's label only with its symbol; an invisible one carries it.
  const labelMark = { symbol: 'circle', symbolSize: 0 };
  const lowestRidge = Math.min(...ridges);
  const memoryName = (line: RoofLines['memory'][number]): string =>
    `${formatQuantity(line.roof.bandwidthBytesPerSecond, 'bytesPerSecond')} (${line.roof.name})`;
  const roofSeries: LineSeriesOption[] = lines.memory.map((line) => {
    const bandwidth = line.roof.bandwidthBytesPerSecond;
    const data: NonNullable<LineSeriesOption['data']> = line.points.map((point) => ({ value: point }));
    const [enter, rise] = line.points;
    // The main roof's label sits on its sloped part, halfway (on the log axis) from the left edge to the first
    // ridge, which leaves room for its width. The other levels' roofs are named in the legend: labels of
    // several roofs in the plot would print over each other.
    if (line.main && enter && rise && rise[1] > enter[1]) {
      const labelAt = Math.max(enter[0], Math.sqrt(enter[0] * Math.min(rise[0], lowestRidge)));
      data.splice(1, 0, {
        value: [labelAt, bandwidth * labelAt],
        ...labelMark,
        label: roofLabel(memoryName(line), 'top'),
      });
    }
    return {
      type: 'line',
      name: line.main ? 'Memory roof' : memoryName(line),
      symbol: 'none',
      silent: true,
      lineStyle: { ...roofStyle, type: line.main ? 'dashed' : 'dotted', width: line.main ? 1.5 : 1 },
      itemStyle: { color: palette.reference },
      data,
    };
  });
  const highestPeak = Math.max(...peaks);
  for (const line of lines.compute) {
    const [start, end] = line.points;
    if (!start || !end) continue;
    roofSeries.push({
      type: 'line',
      name: line.roof.label,
      symbol: 'none',
      silent: true,
      lineStyle: roofStyle,
      itemStyle: { color: palette.reference },
      data: [
        { value: start, ...(line.roof.ridgeIntensity > 0 ? ridgeMark : {}) },
        {
          value: end,
          ...labelMark,
          label: roofLabel(
            `${line.roof.label} ${formatFlops(line.roof.flopsPerSecond)}`,
            line.roof.flopsPerSecond === highestPeak ? 'top' : 'bottom',
          ),
        },
      ],
    });
  }

  const first = roof.compute[0];
  const describe = (params: TooltipParams): string => {
    const param = firstParam(params);
    if (!param || param.seriesIndex === undefined) return '';
    const phase = phases[param.seriesIndex];
    const point: RooflinePoint | undefined = points[param.seriesIndex]?.[param.dataIndex];
    if (!phase || !point) return '';
    return line(
      `<strong>${escapeHtml(point.operator.name)}</strong>`,
      `${phaseNames[phase]} · ${boundNames[point.operator.bound]}-bound`,
      `${formatIntensity(point.intensity)} · ${formatFlops(point.flopsPerSecond)}`,
      first ? `${formatPercent(point.flopsPerSecond / first.flopsPerSecond)} of the ${first.label}` : '',
    );
  };

  const logAxis = {
    type: 'log' as const,
    logBase: 10,
    nameTextStyle: axisName(palette),
    ...axisLines(palette),
    minorTick: { show: false },
  };
  const xAxis: XAxisOption = {
    ...logAxis,
    min: xMin,
    max: xMax,
    name: 'Arithmetic intensity (FLOP/byte)',
    nameLocation: 'middle',
    nameGap: 22,
    axisLabel: { ...labelStyle(palette), formatter: axisTick('count') },
  };
  const yAxis: YAxisOption = {
    ...logAxis,
    min: yMin,
    max: yMax,
    name: 'Achieved FLOP/s',
    nameLocation: 'end',
    nameGap: 10,
    axisLabel: { ...labelStyle(palette), formatter: (value: number) => formatFlops(value) },
  };
  return {
    ...frame(palette),
    legend: legend(palette, [
      ...phases.map((phase) => phaseNames[phase]),
      ...lines.memory.filter((line) => !line.main).map(memoryName),
    ]),
    grid: grid({ top: 44, bottom: 4, right: 24 }),
    tooltip: tooltip(palette, 'item', describe),
    xAxis,
    yAxis,
    series: [...scatter, ...roofSeries],
  };
}

const categoryNames = {
  compute: 'Compute',
  memory: 'Memory',
  interconnect: 'Interconnect',
  other: 'Other',
} as const;

/** Average power of the blocks drawing most in a phase (one chip), each bar in its block category's colour. */
export function powerByBlockOption(report: Report, phase: Phase, theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const blocks = blocksByPower(report[phase]);
  const totalWatts = report[phase].blocks.reduce((sum, block) => sum + block.averagePowerWatts, 0);
  const labels = uniqueLabels(blocks.map((block) => ({ name: block.name, id: block.blockId })));
  // One series per category (stacked, so each bar holds only its own) gives the legend its colour key.
  const categories = (['compute', 'memory', 'interconnect', 'other'] as const).filter((category) =>
    blocks.some((block) => block.category === category),
  );
  const series: BarSeriesOption[] = categories.map((category) => ({
    type: 'bar',
    name: categoryNames[category],
    stack: 'power',
    barMaxWidth: 14,
    itemStyle: { color: palette.categories[category] },
    data: blocks.map((block) => (block.category === category ? block.averagePowerWatts : 0)),
  }));
  const describe = (params: TooltipParams): string => {
    const index = firstParam(params)?.dataIndex;
    const block = index === undefined ? undefined : blocks[index];
    if (!block || index === undefined) return '';
    return line(
      `<strong>${escapeHtml(labels[index] ?? block.name)}</strong> · ${categoryNames[block.category]}`,
      `${formatQuantity(block.averagePowerWatts, 'watts')} average` +
        (totalWatts > 0
          ? ` · ${formatPercent(block.averagePowerWatts / totalWatts)} of the blocks' power`
          : ''),
      `Busy ${formatPercent(block.utilization)}` + (block.bound ? ` · ${boundNames[block.bound]}-bound` : ''),
    );
  };
  return {
    ...frame(palette),
    legend: legend(palette),
    grid: grid({ top: 28, bottom: 4 }),
    tooltip: tooltip(palette, 'item', describe),
    xAxis: {
      type: 'value',
      name: 'Average power per chip',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: axisName(palette),
      axisLabel: { ...labelStyle(palette), formatter: axisTick('watts') },
      ...axisLines(palette),
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: labels,
      axisLabel: { ...labelStyle(palette), width: 140, overflow: 'truncate' },
      ...axisLines(palette),
      splitLine: { show: false },
      axisTick: { show: false },
    },
    series,
  };
}

const tensorNames = { weights: 'Weights', kv: 'KV cache', activations: 'Activations' } as const;
const tensorKeys = ['weights', 'kv', 'activations'] as const;

/** Pixel layout of the memory chart: one row (its own grid and axis) per storage level. */
const memoryLayout = { legend: 28, row: 56, bar: 16, bottom: 4 };

/** The height the memory chart needs for its levels, in pixels. */
export function memoryOccupancyHeight(report: Report): number {
  return memoryLayout.legend + storageLevels(report).length * memoryLayout.row + memoryLayout.bottom;
}

/**
 * What one chip holds in each storage level — weights, KV cache and activations stacked, in GiB — against the
 * level's capacity (a dashed marker). Each level gets its own row and axis: an SRAM of megabytes would be
 * invisible on the axis of an HBM of tens of gigabytes.
 */
export function memoryOccupancyOption(report: Report, theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const levels = storageLevels(report);
  const labels = uniqueLabels(levels.map((level) => ({ name: level.name, id: level.levelId })));
  const gib = (bytes: number): number => bytes / bytesPerGibibyte;
  // Rows are stacked from the top at a fixed pitch, so each has a top and a height rather than a bottom.
  const grids: GridComponentOption[] = levels.map((_, index) =>
    grid({ top: memoryLayout.legend + index * memoryLayout.row, height: memoryLayout.row - 8 }),
  );
  const xAxis: XAxisOption[] = levels.map((level, index) => {
    const scale = byteAxis(Math.max(level.capacityBytes, usedBytes(level)));
    const bytes = axisTick('bytes');
    return {
      type: 'value',
      gridIndex: index,
      min: 0,
      max: gib(scale.maxBytes),
      interval: gib(scale.intervalBytes),
      axisLabel: { ...labelStyle(palette), formatter: (value: number) => bytes(value * bytesPerGibibyte) },
      ...axisLines(palette),
    };
  });
  const yAxis: YAxisOption[] = levels.map((_, index) => ({
    type: 'category',
    gridIndex: index,
    data: [labels[index] ?? ''],
    // A fixed label width keeps the bars of all rows starting at the same x.
    axisLabel: { ...labelStyle(palette), width: 96, overflow: 'truncate' },
    ...axisLines(palette),
    splitLine: { show: false },
    axisTick: { show: false },
  }));
  const levelOfSeries: number[] = [];
  const series: (BarSeriesOption | ScatterSeriesOption)[] = levels.flatMap((level, index) => {
    const bars = tensorKeys.map((key): BarSeriesOption => ({
      type: 'bar',
      name: tensorNames[key],
      stack: `level-${index}`,
      xAxisIndex: index,
      yAxisIndex: index,
      barWidth: memoryLayout.bar,
      itemStyle: { color: palette.tensors[key] },
      data: [gib(level.used[key])],
    }));
    // The capacity as a tick across the bar: a point series rather than a mark line, whose values ECharts
    // rounds to two decimals (0.0078 GiB, an 8 MiB SRAM, would be drawn at 0.01 GiB).
    const capacity: ScatterSeriesOption = {
      type: 'scatter',
      name: 'Capacity',
      xAxisIndex: index,
      yAxisIndex: index,
      symbol: 'rect',
      symbolSize: [3, memoryLayout.bar + 10],
      itemStyle: { color: palette.reference },
      z: 3,
      data: [[gib(level.capacityBytes), 0]],
    };
    levelOfSeries.push(index, index, index, index);
    return [...bars, capacity];
  });
  const describe = (params: TooltipParams): string => {
    const param = firstParam(params);
    const index = param?.seriesIndex === undefined ? undefined : levelOfSeries[param.seriesIndex];
    const level = index === undefined ? undefined : levels[index];
    if (!level || index === undefined) return '';
    const used = usedBytes(level);
    return line(
      `<strong>${escapeHtml(labels[index] ?? level.name)}</strong>`,
      ...tensorKeys.map((key) => `${tensorNames[key]} ${formatQuantity(level.used[key], 'bytes')}`),
      `${formatQuantity(used, 'bytes')} of ${formatQuantity(level.capacityBytes, 'bytes')}` +
        (level.capacityBytes > 0 ? ` (${formatPercent(used / level.capacityBytes)})` : ''),
    );
  };
  return {
    ...frame(palette),
    legend: legend(palette, [...tensorKeys.map((key) => tensorNames[key]), 'Capacity']),
    grid: grids,
    tooltip: tooltip(palette, 'item', describe),
    xAxis,
    yAxis,
    series,
  };
}

/**
 * Decode throughput and time per output token over batch sizes (log₂ axis). Batches whose weights and KV cache
 * do not fit are drawn grey and dashed, in their own "Does not fit" series, so they read as out of reach.
 */
export function batchSweepOption(points: readonly BatchSweepPoint[], theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const sorted = [...points].sort((a, b) => a.batch - b.batch);
  const fitting = sorted.filter((point) => point.fits);
  const excess = sorted.filter((point) => !point.fits);
  const batches = sorted.map((point) => point.batch).filter((batch) => batch > 0);
  const xMin = batches.length > 0 ? 2 ** Math.floor(Math.log2(Math.min(...batches))) : 1;
  const xMax = batches.length > 0 ? Math.max(xMin * 2, 2 ** Math.ceil(Math.log2(Math.max(...batches)))) : 2;
  const throughput = (point: BatchSweepPoint): number[] => [point.batch, point.tokensPerSecond];
  const latency = (point: BatchSweepPoint): number[] => [point.batch, point.tpotSeconds];
  const series: LineSeriesOption[] = [
    {
      type: 'line',
      name: 'Tokens/s',
      symbolSize: 6,
      itemStyle: { color: palette.throughput },
      lineStyle: { color: palette.throughput, width: 2 },
      data: fitting.map(throughput),
    },
    {
      type: 'line',
      name: 'TPOT',
      yAxisIndex: 1,
      symbol: 'diamond',
      symbolSize: 7,
      itemStyle: { color: palette.latency },
      lineStyle: { color: palette.latency, width: 2, type: 'dashed' },
      data: fitting.map(latency),
    },
    {
      type: 'line',
      name: 'Does not fit',
      symbol: 'emptyCircle',
      symbolSize: 6,
      itemStyle: { color: palette.inactive },
      lineStyle: { color: palette.inactive, width: 1, type: 'dotted' },
      data: excess.map(throughput),
    },
    {
      type: 'line',
      name: 'Does not fit',
      yAxisIndex: 1,
      symbol: 'emptyDiamond',
      symbolSize: 7,
      itemStyle: { color: palette.inactive },
      lineStyle: { color: palette.inactive, width: 1, type: 'dotted' },
      data: excess.map(latency),
    },
  ];
  const describe = (params: TooltipParams): string => {
    const batch = firstCoordinate(firstParam(params));
    const point = sorted.find((candidate) => candidate.batch === batch);
    if (!point) return '';
    return line(
      `<strong>Batch ${formatQuantity(point.batch, 'count')}</strong>${point.fits ? '' : ' · does not fit'}`,
      `${formatQuantity(point.tokensPerSecond, 'tokensPerSecond')}`,
      `TPOT ${formatQuantity(point.tpotSeconds, 'seconds')}`,
    );
  };
  const valueAxis = {
    type: 'value' as const,
    nameTextStyle: axisName(palette),
    ...axisLines(palette),
  };
  return {
    ...frame(palette),
    legend: legend(palette, ['Tokens/s', 'TPOT', 'Does not fit']),
    grid: grid({ top: 44, bottom: 4, right: 8 }),
    tooltip: { ...tooltip(palette, 'axis', describe), axisPointer: { type: 'line' } },
    xAxis: {
      type: 'log',
      logBase: 2,
      min: xMin,
      max: xMax,
      name: 'Batch',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: axisName(palette),
      axisLabel: { ...labelStyle(palette), formatter: axisTick('count') },
      ...axisLines(palette),
      minorTick: { show: false },
    },
    yAxis: [
      {
        ...valueAxis,
        name: 'Tokens/s',
        min: 0,
        axisLabel: {
          ...labelStyle(palette),
          formatter: axisTick('tokensPerSecond'),
        },
      },
      {
        ...valueAxis,
        name: 'TPOT',
        min: 0,
        position: 'right',
        // One set of grid lines is enough; two scales' lines would not line up.
        splitLine: { show: false },
        axisLabel: { ...labelStyle(palette), formatter: axisTick('seconds') },
      },
    ],
    series,
  };
}
