import { describe, expect, it } from 'vitest';
import {
  batchTimelineHeight,
  batchTimelineOption,
  batchTimelineSummary,
  goodputRateOption,
  goodputRateSummary,
  kvOccupancyOption,
  kvOccupancySummary,
  latencyRateOption,
  latencyRateSummary,
  timelineLanes,
} from './options';
import { testServingReport, testSlo } from './test-report';

type Series = {
  name?: string;
  data?: unknown[];
  stack?: string;
  markLine?: { data?: Record<string, unknown>[] };
};
const seriesOf = (option: { series?: unknown }): Series[] => option.series as Series[];

describe('serving charts', () => {
  const report = testServingReport();
  const curve = report.curve;
  if (!curve) throw new Error('the test report has a curve');

  it('draws the p50 line over a band that reaches p99, stacked on p50', () => {
    const option = latencyRateOption(curve, 'ttft', testSlo, 'light');
    const [base, band, p50, p99] = seriesOf(option);
    expect(base?.stack).toBe('band');
    expect(band?.stack).toBe('band');
    const first = curve.points[0];
    if (!first) throw new Error('a point');
    // The band's height is p99 − p50, so stacked on p50 it reaches p99.
    expect(band?.data?.[0]).toEqual([first.ratePerSecond, first.ttft.p99 - first.ttft.p50]);
    expect(p50?.data?.[0]).toEqual([first.ratePerSecond, first.ttft.p50]);
    expect(p99?.data?.[0]).toEqual([first.ratePerSecond, first.ttft.p99]);
  });

  it('marks the SLO target, the knee and the largest rate within the SLO', () => {
    const series = seriesOf(latencyRateOption(curve, 'ttft', testSlo, 'dark'));
    const marks = series.flatMap((one) => one.markLine?.data ?? []);
    expect(marks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'SLO target', yAxis: 0.5 }),
        expect.objectContaining({ name: 'Knee', xAxis: 12 }),
        expect.objectContaining({ name: 'Max rate within SLO', xAxis: 9.6 }),
      ]),
    );
    // Without a TPOT target no target line is drawn on the TPOT chart.
    const tpot = seriesOf(latencyRateOption(curve, 'tpot', { attainment: 0.99 }, 'light'));
    expect(tpot.flatMap((one) => one.markLine?.data ?? []).some((mark) => mark.name === 'SLO target')).toBe(
      false,
    );
  });

  it('says what the curve shows in a sentence', () => {
    // p50 at 1 req/s: 0.1 / (1 − 1/16) = 107 ms; at 14 req/s: 0.1 / (1 − 14/16) = 800 ms.
    const sentence = latencyRateSummary(curve, 'ttft', testSlo);
    expect(sentence).toContain('TTFT p50 goes from 107 ms at 1 req/s to 800 ms at 14 req/s');
    expect(sentence).toContain('The TTFT target is 500 ms.');
    expect(sentence).toContain('The SLO holds up to 9.6 req/s.');
    expect(sentence).toContain('past 12 req/s (the knee)');
  });

  it('plots goodput as a percentage with the attainment target', () => {
    const option = goodputRateOption(curve, testSlo, 'light');
    const [goodput] = seriesOf(option);
    expect(goodput?.data?.at(-1)).toEqual([14, 50]);
    expect(goodput?.markLine?.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'Attainment', yAxis: 99 })]),
    );
    // 2 × 0.1 / (1 − 8/16) = 0.4 s ≤ 0.5 s: 8 req/s is the highest simulated rate that meets it.
    expect(goodputRateSummary(curve, testSlo)).toContain('at 8 req/s, the highest simulated rate');
  });

  it('plots KV occupancy in percent over time', () => {
    const [kv] = seriesOf(kvOccupancyOption(report.run.series, 'light'));
    expect(kv?.data?.[2]).toEqual([100, 60]);
    expect(kvOccupancySummary(report.run.series)).toContain('60 % at its peak (at 100 s)');
  });

  it('gives each model its own lane in the batch timeline', () => {
    const single = report.run.timeline;
    expect(timelineLanes(single)).toEqual(['']);
    const shared = testServingReport({ tenants: true }).run.timeline;
    expect(timelineLanes(shared)).toEqual(['chat', 'code']);
    expect(batchTimelineHeight(shared)).toBeGreaterThan(batchTimelineHeight(single));
    const option = batchTimelineOption(shared, 'dark');
    // Two series per lane: the prompt-token bars and the decoding step line.
    expect(seriesOf(option)).toHaveLength(4);
    // Every fifth step runs a prompt; the "chat" lane has the even steps, so steps 0, 10, 20, 30.
    const bars = seriesOf(option)[0]?.data;
    expect(bars).toHaveLength(4);
    expect(batchTimelineSummary(shared)).toMatch(/^chat: the 20 steps shown/);
  });
});
