/**
 * The machine — the resolve stage's output, and every later stage's view of the hardware: per chip, its compute
 * units (identical blocks pooled), its memory levels, the effective path from every unit to every level, its
 * power domain and static power; and between chips, the bandwidth collectives run at. All numbers in SI units.
 */
import type { Diagnostic } from './diagnostics';
import type { TensorClass } from './operators';
import type { ComputeClass } from './schema/number-format';

/** How a unit's shape limits how well a GEMM fills it. */
export type UnitGeometry =
  /** A systolic / MAC array: K on rows, N on columns, M streams through. */
  | { kind: 'array'; rows: number; cols: number }
  /**
   * GPU SMs: output tiles of tileM × tileN run in waves over the instances; split-K fills idle SMs; each tile pays
   * a prologue and epilogue worth `prologueK` elements of its main loop.
   */
  | { kind: 'tiles'; tileM: number; tileN: number; minTileM: number; prologueK: number }
  /** SIMD lanes or CPU cores: fills well at any shape. */
  | { kind: 'simd' };

/** Identical compute blocks of one chip, pooled: an operator runs on all instances of one unit. */
export interface ComputeUnit {
  /** The id of the first block in the pool (stable, used in reports). */
  id: string;
  blockIds: string[];
  name: string;
  typeId: string;
  /** The cost model (`engine/blocks/`) whose physics the unit follows. */
  costModel: string;
  /** Instances of the unit on one chip (group counts multiplied out). */
  instances: number;
  /** Clock at the top operating point. */
  clockHertz: number;
  /** Dense MACs per cycle of one instance, by arithmetic class; 0 = unsupported. */
  macsPerCycle: Record<ComputeClass, number>;
  /** Element-wise operations per cycle of one instance. */
  vectorOpsPerCycle: number;
  geometry: UnitGeometry;
  computeEfficiency: number;
  /** Multiplies `computeEfficiency` for formats narrower than BF16. */
  lowPrecisionEfficiencyScale: number;
  dispatchOverheadSeconds: number;
  /** Dynamic energy of one MAC by class, at the top operating point's voltage. */
  energyJoulesPerMac: Record<ComputeClass, number>;
  energyJoulesPerVectorOp: number;
  /** Staging buffer of one instance (registers, shared memory). */
  localBufferBytes: number;
  /** Speed-up of 2:4-sparse GEMMs from a sparsity engine linked to the unit; 1 when none. */
  sparsitySpeedup: number;
  /** The sparsity pattern that engine reads (`2:4`, `4:8`, `unstructured`); undefined when none (or 2:4). */
  sparsityPattern?: string;
  /** Time each request pays to reconfigure an FPGA between phases; 0 for fixed-function units. */
  reconfigurationSeconds: number;
}

export type MemoryUsage = 'storage' | 'cache';

/** Identical memory blocks of one chip (or shared by the system), pooled into one level. */
export interface MemoryLevel {
  id: string;
  blockIds: string[];
  name: string;
  typeId: string;
  usage: MemoryUsage;
  /** Bytes on one chip (for a level shared by the system: its share per chip). */
  capacityBytes: number;
  /** Capacity of one instance: the staging space a GEMM's tiles live in. */
  capacityBytesPerInstance: number;
  /** Peak bandwidth of the level for one chip. */
  bandwidthBytesPerSecond: number;
  achievableBandwidthFraction: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
  /** Off-chip DRAM, whose bandwidth an operating point may scale. */
  dram: boolean;
  /** Outside every chip group: shared by all chips (host DRAM). */
  shared: boolean;
}

/** A compression unit met on the way from a level to a unit. */
export interface PathCompression {
  blockId: string;
  ratio: number;
  /** Decompressed bytes per second the unit (all its instances) delivers. */
  throughputBytesPerSecond: number;
  energyJoulesPerBit: number;
}

/** The best way from one compute unit to one memory level. */
export interface MemoryPath {
  levelIndex: number;
  /** Sustained bandwidth (max-flow over the links, times the achievable fractions along the way). */
  bandwidthBytesPerSecond: number;
  latencySeconds: number;
  /** Energy per bit moved, from the level's read through every fabric and link on the way. */
  energyJoulesPerBit: number;
  /** The block or link whose capacity limits the path. */
  limitedBy: string;
  weightCompression: PathCompression | undefined;
  kvCompression: PathCompression | undefined;
  /** Largest staging capacity of one instance between the unit and the level (bounds GEMM re-fetch). */
  stagingBytes: number;
  /**
   * The unit is the level's own block (processing in memory; a host CPU and its DRAM): bytes never leave it, so
   * the path runs at the block's internal bandwidth, which an operating point scales like the DRAM's clock.
   */
  ownMemory: boolean;
}

export interface OperatingPoint {
  name: string;
  clockHertz: number;
  voltageVolts: number;
  memoryBandwidthScale: number;
  /** A mode's own power limit per chip; 0 = none. */
  capWatts: number;
}

/** The constants that extend a domain's V/f curve below its lowest operating point (`vf-curve.ts`). */
export interface VfConstants {
  /** Threshold voltage Vt of the alpha-power law, in volts. */
  thresholdVolts: number;
  /** Lowest supply voltage the logic runs at, in volts. */
  minimumVolts: number;
  /** Velocity-saturation index α (1: fully velocity-saturated; 2: Shockley's long-channel law). */
  alpha: number;
  /** The lowest clock before the unit stalls, as a fraction of the top clock. */
  floorClockFraction: number;
  /** Core voltage of a chip without a DVFS domain, in volts. */
  nominalVolts: number;
}

/**
 * How a domain picks its clock per phase: fixed (the chosen point), adaptive (the lowest clock within 1 % of the
 * phase's time), race-to-idle (the top clock, then idle at idle power), least-energy (the least energy within the
 * TTFT / TPOT target), max-throughput (the highest clock the power cap allows).
 */
export type DvfsPolicy = 'fixed' | 'adaptive' | 'race-to-idle' | 'least-energy' | 'max-throughput';

/** What a voltage/frequency domain clocks: the compute units, the memory interface, or the chip's fabric. */
export type DomainKind = 'compute' | 'memory' | 'interconnect';

/**
 * A memory or interconnect domain beside the chip's compute domain: its own V/f curve and leakage. A memory domain
 * scales memory time by f_top / f and memory energy by (V / V_top)²; an interconnect domain does the same to the
 * chip-to-chip collectives.
 */
export interface ExtraDomain {
  kind: Exclude<DomainKind, 'compute'>;
  blockId: string;
  name: string;
  /** Highest first. */
  operatingPoints: OperatingPoint[];
  policy: DvfsPolicy;
  /** Leakage of the domain's own circuits at its top voltage (scales ∝ V), per chip, in watts. */
  leakageWatts: number;
}

/** The domains' extras: further domains, idle power, the battery and the policy's targets (from the domain blocks). */
export interface DvfsSettings {
  extraDomains: ExtraDomain[];
  /** Leakage of the compute domain's own circuits beyond its blocks' (scales ∝ V), per chip, in watts. */
  leakageWatts: number;
  /** Measured idle power of one chip (W); undefined = derived from leakage at the floor voltage. */
  idlePowerWatts: number | undefined;
  /** The device's usable battery energy (J); undefined = mains powered. */
  batteryJoules: number | undefined;
  ttftTargetSeconds: number | undefined;
  tpotTargetSeconds: number | undefined;
}

export interface ChipPower {
  /** Highest first; block energies and leakages are quoted at the first. Empty when the chip has no domain. */
  operatingPoints: OperatingPoint[];
  policy: DvfsPolicy;
  domainBlockId: string | undefined;
  /**
   * Average-power cap of one chip (the smaller of a cap block and the system cap's share) that the clock is lowered
   * to meet; undefined = none.
   */
  capWatts: number | undefined;
  capBlockId: string | undefined;
  /** The smallest cap whose block has enforcement off: only reported when exceeded. */
  advisoryCapWatts: number | undefined;
  advisoryCapBlockId: string | undefined;
  /** Extends the domain's V/f curve below its lowest point; undefined when the library lacks the tables. */
  vf: VfConstants | undefined;
  /** Static power of one chip at the top operating point: blocks scaled by voltage, and DRAM (not scaled). */
  staticScaledWatts: number;
  staticFixedWatts: number;
  /** Further domains, idle power, battery and targets; undefined = none of them (a single compute domain). */
  dvfs?: DvfsSettings;
}

export interface Chip {
  /** The chip group's id, or `design` when the design has no chip group. */
  id: string;
  name: string;
  /** Chips of this kind in the system. */
  count: number;
  units: ComputeUnit[];
  levels: MemoryLevel[];
  /** `paths[unit][level]`, undefined where a unit cannot reach a level. */
  paths: (MemoryPath | undefined)[][];
  power: ChipPower;
  /** Static power of each block of one chip at the top voltage (for the per-block breakdown). */
  blockStaticWatts: Record<string, number>;
  /** Area of one chip from the blocks that state it. */
  areaSquareMetres: number;
}

/** How chips reach each other for collectives (per chip, per direction). */
export interface ChipNetwork {
  bandwidthBytesPerSecond: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
  /** The blocks the path crosses, for reports. */
  via: string[];
}

export interface Machine {
  /** The chip the workload runs on. */
  chip: Chip;
  /** Between chips; undefined for a single chip or chips with no link between them. */
  network: ChipNetwork | undefined;
  /** Static power of blocks outside every chip (host, switches), total. */
  systemStaticWatts: number;
  systemBlockStaticWatts: Record<string, number>;
  diagnostics: Diagnostic[];
}

/**
 * Bytes of storage one chip's unit reaches: every storage level it has a path to, or (`deviceOnly`) only the
 * chip's own memory — host memory shared by the system is not where serving engines keep weights and KV.
 */
export function storageBytes(chip: Chip, unitIndex: number, options: { deviceOnly?: boolean } = {}): number {
  const paths = chip.paths[unitIndex];
  let bytes = 0;
  chip.levels.forEach((level, index) => {
    if (level.usage !== 'storage' || !paths?.[index]) return;
    if (options.deviceOnly === true && level.shared) return;
    bytes += level.capacityBytes;
  });
  return bytes;
}

/** The operating point a workload asks for by name; the top point when it names none or one the chip lacks. */
export function selectedOperatingPoint(
  power: ChipPower,
  name: string | undefined,
): OperatingPoint | undefined {
  const top = power.operatingPoints[0];
  if (name === undefined) return top;
  return power.operatingPoints.find((point) => point.name === name) ?? top;
}

/** The compression unit on a path that shrinks a tensor class (weights or KV cache), if any. */
export function compressionFor(path: MemoryPath, tensorClass: TensorClass): PathCompression | undefined {
  return tensorClass === 'weights'
    ? path.weightCompression
    : tensorClass === 'kv'
      ? path.kvCompression
      : undefined;
}

/** What a design with structural errors resolves to: nothing to run on (the errors say why). */
export function emptyMachine(): Machine {
  return {
    chip: {
      id: 'design',
      name: '',
      count: 1,
      units: [],
      levels: [],
      paths: [],
      power: {
        operatingPoints: [],
        policy: 'fixed',
        domainBlockId: undefined,
        capWatts: undefined,
        capBlockId: undefined,
        advisoryCapWatts: undefined,
        advisoryCapBlockId: undefined,
        vf: undefined,
        staticScaledWatts: 0,
        staticFixedWatts: 0,
      },
      blockStaticWatts: {},
      areaSquareMetres: 0,
    },
    network: undefined,
    systemStaticWatts: 0,
    systemBlockStaticWatts: {},
    diagnostics: [],
  };
}
