import { describe, expect, it } from 'vitest';
import type { DvfsReport } from '../../../engine/report';
import { dvfsTimelineOption, dvfsTimelineSummary, segmentLabel } from './dvfs-timeline';

const segment = (phase: 'prefill' | 'decode' | 'idle', label: string, watts: number) => ({
  phase,
  label,
  startSeconds: 0,
  seconds: 0.5,
  steps: phase === 'decode' ? 4 : 0,
  systemWatts: watts,
  clocks: [
    { kind: 'compute' as const, clockHertz: 1e9 },
    { kind: 'memory' as const, clockHertz: 3.2e9 },
  ],
});

const dvfs = {
  timeline: [
    segment('prefill', 'Prefill', 3),
    segment('decode', 'Decode steps 1–4', 4),
    segment('idle', 'Idle', 2),
  ],
} as DvfsReport;

describe('the DVFS timeline chart', () => {
  it('draws one power bar per segment and one clock line per domain, with short labels', () => {
    const option = dvfsTimelineOption(dvfs, 'light');
    const series = Array.isArray(option.series) ? option.series : [];
    expect(series.map((entry) => entry.name)).toEqual(['System power', 'Compute clock', 'Memory clock']);
    expect(dvfs.timeline.map(segmentLabel)).toEqual(['Prefill', '1–4', 'Idle']);
    expect(option.animation).toBe(false);
  });

  it('says every segment’s time, power and clocks to a screen reader', () => {
    expect(dvfsTimelineSummary(dvfs)).toBe(
      'Prefill: 500 ms at 3 W, compute 1 GHz, memory 3.2 GHz; Decode steps 1–4: 500 ms at 4 W, compute 1 GHz, memory 3.2 GHz; Idle: 500 ms at 2 W, compute 1 GHz, memory 3.2 GHz.',
    );
  });
});
