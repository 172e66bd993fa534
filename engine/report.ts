/**
 * The report: what a simulation returns. Plain JSON; its keys are stable (the CLI's `--json` prints it,
 * see ARCHITECTURE.md, "The report"). All numbers in SI units.
 */
import type { Diagnostic } from './diagnostics';
import type { DomainKind, DvfsPolicy } from './machine';
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
    policy: DvfsPolicy;
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
  /** Where each tensor class lives and why, the traffic per level, streamed copies (`stages/hierarchy.ts`). */
  memoryHierarchy?: MemoryHierarchyReport;
  /** Compression units, stored formats and sparsity, present when the design or the workload compresses. */
  compression?: CompressionReport;
  /** An FPGA block's configurations and the one chosen per phase; absent for a design without configurations. */
  reconfiguration?: ReconfigurationReport;
  /**
   * Adaptive hardware: each voltage/frequency domain's clock per phase and why, the comparison with the top clocks,
   * idle power, energy per day and battery life for a request rate, and a power/clock timeline of one request.
   * Present when the chip has a DVFS domain or the workload sets a DVFS policy, TTFT target or request rate.
   */
  dvfs?: DvfsReport;
  /**
   * A design with several different chip groups: the operators placed across them by the workload's `placement`
   * (`stages/hetero.ts`). The headline figures above (prefill, decode, request and the bottleneck sentences) are the
   * placement's (`stages/hetero-headline.ts`); the per-operator and per-block lists, memory, clock and bound are
   * the primary group's alone (`heterogeneous.breakdowns` names it).
   */
  heterogeneous?: HeterogeneousReport;
  /** Area of one chip estimated block by block at its process node (`stages/area.ts`). */
  area?: AreaReport;
  /** What one chip and the system cost, and the cost per decode token/s (`stages/area.ts`). */
  cost?: CostReport;
}

/** One storage level of one chip: what each class occupies there and the bytes each moves through it. */
export interface MemoryHierarchyLevelReport {
  levelId: string;
  name: string;
  /** Host (or CXL) memory shared by the system, not the chip's own. */
  hostShared: boolean;
  capacityBytes: number;
  /** Bytes held per class, as stored (a streamed class's double buffer counted in the staging level). */
  occupancyBytes: Record<TensorClass, number>;
  /** Bytes moved per class in the prefill (one pass of a stage), as stored. */
  prefillBytes: Record<TensorClass, number>;
  /** Bytes moved per class in one decode step (one pass of a stage), as stored. */
  decodeBytesPerStep: Record<TensorClass, number>;
}

/** One class copied layer by layer from a slower level into the fastest, with its timing per phase. */
export interface MemoryStreamReport {
  tensorClass: TensorClass;
  sourceLevelId: string;
  stagingLevelId: string;
  /** Two layers' worth, as stored. */
  bufferBytes: number;
  layers: number;
  prefillBytesPerLayer: number;
  decodeBytesPerLayer: number;
  prefillLoadSecondsPerLayer: number;
  decodeLoadSecondsPerLayer: number;
  prefillComputeSecondsPerLayer: number;
  decodeComputeSecondsPerLayer: number;
  /** Share of layers whose copy hides under the previous layer's compute in decode. */
  decodeHiddenLayerShare: number;
  /** The same in the prefill. */
  prefillHiddenLayerShare: number;
}

/** The memory-hierarchy policy's effect (issue 16 §4). */
export interface MemoryHierarchyReport {
  policy: {
    weights: 'auto' | 'pin' | 'stream';
    kv: 'auto' | 'pin' | 'stream';
    prefetch: boolean;
    kvBlockTokens?: number;
  };
  levels: MemoryHierarchyLevelReport[];
  /** Per class: the policy applied, the levels holding it, and a sentence saying why. */
  classes: {
    tensorClass: TensorClass;
    placement: 'auto' | 'pin' | 'stream';
    levelIds: string[];
    reason: string;
  }[];
  streams: MemoryStreamReport[];
  /** Copy time that does not hide under compute, added to each phase. */
  exposedTransfer: { prefillSeconds: number; decodeSecondsPerStep: number };
  /** Paged KV cache: half a block of empty tokens per sequence, on average. */
  paging?: { blockTokens: number; wastedTokensPerSequence: number; wastedBytesPerChip: number };
  /** The reasons in one paragraph. */
  summary: string;
}

/** One configuration (bitstream) of a reconfigurable fabric, with what the engine measured of it. */
export interface ConfigurationReport {
  name: string;
  /** Operator classes it accelerates (`gemm`, `gemv`, `attention`). */
  accelerates: string[];
  dspSlices: number;
  luts: number;
  bramBlocks: number;
  uramBlocks: number;
  clockHertz: number;
  bitstreamBytes: number;
  /** Bitstream bytes ÷ configuration port bandwidth. */
  loadSeconds: number;
  /** Load seconds × the system's static power. */
  loadEnergyJoules: number;
  /** Prefill time of the batch in this configuration; absent where it cannot serve prefill or was refused. */
  prefillSeconds: number | undefined;
  /** Time of one decode step in this configuration; absent where it cannot serve decode or was refused. */
  decodeSecondsPerStep: number | undefined;
  /** Over-subscribes the fabric's resources (an error diagnostic names it). */
  refused: boolean;
}

/**
 * Reconfigurable fabric (`engine/stages/reconfiguration.ts`): the configuration chosen per phase under the
 * workload's policy, what switching costs a request, and the break-even in output tokens per request.
 */
export interface ReconfigurationReport {
  blockId: string;
  blockName: string;
  policy: 'never' | 'per-phase' | 'auto';
  /** Output tokens per request the choice was made for. */
  outputTokens: number;
  /** Configuration port width ÷ 8 × its clock. */
  configurationPortBytesPerSecond: number;
  configurations: ConfigurationReport[];
  prefillConfiguration: string;
  decodeConfiguration: string;
  /** 0 when one configuration runs both phases, else 2 (to decode and back). */
  loadsPerRequest: number;
  /** Seconds each request (batch) spends loading configurations. */
  reconfigurationSeconds: number;
  reconfigurationEnergyJoules: number;
  /** 1 + (load(prefill) + load(decode)) ÷ decode seconds saved per token; absent when switching never pays. */
  breakEvenOutputTokens: number | undefined;
  /** The answer in words: "Reconfiguring to 'decode-gemv' pays off above 42 output tokens per request …". */
  sentence: string;
}

/** The operators of a model placed across several different chip groups, and what it costs. */
export interface HeterogeneousReport {
  policy: 'fastest' | 'least-energy' | 'by-class' | 'by-layers';
  /** Whether a crossing hides under the receiving group's next operator (`double-buffered`) or adds (`serial`). */
  overlap: 'double-buffered' | 'serial';
  ttftSeconds: number;
  tpotSeconds: number;
  /** TTFT + (output tokens − 1) × TPOT. */
  endToEndSeconds: number;
  prefillEnergyJoules: number;
  decodeEnergyJoulesPerToken: number;
  /** Prefill energy + (output tokens − 1) × decode step energy. */
  requestEnergyJoules: number;
  /** Every group holds its share of weights and KV cache. */
  fits: boolean;
  /** Each chip group: what runs there, its busy time and energy (static included) and their shares. */
  groups: {
    groupId: string;
    name: string;
    chips: number;
    classes: ('embedding' | 'attention' | 'ffn' | 'head')[];
    prefillBusySeconds: number;
    decodeBusySeconds: number;
    prefillTimeShare: number;
    decodeTimeShare: number;
    prefillEnergyJoules: number;
    /** Energy of one decode step. */
    decodeEnergyJoules: number;
    prefillEnergyShare: number;
    decodeEnergyShare: number;
    /** Bytes of weights and KV cache its operators need (one copy over its chips), and what its chips have. */
    heldBytes: number;
    capacityBytes: number;
  }[];
  /** Runs of layers of one operator class on one group (embedding is layer 0, the head the last layer). */
  assignment: {
    operatorClass: 'embedding' | 'attention' | 'ffn' | 'head';
    firstLayer: number;
    lastLayer: number;
    groupId: string;
  }[];
  /** The activations crossing between groups: per crossing bytes, per step seconds and joules. */
  transfer: {
    prefillBytesPerCrossing: number;
    decodeBytesPerCrossing: number;
    crossingsPerStep: number;
    prefillSeconds: number;
    /** What the double buffering did not hide (all of it when serial). */
    prefillExposedSeconds: number;
    decodeSeconds: number;
    decodeExposedSeconds: number;
    prefillEnergyJoules: number;
    decodeEnergyJoules: number;
    links: {
      fromGroupId: string;
      toGroupId: string;
      /** Absent when nothing on the route states a bandwidth. */
      bandwidthBytesPerSecond?: number;
      latencySeconds: number;
      energyJoulesPerBit: number;
      via: string[];
    }[];
  };
  /** Each group running everything alone (other groups idle), for comparison. */
  alone: {
    groupId: string;
    name: string;
    ttftSeconds: number;
    tpotSeconds: number;
    decodeEnergyJoulesPerToken: number;
    requestEnergyJoules: number;
    fits: boolean;
  }[];
  /** The placement in words, compared with the primary group alone. */
  sentence: string;
  /**
   * The group whose figures the report's per-operator and per-block lists, memory, clock, voltage and bound
   * describe (the primary group, evaluated alone); the headline figures are the placement's.
   */
  breakdowns: { groupId: string; name: string };
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

/** What one compression unit of the chip does in decode, and what the design would be without it. */
export interface CompressionUnitReport {
  blockId: string;
  name: string;
  /** A weight decompressor, a KV-cache compressor or a sparsity engine. */
  kind: 'weights' | 'kv' | 'sparsity';
  /** Instances on one chip. */
  instances: number;
  /** Logical bytes ÷ stored bytes of what it serves (a sparsity engine: dense matrix bytes ÷ stored). */
  compressionRatio: number;
  /** Expanded bytes per second all instances deliver. */
  throughputBytesPerSecond: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
  /** Area of its instances on one chip, from the block model. */
  areaSquareMetres: number;
  /** Expanded bytes it delivers per decode step on one chip. */
  decodeBytesPerStep: number;
  /** Seconds it needs for them, and that as a share of the decode step. */
  decodeBusySeconds: number;
  decodeUtilization: number;
  decodeEnergyJoulesPerStep: number;
  /** Expanded bytes per second the memory behind it can feed it (path bandwidth × ratio); 0 when none. */
  feedBytesPerSecond: number;
  /** Slower than the memory feeding it and busy most of the decode step: it paces decode. */
  boundsDecode: boolean;
  /** The same design without this unit (bypassed by a plain link), evaluated the same way. */
  without?: {
    tpotSeconds: number;
    decodeEnergyJoulesPerToken: number;
    maxBatch: number;
    weightsBytesPerChip: number;
    kvBytesPerChip: number;
    fits: boolean;
  };
  /** One sentence: what the unit changes (TPOT, energy, batch, area) and whether it bounds decode. */
  sentence: string;
}

/** The compression section of a report (`engine/stages/compression.ts`). */
export interface CompressionReport {
  /** The weights as stored: the format's value and metadata bits, and sparsity with its index bits. */
  weights: {
    format: string;
    valueBitsPerWeight: number;
    /** Scales, zero points and super-block constants per weight. */
    metadataBitsPerWeight: number;
    sparsity: Workload['weightSparsity'];
    /** Share of the matrix weights kept (1 when dense). */
    density: number;
    indexBitsPerWeight: number;
    /** The matrices are stored sparse (a matching sparsity engine reads them); else dense. */
    storedSparse: boolean;
    /** Stored bits per matrix weight, all included. */
    storedBitsPerWeight: number;
    /** Share of the decode step's multiply-accumulates the sparsity engine skips. */
    decodeMacsSkippedShare: number;
  };
  /** Where block-quantized weights are expanded, and the cost of each way per decode step on one chip. */
  expansion: {
    where: 'memory-path' | 'compute' | 'none';
    memoryPath: { seconds: number; energyJoules: number } | undefined;
    compute: { vectorOps: number; seconds: number; energyJoules: number } | undefined;
    sentence: string;
  };
  units: CompressionUnitReport[];
  /** The answer: what the compression units change, in one sentence. */
  sentence: string;
}

/** One domain's clock in a phase and why the policy chose it. */
export interface DvfsDomainPoint {
  kind: DomainKind;
  blockId: string | undefined;
  name: string;
  clockHertz: number;
  voltageVolts: number;
  topClockHertz: number;
  reason: string;
}

/** One phase under the DVFS policy, compared with every domain at its top clock. */
export interface DvfsPhaseReport {
  /** The phase's target (TTFT for prefill, TPOT for decode), when one is set. */
  targetSeconds: number | undefined;
  targetMet: boolean;
  /** Time of the phase (prefill: TTFT; decode: one step) at the chosen clocks, and at the top clocks. */
  seconds: number;
  topSeconds: number;
  /** Energy of the whole system over the phase at the chosen clocks, and at the top clocks. */
  energyJoules: number;
  topEnergyJoules: number;
  /** energy / top energy (below 1: the chosen clocks save energy). */
  energyRatioToTop: number;
  /** seconds / top seconds (above 1: the chosen clocks are slower). */
  secondsRatioToTop: number;
  /** The compute domain first, then the memory and interconnect domains. */
  domains: DvfsDomainPoint[];
}

/** One stretch of the request timeline: the prefill, one decode step or a group of them, or idle. */
export interface DvfsTimelineSegment {
  phase: 'prefill' | 'decode' | 'idle';
  label: string;
  startSeconds: number;
  seconds: number;
  /** Decode steps in the segment (0 for prefill and idle). */
  steps: number;
  /** Power of the whole system over the segment. */
  systemWatts: number;
  /** Each domain's clock (compute first); idle: the clock the domain idles at. */
  clocks: { kind: DomainKind; clockHertz: number }[];
}

/** A day of requests at a steady rate: energy, average power and battery life. */
export interface DvfsDutyReport {
  requestsPerHour: number;
  /** Busy time of one request (the batch's end-to-end time shared by its requests). */
  requestSeconds: number;
  energyJoulesPerRequest: number;
  /** Share of the day the device is busy (1 when the rate exceeds what it can serve). */
  activeFraction: number;
  /** Requests served × energy per request + idle power × idle time, over 86 400 s. */
  energyJoulesPerDay: number;
  averagePowerWatts: number;
  /** The rate is more than the device can serve: it is busy all day and serves fewer. */
  saturated: boolean;
  batteryJoules: number | undefined;
  /** Battery energy / average power. */
  batteryLifeSeconds: number | undefined;
  /** "At 60 requests per hour the device averages 4.1 W: 98 kJ per day; the 216 kJ battery lasts 14.6 h." */
  sentence: string;
}

export interface DvfsReport {
  policy: DvfsPolicy;
  prefill: DvfsPhaseReport;
  decode: DvfsPhaseReport;
  /** Power of the whole system idle between requests, and how it was found. */
  idle: { powerWatts: number; basis: string };
  duty: DvfsDutyReport | undefined;
  /** One request: the prefill, the decode steps (grouped when many), and the idle time until the next. */
  timeline: DvfsTimelineSegment[];
  /** "Decode at 1.1 GHz instead of 1.83 GHz saves 31 % energy per token for 2 % more TPOT." */
  answer: string;
}
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
