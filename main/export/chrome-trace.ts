/**
 * A report as a timeline in the Chrome Trace Event Format (JSON object form), which Perfetto
 * (ui.perfetto.dev) and chrome://tracing open: one prefill step, then one decode step, as seen by one chip.
 *
 * Layout: one process per phase; one thread per compute unit, one for the chip network (collectives run
 * there, not on a unit) and one for the host-side time of the step (runtime step overhead, FPGA
 * reconfiguration) when the report has any. Every run of every operator is a complete event (`ph: "X"`,
 * `ts`/`dur` in microseconds): an operator with `repeat` 80 (one per layer) is 80 consecutive events. The
 * engine runs operators one after another, so the events follow each other in report order.
 */
import type { CatalogIndex } from '../../engine/catalog';
import { formatFlopCount, formatFlops } from '../../engine/figures';
import type { OperatorReport, PhaseReport, Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';

/** One event of the Trace Event Format. */
export interface TraceEvent {
  name: string;
  cat?: string;
  ph: 'X' | 'M';
  /** Microseconds from the start of the trace. */
  ts?: number;
  /** Microseconds. */
  dur?: number;
  pid: number;
  tid?: number;
  args?: Record<string, unknown>;
}

/** The JSON object form of a trace. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, unknown>;
}

/** Options of `reportToChromeTrace`. */
export interface ChromeTraceOptions {
  /** Most operator events per phase; runs beyond it are merged (see `reportToChromeTrace`). Default 20,000. */
  maxEventsPerPhase?: number;
}

const DEFAULT_MAX_EVENTS = 20_000;
const MICROSECONDS = 1e6;

/** How many single-run events each operator gets when the phase's runs exceed the cap. */
function singleRunsPerOperator(operators: readonly OperatorReport[], cap: number): number {
  const runs = operators.reduce((sum, operator) => sum + Math.max(1, operator.repeat), 0);
  if (runs <= cap) return Infinity;
  // Each capped operator spends one event on its merged tail, so it gets one fewer single run.
  return Math.max(0, Math.floor(cap / Math.max(1, operators.length)) - 1);
}

interface PhaseLayout {
  events: TraceEvent[];
  /** Microseconds at which the last operator event ends. */
  operatorsEnd: number;
  /** Microseconds at which the phase ends (after any host time). */
  end: number;
  truncated: boolean;
  operatorEvents: number;
}

function layoutPhase(
  phase: PhaseReport,
  pid: number,
  start: number,
  threadOf: (operator: OperatorReport) => number,
  hostTid: number,
  cap: number,
): PhaseLayout {
  const events: TraceEvent[] = [];
  const singles = singleRunsPerOperator(phase.operators, cap);
  let truncated = false;
  // Times accumulate in seconds and are converted once per event, so rounding does not build up.
  let elapsedSeconds = 0;
  const at = (seconds: number): number => start + seconds * MICROSECONDS;
  for (const operator of phase.operators) {
    const runs = Math.max(1, operator.repeat);
    const perRun = operator.seconds / runs;
    const tid = threadOf(operator);
    const common = {
      flopsPerRun: operator.flops,
      bytesPerRun: operator.bytes.weights + operator.bytes.kv + operator.bytes.activations,
      bytesByClass: operator.bytes,
      bound: operator.bound,
      boundLevel: operator.boundLevelId ?? null,
      arithmeticIntensity: operator.arithmeticIntensity,
      achieved: formatFlops(operator.achievedFlopsPerSecond),
      flops: formatFlopCount(operator.flops),
      unit: operator.unitId,
      kind: operator.kind,
      operatorId: operator.id,
    };
    /** One complete event of `count` consecutive runs, starting where the last one ended. */
    const span = (name: string, count: number, args: Record<string, unknown>): void => {
      const from = at(elapsedSeconds);
      elapsedSeconds += perRun * count;
      events.push({
        name,
        cat: operator.kind,
        ph: 'X',
        ts: from,
        dur: at(elapsedSeconds) - from,
        pid,
        tid,
        args: { ...common, ...args, runs, time: formatQuantity(perRun * count, 'seconds') },
      });
    };
    const single = Math.min(runs, singles);
    for (let run = 0; run < single; run += 1) span(operator.name, 1, { run: run + 1 });
    const rest = runs - single;
    if (rest > 0) {
      truncated = true;
      span(`${operator.name} ×${rest}`, rest, { run: `${single + 1}–${runs}`, mergedRuns: rest });
    }
  }
  const operatorEvents = events.length;
  const operatorsEnd = at(elapsedSeconds);
  // The phase's time beyond its operators: the runtime's host time per step and FPGA reconfiguration.
  const hostSeconds = phase.seconds - elapsedSeconds;
  let end = operatorsEnd;
  if (hostSeconds > phase.seconds * 1e-9 && hostSeconds > 0) {
    end = at(phase.seconds);
    events.push({
      name: 'Host and step overhead',
      cat: 'host',
      ph: 'X',
      ts: operatorsEnd,
      dur: end - operatorsEnd,
      pid,
      tid: hostTid,
      args: { time: formatQuantity(hostSeconds, 'seconds') },
    });
  }
  return { events, operatorsEnd, end, truncated, operatorEvents };
}

function metadata(
  name: 'process_name' | 'process_sort_index' | 'thread_name' | 'thread_sort_index',
  pid: number,
  value: string | number,
  tid?: number,
): TraceEvent {
  const args = name.endsWith('_name') ? { name: value } : { sort_index: value };
  return tid === undefined ? { name, ph: 'M', pid, args } : { name, ph: 'M', pid, tid, args };
}

/**
 * Builds the trace of one prefill step followed by one decode step. Operator events carry `args` with the
 * FLOPs and bytes of one run, what bound it and its achieved FLOP/s. When a phase has more runs than
 * `maxEventsPerPhase`, each operator keeps its first runs as single events and merges the rest into one event
 * named "name ×n", so the timeline still adds up; `otherData.truncated` then says so. The catalog, when given,
 * adds the model's source to `otherData`.
 */
export function reportToChromeTrace(
  report: Report,
  catalog?: CatalogIndex,
  options: ChromeTraceOptions = {},
): ChromeTrace {
  const cap = Math.max(1, Math.floor(options.maxEventsPerPhase ?? DEFAULT_MAX_EVENTS));
  const units = report.machine.computeUnits;
  const networkTid = units.length + 1;
  const hostTid = units.length + 2;
  const unitTid = new Map(units.map((unit, index) => [unit.id, index + 1]));
  const threadOf = (operator: OperatorReport): number =>
    operator.kind === 'collective' ? networkTid : (unitTid.get(operator.unitId) ?? 1);

  const phases = [
    {
      key: 'prefill' as const,
      pid: 1,
      title: `Prefill (time to first token, ${formatQuantity(report.prefill.seconds, 'seconds')})`,
    },
    {
      key: 'decode' as const,
      pid: 2,
      title: `Decode (one step at context ${formatQuantity(report.decode.context, 'count')}, ${formatQuantity(report.decode.secondsPerStep, 'seconds')})`,
    },
  ];
  const events: TraceEvent[] = [];
  const summary: Record<string, unknown> = {};
  let start = 0;
  let truncated = false;
  for (const phase of phases) {
    const data = report[phase.key];
    events.push(
      metadata('process_name', phase.pid, phase.title),
      metadata('process_sort_index', phase.pid, phase.pid),
    );
    units.forEach((unit, index) => {
      events.push(
        metadata(
          'thread_name',
          phase.pid,
          `${unit.name} ×${formatQuantity(unit.instances, 'count')}`,
          index + 1,
        ),
        metadata('thread_sort_index', phase.pid, index + 1, index + 1),
      );
    });
    events.push(
      metadata('thread_name', phase.pid, 'Chip network (collectives)', networkTid),
      metadata('thread_sort_index', phase.pid, networkTid, networkTid),
      metadata('thread_name', phase.pid, 'Host', hostTid),
      metadata('thread_sort_index', phase.pid, hostTid, hostTid),
    );
    const layout = layoutPhase(data, phase.pid, start, threadOf, hostTid, cap);
    events.push(...layout.events);
    truncated ||= layout.truncated;
    summary[phase.key] = {
      startMicroseconds: start,
      operatorsEndMicroseconds: layout.operatorsEnd,
      endMicroseconds: layout.end,
      reportedSeconds: data.seconds,
      operatorEvents: layout.operatorEvents,
    };
    start = layout.end;
  }

  const model = catalog?.models.get(report.model.id);
  return {
    traceEvents: events,
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'Tessera',
      model: report.model.name,
      modelSource: model?.source.url ?? model?.source.citation ?? null,
      chip: report.machine.chipName,
      chips: report.machine.chips,
      batch: report.workload.batch,
      inputTokens: report.workload.inputTokens,
      outputTokens: report.workload.outputTokens,
      formats: {
        weights: report.workload.weights,
        activations: report.workload.activations,
        kv: report.workload.kv,
      },
      parallelism: report.parallelism,
      view: 'One chip: one prefill step, then one decode step. Operators run one after another; each run of a repeated operator (one per layer) is its own event. With pipeline parallelism the phase time counts every stage and micro-batch.',
      maxEventsPerPhase: cap,
      truncated,
      truncation: truncated
        ? `A phase had more operator runs than ${cap}; the later runs of each operator are merged into one event named "name ×n".`
        : null,
      phases: summary,
    },
  };
}
