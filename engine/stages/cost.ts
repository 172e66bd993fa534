/**
 * Stage 6 of the engine, **cost**: the time and energy of every operator on the compute unit that runs it, at
 * the top operating point — the `CostedGraph`.
 *
 *   time = dispatch overhead + max(compute time, memory time of each level) + access latency
 *
 * (a roofline with overlap: Williams, Waterman & Patterson, CACM 2009). Compute time accounts for how the
 * operator's shape fills the unit (the unit's cost model says how: array fill, tile and wave quantization,
 * split-K); memory time uses each path's sustained bandwidth; a GEMM whose operands do not fit the staging
 * buffer re-reads them (communication lower bound 2·M·N·K/√S elements: Hong & Kung 1981; Irony, Toledo &
 * Tiskin 2004). Collectives are costed by the chip network (ring all-reduce: Patarasuk & Yuan 2009). Each
 * operator goes to the unit that finishes it soonest, uses least energy, or is pinned, by the workload's policy, among
 * the units its runtime can use (`units.ts`).
 *
 * How costs combine is written once: time adds along a phase's operators, energy adds, and within an operator
 * the slowest resource bounds an overlapped step (`secondsAt`).
 */
import { blockModel } from '../blocks/registry';
import type { Diagnostic } from '../diagnostics';
import {
  compressionFor,
  selectedOperatingPoint,
  type Chip,
  type ChipNetwork,
  type ComputeUnit,
  type Machine,
} from '../machine';
import type { GemmShape, Operator, TensorClass } from '../operators';
import { tensorClasses } from '../operators';
import type { Bound } from '../report';
import type { Runtime } from '../schema/runtime';
import type { Workload } from '../schema/workload';
import { deviceOverheadSeconds, hostLaunchWaitSeconds } from './kernels';
import type { OperatorGraph } from './lower';
import type { ClassPlacement, Placement } from './map';
import type { NumberFormat } from '../schema/number-format';
import { addDequantization, weightDequantization, type WeightDequantization } from './dequant';
import type { Plan } from './plan';
import { chooseUnits, type UnitChoice } from './units';
import { sparsityLayout, TWO_FOUR, type SparsityLayout } from '../models/sparsity';
import { unitSparsitySpeedup } from './storage';

/** Time and energy of one run of an operator, with its parts, at the top operating point. */
export interface OperatorCost {
  unitIndex: number;
  /** Compute time at the top clock (scales with 1 / clock). */
  computeSeconds: number;
  /** Slowest memory level's time (does not scale with the core clock). */
  memorySeconds: number;
  /** Memory time per level index. */
  memorySecondsByLevel: number[];
  communicationSeconds: number;
  overheadSeconds: number;
  latencySeconds: number;
  /** The level whose time is `memorySeconds`, or -1. */
  memoryLevel: number;
  /** Bytes moved per level index, as stored (after compression). */
  bytesByLevel: number[];
  bytesByClass: Record<TensorClass, number>;
  /** Dynamic energy at the top voltage: scales with (V / V_top)². */
  computeJoules: number;
  /** Energy of moving bytes (memory, compression engines, chip network): not scaled by the core voltage. */
  transferJoules: number;
  /** MACs actually executed (after sparsity). */
  macs: number;
  /** Bytes each decompression unit on the way expands in one run, by block id; absent when none. */
  decompressed?: ReadonlyMap<string, Decompressed>;
}

/** Arithmetic classes narrower than BF16, whose efficiency a unit may scale (`lowPrecisionEfficiencyScale`). */
const narrowClasses = new Set(['fp8', 'int8', 'int4', 'fp4']);

/** Fraction of a unit's peak a GEMM of this shape can use (1 = fills it perfectly), as the unit's cost model says. */
export function shapeUtilization(unit: ComputeUnit, shape: GemmShape): number {
  return blockModel(unit.costModel)?.shapeUtilization?.(unit, shape) ?? 1;
}

/** Peak MACs per second of a unit for an operator's arithmetic at a clock scale of 1. */
export function peakMacsPerSecond(unit: ComputeUnit, operator: Operator): number {
  return unit.macsPerCycle[operator.computeClass] * unit.instances * unit.clockHertz;
}

/** Whether a unit can run an operator's arithmetic at all. */
export function unitSupports(unit: ComputeUnit, operator: Operator): boolean {
  return operator.macs === 0 || unit.macsPerCycle[operator.computeClass] > 0;
}

export interface CostContext {
  chip: Chip;
  network: ChipNetwork | undefined;
  placement: ClassPlacement;
  /** Scales DRAM bandwidth (a power mode that lowers the memory clock); 1 normally. */
  dramBandwidthScale: number;
  /** Weights are sparse: a unit with a sparsity engine runs their GEMMs `sparsitySpeedup` times faster. */
  sparseWeights: boolean;
  /** Their layout (`models/sparsity.ts`); absent = 2:4. */
  sparsity?: SparsityLayout | undefined;
  /** Block-quantized weights the units expand before multiplying (`dequant.ts`); undefined when none. */
  dequant?: WeightDequantization | undefined;
}

/** Ring collectives over `participants` chips (Patarasuk & Yuan 2009; Thakur, Rabenseifner & Gropp 2005). */
export function collectiveSeconds(
  operator: Operator,
  network: ChipNetwork | undefined,
): { seconds: number; bytesMoved: number } {
  const collective = operator.collective;
  if (!collective || collective.participants <= 1) return { seconds: 0, bytesMoved: 0 };
  if (!network) return { seconds: 0, bytesMoved: 0 };
  const p = collective.participants;
  let factor: number;
  let steps: number;
  switch (collective.kind) {
    case 'all-reduce':
      factor = (2 * (p - 1)) / p;
      steps = 2 * (p - 1);
      break;
    case 'all-to-all':
      factor = (p - 1) / p;
      steps = p - 1;
      break;
    case 'send-recv':
      factor = 1;
      steps = 1;
      break;
  }
  const bytesMoved = factor * collective.bytes;
  return {
    seconds: bytesMoved / network.bandwidthBytesPerSecond + steps * network.latencySeconds,
    bytesMoved,
  };
}

/**
 * Costs one run of an operator on one unit, at the top clock and voltage. The helpers fill in the cost they are
 * handed rather than return objects of their own: this runs for every operator on every unit of every evaluation,
 * and short-lived intermediate objects showed up as garbage-collection time.
 */
export function costOperator(operator: Operator, unitIndex: number, context: CostContext): OperatorCost {
  const unit = context.chip.units[unitIndex] as ComputeUnit;
  if (operator.kind === 'collective') return costCollective(operator, unit, unitIndex, context);
  const levelCount = context.chip.levels.length;
  const cost: OperatorCost = {
    unitIndex,
    computeSeconds: 0,
    memorySeconds: 0,
    memorySecondsByLevel: new Array<number>(levelCount).fill(0),
    communicationSeconds: 0,
    overheadSeconds: unit.dispatchOverheadSeconds,
    latencySeconds: 0,
    memoryLevel: -1,
    bytesByLevel: new Array<number>(levelCount).fill(0),
    // Written out rather than spread: a spread copies through V8's slow path on every operator.
    bytesByClass: {
      weights: operator.bytes.weights,
      kv: operator.bytes.kv,
      activations: operator.bytes.activations,
    },
    computeJoules: 0,
    transferJoules: 0,
    macs: 0,
  };
  const decompressed = storeBytes(operator, unitIndex, context, cost.bytesByLevel);
  addGemmRereads(operator, unitIndex, context.chip, cost.bytesByLevel);
  addMemoryTime(cost, decompressed, context);
  addComputeTime(cost, operator, unit, context);
  addDequantization(cost, operator, unitIndex, context);
  return cost;
}

/** Element-wise work of one run on the unit's vector path. */
function vectorSeconds(operator: Operator, unit: ComputeUnit): number {
  return operator.vectorOps / Math.max(1, unit.vectorOpsPerCycle * unit.instances * unit.clockHertz);
}

function costCollective(
  operator: Operator,
  unit: ComputeUnit,
  unitIndex: number,
  context: CostContext,
): OperatorCost {
  const levelCount = context.chip.levels.length;
  const { seconds, bytesMoved } = collectiveSeconds(operator, context.network);
  return {
    unitIndex,
    computeSeconds: vectorSeconds(operator, unit),
    memorySeconds: 0,
    memorySecondsByLevel: new Array<number>(levelCount).fill(0),
    communicationSeconds: seconds,
    overheadSeconds: seconds > 0 ? unit.dispatchOverheadSeconds : 0,
    latencySeconds: 0,
    memoryLevel: -1,
    bytesByLevel: new Array<number>(levelCount).fill(0),
    bytesByClass: { weights: 0, kv: 0, activations: 0 },
    computeJoules: operator.vectorOps * unit.energyJoulesPerVectorOp,
    transferJoules: bytesMoved * 8 * (context.network?.energyJoulesPerBit ?? 0),
    macs: 0,
  };
}

/** Bytes expanded by one decompression engine, with its throughput and energy. */
export interface Decompressed {
  bytes: number;
  throughput: number;
  energy: number;
}

/**
 * Bytes per level, into `bytesByLevel`: each class's bytes by where it lives, shrunk by compression on the path.
 * Returns what each decompression engine on the way expands (none on most paths).
 */
function storeBytes(
  operator: Operator,
  unitIndex: number,
  context: CostContext,
  bytesByLevel: number[],
): Map<string, Decompressed> | undefined {
  const paths = context.chip.paths[unitIndex] ?? [];
  let decompressed: Map<string, Decompressed> | undefined;
  for (const tensorClass of tensorClasses) {
    const logical = operator.bytes[tensorClass];
    if (logical <= 0) continue;
    for (const { levelIndex, fraction } of context.placement[tensorClass]) {
      const path = paths[levelIndex];
      if (!path) continue;
      let stored = logical * fraction;
      const compression = compressionFor(path, tensorClass);
      if (compression) {
        stored /= compression.ratio;
        decompressed ??= new Map();
        const entry = decompressed.get(compression.blockId) ?? {
          bytes: 0,
          throughput: compression.throughputBytesPerSecond,
          energy: compression.energyJoulesPerBit,
        };
        entry.bytes += logical * fraction;
        decompressed.set(compression.blockId, entry);
      }
      bytesByLevel[levelIndex] = (bytesByLevel[levelIndex] ?? 0) + stored;
    }
  }
  return decompressed;
}

/** GEMMs whose operands exceed the staging buffer re-read them (the Hong–Kung lower bound), in place. */
function addGemmRereads(operator: Operator, unitIndex: number, chip: Chip, bytesByLevel: number[]): void {
  if (!operator.gemm || operator.macs <= 0) return;
  const paths = chip.paths[unitIndex] ?? [];
  const elementBytes = operator.elementBytes;
  const compulsory = bytesByLevel.reduce((sum, value) => sum + value, 0);
  for (let levelIndex = 0; levelIndex < bytesByLevel.length; levelIndex += 1) {
    const path = paths[levelIndex];
    const bytes = bytesByLevel[levelIndex] ?? 0;
    if (!path || bytes <= 0 || compulsory <= 0) continue;
    const stagingElements = Math.max(1, path.stagingBytes / elementBytes);
    const bound = (2 * operator.macs * elementBytes) / Math.sqrt(stagingElements);
    if (bound > compulsory) bytesByLevel[levelIndex] = bytes * (bound / compulsory);
  }
}

/**
 * The slowest level's time (levels are read in parallel), the energy of every bit moved and the worst latency, into
 * `cost` (whose `bytesByLevel` is filled in).
 */
function addMemoryTime(
  cost: OperatorCost,
  decompressed: ReadonlyMap<string, Decompressed> | undefined,
  context: CostContext,
): void {
  const { chip } = context;
  const paths = chip.paths[cost.unitIndex] ?? [];
  const bytesByLevel = cost.bytesByLevel;
  for (let levelIndex = 0; levelIndex < bytesByLevel.length; levelIndex += 1) {
    const bytes = bytesByLevel[levelIndex] ?? 0;
    const path = paths[levelIndex];
    const memory = chip.levels[levelIndex];
    if (bytes <= 0 || !path || !memory) continue;
    // An operating point that lowers the memory clock scales DRAM's own bandwidth, whatever the path allows — and
    // the internal bandwidth of a block computing on its own DRAM.
    const bandwidth = !memory.dram
      ? path.bandwidthBytesPerSecond
      : Math.min(
          path.bandwidthBytesPerSecond,
          (path.ownMemory
            ? path.bandwidthBytesPerSecond
            : memory.bandwidthBytesPerSecond * memory.achievableBandwidthFraction) *
            context.dramBandwidthScale,
        );
    const levelSeconds = bytes / bandwidth;
    cost.memorySecondsByLevel[levelIndex] = levelSeconds;
    cost.transferJoules += bytes * 8 * path.energyJoulesPerBit;
    cost.latencySeconds = Math.max(cost.latencySeconds, path.latencySeconds);
    if (levelSeconds > cost.memorySeconds) {
      cost.memorySeconds = levelSeconds;
      cost.memoryLevel = levelIndex;
    }
  }
  if (!decompressed) return;
  cost.decompressed = decompressed;
  for (const entry of decompressed.values()) {
    cost.transferJoules += entry.bytes * 8 * entry.energy;
    cost.memorySeconds = Math.max(cost.memorySeconds, entry.bytes / entry.throughput);
  }
}

/** MACs at the unit's rate for the operator's arithmetic, derated by efficiency and shape, plus vector work, into `cost`. */
function addComputeTime(
  cost: OperatorCost,
  operator: Operator,
  unit: ComputeUnit,
  context: CostContext,
): void {
  const speedup =
    operator.sparse && context.sparseWeights ? unitSparsitySpeedup(unit, context.sparsity ?? TWO_FOUR) : 1;
  const macs = operator.macs / speedup;
  let computeSeconds = 0;
  if (macs > 0) {
    const peak = peakMacsPerSecond(unit, operator);
    const utilization = operator.gemm ? shapeUtilization(unit, operator.gemm) : 1;
    const efficiency =
      unit.computeEfficiency *
      (narrowClasses.has(operator.computeClass) ? unit.lowPrecisionEfficiencyScale : 1);
    // A shape that fills almost nothing still makes progress: the floor keeps the time finite.
    computeSeconds = peak > 0 ? macs / (peak * efficiency * Math.max(utilization, 1e-6)) : Infinity;
  }
  cost.computeSeconds = computeSeconds + vectorSeconds(operator, unit);
  cost.computeJoules =
    macs * unit.energyJoulesPerMac[operator.computeClass] + operator.vectorOps * unit.energyJoulesPerVectorOp;
  cost.macs = macs;
}

/** Seconds of one run at a clock scale (clock / top clock): compute stretches, memory and links do not. */
export function secondsAt(cost: OperatorCost, clockScale: number): number {
  return (
    cost.overheadSeconds +
    Math.max(cost.computeSeconds / clockScale, cost.memorySeconds) +
    cost.latencySeconds +
    cost.communicationSeconds
  );
}

/** What bound one run at a clock scale. */
export function boundAt(cost: OperatorCost, clockScale: number): Bound {
  const compute = cost.computeSeconds / clockScale;
  const parts: [Bound, number][] = [
    ['compute', compute >= cost.memorySeconds ? compute : 0],
    ['memory', cost.memorySeconds > compute ? cost.memorySeconds : 0],
    ['communication', cost.communicationSeconds],
    ['overhead', cost.overheadSeconds + cost.latencySeconds],
  ];
  return parts.reduce((best, part) => (part[1] > best[1] ? part : best))[0];
}

/** One operator and what it costs on the unit chosen for it. */
export interface CostedOperator {
  operator: Operator;
  cost: OperatorCost;
}

/** One phase on one chip: its stage's operators, how often a chip runs the stage, and how many stages a pass crosses. */
export interface CostedPhase {
  costed: CostedOperator[];
  /** Micro-batches each chip runs per phase. */
  runsPerChip: number;
  /** Pipeline stages a pass goes through one after another. */
  stages: number;
  /** Seconds added once per phase, during which the chip idles at static power (FPGA reconfiguration, host time). */
  extraSeconds: number;
}

/** The cost stage's answer: both phases, every operator on its unit, at the top operating point. */
export interface CostedGraph {
  prefill: CostedPhase;
  decode: CostedPhase;
}

export interface CostInput {
  machine: Machine;
  graph: OperatorGraph;
  plan: Plan;
  placement: Placement;
  workload: Workload;
  runtime: Runtime | undefined;
  /** The weights' stored format, whose dequantization the units pay (`dequant.ts`). */
  weightsFormat?: NumberFormat | undefined;
}

export function cost(input: CostInput, diagnostics: Diagnostic[]): CostedGraph {
  const { machine, plan, workload, runtime } = input;
  const { chip } = machine;
  const layout = sparsityLayout(workload);
  const sparse = layout !== undefined;
  if (layout && !chip.units.some((unit) => unitSparsitySpeedup(unit, layout) > 1))
    diagnostics.push({
      severity: 'info',
      code: 'sparsity-unused',
      message: `The weights are ${layout.pattern}-sparse but no compute unit has a sparsity engine for that pattern linked to it, so they are stored and run as dense.`,
    });
  const context: CostContext = {
    chip,
    network: machine.network,
    placement: input.placement.placement,
    dramBandwidthScale:
      selectedOperatingPoint(chip.power, workload.operatingPoint)?.memoryBandwidthScale ?? 1,
    sparseWeights: sparse,
    sparsity: layout,
    dequant: weightDequantization(input.weightsFormat, runtime),
  };
  const choice = chooseUnits(chip, workload, runtime, diagnostics);
  // Which units reach some memory: a question of the machine, asked once rather than per operator and unit.
  const reaches = chip.units.map((_, index) => (chip.paths[index] ?? []).some((path) => path !== undefined));
  const costAll = (operators: readonly Operator[]): CostedOperator[] => {
    const costed: CostedOperator[] = [];
    for (const operator of operators)
      costed.push({ operator, cost: costOnBestUnit(operator, context, plan, choice, reaches, runtime) });
    return costed;
  };
  const reconfiguration = Math.max(0, ...chip.units.map((unit) => unit.reconfigurationSeconds));
  // Host-side time per engine step (the runtime's scheduling and sampling).
  const stepOverhead = runtime?.stepOverheadSeconds ?? 0;
  const stages = plan.parallelism.pipeline;
  const prefill = costAll(input.graph.prefill);
  const decode = costAll(input.graph.decode);
  return {
    prefill: {
      costed: prefill,
      runsPerChip: 1,
      stages,
      extraSeconds: reconfiguration + stepOverhead + hostWait(prefill, runtime, 'prefill', stages),
    },
    decode: {
      costed: decode,
      runsPerChip: plan.microbatches,
      stages,
      extraSeconds: stepOverhead + hostWait(decode, runtime, 'decode', stages),
    },
  };
}

/** What the device waits for the host's kernel launches in one phase (engine/stages/kernels.ts). */
function hostWait(
  costed: readonly CostedOperator[],
  runtime: Runtime | undefined,
  phase: 'prefill' | 'decode',
  stages: number,
): number {
  if (!runtime?.kernels) return 0;
  const device = costed.reduce((sum, { operator, cost }) => sum + operator.repeat * secondsAt(cost, 1), 0);
  return hostLaunchWaitSeconds(
    costed.map(({ operator }) => operator),
    device,
    runtime,
    phase,
    stages,
  );
}

/** Whether an operator can go to a unit: its runtime runs there, it has the arithmetic, and it reaches memory. */
function usable(
  operator: Operator,
  unit: ComputeUnit,
  index: number,
  choice: UnitChoice,
  reaches: readonly boolean[],
): boolean {
  return (
    choice.allowed[index] === true &&
    unitSupports(unit, operator) &&
    (operator.kind === 'collective' || reaches[index] === true)
  );
}

/**
 * The operator on the pinned unit where it can run there, else on the unit that finishes it soonest (or uses least
 * energy, by the workload's policy), among the units its runtime runs on that support its arithmetic and reach
 * memory; the primary unit when none qualifies.
 */
function costOnBestUnit(
  operator: Operator,
  context: CostContext,
  plan: Plan,
  choice: UnitChoice,
  reaches: readonly boolean[],
  runtime: Runtime | undefined,
): OperatorCost {
  const { chip } = context;
  const pinned = choice.pinned === undefined ? undefined : chip.units[choice.pinned];
  let best: OperatorCost | undefined =
    pinned && choice.pinned !== undefined && usable(operator, pinned, choice.pinned, choice, reaches)
      ? costOperator(operator, choice.pinned, context)
      : undefined;
  let bestScore = Infinity;
  if (!best)
    for (let index = 0; index < chip.units.length; index += 1) {
      if (!usable(operator, chip.units[index] as ComputeUnit, index, choice, reaches)) continue;
      const candidate = costOperator(operator, index, context);
      const score =
        choice.score === 'least-energy'
          ? candidate.computeJoules + candidate.transferJoules
          : secondsAt(candidate, 1);
      if (score < bestScore) {
        bestScore = score;
        best = candidate;
      }
    }
  const chosen = best ?? costOperator(operator, plan.primaryUnit, context);
  // The device's gap per kernel, times the kernels the runtime runs the operator as.
  if (chosen.overheadSeconds > 0)
    chosen.overheadSeconds = deviceOverheadSeconds(
      operator,
      chip.units[chosen.unitIndex] as ComputeUnit,
      runtime,
    );
  // An eager runtime pays a host-side launch cost per operator on top of the unit's own dispatch.
  if (runtime && runtime.operatorOverheadSeconds > 0)
    chosen.overheadSeconds += runtime.operatorOverheadSeconds;
  return chosen;
}
