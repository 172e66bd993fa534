/**
 * The Serving tab's charts as ECharts options, and the sentence each says to a screen reader, built from a
 * `ServingReport` (`engine/serving/types.ts`) as plain objects like the results charts' `charts/options.ts`:
 * - the latency–rate curve of TTFT or TPOT: the p50 line inside a p50–p99 band, the SLO target as a line, the
 *   saturation knee and the largest rate within the SLO marked;
 * - goodput (share of requests meeting the SLO) against the rate, with the attainment the SLO asks for;
 * - KV cache occupancy, queue and batch over the run's time;
 * - the batch timeline: each scheduler step a bar as long as the step, as high as its prompt tokens, with the
 *   decoding requests as a step line; one lane per model.
 * Times stay in seconds (the axes format them as ms), rates in requests per second.
 */
import type { BarSeriesOption, CustomSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { axisTick, escapeHtml, formatPercent } from '../../../engine/figures';
import type { Slo } from '../../../engine/schema/serving';
import type { RateCurve, RatePoint, ServingSeries, TimelineStep } from '../../../engine/serving/types';
import { formatQuantity } from '../../../engine/units';
import {
  chartFontFamily,
  chartFontSize,
  chartPalette,
  type ChartPalette,
  type ChartTheme,
} from '../charts/theme';

export type ServingChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | CustomSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | MarkLineComponentOption
>;

/** A rate as people read it: "12.5 req/s". */
export function formatRate(ratePerSecond: number): string {
  return `${formatQuantity(ratePerSecond, 'ratio')} req/s`;
}

export type LatencyMetric = 'ttft' | 'tpot';
export const metricNames: Record<LatencyMetric, string> = {
  ttft: 'Time to first token',
  tpot: 'Time per output token',
};
const metricShort: Record<LatencyMetric, string> = { ttft: 'TTFT', tpot: 'TPOT' };

function targetOf(slo: Slo | undefined, metric: LatencyMetric): number | undefined {
  return metric === 'ttft' ? slo?.ttftSeconds : slo?.tpotSeconds;
}

const text = (palette: ChartPalette) => ({
  color: palette.text,
  fontFamily: chartFontFamily,
  fontSize: chartFontSize,
});
const muted = (palette: ChartPalette) => ({ ...text(palette), color: palette.textMuted });

function frame(
  palette: ChartPalette,
): Pick<ServingChartOption, 'animation' | 'backgroundColor' | 'textStyle'> {
  return { animation: false, backgroundColor: 'transparent', textStyle: text(palette) };
}

function legend(palette: ChartPalette, data?: string[]): LegendComponentOption {
  return {
    top: 0,
    left: 0,
    itemWidth: 12,
    itemHeight: 8,
    itemGap: 14,
    textStyle: text(palette),
    inactiveColor: palette.inactive,
    ...(data ? { data } : {}),
  };
}

function tooltip(palette: ChartPalette, formatter: (index: number) => string): TooltipComponentOption {
  return {
    trigger: 'axis',
    confine: true,
    backgroundColor: palette.tooltipBackground,
    borderColor: palette.tooltipBorder,
    textStyle: text(palette),
    axisPointer: { type: 'line' },
    formatter: (params) => {
      const first = Array.isArray(params) ? params[0] : params;
      return first?.dataIndex === undefined ? '' : formatter(first.dataIndex);
    },
  };
}

function axisLines(palette: ChartPalette) {
  return {
    axisLine: { show: true, lineStyle: { color: palette.axisLine } },
    axisTick: { lineStyle: { color: palette.axisLine } },
    splitLine: { show: true, lineStyle: { color: palette.gridLine } },
  };
}

function rateAxis(palette: ChartPalette, points: readonly RatePoint[]) {
  const rates = points.map((point) => point.ratePerSecond);
  return {
    type: 'value' as const,
    name: 'Request rate (req/s)',
    nameLocation: 'middle' as const,
    nameGap: 22,
    nameTextStyle: muted(palette),
    min: 0,
    // A nice round end at or past the last rate (ECharts's scale), never a tick at "16.8".
    max: rates.length === 0 ? 1 : undefined,
    axisLabel: { ...text(palette), formatter: axisTick('ratio') },
    ...axisLines(palette),
  };
}

/** The knee and the largest rate within the SLO, as vertical marks on a rate axis. */
function rateMarks(curve: RateCurve, palette: ChartPalette): MarkLineComponentOption {
  const data: NonNullable<MarkLineComponentOption['data']> = [];
  if (curve.maxRateWithinSlo !== undefined)
    data.push({
      name: 'Max rate within SLO',
      xAxis: curve.maxRateWithinSlo,
      lineStyle: { color: palette.tensors.kv, type: 'solid', width: 1.5 },
      label: {
        formatter: `max ${formatRate(curve.maxRateWithinSlo)}`,
        position: 'insideEndTop',
        ...text(palette),
      },
    });
  if (curve.kneeRatePerSecond !== undefined)
    data.push({
      name: 'Knee',
      xAxis: curve.kneeRatePerSecond,
      lineStyle: { color: palette.textMuted, type: 'dotted', width: 1.5 },
      label: {
        formatter: `knee ${formatRate(curve.kneeRatePerSecond)}`,
        position: 'insideEndBottom',
        ...muted(palette),
      },
    });
  return { silent: true, symbol: 'none', data };
}

/**
 * p50 and p99 of TTFT or TPOT against the request rate: the p50 line over a band up to p99 (stacked: the band
 * series carries p99 − p50 on top of an invisible p50), on a log axis (past the knee the tail grows by orders of
 * magnitude). The SLO target is a horizontal line; the knee and the largest rate within the SLO vertical ones.
 */
export function latencyRateOption(
  curve: RateCurve,
  metric: LatencyMetric,
  slo: Slo | undefined,
  theme: ChartTheme,
): ServingChartOption {
  const palette = chartPalette(theme);
  const points = [...curve.points].sort((a, b) => a.ratePerSecond - b.ratePerSecond);
  const colour = metric === 'ttft' ? palette.phases.prefill : palette.phases.decode;
  const target = targetOf(slo, metric);
  const values = points.flatMap((point) => [point[metric].p50, point[metric].p99]).filter((v) => v > 0);
  if (target !== undefined) values.push(target);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const short = metricShort[metric];
  const series: LineSeriesOption[] = [
    {
      type: 'line',
      name: 'band-base',
      stack: 'band',
      symbol: 'none',
      silent: true,
      lineStyle: { opacity: 0 },
      data: points.map((point) => [point.ratePerSecond, point[metric].p50]),
    },
    {
      type: 'line',
      name: `p50–p99 band`,
      stack: 'band',
      symbol: 'none',
      silent: true,
      lineStyle: { opacity: 0 },
      itemStyle: { color: colour },
      areaStyle: { color: colour, opacity: 0.18 },
      data: points.map((point) => [point.ratePerSecond, point[metric].p99 - point[metric].p50]),
    },
    {
      type: 'line',
      name: `${short} p50`,
      symbolSize: 6,
      itemStyle: { color: colour },
      lineStyle: { color: colour, width: 2 },
      data: points.map((point) => [point.ratePerSecond, point[metric].p50]),
      markLine: rateMarks(curve, palette),
    },
    {
      type: 'line',
      name: `${short} p99`,
      symbol: 'emptyCircle',
      symbolSize: 5,
      itemStyle: { color: colour },
      lineStyle: { color: colour, width: 1, type: 'dashed' },
      data: points.map((point) => [point.ratePerSecond, point[metric].p99]),
      ...(target === undefined
        ? {}
        : {
            markLine: {
              silent: true,
              symbol: 'none',
              data: [
                {
                  name: 'SLO target',
                  yAxis: target,
                  lineStyle: { color: palette.reference, type: 'dashed', width: 1.5 },
                  label: {
                    formatter: `SLO ${formatQuantity(target, 'seconds')}`,
                    position: 'insideStartTop',
                    ...text(palette),
                    color: palette.reference,
                  },
                },
              ],
            },
          }),
    },
  ];
  const describe = (index: number): string => {
    const point = points[index];
    if (!point) return '';
    return [
      `<strong>${escapeHtml(formatRate(point.ratePerSecond))}</strong>${point.saturated ? ' · saturated' : ''}`,
      `${short} p50 ${formatQuantity(point[metric].p50, 'seconds')} · p99 ${formatQuantity(point[metric].p99, 'seconds')}`,
      point.goodputShare === undefined ? '' : `Goodput ${formatPercent(point.goodputShare)}`,
    ]
      .filter(Boolean)
      .join('<br>');
  };
  return {
    ...frame(palette),
    legend: legend(palette, [`${short} p50`, `${short} p99`, 'p50–p99 band']),
    grid: { top: 30, bottom: 4, left: 8, right: 16, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: tooltip(palette, describe),
    xAxis: rateAxis(palette, points),
    yAxis: {
      type: 'log',
      logBase: 10,
      name: short,
      nameTextStyle: muted(palette),
      min: Number.isFinite(low) ? 10 ** Math.floor(Math.log10(low)) : undefined,
      max: Number.isFinite(high) ? 10 ** Math.ceil(Math.log10(high * 1.05)) : undefined,
      minorTick: { show: false },
      axisLabel: { ...text(palette), formatter: axisTick('seconds') },
      ...axisLines(palette),
    },
    series,
  };
}

/** "TTFT p99 rises from 120 ms at 1 req/s to 4.1 s at 32 req/s; the SLO (500 ms) holds up to 9.6 req/s; knee …" */
export function latencyRateSummary(curve: RateCurve, metric: LatencyMetric, slo: Slo | undefined): string {
  const points = [...curve.points].sort((a, b) => a.ratePerSecond - b.ratePerSecond);
  const first = points[0];
  const last = points.at(-1);
  if (!first || !last) return `No rates were simulated for ${metricNames[metric].toLowerCase()}.`;
  const short = metricShort[metric];
  const parts = [
    `${short} p50 goes from ${formatQuantity(first[metric].p50, 'seconds')} at ${formatRate(first.ratePerSecond)} to ${formatQuantity(last[metric].p50, 'seconds')} at ${formatRate(last.ratePerSecond)}, p99 from ${formatQuantity(first[metric].p99, 'seconds')} to ${formatQuantity(last[metric].p99, 'seconds')}.`,
  ];
  const target = targetOf(slo, metric);
  if (target !== undefined) parts.push(`The ${short} target is ${formatQuantity(target, 'seconds')}.`);
  parts.push(rateMarksSentence(curve));
  return parts.filter(Boolean).join(' ');
}

function rateMarksSentence(curve: RateCurve): string {
  const parts: string[] = [];
  if (curve.maxRateWithinSlo !== undefined)
    parts.push(`The SLO holds up to ${formatRate(curve.maxRateWithinSlo)}.`);
  if (curve.kneeRatePerSecond !== undefined)
    parts.push(`Latency rises fastest past ${formatRate(curve.kneeRatePerSecond)} (the knee).`);
  return parts.join(' ');
}

/** The share of requests meeting the SLO against the rate, with the attainment the SLO asks for. */
export function goodputRateOption(
  curve: RateCurve,
  slo: Slo | undefined,
  theme: ChartTheme,
): ServingChartOption {
  const palette = chartPalette(theme);
  const points = [...curve.points].sort((a, b) => a.ratePerSecond - b.ratePerSecond);
  const describe = (index: number): string => {
    const point = points[index];
    if (!point) return '';
    return [
      `<strong>${escapeHtml(formatRate(point.ratePerSecond))}</strong>`,
      point.goodputShare === undefined
        ? 'No SLO'
        : `${formatPercent(point.goodputShare)} of requests meet the SLO`,
      `${formatRate(point.requestsPerSecond)} served · ${formatQuantity(point.outputTokensPerSecond, 'tokensPerSecond')}`,
    ].join('<br>');
  };
  const marks = rateMarks(curve, palette);
  if (slo)
    marks.data?.push({
      name: 'Attainment',
      yAxis: slo.attainment * 100,
      lineStyle: { color: palette.reference, type: 'dashed', width: 1.5 },
      label: {
        formatter: `target ${formatPercent(slo.attainment)}`,
        position: 'insideStartBottom',
        ...text(palette),
        color: palette.reference,
      },
    });
  return {
    ...frame(palette),
    legend: legend(palette, ['Goodput']),
    grid: { top: 30, bottom: 4, left: 8, right: 16, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: tooltip(palette, describe),
    xAxis: rateAxis(palette, points),
    yAxis: {
      type: 'value',
      name: 'Requests within SLO (%)',
      nameTextStyle: muted(palette),
      min: 0,
      max: 100,
      axisLabel: { ...text(palette), formatter: (value: number) => `${value} %` },
      ...axisLines(palette),
    },
    series: [
      {
        type: 'line',
        name: 'Goodput',
        symbolSize: 6,
        itemStyle: { color: palette.throughput },
        lineStyle: { color: palette.throughput, width: 2 },
        data: points.map((point) => [point.ratePerSecond, (point.goodputShare ?? 1) * 100]),
        markLine: marks,
      },
    ],
  };
}

export function goodputRateSummary(curve: RateCurve, slo: Slo | undefined): string {
  const points = [...curve.points].sort((a, b) => a.ratePerSecond - b.ratePerSecond);
  if (!slo || points.length === 0) return 'No SLO is set, so every request counts as good.';
  const meets = points.filter((point) => point.meetsSlo === true);
  const lastMeeting = meets.at(-1);
  return [
    lastMeeting
      ? `${formatPercent(lastMeeting.goodputShare ?? 1)} of requests meet the SLO at ${formatRate(lastMeeting.ratePerSecond)}, the highest simulated rate where it holds`
      : `The SLO holds at none of the ${points.length} rates simulated`,
    `; the target is ${formatPercent(slo.attainment)}.`,
    rateMarksSentence(curve) === '' ? '' : ` ${rateMarksSentence(curve)}`,
  ].join('');
}

/** KV cache occupancy (%) over the run, with the requests waiting and running on a second axis. */
export function kvOccupancyOption(series: ServingSeries, theme: ChartTheme): ServingChartOption {
  const palette = chartPalette(theme);
  const time = series.timeSeconds;
  const pair = (values: number[], scale = 1) => time.map((t, index) => [t, (values[index] ?? 0) * scale]);
  const describe = (index: number): string =>
    [
      `<strong>${formatQuantity(time[index] ?? 0, 'seconds')}</strong>`,
      `KV cache ${formatPercent(series.kvUtilization[index] ?? 0)}`,
      `${formatQuantity(series.running[index] ?? 0, 'count')} running · ${formatQuantity(series.queue[index] ?? 0, 'count')} waiting`,
    ].join('<br>');
  return {
    ...frame(palette),
    legend: legend(palette, ['KV cache used', 'Running', 'Waiting']),
    grid: { top: 30, bottom: 4, left: 8, right: 8, outerBoundsMode: 'same', outerBoundsContain: 'all' },
    tooltip: tooltip(palette, describe),
    xAxis: {
      type: 'value',
      name: 'Time',
      nameLocation: 'middle',
      nameGap: 22,
      nameTextStyle: muted(palette),
      min: 0,
      max: time.at(-1) ?? 1,
      axisLabel: { ...text(palette), formatter: axisTick('seconds') },
      ...axisLines(palette),
    },
    yAxis: [
      {
        type: 'value',
        name: 'KV cache (%)',
        nameTextStyle: muted(palette),
        min: 0,
        max: 100,
        axisLabel: { ...text(palette), formatter: (value: number) => `${value} %` },
        ...axisLines(palette),
      },
      {
        type: 'value',
        name: 'Requests',
        nameTextStyle: muted(palette),
        min: 0,
        position: 'right',
        axisLabel: { ...text(palette), formatter: axisTick('count') },
        ...axisLines(palette),
        splitLine: { show: false },
      },
    ],
    series: [
      {
        type: 'line',
        name: 'KV cache used',
        symbol: 'none',
        itemStyle: { color: palette.tensors.kv },
        lineStyle: { color: palette.tensors.kv, width: 2 },
        areaStyle: { color: palette.tensors.kv, opacity: 0.15 },
        data: pair(series.kvUtilization, 100),
      },
      {
        type: 'line',
        name: 'Running',
        yAxisIndex: 1,
        symbol: 'none',
        itemStyle: { color: palette.phases.decode },
        lineStyle: { color: palette.phases.decode, width: 1.5 },
        data: pair(series.running),
      },
      {
        type: 'line',
        name: 'Waiting',
        yAxisIndex: 1,
        symbol: 'none',
        itemStyle: { color: palette.phases.prefill },
        lineStyle: { color: palette.phases.prefill, width: 1.5, type: 'dashed' },
        data: pair(series.queue),
      },
    ],
  };
}

export function kvOccupancySummary(series: ServingSeries): string {
  const n = series.timeSeconds.length;
  if (n === 0) return 'The run recorded no time series.';
  const peak = Math.max(...series.kvUtilization);
  const mean = series.kvUtilization.reduce((sum, value) => sum + value, 0) / n;
  const peakIndex = series.kvUtilization.indexOf(peak);
  return `Over ${formatQuantity(series.timeSeconds.at(-1) ?? 0, 'seconds')} the KV cache is ${formatPercent(mean)} full on average and ${formatPercent(peak)} at its peak (at ${formatQuantity(series.timeSeconds[peakIndex] ?? 0, 'seconds')}); at most ${formatQuantity(Math.max(...series.running), 'count')} requests run and ${formatQuantity(Math.max(...series.queue), 'count')} wait.`;
}

/** Pixel layout of the batch timeline: a legend, then one lane (its own grid and axes) per model. */
const timelineLayout = { legend: 30, lane: 120, gap: 14, axis: 24 };

/** The lanes of a timeline: its models in order of first appearance, or one unnamed lane. */
export function timelineLanes(steps: readonly TimelineStep[]): string[] {
  const lanes: string[] = [];
  for (const step of steps) {
    const lane = step.tenant ?? '';
    if (!lanes.includes(lane)) lanes.push(lane);
  }
  return lanes.length > 0 ? lanes : [''];
}

export function batchTimelineHeight(steps: readonly TimelineStep[]): number {
  const lanes = timelineLanes(steps).length;
  return (
    timelineLayout.legend +
    lanes * timelineLayout.lane +
    (lanes - 1) * timelineLayout.gap +
    timelineLayout.axis
  );
}

/**
 * The scheduler's steps over time, one lane per model: each step a bar from its start to its end, as high as
 * the prompt tokens it ran (left axis), and the requests it decoded as a step line (right axis).
 */
export function batchTimelineOption(steps: readonly TimelineStep[], theme: ChartTheme): ServingChartOption {
  const palette = chartPalette(theme);
  const lanes = timelineLanes(steps);
  const start = Math.min(...steps.map((step) => step.startSeconds), 0);
  const end = Math.max(...steps.map((step) => step.startSeconds + step.seconds), start + 1e-9);
  const laneSteps = lanes.map((lane) => steps.filter((step) => (step.tenant ?? '') === lane));
  const top = (index: number) => timelineLayout.legend + index * (timelineLayout.lane + timelineLayout.gap);
  const grids: GridComponentOption[] = lanes.map((_, index) => ({
    top: top(index),
    height: timelineLayout.lane - 8,
    left: 8,
    right: 8,
    outerBoundsMode: 'same',
    outerBoundsContain: 'all',
  }));
  const xAxis = lanes.map((_, index) => ({
    type: 'value' as const,
    gridIndex: index,
    min: start,
    max: end,
    ...(index === lanes.length - 1
      ? { name: 'Time', nameLocation: 'middle' as const, nameGap: 22, nameTextStyle: muted(palette) }
      : {}),
    axisLabel: { ...text(palette), show: index === lanes.length - 1, formatter: axisTick('seconds') },
    ...axisLines(palette),
  }));
  const yAxis = lanes.flatMap((lane, index) => [
    {
      type: 'value' as const,
      gridIndex: index,
      name: lane === '' ? 'Prompt tokens' : `${lane}: prompt tokens`,
      nameTextStyle: { ...muted(palette), align: 'left' as const },
      min: 0,
      minInterval: 1,
      splitNumber: 2,
      axisLabel: { ...text(palette), formatter: axisTick('count') },
      ...axisLines(palette),
    },
    {
      type: 'value' as const,
      gridIndex: index,
      name: 'Decoding',
      nameTextStyle: { ...muted(palette), align: 'right' as const },
      min: 0,
      minInterval: 1,
      splitNumber: 2,
      position: 'right' as const,
      axisLabel: { ...text(palette), formatter: axisTick('count') },
      ...axisLines(palette),
      splitLine: { show: false },
    },
  ]);
  const series: (CustomSeriesOption | LineSeriesOption)[] = laneSteps.flatMap((own, index) => [
    {
      type: 'custom',
      name: 'Prompt tokens',
      xAxisIndex: index,
      yAxisIndex: index * 2,
      itemStyle: { color: palette.phases.prefill },
      encode: { x: [0, 1], y: 2 },
      renderItem: (_params, api) => {
        const from = api.coord([api.value(0), api.value(2)]);
        const to = api.coord([api.value(1), 0]);
        const [x0 = 0, y0 = 0] = from;
        const [x1 = 0, y1 = 0] = to;
        // A step shorter than a pixel still shows as a hairline.
        return {
          type: 'rect',
          shape: { x: x0, y: y0, width: Math.max(0.6, x1 - x0), height: y1 - y0 },
          style: { fill: palette.phases.prefill },
        };
      },
      data: own
        .filter((step) => step.prefillTokens > 0)
        .map((step) => [step.startSeconds, step.startSeconds + step.seconds, step.prefillTokens]),
    },
    {
      type: 'line',
      name: 'Decoding requests',
      xAxisIndex: index,
      yAxisIndex: index * 2 + 1,
      step: 'end',
      symbol: 'none',
      itemStyle: { color: palette.phases.decode },
      lineStyle: { color: palette.phases.decode, width: 1.5 },
      data: own.map((step) => [step.startSeconds, step.decodeRequests]),
    },
  ]);
  return {
    ...frame(palette),
    legend: legend(palette, ['Prompt tokens', 'Decoding requests']),
    grid: grids,
    tooltip: {
      trigger: 'item',
      confine: true,
      backgroundColor: palette.tooltipBackground,
      borderColor: palette.tooltipBorder,
      textStyle: text(palette),
    },
    xAxis,
    yAxis,
    series,
  };
}

export function batchTimelineSummary(steps: readonly TimelineStep[]): string {
  if (steps.length === 0) return 'The run recorded no steps.';
  const lanes = timelineLanes(steps);
  return lanes
    .map((lane) => {
      const own = steps.filter((step) => (step.tenant ?? '') === lane);
      const prefill = own.filter((step) => step.prefillTokens > 0).length;
      const busy = own.reduce((sum, step) => sum + step.seconds, 0);
      const first = own[0]?.startSeconds ?? 0;
      const last = own.at(-1);
      const span = last ? last.startSeconds + last.seconds - first : 0;
      const most = Math.max(...own.map((step) => step.decodeRequests));
      return `${lane === '' ? 'The' : `${lane}: the`} ${formatQuantity(own.length, 'count')} steps shown cover ${formatQuantity(span, 'seconds')} (busy ${span > 0 ? formatPercent(busy / span) : '0 %'}); ${formatQuantity(prefill, 'count')} run prompt tokens, and up to ${formatQuantity(most, 'count')} ${most === 1 ? 'request decodes' : 'requests decode'} in one step.`;
    })
    .join(' ');
}
