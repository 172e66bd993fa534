/**
 * What every compute plug-in shares: the per-class rates, energies and overheads that all compute block types
 * state with the same parameter names. A plug-in supplies only what is its own — how many BF16 MACs one instance
 * does per cycle and the geometry an operator's shape must fill.
 */
import type { UnitGeometry } from '../machine';
import { computeClasses, type ComputeClass } from '../schema/number-format';
import type { BlockReading, ComputeSpec, StaticPower, TechContext, Transfer } from './block-model';

export interface OwnCompute {
  /** Dense BF16 MACs one instance completes per cycle. */
  bf16MacsPerCycle: number;
  geometry: UnitGeometry;
  /** Seconds each request pays to reconfigure the unit between phases (an FPGA loading another bitstream). */
  reconfigurationSeconds?: number;
}

/**
 * A compute block's spec: per-class MACs per cycle are the BF16 rate times the block's `<class>Rate` (0 where the
 * type does not state one: the class is unsupported); the energy of a MAC in another class is the BF16 energy
 * times the class's factor in `library/tech/mac-energy-relative.json`.
 */
export function computeSpec(reading: BlockReading, tech: TechContext, own: OwnCompute): ComputeSpec {
  const macsPerCycle = {} as Record<ComputeClass, number>;
  const energyJoulesPerMac = {} as Record<ComputeClass, number>;
  const bf16Energy = reading.number('energyJoulesPerMacBf16');
  for (const computeClass of computeClasses) {
    const rate = computeClass === 'bf16' ? 1 : reading.numberOr(`${computeClass}Rate`, 0);
    macsPerCycle[computeClass] = own.bf16MacsPerCycle * rate;
    energyJoulesPerMac[computeClass] = bf16Energy * (tech.relativeMacEnergy?.[computeClass] ?? 1);
  }
  return {
    costModel: reading.type.costModel,
    clockHertz: reading.number('clockHertz'),
    macsPerCycle,
    // A type without the parameter does one element-wise operation per cycle (a scalar path).
    vectorOpsPerCycle: reading.numberOr('vectorOpsPerCycle', 1),
    geometry: own.geometry,
    computeEfficiency: reading.number('computeEfficiency'),
    lowPrecisionEfficiencyScale: reading.numberOr('lowPrecisionEfficiencyScale', 1),
    dispatchOverheadSeconds: reading.number('dispatchOverheadSeconds'),
    energyJoulesPerMac,
    energyJoulesPerVectorOp: reading.number('energyJoulesPerVectorOp'),
    localBufferBytes: reading.numberOr('localBufferBytes', 0),
    reconfigurationSeconds: own.reconfigurationSeconds ?? 0,
  };
}

/** A compute block does not limit the bytes that reach it: its memory paths do. */
export function computeTransfer(reading: BlockReading): Transfer {
  return {
    bandwidthBytesPerSecond: Infinity,
    latencySeconds: reading.numberOr('latencySeconds', 0),
    energyJoulesPerBit: reading.numberOr('energyJoulesPerBit', 0),
  };
}

/** Leakage of logic on the chip's supply: it follows the core voltage. */
export function logicStaticPower(reading: BlockReading): StaticPower {
  return { watts: reading.numberOr('staticPowerWatts', 0), scalesWithVoltage: true };
}

export function statedArea(reading: BlockReading): number {
  return reading.numberOr('areaSquareMetres', 0);
}
