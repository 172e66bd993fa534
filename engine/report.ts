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
  /**
   * The clock of the chip's voltage/frequency domain while the phase runs (after throttling to the power cap, or the
   * adaptive policy): the operating point's, or the units' own clock when they are all set below it.
   */
  clockHertz: number;
  /** The supply voltage at that clock, on the domain's V/f curve. */
  voltageVolts: number;
  /** Share of the time the unit runs: below 1 when a cap below the floor clock's power stalls it. */
  dutyCycle: number;
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

/** Where one chip's share of a split fits: the chips' own memory, only with host memory, or nowhere. */
export type SplitFit = 'device' | 'host' | 'none';

/** One split the automatic plan search evaluated, with the figures it was ranked by. */
export interface PlanCandidateReport {
  tensor: number;
  pipeline: number;
  expert: number;
  dataReplicas: number;
  chipsUsed: number;
  /** Sequences one replica runs. */
  batchPerReplica: number;
  /** System decode throughput at the workload's batch (tokens/s). */
  decodeTokensPerSecond: number;
  tpotSeconds: number;
  ttftSeconds: number;
  /** Decode energy per output token (J). */
  energyJoulesPerToken: number;
  fits: SplitFit;
  /** Whether its TPOT is within the workload's target (true when there is no target). */
  meetsTpotTarget: boolean;
}

/**
 * The automatic plan search: the split chosen and the next best, best first. Ranked by the TPOT target (splits
 * within it first), then system decode throughput, with throughputs within 0.5 % ranked by energy per token.
 */
export interface PlanReport {
  chosen: PlanCandidateReport;
  /** The next best splits (up to four), best first. */
  candidates: PlanCandidateReport[];
  /** Splits evaluated (those that fit where the best fit, device memory before host memory). */
  evaluated: number;
  /** The workload's TPOT target (s), when one is set. */
  tpotTargetSeconds: number | undefined;
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
  /** How the automatic plan search chose the split; absent for a manual split. */
  plan?: PlanReport;
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
  /** The error band of each headline figure, from the accuracy suite (`engine/figures/bands.ts`). */
  ranges?: ReportRanges;
  /** Area of one chip estimated block by block at its process node (`stages/area.ts`). */
  area?: AreaReport;
  /** What one chip and the system cost, and the cost per decode token/s (`stages/area.ts`). */
  cost?: CostReport;
}

/**
 * How far a headline figure may be off: the figure ± the median |error| of the published measurements of the
 * closest preset family and runtime (half the rows lay within it). Without rows, only `basis` says so.
 */
export interface FigureRange {
  /** The figure, in its SI unit. */
  value: number;
  /** value × (1 − median |error|), never below 0; absent without rows. */
  low?: number;
  /** value × (1 + median |error|); absent without rows. */
  high?: number;
  /** The median |error| the band is, in percent; absent without rows. */
  errorPercent?: number;
  /** Published rows behind it (0: none). */
  rows: number;
  /** In words: "±18 % on 212 published H100 rows", or why there is no band. */
  basis: string;
}

/** The band of every headline figure (the names of `engine/figures/headline.ts`). */
export interface ReportRanges {
  ttftSeconds: FigureRange;
  tpotSeconds: FigureRange;
  endToEndSeconds: FigureRange;
  prefillTokensPerSecond: FigureRange;
  decodeTokensPerSecond: FigureRange;
  requestOutputTokensPerSecond: FigureRange;
  prefillAveragePowerWatts: FigureRange;
  decodeAveragePowerWatts: FigureRange;
  decodeEnergyJoulesPerToken: FigureRange;
}

export type EvaluationResult = { ok: true; report: Report } | { ok: false; diagnostics: Diagnostic[] };

/** One block's share of the die: all its instances on one chip. */
export interface BlockAreaReport {
  blockId: string;
  name: string;
  typeId: string;
  /** Instances on one chip (group counts inside the chip multiply). */
  instances: number;
  /** Area of all its instances, m². */
  areaSquareMetres: number;
  /** Fraction of the estimated die. */
  share: number;
  /** How the area was found ("MACs and lanes …, local buffer …, control …"). */
  basis: string;
}

/** The die area of the chip the workload runs on. */
export interface AreaReport {
  chipId: string;
  /** The node of the chip's fabrication block (its type's default without one). */
  processNode: string;
  /** Sum of the blocks' estimated areas on one chip, m². */
  dieAreaSquareMetres: number;
  /** The die area the fabrication block states (a published figure), when it states one; the cost uses it. */
  statedDieAreaSquareMetres?: number;
  /** Largest first. */
  blocks: BlockAreaReport[];
  /** One chip's average decode power (the system's ÷ chips) over the die area costed, W/m² (1 W/mm² = 1e6). */
  powerDensityWattsPerSquareMetre: number;
  /** The highest power of one chip during decode over the same area, W/m². */
  peakPowerDensityWattsPerSquareMetre: number;
}

/** Cost of one chip and of the system, in US dollars (estimates: see each figure's library source). */
export interface CostReport {
  waferCostDollars: number;
  defectDensityPerSquareMetre: number;
  /** The negative-binomial yield model's α. */
  clusterParameter: number;
  waferDiameterMetres: number;
  /** π(d/2)²/A − πd/√(2A), whole dies. */
  grossDiesPerWafer: number;
  /** (1 + A·D0/α)^−α. */
  yield: number;
  /** Wafer cost ÷ (gross dies × yield). */
  dieDollars: number;
  /** The chip's DRAM (HBM, LPDDR, GDDR) by capacity. */
  memoryDollars: number;
  hbmStacks: number;
  /** Die plus HBM stack footprints; 0 without HBM (no interposer). */
  interposerAreaSquareMetres: number;
  packageDollars: number;
  boardDollars: number;
  /** Die + memory + package + board. */
  chipDollars: number;
  chips: number;
  systemDollars: number;
  /** System cost ÷ decode tokens/s; 0 when nothing is decoded. */
  dollarsPerTokenPerSecond: number;
  /** The answer in words. */
  sentence: string;
}
