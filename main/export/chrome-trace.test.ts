import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { defaultWorkload } from '../../engine/schema/workload';
import { reportToChromeTrace, type TraceEvent } from './chrome-trace';
import { presetDesign, run, scenarios, type Scenario } from './test-support';

const { catalog, h100, dgx } = await scenarios();
const runtimeScenario = run(
  catalog,
  'H100 + Llama 3 8B under vLLM',
  presetDesign(catalog, 'nvidia-h100-sxm'),
  {
    ...defaultWorkload('llama-3-8b'),
    runtime: 'vllm',
  },
);

const phases = [
  { key: 'prefill', pid: 1 },
  { key: 'decode', pid: 2 },
] as const;

function operatorEvents(events: readonly TraceEvent[], pid: number): TraceEvent[] {
  return events.filter((event) => event.ph === 'X' && event.pid === pid && event.cat !== 'host');
}

function end(event: TraceEvent): number {
  return (event.ts ?? 0) + (event.dur ?? 0);
}

function sumSeconds(report: Report, phase: 'prefill' | 'decode'): number {
  return report[phase].operators.reduce((sum, operator) => sum + operator.seconds, 0);
}

/** Relative closeness for sums of floating-point microseconds. */
function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe('reportToChromeTrace', () => {
  it.each([h100, dgx, runtimeScenario])(
    'lays out every run of every operator of $name',
    ({ report }: Scenario) => {
      const trace = reportToChromeTrace(report, catalog);
      expect(trace.displayTimeUnit).toBe('ns');
      // Plain JSON: what Perfetto and chrome://tracing load.
      expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
      expect(trace.otherData.truncated).toBe(false);
      let phaseStart = 0;
      for (const { key, pid } of phases) {
        const events = operatorEvents(trace.traceEvents, pid);
        for (const operator of report[key].operators) {
          const runs = events.filter((event) => event.args?.operatorId === operator.id);
          expect(runs).toHaveLength(operator.repeat);
          expect(runs.every((event) => event.args?.bound === operator.bound)).toBe(true);
          expect(runs.every((event) => event.args?.flopsPerRun === operator.flops)).toBe(true);
        }
        expect(events.length).toBe(report[key].operators.reduce((sum, operator) => sum + operator.repeat, 0));
        // The phase starts where the previous one ended, and its last operator ends after the sum of their times.
        close(events[0]?.ts ?? NaN, phaseStart);
        close(end(events.at(-1) ?? { name: '', ph: 'X', pid }), phaseStart + sumSeconds(report, key) * 1e6);
        const phaseEvents = trace.traceEvents.filter((event) => event.ph === 'X' && event.pid === pid);
        const phaseEnd = Math.max(...phaseEvents.map(end));
        close(phaseEnd, phaseStart + Math.max(report[key].seconds, sumSeconds(report, key)) * 1e6);
        phaseStart = phaseEnd;
      }
    },
  );

  it.each([h100, dgx])(
    'keeps the events of each thread of $name apart and names every thread',
    ({ report }: Scenario) => {
      const trace = reportToChromeTrace(report);
      const complete = trace.traceEvents.filter((event) => event.ph === 'X');
      for (const event of complete) {
        expect(Number.isFinite(event.ts)).toBe(true);
        expect(event.dur ?? -1).toBeGreaterThanOrEqual(0);
      }
      const threads = new Map<string, TraceEvent[]>();
      for (const event of complete) {
        const key = `${event.pid}/${event.tid}`;
        const list = threads.get(key) ?? [];
        list.push(event);
        threads.set(key, list);
      }
      for (const events of threads.values()) {
        const sorted = [...events].sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
        sorted.slice(1).forEach((event, index) => {
          const previous = sorted[index];
          expect(event.ts ?? 0).toBeGreaterThanOrEqual(end(previous ?? event) - 1e-6);
        });
      }
      const named = (name: string): Set<string> =>
        new Set(
          trace.traceEvents
            .filter((event) => event.ph === 'M' && event.name === name)
            .map((event) => `${event.pid}/${event.tid}`),
        );
      const threadNames = named('thread_name');
      for (const key of threads.keys()) expect(threadNames.has(key)).toBe(true);
      expect(named('process_name')).toEqual(new Set(['1/undefined', '2/undefined']));
      // Collectives run on the chip network's thread, not on a compute unit's.
      const collectives = complete.filter((event) => event.cat === 'collective');
      const networkTid = report.machine.computeUnits.length + 1;
      expect(collectives.every((event) => event.tid === networkTid)).toBe(true);
      if (report.parallelism.tensor > 1) expect(collectives.length).toBeGreaterThan(0);
    },
  );

  it('merges the later runs of each operator beyond the cap, keeping the timeline whole', () => {
    const cap = 50;
    const trace = reportToChromeTrace(dgx.report, catalog, { maxEventsPerPhase: cap });
    expect(trace.otherData.truncated).toBe(true);
    expect(String(trace.otherData.truncation)).toContain(String(cap));
    let phaseStart = 0;
    for (const { key, pid } of phases) {
      const events = operatorEvents(trace.traceEvents, pid);
      expect(events.length).toBeLessThanOrEqual(cap);
      for (const operator of dgx.report[key].operators) {
        const runs = events
          .filter((event) => event.args?.operatorId === operator.id)
          .reduce(
            (sum, event) => sum + (typeof event.args?.mergedRuns === 'number' ? event.args.mergedRuns : 1),
            0,
          );
        expect(runs).toBe(operator.repeat);
      }
      close(end(events.at(-1) ?? { name: '', ph: 'X', pid }), phaseStart + sumSeconds(dgx.report, key) * 1e6);
      phaseStart = Math.max(
        ...trace.traceEvents.filter((event) => event.ph === 'X' && event.pid === pid).map(end),
      );
    }
  });

  it('puts the runtime’s host time per step on the host thread', () => {
    const trace = reportToChromeTrace(runtimeScenario.report);
    const host = trace.traceEvents.filter((event) => event.cat === 'host');
    expect(host).toHaveLength(2);
    expect(host.every((event) => event.tid === runtimeScenario.report.machine.computeUnits.length + 2)).toBe(
      true,
    );
  });
});
