/**
 * The headline figures of a report — what a person reads first: latency (TTFT, TPOT, one request end to end),
 * throughput, power, energy per token, clock and whether the model fits. Picked and derived once, so the
 * exported report and the command line quote the same numbers under the same names. SI units.
 */
import type { Bound } from '../report';
import type { Report } from '../report';

/** The headline figures of one simulation. */
export interface ReportFigures {
  /** Time to first token: the prefill of the batch, seconds. */
  ttftSeconds: number;
  /** Time per output token: one decode step, seconds. */
  tpotSeconds: number;
  /** One request end to end: TTFT, then a decode step for every output token after the first, seconds. */
  endToEndSeconds: number;
  /** Sequences in the batch (whole system). */
  batch: number;
  /** KV length of the decode step the figures are for, tokens. */
  decodeContext: number;
  prefill: PhaseFigures;
  decode: PhaseFigures;
  /** Output tokens per second one request sees (1 / TPOT). */
  requestOutputTokensPerSecond: number;
  /** The highest power of one chip in either phase, watts. */
  peakChipPowerWatts: number;
  memory: MemoryFigures;
}

/** A phase's headline figures. */
export interface PhaseFigures {
  /** Tokens per second of the whole system. */
  tokensPerSecond: number;
  /** Average power of the whole system over the phase, watts. */
  averagePowerWatts: number;
  /** Energy of the whole phase, joules (prefill: the batch's prompts; decode: one step). */
  energyJoules: number;
  energyJoulesPerToken: number;
  /** The clock reached, after a power cap or the adaptive policy. */
  clockHertz: number;
  operatingPoint: string | undefined;
  /** Whether the power cap lowered the clock. */
  throttled: boolean;
  bound: Bound;
}

/** Whether the model fits, per chip. */
export interface MemoryFigures {
  fits: boolean;
  requiredBytesPerChip: number;
  availableBytesPerChip: number;
  /** The largest batch (whole system) whose KV cache fits beside the weights. */
  maxBatch: number;
  /** The largest context (tokens) that fits at the workload's batch. */
  maxContext: number;
}

/** The headline figures of a report. */
export function reportFigures(report: Report): ReportFigures {
  const phase = (which: 'prefill' | 'decode'): PhaseFigures => {
    const data = report[which];
    return {
      tokensPerSecond: data.tokensPerSecond,
      averagePowerWatts: data.averagePowerWatts,
      energyJoules: data.energyJoules,
      energyJoulesPerToken: data.energyJoulesPerToken,
      clockHertz: data.clockHertz,
      operatingPoint: data.operatingPoint,
      throttled: data.throttled,
      bound: data.bound,
    };
  };
  const { memory } = report;
  return {
    ttftSeconds: report.request.ttftSeconds,
    tpotSeconds: report.request.tpotSeconds,
    endToEndSeconds: report.request.endToEndSeconds,
    batch: report.workload.batch,
    decodeContext: report.decode.context,
    prefill: phase('prefill'),
    decode: phase('decode'),
    requestOutputTokensPerSecond: report.request.outputTokensPerSecond,
    peakChipPowerWatts: Math.max(report.prefill.peakPowerWatts, report.decode.peakPowerWatts),
    memory: {
      fits: memory.fits,
      requiredBytesPerChip: memory.requiredBytesPerChip,
      availableBytesPerChip: memory.availableBytesPerChip,
      maxBatch: memory.maxBatch,
      maxContext: memory.maxContext,
    },
  };
}
