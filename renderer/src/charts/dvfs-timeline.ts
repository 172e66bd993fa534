/**
 * The power/clock timeline of one request (the report's `dvfs.timeline`) as an ECharts option: one bar per
 * segment (the prefill, the decode steps or groups of them, the idle time until the next request) with the
 * system's power, and each voltage/frequency domain's clock as a step line on a second axis. Segments are
 * categories, not a time axis: the idle gap is often a thousand times the request and would hide it; a decode
 * bar is labelled with its steps ("1–15") and the tooltip gives each segment's duration and energy. Pure, like
 * `options.ts`.
 */
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import { axisTick, escapeHtml } from '../../../engine/figures';
import type { DvfsReport } from '../../../engine/report';
import { formatQuantity } from '../../../engine/units';
import type { ChartOption } from './options';
import { chartFontFamily, chartFontSize, chartPalette, type ChartTheme } from './theme';

const domainNames = {
  compute: 'Compute clock',
  memory: 'Memory clock',
  interconnect: 'Interconnect clock',
} as const;

/** A segment's short axis label: "Prefill", "Steps 1–16" as "1–16", "Idle" (the tooltip has the rest). */
export function segmentLabel(segment: DvfsReport['timeline'][number]): string {
  if (segment.phase === 'prefill') return 'Prefill';
  if (segment.phase === 'idle') return 'Idle';
  return segment.label.replace(/^Decode steps? /, '');
}

export function dvfsTimelineOption(dvfs: DvfsReport, theme: ChartTheme): ChartOption {
  const palette = chartPalette(theme);
  const segments = dvfs.timeline;
  const labels = segments.map(segmentLabel);
  const kinds = segments[0]?.clocks.map((clock) => clock.kind) ?? [];
  const colourOf = {
    compute: palette.categories.compute,
    memory: palette.categories.memory,
    interconnect: palette.categories.interconnect,
  };
  const power: BarSeriesOption = {
    type: 'bar',
    name: 'System power',
    barMaxWidth: 36,
    // The legend's key takes the decode colour (most of a request); each bar takes its phase's.
    itemStyle: { color: palette.phases.decode },
    data: segments.map((segment) => ({
      value: segment.systemWatts,
      itemStyle: { color: segment.phase === 'idle' ? palette.inactive : palette.phases[segment.phase] },
    })),
  };
  const clocks: LineSeriesOption[] = kinds.map((kind, index) => ({
    type: 'line',
    name: domainNames[kind],
    yAxisIndex: 1,
    step: 'middle',
    symbol: 'circle',
    symbolSize: 6,
    lineStyle: { width: 2, color: colourOf[kind] },
    itemStyle: { color: colourOf[kind] },
    data: segments.map((segment) => segment.clocks[index]?.clockHertz ?? 0),
  }));
  const text = { color: palette.text, fontFamily: chartFontFamily, fontSize: chartFontSize };
  const axisName = { color: palette.textMuted, fontFamily: chartFontFamily, fontSize: chartFontSize };
  const lines = {
    axisLine: { lineStyle: { color: palette.axisLine } },
    splitLine: { lineStyle: { color: palette.gridLine } },
  };
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: chartFontFamily, fontSize: chartFontSize, color: palette.text },
    legend: {
      top: 0,
      left: 0,
      itemWidth: 12,
      itemHeight: 8,
      itemGap: 14,
      textStyle: text,
      inactiveColor: palette.inactive,
    },
    grid: { top: 48, bottom: 4, left: 8, right: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      confine: true,
      backgroundColor: palette.tooltipBackground,
      borderColor: palette.tooltipBorder,
      textStyle: text,
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const first = Array.isArray(params) ? params[0] : params;
        const segment = first?.dataIndex === undefined ? undefined : segments[first.dataIndex];
        if (!segment) return '';
        const rows = [
          `<strong>${escapeHtml(segment.label)}</strong>`,
          `${formatQuantity(segment.seconds, 'seconds')} from ${formatQuantity(segment.startSeconds, 'seconds')} · ${formatQuantity(segment.systemWatts, 'watts')} · ${formatQuantity(segment.systemWatts * segment.seconds, 'joules')}`,
          ...segment.clocks.map(
            (clock) => `${domainNames[clock.kind]}: ${formatQuantity(clock.clockHertz, 'hertz')}`,
          ),
        ];
        return rows.join('<br>');
      },
    },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: {
        ...text,
        interval: 0,
        rotate: labels.length > 6 ? 30 : 0,
        width: 110,
        overflow: 'truncate',
      },
      axisTick: { show: false },
      ...lines,
      splitLine: { show: false },
    },
    yAxis: [
      {
        type: 'value',
        name: 'System power',
        nameTextStyle: axisName,
        splitNumber: 3,
        axisLabel: { ...text, formatter: axisTick('watts') },
        ...lines,
      },
      {
        type: 'value',
        name: 'Clock',
        nameTextStyle: axisName,
        splitNumber: 3,
        min: 0,
        axisLabel: { ...text, formatter: axisTick('hertz') },
        ...lines,
        splitLine: { show: false },
      },
    ],
    series: [power, ...clocks],
  };
}

/** One sentence for screen readers: what the timeline shows, with its numbers. */
export function dvfsTimelineSummary(dvfs: DvfsReport): string {
  return dvfs.timeline
    .map(
      (segment) =>
        `${segment.label}: ${formatQuantity(segment.seconds, 'seconds')} at ${formatQuantity(segment.systemWatts, 'watts')}, ${segment.clocks
          .map((clock) => `${clock.kind} ${formatQuantity(clock.clockHertz, 'hertz')}`)
          .join(', ')}`,
    )
    .join('; ')
    .concat('.');
}
