/**
 * Stage 4 of the engine, cost: the time and energy of one operator on one compute unit.
 *
 *   time = dispatch overhead + max(compute time, memory time of each level) + access latency
 *
 * (a roofline with overlap: Williams, Waterman & Patterson, CACM 2009). Compute time accounts for how the
 * operator's shape fills the unit (array fill, tile and wave quantization, split-K); memory time uses each
 * path's sustained bandwidth; a GEMM whose operands do not fit the staging buffer re-reads them
 * (communication lower bound 2·M·N·K/√S elements: Hong & Kung 1981; Irony, Toledo & Tiskin 2004).
 * Collectives are costed by the chip network (ring all-reduce: Patarasuk & Yuan 2009).
 *
 * Every function returns seconds, joules, bytes and what bound the result; the combining rules (time adds
 * along a chain, energy adds, the slowest resource bounds an overlapped step) live in `combine.ts`.
 */
import type { Chip, ChipNetwork, ComputeUnit } from '../machine';
import type { GemmShape, Operator, TensorClass } from '../operators';
import { tensorClasses } from '../operators';
import type { Placement } from '../map/placement';

/** What bound an operator or a phase. */
export type Bound = 'compute' | 'memory' | 'communication' | 'overhead';

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
}

/** Arithmetic classes narrower than BF16, whose efficiency a unit may scale. */
const narrowClasses = new Set(['fp8', 'int8', 'int4', 'fp4']);

/** Fraction of a unit's peak a GEMM of this shape can use (1 = fills it perfectly). */
export function shapeUtilization(unit: ComputeUnit, shape: GemmShape): number {
  const m = Math.max(1, Math.ceil(shape.m));
  const k = Math.max(1, Math.ceil(shape.k));
  const n = Math.max(1, Math.ceil(shape.n));
  const batch = Math.max(1, Math.ceil(shape.batch));
  const instances = Math.max(1, unit.instances);
  const geometry = unit.geometry;
  if (geometry.kind === 'array') {
    // Weight-stationary (Jouppi et al. 2017): K on rows, N on columns. Each weight tile takes `rows` cycles to
    // load (double-buffered behind the previous tile) and M cycles to stream the rows of the left operand, so a
    // tile costs max(M, rows) cycles; the pipeline fills once (rows + cols cycles) per run of tiles.
    const tiles = Math.ceil(k / geometry.rows) * Math.ceil(n / geometry.cols) * batch;
    const cellUse =
      (k / (Math.ceil(k / geometry.rows) * geometry.rows)) *
      (n / (Math.ceil(n / geometry.cols) * geometry.cols));
    const waves = Math.ceil(tiles / instances);
    const streaming = (waves * m) / (waves * Math.max(m, geometry.rows) + geometry.rows + geometry.cols);
    return cellUse * streaming * (tiles / (waves * instances));
  }
  if (geometry.kind === 'tiles') {
    const tileM = Math.min(geometry.tileM, Math.ceil(m / geometry.minTileM) * geometry.minTileM);
    const outputTiles = Math.ceil(m / tileM) * Math.ceil(n / geometry.tileN) * batch;
    const tileUse = (m * n * batch) / (outputTiles * tileM * geometry.tileN);
    // At least one tile per SM: stream-K kernels split the last partial wave's work over every SM, so no wave is
    // left part-empty (Osama et al., Stream-K, PPoPP 2023; CUTLASS and cuBLAS on Ampere and later).
    if (outputTiles >= instances) return tileUse;
    // Too few output tiles to fill the SMs: kernels split K across the idle ones (split-K).
    const splitK = Math.max(1, Math.min(Math.floor(instances / outputTiles), Math.ceil(k / 64)));
    return tileUse * ((outputTiles * splitK) / instances);
  }
  return 1;
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
  placement: Placement;
  /** Scales DRAM bandwidth (a power mode that lowers the memory clock); 1 normally. */
  dramBandwidthScale: number;
  /** Weights are 2:4-sparse: sparsity engines on the path shrink their bytes too. */
  sparseWeights: boolean;
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

/** Costs one run of an operator on one unit, at the top clock and voltage. */
export function costOperator(operator: Operator, unitIndex: number, context: CostContext): OperatorCost {
  const { chip } = context;
  const unit = chip.units[unitIndex] as ComputeUnit;
  const levelCount = chip.levels.length;
  const bytesByLevel = new Array<number>(levelCount).fill(0);
  const memorySecondsByLevel = new Array<number>(levelCount).fill(0);
  const paths = chip.paths[unitIndex] ?? [];
  let transferJoules = 0;
  let latency = 0;

  if (operator.kind === 'collective') {
    const { seconds, bytesMoved } = collectiveSeconds(operator, context.network);
    const energy = bytesMoved * 8 * (context.network?.energyJoulesPerBit ?? 0);
    return {
      unitIndex,
      computeSeconds:
        operator.vectorOps / Math.max(1, unit.vectorOpsPerCycle * unit.instances * unit.clockHertz),
      memorySeconds: 0,
      memorySecondsByLevel,
      communicationSeconds: seconds,
      overheadSeconds: seconds > 0 ? unit.dispatchOverheadSeconds : 0,
      latencySeconds: 0,
      memoryLevel: -1,
      bytesByLevel,
      bytesByClass: { weights: 0, kv: 0, activations: 0 },
      computeJoules: operator.vectorOps * unit.energyJoulesPerVectorOp,
      transferJoules: energy,
      macs: 0,
    };
  }

  // Bytes per level: each class's bytes by where it lives, shrunk by compression on the path.
  const decompressedBy = new Map<string, { bytes: number; throughput: number; energy: number }>();
  for (const tensorClass of tensorClasses) {
    const logical = operator.bytes[tensorClass];
    if (logical <= 0) continue;
    for (const { levelIndex, fraction } of context.placement[tensorClass]) {
      const path = paths[levelIndex];
      if (!path) continue;
      let stored = logical * fraction;
      const compression =
        tensorClass === 'weights'
          ? path.weightCompression
          : tensorClass === 'kv'
            ? path.kvCompression
            : undefined;
      if (compression) {
        stored /= compression.ratio;
        const entry = decompressedBy.get(compression.blockId) ?? {
          bytes: 0,
          throughput: compression.throughputBytesPerSecond,
          energy: compression.energyJoulesPerBit,
        };
        entry.bytes += logical * fraction;
        decompressedBy.set(compression.blockId, entry);
      }
      bytesByLevel[levelIndex] = (bytesByLevel[levelIndex] ?? 0) + stored;
    }
  }

  // GEMMs whose operands exceed the staging buffer re-read them (Hong–Kung lower bound).
  if (operator.gemm && operator.macs > 0) {
    const elementBytes = operator.elementBytes;
    const compulsory = bytesByLevel.reduce((sum, value) => sum + value, 0);
    for (let levelIndex = 0; levelIndex < levelCount; levelIndex += 1) {
      const path = paths[levelIndex];
      const bytes = bytesByLevel[levelIndex] ?? 0;
      if (!path || bytes <= 0 || compulsory <= 0) continue;
      const stagingElements = Math.max(1, path.stagingBytes / elementBytes);
      const bound = (2 * operator.macs * elementBytes) / Math.sqrt(stagingElements);
      if (bound > compulsory) bytesByLevel[levelIndex] = bytes * (bound / compulsory);
    }
  }

  let memorySeconds = 0;
  let memoryLevel = -1;
  for (let levelIndex = 0; levelIndex < levelCount; levelIndex += 1) {
    const bytes = bytesByLevel[levelIndex] ?? 0;
    const path = paths[levelIndex];
    const level = chip.levels[levelIndex];
    if (bytes <= 0 || !path || !level) continue;
    const bandwidth = level.dram
      ? Math.min(
          path.bandwidthBytesPerSecond,
          level.bandwidthBytesPerSecond * level.achievableBandwidthFraction * context.dramBandwidthScale,
        )
      : path.bandwidthBytesPerSecond;
    const seconds = bytes / bandwidth;
    memorySecondsByLevel[levelIndex] = seconds;
    transferJoules += bytes * 8 * path.energyJoulesPerBit;
    latency = Math.max(latency, path.latencySeconds);
    if (seconds > memorySeconds) {
      memorySeconds = seconds;
      memoryLevel = levelIndex;
    }
  }
  for (const entry of decompressedBy.values()) {
    transferJoules += entry.bytes * 8 * entry.energy;
    const seconds = entry.bytes / entry.throughput;
    if (seconds > memorySeconds) memorySeconds = seconds;
  }

  // Compute: MACs at the unit's rate for the operator's arithmetic, derated by efficiency and shape.
  const speedup = operator.sparse && context.sparseWeights ? unit.sparsitySpeedup : 1;
  const macs = operator.macs / speedup;
  let computeSeconds = 0;
  if (macs > 0) {
    const peak = peakMacsPerSecond(unit, operator);
    const utilization = operator.gemm ? shapeUtilization(unit, operator.gemm) : 1;
    const efficiency =
      unit.computeEfficiency *
      (narrowClasses.has(operator.computeClass) ? unit.lowPrecisionEfficiencyScale : 1);
    computeSeconds = peak > 0 ? macs / (peak * efficiency * Math.max(utilization, 1e-6)) : Infinity;
  }
  computeSeconds +=
    operator.vectorOps / Math.max(1, unit.vectorOpsPerCycle * unit.instances * unit.clockHertz);
  const computeJoules =
    macs * unit.energyJoulesPerMac[operator.computeClass] + operator.vectorOps * unit.energyJoulesPerVectorOp;

  return {
    unitIndex,
    computeSeconds,
    memorySeconds,
    memorySecondsByLevel,
    communicationSeconds: 0,
    overheadSeconds: unit.dispatchOverheadSeconds,
    latencySeconds: latency,
    memoryLevel,
    bytesByLevel,
    bytesByClass: { ...operator.bytes },
    computeJoules,
    transferJoules,
    macs,
  };
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
