/**
 * The cost-model plug-in interface. Every block type names a `costModel`; the module registered under that id
 * (`registry.ts`) is the only code that knows what the block's parameters mean: its peak rates, how an
 * operator's shape fills it, its energy per action, the bandwidth, latency and energy of bytes that cross it,
 * its static power and its area. The resolve stage reads every block through this interface and never asks
 * which kind of block it is — in the manner of Accelergy's hardware-component plug-ins (Wu, Emer & Sze, ICCAD
 * 2019), where each primitive component answers for its own energy and area.
 *
 * Every number is for one instance of the block, in SI units; the resolve stage multiplies by the instances
 * that group counts make.
 */
import type {
  ComputeUnit,
  DomainKind,
  DvfsPolicy,
  MemoryUsage,
  OperatingPoint,
  UnitGeometry,
} from '../machine';
import type { GemmShape, TensorClass } from '../operators';
import { enumParam, findParam, numberParam } from '../catalog';
import type { BlockType, TableRow } from '../schema/block-type';
import type { Block } from '../schema/design';
import type { ComputeClass } from '../schema/number-format';

/** One block's parameters as a plug-in reads them: the block's value where it sets one, else the type's default. */
export interface BlockReading {
  readonly block: Block;
  readonly type: BlockType;
  /** A number parameter the block type must have (a library error otherwise). */
  number(key: string): number;
  /** A number parameter the block type may lack, with the value that stands for its absence. */
  numberOr(key: string, absent: number): number;
  /** An enum parameter's value. */
  choice(key: string): string;
  /** A table parameter's rows. */
  table(key: string): TableRow[];
  /** Whether the block type declares a trait (`dram`). */
  trait(name: 'dram'): boolean;
}

/** A class rather than an object of closures: resolve reads every block of a design on each design edit. */
class Reading implements BlockReading {
  constructor(
    readonly block: Block,
    readonly type: BlockType,
  ) {}

  number(key: string): number {
    return numberParam(this.type, this.block.params, key);
  }

  numberOr(key: string, absent: number): number {
    return findParam(this.type, key)?.kind === 'number'
      ? numberParam(this.type, this.block.params, key)
      : absent;
  }

  choice(key: string): string {
    return enumParam(this.type, this.block.params, key);
  }

  table(key: string): TableRow[] {
    const value = this.block.params[key];
    if (Array.isArray(value)) return value;
    const param = findParam(this.type, key);
    return param?.kind === 'table' ? param.default : [];
  }

  trait(name: 'dram'): boolean {
    return (this.type.traits ?? []).includes(name);
  }
}

export function readBlock(block: Block, type: BlockType): BlockReading {
  return new Reading(block, type);
}

/** What the technology tables tell a compute plug-in. */
export interface TechContext {
  /** MAC energy of each class relative to BF16 (`library/tech/mac-energy-relative.json`); undefined = all 1. */
  relativeMacEnergy: Record<ComputeClass, number> | undefined;
}

/** A compute block's rates and energies, one instance at its top operating point. */
export type ComputeSpec = Omit<
  ComputeUnit,
  'id' | 'blockIds' | 'name' | 'typeId' | 'instances' | 'sparsitySpeedup' | 'sparsityPattern'
>;

/** A memory block's storage, one instance. */
export interface MemorySpec {
  /** Shown in reports; a host's DRAM is named after the host. */
  name: string;
  usage: MemoryUsage;
  capacityBytes: number;
  /** Peak bandwidth. */
  bandwidthBytesPerSecond: number;
  achievableBandwidthFraction: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
  /** Off-chip DRAM: an operating point may scale its bandwidth, and its static power does not follow the core voltage. */
  dram: boolean;
}

/** What bytes crossing (or ending in) one instance meet. */
export interface Transfer {
  /** Sustained bandwidth; Infinity where the block does not limit traffic. */
  bandwidthBytesPerSecond: number;
  latencySeconds: number;
  energyJoulesPerBit: number;
}

/** What a block does to the path it sits on. */
export interface PathEffect {
  /** Staging capacity a GEMM's operands can be tiled into on the way (a memory on the path). */
  stagingBytes?: number;
  /** A compression unit: the tensor class it shrinks, by how much, and the energy of each decompressed bit. */
  compression?: {
    tensorClass: Extract<TensorClass, 'weights' | 'kv'>;
    ratio: number;
    energyJoulesPerBit: number;
  };
}

/** A voltage/frequency domain: its operating points (highest first) and policy. */
export interface PowerDomainSpec {
  operatingPoints: OperatingPoint[];
  policy: DvfsPolicy;
  /** What the domain clocks (compute when the block type does not say). */
  kind?: DomainKind;
  /** Leakage of the domain's own circuits at its top voltage, per chip (W); 0 = none beyond its blocks'. */
  leakageWatts?: number;
  /** Measured idle power of one chip (W); 0 = derived. */
  idlePowerWatts?: number;
  /** Usable battery energy of the device (J); 0 = none. */
  batteryJoules?: number;
  /** The policy's targets (s); 0 = the workload's. */
  ttftTargetSeconds?: number;
  tpotTargetSeconds?: number;
}

export interface StaticPower {
  watts: number;
  /** Leakage follows the core voltage (∝ V); DRAM refresh and PHY power do not. */
  scalesWithVoltage: boolean;
}

/** One cost model: the physics of a family of block types. */
export interface BlockModel {
  /** The `costModel` id block types name. */
  readonly id: string;
  /** One line: what the model is and the source of its physics. */
  readonly summary: string;
  /** Power management (a DVFS domain or a cap) is not part of the data graph. */
  readonly power?: 'domain' | 'cap';
  /** Data may cross the block between a compute unit and a memory level (a memory, a NoC, a codec). */
  readonly crossable: boolean;
  /** Outside every chip group, the block carries chip-to-chip traffic (links, switches). */
  readonly chipFabric: boolean;
  /** Its compute counts when choosing the chip group a workload runs on (a host CPU's does not). */
  readonly hostsWorkload: boolean;
  /** Peak rates and energy per action of one instance, when the block computes. */
  compute?(reading: BlockReading, tech: TechContext): ComputeSpec;
  /** Fraction of a unit's peak a GEMM of this shape can use (1 = fills it); omitted = 1. */
  shapeUtilization?(unit: ComputeUnit, shape: GemmShape): number;
  /** Storage of one instance, when the block holds tensors or stages them. */
  memory?(reading: BlockReading): MemorySpec;
  /** Bytes crossing or ending in one instance. */
  transfer(reading: BlockReading): Transfer;
  /**
   * Bytes between the block's own compute and its own memory (processing in memory: the banks' internal
   * bandwidth; a host CPU: its DRAM). Omitted = `transfer`.
   */
  internalTransfer?(reading: BlockReading): Transfer;
  /** What the block does to a path through it. */
  onPath?(reading: BlockReading): PathEffect;
  /** Speed-up it gives 2:4-sparse GEMMs of a compute block linked straight to it. */
  sparsitySpeedup?(reading: BlockReading): number;
  /** The sparsity pattern it reads (`2:4`, `4:8`, `unstructured`); omitted = 2:4. */
  sparsityPattern?(reading: BlockReading): string;
  /** The voltage/frequency domain a `domain` block defines. */
  domain?(reading: BlockReading): PowerDomainSpec;
  /** The average-power limit a `cap` block sets, in watts. */
  capWatts?(reading: BlockReading): number;
  /** Whether the clock is lowered to meet the cap (`power`: 'cap'); when not, the cap is only reported. */
  capEnforced?(reading: BlockReading): boolean;
  staticPower(reading: BlockReading): StaticPower;
  areaSquareMetres(reading: BlockReading): number;
}

/** The geometry-free default: SIMD lanes and CPU cores fill well at any shape. */
export const simd: UnitGeometry = { kind: 'simd' };
