/**
 * The report's charts as SVG text, drawn by ECharts' server-side renderer (no DOM): the per-operator time
 * breakdown of each phase, the roofline, memory occupancy by level, and power by block. Each chart is a
 * self-contained `<svg>` for inlining into the HTML report; ECharts escapes the text it draws.
 */
import {
  BarChart,
  LineChart,
  ScatterChart,
  type BarSeriesOption,
  type LineSeriesOption,
  type ScatterSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TitleComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { Bound } from '../../engine/report';
import {
  axisTick,
  exposedSeconds,
  formatFlops,
  formatPercent,
  roofLines,
  rooflinePoints,
  rooflineWindow,
  roofs,
  usedBytes,
} from '../../engine/figures';
import type { PhaseReport, Report } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { formatQuantity } from '../../engine/units';
import { blockName } from './format';

use([BarChart, LineChart, ScatterChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TitleComponentOption
>;

/** Width of every chart in px; the HTML page scales them down to the column. */
export const CHART_WIDTH = 960;

const FONT = 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif';

/** The colours of the four resources a time is spent on (the same as the block categories that own them). */
const boundColours: Readonly<Record<Bound, string>> = {
  compute: '#2563eb',
  memory: '#16a34a',
  communication: '#7c3aed',
  overhead: '#9ca3af',
};
const phaseColours = { prefill: '#2563eb', decode: '#ea580c' } as const;
const classColours = { weights: '#2563eb', kv: '#16a34a', activations: '#d97706', free: '#e5e7eb' } as const;

/** Renders one option to SVG text and always frees the chart. */
function renderChart(option: ChartOption, height: number): string {
  const chart = init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

function title(text: string, subtext?: string): TitleComponentOption {
  return {
    text,
    subtext,
    left: 8,
    top: 4,
    textStyle: { fontSize: 14, fontWeight: 600 },
    subtextStyle: { fontSize: 11, color: '#475569' },
  };
}

/** The legend under a horizontal bar chart and a grid that keeps the axis labels inside the picture. */
function barLayout(right: number): Pick<ChartOption, 'legend' | 'grid'> {
  return {
    legend: { bottom: 4, itemWidth: 14, itemHeight: 10, itemGap: 28 },
    grid: { left: 12, right, top: 58, bottom: 40, outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' },
  };
}

/**
 * The time of each operator of a phase, split by what it waited on (`exposedSeconds`, as the app's chart): an
 * operator takes dispatch + max(compute, memory) + communication + latency, so the larger of compute and
 * memory is the part shown for them (the other overlaps it) and the bars add up to the operator's time.
 */
export function operatorBreakdownChart(phase: PhaseReport, phaseName: string): string {
  const operators = phase.operators;
  const exposed = operators.map(exposedSeconds);
  const parts = (['compute', 'memory', 'communication', 'overhead'] as const).map((bound) => ({
    bound,
    values: exposed.map((seconds) => seconds[bound]),
  }));
  const height = 110 + 24 * Math.max(1, operators.length);
  return renderChart(
    {
      title: title(
        `${phaseName}: time per operator`,
        `all runs of each operator on one chip; phase ${formatQuantity(phase.seconds, 'seconds')}`,
      ),
      ...barLayout(24),
      xAxis: {
        type: 'value',
        axisLabel: { formatter: axisTick('seconds'), fontSize: 10 },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: operators.map((operator) => operator.name),
        axisLabel: { fontSize: 10, width: 220, overflow: 'truncate' },
      },
      series: parts.map((part): BarSeriesOption => ({
        type: 'bar',
        name: part.bound,
        stack: 'time',
        data: part.values,
        itemStyle: { color: boundColours[part.bound] },
        barMaxWidth: 16,
      })),
    },
    height,
  );
}

/** Line styles of the memory roofs other than the main one, in turn. */
const otherRoofDash = ['dashed', 'dotted'] as const;

/**
 * The roofline's ECharts option: each operator with arithmetic, at its arithmetic intensity (FLOP per byte
 * moved) and the FLOP/s it achieved, under the roofs of `engine/figures` — the same roofs, drawn in the same
 * places, as the app's roofline: the compute roofs (the fastest unit's dense BF16 peak per chip, and the
 * workload's arithmetic where it differs) and a bandwidth roof per storage level, the main memory roof (the
 * level the weights stream from) solid. Operators without arithmetic (norms, collectives) have no place on
 * log axes; the subtitle counts them.
 */
export function rooflineChartOption(report: Report): ChartOption {
  const roof = roofs(report);
  const prefill = rooflinePoints(report.prefill);
  const decode = rooflinePoints(report.decode);
  const omitted =
    report.prefill.operators.length + report.decode.operators.length - prefill.length - decode.length;
  const window = rooflineWindow([...prefill, ...decode], roof);
  const lines = roofLines(roof, window);
  const computeRoofs = lines.compute.map((line, index): LineSeriesOption => ({
    type: 'line',
    name: `${line.roof.label}: ${formatFlops(line.roof.flopsPerSecond)}`,
    data: line.points,
    showSymbol: false,
    lineStyle: { color: '#2563eb', width: 2, type: index === 0 ? 'solid' : 'dashed' },
    itemStyle: { color: '#2563eb' },
  }));
  const others = lines.memory.filter((line) => !line.main);
  const memoryRoofs = lines.memory.map((line): LineSeriesOption => {
    const dash = line.main
      ? 'solid'
      : (otherRoofDash[others.indexOf(line) % otherRoofDash.length] ?? 'dotted');
    return {
      type: 'line',
      // The bandwidth before the level's name: a long name is what the legend cuts off.
      name: `${line.main ? 'Memory roof' : 'Other level'}: ${formatQuantity(line.roof.bandwidthBytesPerSecond, 'bytesPerSecond')} (${line.roof.name})`,
      data: line.points,
      showSymbol: false,
      lineStyle: { color: '#16a34a', width: line.main ? 2 : 1.5, type: dash },
      itemStyle: { color: '#16a34a' },
    };
  });
  const scatter = (points: typeof prefill): [number, number, string][] =>
    points.map((point) => [point.intensity, point.flopsPerSecond, point.operator.name]);
  return {
    title: title(
      'Roofline (one chip)',
      `arithmetic intensity against achieved FLOP/s${omitted > 0 ? `; ${formatQuantity(omitted, 'count')} operators without arithmetic not shown` : ''}`,
    ),
    // A column of legend entries on the right: the roofs' names are long.
    legend: {
      orient: 'vertical',
      right: 8,
      top: 64,
      itemWidth: 14,
      itemHeight: 10,
      textStyle: { fontSize: 10, width: 250, overflow: 'truncate' },
    },
    grid: {
      left: 12,
      right: 290,
      top: 62,
      bottom: 40,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'log',
      min: window.xMin,
      max: window.xMax,
      name: 'FLOP per byte',
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { formatter: (value: number) => formatQuantity(value, 'ratio'), fontSize: 10 },
    },
    yAxis: {
      type: 'log',
      min: window.yMin,
      max: window.yMax,
      axisLabel: { formatter: (value: number) => formatFlops(value), fontSize: 10 },
    },
    series: [
      ...computeRoofs,
      ...memoryRoofs,
      {
        type: 'scatter',
        name: 'prefill operators',
        data: scatter(prefill),
        symbolSize: 8,
        itemStyle: { color: phaseColours.prefill },
      },
      {
        type: 'scatter',
        name: 'decode operators',
        data: scatter(decode),
        symbolSize: 8,
        symbol: 'diamond',
        itemStyle: { color: phaseColours.decode },
      },
    ],
  };
}

/** The roofline as SVG text (`rooflineChartOption`). */
export function rooflineChart(report: Report): string {
  return renderChart(rooflineChartOption(report), 420);
}

/** What each memory level holds, as a share of its capacity, by tensor class. */
export function memoryChart(report: Report): string {
  const levels = report.memory.levels;
  const share = (bytes: number, capacity: number): number => (capacity > 0 ? bytes / capacity : 0);
  const used = levels.map(usedBytes);
  const highest = Math.max(1, ...levels.map((level, index) => share(used[index] ?? 0, level.capacityBytes)));
  const series = (['weights', 'kv', 'activations'] as const).map((tensorClass): BarSeriesOption => ({
    type: 'bar',
    name: tensorClass === 'kv' ? 'KV cache' : tensorClass,
    stack: 'occupancy',
    data: levels.map((level) => share(level.used[tensorClass], level.capacityBytes)),
    itemStyle: { color: classColours[tensorClass] },
    barMaxWidth: 20,
  }));
  series.push({
    type: 'bar',
    name: 'free',
    stack: 'occupancy',
    data: levels.map((level, index) => Math.max(0, 1 - share(used[index] ?? 0, level.capacityBytes))),
    itemStyle: { color: classColours.free },
    barMaxWidth: 20,
  });
  return renderChart(
    {
      title: title(
        'Memory occupancy by level (one chip)',
        report.memory.fits ? 'the workload fits' : 'the workload does not fit',
      ),
      ...barLayout(28),
      xAxis: {
        type: 'value',
        min: 0,
        max: highest,
        axisLabel: { formatter: (value: number) => formatPercent(value), fontSize: 10 },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: levels.map((level) => `${level.name} · ${formatQuantity(level.capacityBytes, 'bytes')}`),
        axisLabel: { fontSize: 10, width: 240, overflow: 'truncate' },
      },
      series,
    },
    110 + 34 * Math.max(1, levels.length),
  );
}

/** Average power of each block of one chip (and the shared blocks) in prefill and decode. */
export function powerChart(report: Report, design: DesignDocument): string {
  const ids = [...new Set([...report.prefill.blocks, ...report.decode.blocks].map((block) => block.blockId))];
  const power = (phase: PhaseReport, id: string): number =>
    phase.blocks.find((block) => block.blockId === id)?.averagePowerWatts ?? 0;
  return renderChart(
    {
      title: title('Average power by block (one chip)', 'dynamic and static power over each phase'),
      ...barLayout(28),
      xAxis: {
        type: 'value',
        axisLabel: { formatter: axisTick('watts'), fontSize: 10 },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: ids.map((id) => blockName(design, id)),
        axisLabel: { fontSize: 10, width: 220, overflow: 'truncate' },
      },
      series: (['prefill', 'decode'] as const).map((phase): BarSeriesOption => ({
        type: 'bar',
        name: phase,
        data: ids.map((id) => power(report[phase], id)),
        itemStyle: { color: phaseColours[phase] },
        barMaxWidth: 12,
      })),
    },
    110 + 30 * Math.max(1, ids.length),
  );
}
