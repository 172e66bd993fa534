/**
 * ECharts options for the sweep charts — the Pareto scatter, the heat map over two parameters, parallel
 * coordinates and the tornado — and the sentence each says to a screen reader. Plain objects from the derivations
 * in `chart-data.ts`, like `charts/options.ts`: no DOM, no ECharts runtime, no animation.
 */
import type { HeatmapSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { TooltipComponentOption } from 'echarts/components';
import type { EChartsCoreOption } from 'echarts/core';
import { escapeHtml } from '../../../engine/figures';
import { sweepFigureIds, sweepFigures, type SweepFigureId } from '../../../engine/sweep/figures';
import type { SweepRow } from '../../../engine/sweep/row';
import type { SweepSpec } from '../../../engine/sweep/spec';
import type { Unit } from '../../../engine/units';
import { chartFontFamily, chartFontSize, type ChartPalette } from '../charts/theme';
import {
  displayValue,
  figureTitle,
  formatFigure,
  formatSweepValue,
  parameterLabel,
  type ParameterUnits,
  significant,
} from './columns';
import {
  parallelValue,
  type HeatGrid,
  type ParallelAxis,
  type ScatterAxes,
  type ScatterPoint,
  type TornadoBar,
} from './chart-data';

/**
 * The option of a sweep chart. ECharts' composed option type cannot mix the parallel component with the grid's
 * axes (its index signature then rejects every other key), so the parts are typed one by one below and the whole
 * is the core option.
 */
export type SweepChartOption = EChartsCoreOption;

/** Colours of a continuous scale, low to high (readable on both themes). */
const scale = ['#2f6fdf', '#34c2b0', '#e2c400', '#ea580c'];

function frame(palette: ChartPalette): SweepChartOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: chartFontFamily, fontSize: chartFontSize, color: palette.text },
  };
}

/** An item tooltip; `describe` gets the hovered item's data index and value. */
function tooltip(
  palette: ChartPalette,
  describe: (item: { dataIndex: number; value: unknown; seriesIndex: number }) => string,
): TooltipComponentOption {
  return {
    trigger: 'item',
    confine: true,
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: { fontFamily: chartFontFamily, fontSize: chartFontSize, color: palette.text },
    formatter: (params) => {
      const item = Array.isArray(params) ? params[0] : params;
      return item
        ? describe({ dataIndex: item.dataIndex, value: item.value, seriesIndex: item.seriesIndex ?? 0 })
        : '';
    },
  };
}

function axisStyle(palette: ChartPalette) {
  return {
    nameTextStyle: { color: palette.textMuted },
    axisLine: { lineStyle: { color: palette.axisLine } },
    axisLabel: { color: palette.text },
    splitLine: { lineStyle: { color: palette.gridLine } },
  };
}

/** What hovering a point shows: its number, swept values and figures (the charted ones first). */
export function describePoint(
  row: SweepRow,
  spec: Pick<SweepSpec, 'parameters'>,
  first: SweepFigureId[] = [],
  units: ParameterUnits = new Map(),
): string {
  const lines = [`<strong>Point #${row.index}</strong>${row.feasible ? '' : ' (infeasible)'}`];
  for (const parameter of spec.parameters)
    lines.push(
      `${escapeHtml(parameterLabel(parameter))}: ${escapeHtml(formatSweepValue(row.values[parameter.path], units.get(parameter.path)))}`,
    );
  if (!row.ok) lines.push(escapeHtml(`Failed: ${row.error ?? 'could not be evaluated'}`));
  const figures = [...first, ...sweepFigureIds.filter((figure) => !first.includes(figure))];
  for (const figure of figures.slice(0, 8))
    lines.push(
      `${escapeHtml(sweepFigures[figure].label)}: ${escapeHtml(formatFigure(figure, row.figures?.[figure]))}`,
    );
  for (const violation of row.violations ?? []) lines.push(`⚠ ${escapeHtml(violation)}`);
  return lines.join('<br>');
}

/**
 * The Pareto scatter: two figures on the axes (in display units), the front drawn large and strong, other feasible
 * points faded, infeasible ones fainter still; a third figure, when chosen, colours every point.
 */
export function scatterOption(
  points: readonly ScatterPoint[],
  axes: ScatterAxes,
  spec: Pick<SweepSpec, 'parameters'>,
  palette: ChartPalette,
  units: ParameterUnits = new Map(),
): SweepChartOption {
  const datum = ({ row }: ScatterPoint): number[] => [
    displayValue(axes.x, row.figures?.[axes.x] ?? Number.NaN),
    displayValue(axes.y, row.figures?.[axes.y] ?? Number.NaN),
    axes.colour === null ? 0 : displayValue(axes.colour, row.figures?.[axes.colour] ?? Number.NaN),
    row.index,
  ];
  const drawn = points.filter(
    ({ row }) => row.ok && Number.isFinite(row.figures?.[axes.x]) && Number.isFinite(row.figures?.[axes.y]),
  );
  const groups = {
    front: drawn.filter((point) => point.front),
    feasible: drawn.filter((point) => !point.front && point.row.feasible),
    infeasible: drawn.filter((point) => !point.row.feasible),
  };
  const rowByIndex = new Map(drawn.map(({ row }) => [row.index, row]));
  const colours =
    axes.colour === null ? [] : drawn.map((point) => datum(point)[2] ?? 0).filter(Number.isFinite);
  const series: ScatterSeriesOption[] = [
    {
      name: 'Infeasible',
      type: 'scatter',
      data: groups.infeasible.map(datum),
      symbolSize: 4,
      itemStyle: { color: palette.inactive, opacity: 0.35 },
    },
    {
      name: 'Dominated',
      type: 'scatter',
      data: groups.feasible.map(datum),
      symbolSize: 5,
      itemStyle: { color: palette.throughput, opacity: 0.3 },
    },
    {
      name: 'Pareto front',
      type: 'scatter',
      data: groups.front.map(datum),
      symbolSize: 10,
      z: 3,
      itemStyle: { color: palette.latency, opacity: 1, borderColor: palette.text, borderWidth: 1 },
    },
  ];
  return {
    ...frame(palette),
    legend: { top: 0, right: 0, textStyle: { color: palette.text }, inactiveColor: palette.inactive },
    grid: { left: 16, right: axes.colour === null ? 24 : 96, top: 48, bottom: 16, outerBoundsContain: 'all' },
    xAxis: {
      type: 'value',
      name: figureTitle(axes.x),
      nameLocation: 'middle',
      nameGap: 28,
      scale: true,
      ...axisStyle(palette),
    },
    yAxis: {
      type: 'value',
      name: figureTitle(axes.y),
      nameLocation: 'end',
      scale: true,
      ...axisStyle(palette),
    },
    ...(axes.colour !== null && colours.length > 0
      ? {
          visualMap: {
            type: 'continuous',
            dimension: 2,
            seriesIndex: [1, 2],
            min: Math.min(...colours),
            max: Math.max(...colours),
            right: 0,
            top: 'middle',
            text: [figureTitle(axes.colour), ''],
            textStyle: { color: palette.text },
            inRange: { color: scale },
            calculable: false,
          },
        }
      : {}),
    tooltip: tooltip(palette, ({ value }) => {
      const index = (value as number[] | undefined)?.[3];
      const row = index === undefined ? undefined : rowByIndex.get(index);
      return row
        ? describePoint(row, spec, [axes.x, axes.y, ...(axes.colour ? [axes.colour] : [])], units)
        : '';
    }),
    series,
  };
}

export function scatterSummary(points: readonly ScatterPoint[], axes: ScatterAxes): string {
  const front = points.filter((point) => point.front);
  const drawn = points.filter(({ row }) => row.ok).length;
  const best = front
    .slice(0, 3)
    .map(
      ({ row }) =>
        `point #${row.index} (${formatFigure(axes.x, row.figures?.[axes.x])}, ${formatFigure(axes.y, row.figures?.[axes.y])})`,
    );
  return (
    `${sweepFigures[axes.y].label} against ${sweepFigures[axes.x].label} for ${drawn} points, ` +
    `${front.length} on the Pareto front${best.length > 0 ? `: ${best.join('; ')}${front.length > 3 ? '; …' : ''}` : ''}.`
  );
}

/** The heat map's axis titles and the units of the two parameters' values. */
export interface HeatLabels {
  x: string;
  y: string | null;
  xUnit?: Unit;
  yUnit?: Unit;
}

/** The heat map: the best value of a figure for each pair of two parameters' values. */
export function heatmapOption(
  grid: HeatGrid,
  labels: HeatLabels,
  figure: SweepFigureId,
  palette: ChartPalette,
): SweepChartOption {
  const shown = (value: number): number => displayValue(figure, value);
  const heatmap: HeatmapSeriesOption = {
    type: 'heatmap',
    data: grid.cells.map(([x, y, value]) => [x, y, shown(value)]),
    label: {
      // Values in the cells only where they fit (a few dozen cells, not too narrow).
      show: grid.cells.length <= 150 && grid.xValues.length <= 16,
      color: '#111',
      formatter: (params) => significant((params.value as number[])[2] ?? Number.NaN),
    },
  };
  return {
    ...frame(palette),
    grid: { left: 16, right: 120, top: 24, bottom: 16, outerBoundsContain: 'all' },
    xAxis: {
      type: 'category',
      name: labels.x,
      nameLocation: 'middle',
      nameGap: 28,
      data: grid.xValues.map((value) => formatSweepValue(value, labels.xUnit)),
      ...axisStyle(palette),
    },
    yAxis: {
      type: 'category',
      name: labels.y ?? '',
      data: grid.yValues.map((value) => formatSweepValue(value, labels.yUnit)),
      ...axisStyle(palette),
    },
    visualMap: {
      type: 'continuous',
      min: Number.isFinite(grid.min) ? shown(grid.min) : 0,
      max: Number.isFinite(grid.max) ? shown(grid.max) : 1,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      // The scale's ends, in the figure's display unit (the caption names the figure).
      text: [
        formatFigure(figure, Number.isFinite(grid.max) ? grid.max : Number.NaN),
        formatFigure(figure, Number.isFinite(grid.min) ? grid.min : Number.NaN),
      ],
      textStyle: { color: palette.text },
      inRange: { color: scale },
      calculable: false,
    },
    tooltip: tooltip(palette, ({ value }) => {
      const [x, y] = (value as number[] | undefined) ?? [];
      const cell = grid.cells.find((candidate) => candidate[0] === x && candidate[1] === y);
      if (!cell || x === undefined || y === undefined) return '';
      const pair = [
        `${escapeHtml(labels.x)}: ${escapeHtml(formatSweepValue(grid.xValues[x], labels.xUnit))}`,
      ];
      if (labels.y !== null)
        pair.push(`${escapeHtml(labels.y)}: ${escapeHtml(formatSweepValue(grid.yValues[y], labels.yUnit))}`);
      return [
        ...pair,
        `Best ${escapeHtml(sweepFigures[figure].label)}: ${escapeHtml(formatFigure(figure, cell[2]))}`,
        `Point #${cell[3]} (click to open it as a design)`,
      ].join('<br>');
    }),
    series: [heatmap],
  };
}

export function heatmapSummary(
  grid: HeatGrid,
  labels: HeatLabels,
  figure: SweepFigureId,
  goal: 'min' | 'max',
): string {
  if (grid.cells.length === 0)
    return `No evaluated points to show ${sweepFigures[figure].label} over ${labels.x}.`;
  const best = grid.cells.reduce((a, b) => ((goal === 'min' ? b[2] < a[2] : b[2] > a[2]) ? b : a));
  const at = [`${labels.x} ${formatSweepValue(grid.xValues[best[0]], labels.xUnit)}`];
  if (labels.y !== null) at.push(`${labels.y} ${formatSweepValue(grid.yValues[best[1]], labels.yUnit)}`);
  return (
    `Best ${sweepFigures[figure].label} over ${grid.xValues.length} values of ${labels.x}` +
    `${labels.y === null ? '' : ` and ${grid.yValues.length} of ${labels.y}`}: ` +
    `${formatFigure(figure, best[2])} at ${at.join(', ')} (point #${best[3]}). ` +
    `${grid.cells.length.toLocaleString('en')} of ${(grid.xValues.length * grid.yValues.length).toLocaleString('en')} cells have a point.`
  );
}

/** Parallel coordinates: one line per point through every parameter and objective; the front drawn strong. */
export function parallelOption(
  points: readonly ScatterPoint[],
  axes: readonly ParallelAxis[],
  palette: ChartPalette,
): SweepChartOption {
  const line = ({ row }: ScatterPoint): (number | string)[] =>
    axes.map((axis) => {
      const value = parallelValue(axis, row);
      return typeof value === 'number' && axis.kind === 'figure'
        ? displayValue(axis.key as SweepFigureId, value)
        : value;
    });
  const drawn = points.filter(({ row }) => row.ok);
  return {
    ...frame(palette),
    legend: { top: 0, left: 0, textStyle: { color: palette.text }, inactiveColor: palette.inactive },
    // Room for the outer axes' names, which echarts centres on the axis.
    parallel: { left: 96, right: 96, top: 48, bottom: 24 },
    parallelAxis: axes.map((axis, dim) => ({
      dim,
      name: axis.kind === 'figure' ? figureTitle(axis.key as SweepFigureId) : axis.name,
      nameTextStyle: { color: palette.textMuted, fontSize: 11 },
      axisLine: { lineStyle: { color: palette.axisLine } },
      axisLabel: {
        color: palette.text,
        ...(axis.unit ? { formatter: (value: number) => formatSweepValue(value, axis.unit) } : {}),
      },
      ...(axis.categories
        ? { type: 'category' as const, data: axis.categories }
        : { type: 'value' as const, scale: true }),
    })),
    series: [
      {
        name: 'Other points',
        type: 'parallel',
        data: drawn.filter((point) => !point.front).map(line),
        lineStyle: { color: palette.inactive, opacity: 0.25, width: 1 },
      },
      {
        name: 'Pareto front',
        type: 'parallel',
        data: drawn.filter((point) => point.front).map(line),
        lineStyle: { color: palette.latency, opacity: 0.9, width: 2 },
        z: 3,
      },
    ],
  };
}

export function parallelSummary(points: readonly ScatterPoint[], axes: readonly ParallelAxis[]): string {
  const front = points.filter((point) => point.front).length;
  return `Parallel coordinates of ${points.length} points over ${axes.map((axis) => axis.name).join(', ')}; ${front} on the Pareto front are drawn strong.`;
}

/** The tornado: each parameter's change of a figure at −10 % and +10 %, widest swing on top. */
export function tornadoOption(
  bars: readonly TornadoBar[],
  figure: SweepFigureId,
  palette: ChartPalette,
): SweepChartOption {
  const ordered = [...bars].reverse();
  const shown = (value: number): number => displayValue(figure, value);
  return {
    ...frame(palette),
    legend: { top: 0, left: 0, textStyle: { color: palette.text }, inactiveColor: palette.inactive },
    grid: { left: 16, right: 24, top: 36, bottom: 16, outerBoundsContain: 'all' },
    xAxis: {
      type: 'value',
      name: `Change of ${figureTitle(figure)}`,
      nameLocation: 'middle',
      nameGap: 28,
      ...axisStyle(palette),
    },
    yAxis: { type: 'category', data: ordered.map((bar) => bar.label), ...axisStyle(palette) },
    tooltip: tooltip(palette, ({ dataIndex }) => {
      const bar = ordered[dataIndex];
      if (!bar) return '';
      return [
        `<strong>${escapeHtml(bar.label)}</strong>`,
        `−10 % (${escapeHtml(formatSweepValue(bar.lowValue, bar.unit))}): ${escapeHtml(signed(figure, bar.low))}`,
        `+10 % (${escapeHtml(formatSweepValue(bar.highValue, bar.unit))}): ${escapeHtml(signed(figure, bar.high))}`,
      ].join('<br>');
    }),
    series: [
      {
        name: '−10 %',
        type: 'bar',
        data: ordered.map((bar) => shown(bar.low)),
        itemStyle: { color: palette.throughput },
        barGap: '-100%',
      },
      {
        name: '+10 %',
        type: 'bar',
        data: ordered.map((bar) => shown(bar.high)),
        itemStyle: { color: palette.latency },
        barGap: '-100%',
      },
    ],
  };
}

/** A change of a figure with its sign ("+3.2 ms", "−120 tokens/s"). */
export function signed(figure: SweepFigureId, change: number): string {
  const text = formatFigure(figure, Math.abs(change));
  return change < 0 ? `−${text}` : `+${text}`;
}

export function tornadoSummary(bars: readonly TornadoBar[], figure: SweepFigureId): string {
  if (bars.length === 0) return `No parameter's effect on ${sweepFigures[figure].label} could be evaluated.`;
  const top = bars
    .slice(0, 3)
    .map((bar) => `${bar.label} (${signed(figure, bar.low)} at −10 %, ${signed(figure, bar.high)} at +10 %)`);
  return `Effect on ${sweepFigures[figure].label} of each parameter ±10 %, largest first: ${top.join('; ')}.`;
}
