/**
 * The report: what a simulation returns. Plain JSON; its keys are stable (the CLI's `--json` prints it,
 * see ARCHITECTURE.md, "The report"). All numbers in SI units.
 */
import type { Diagnostic } from './diagnostics';
import type { OperatorKind, TensorClass } from './operators';
import type { Workload } from './schema/workload';

/** What bound an operator or a phase: arithmetic, a memory level, chip-to-chip traffic, or fixed per-operator cost. */
export type Bound = 'compute' | 'memory' | 'communication' | 'overhead';

export interface OperatorReport {
  id: string;
  name: string;
  kind: OperatorKind;
  part: string;
  /** Runs per step on one chip. */
  repeat: number;
  /** The compute unit that ran it. */
  unitId: string;
  /** Seconds of all runs in the step (repeat × one run) at the clock reached. */
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  communicationSeconds: number;
  overheadSeconds: number;
  bound: Bound;
  /** The memory level that bound it, when memory did. */
  boundLevelId: string | undefined;
  /** Per run: multiply-accumulates × 2. */
  flops: number;
  /** Per run: bytes by tensor class. */
  bytes: Record<TensorClass, number>;
  /** FLOPs per byte moved. */
  arithmeticIntensity: number;
  /** FLOP/s while it runs. */
  achievedFlopsPerSecond: number;
  /** Energy of all runs in the step on one chip (dynamic only). */
  energyJoules: number;
}

export interface BlockReport {
  blockId: string;
  name: string;
  category: 'compute' | 'memory' | 'interconnect' | 'other';
  /** Fraction of the phase the block is busy (compute: of its peak; memory: of its bandwidth). */
  utilization: number;
  /** Average power of the block over the phase, for one chip (dynamic + static). */
  averagePowerWatts: number;
  /** What the block mostly did or limited. */
  bound: Bound | undefined;
}

export interface PhaseReport {
  /** Prefill: time to first token of the batch. Decode: time of one step. */
  seconds: number;
  tokensPerSecond: number;
  /** Average power of the whole system over the phase. */
  averagePowerWatts: number;
  /** Highest power of one chip during any operator of the phase (dynamic + static). */
  peakPowerWatts: number;
  energyJoules: number;
  energyJoulesPerToken: number;
  /** Clock reached (after throttling to the power cap, or the adaptive policy). */
  clockHertz: number;
  /** The operating point the clock was chosen from, and whether the cap throttled it. */
  operatingPoint: string | undefined;
  throttled: boolean;
  bound: Bound;
  boundLevelId: string | undefined;
  /** Share of the phase's time spent bound by each resource. */
  boundShares: Record<Bound, number>;
  operators: OperatorReport[];
  blocks: BlockReport[];
}

export interface DecodeReport extends PhaseReport {
  /** KV length of the reported step. */
  context: number;
  secondsPerStep: number;
}

export interface MemoryLevelReport {
  levelId: string;
  name: string;
  usage: 'storage' | 'cache';
  /** Bytes on one chip. */
  capacityBytes: number;
  /** Bytes held on one chip, by class (as stored, after compression). */
  used: Record<TensorClass, number>;
  bandwidthBytesPerSecond: number;
}

export interface MemoryReport {
  /** Nothing overflowed and no KV cache went to host memory the system shares. */
  fits: boolean;
  /**
   * Bytes one chip needs, as stored (compression and 2:4 indices included, as are the class figures below), and
   * has of its own memory (host memory the system shares excluded).
   */
  requiredBytesPerChip: number;
  availableBytesPerChip: number;
  weightsBytesPerChip: number;
  kvBytesPerChip: number;
  activationBytesPerChip: number;
  /**
   * Largest batch (whole system) whose KV cache fits at input + output tokens beside the weights in the chips'
   * own memory — host memory shared by the system does not count, as serving engines keep KV on the device.
   */
  maxBatch: number;
  /** Largest context (input + output tokens) whose KV cache fits the same way at the workload's batch. */
  maxContext: number;
  levels: MemoryLevelReport[];
}

export interface Report {
  format: 'tessera.report';
  version: 1;
  model: { id: string; name: string; parameters: number; activeParameters: number };
  workload: Workload;
  machine: {
    chipName: string;
    chips: number;
    /** The arithmetic class the workload's weight GEMMs run in (e.g. `fp8`). */
    computeClass: string;
    computeUnits: {
      id: string;
      name: string;
      instances: number;
      peakBf16FlopsPerSecond: number;
      peakFlopsPerSecond: number;
    }[];
  };
  parallelism: {
    tensor: number;
    pipeline: number;
    expert: number;
    dataReplicas: number;
    chipsUsed: number;
    automatic: boolean;
  };
  /** Batch one replica runs. */
  batchPerReplica: number;
  prefill: PhaseReport;
  decode: DecodeReport;
  /** One request end to end: time to first token, time per output token, and total. */
  request: {
    ttftSeconds: number;
    tpotSeconds: number;
    endToEndSeconds: number;
    outputTokensPerSecond: number;
  };
  memory: MemoryReport;
  power: {
    capWatts: number | undefined;
    policy: 'fixed' | 'adaptive';
    topClockHertz: number;
    systemStaticWatts: number;
  };
  /** The decode clock (the phase a server spends most of its time in). */
  clockHertz: number;
  /** One sentence per phase: what bound it and the number behind it. */
  bottleneck: { prefill: string; decode: string };
  diagnostics: Diagnostic[];
}

export type EvaluationResult = { ok: true; report: Report } | { ok: false; diagnostics: Diagnostic[] };
