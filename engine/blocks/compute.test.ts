/**
 * The compute plug-ins' shared spec (`compute-common.ts`) and the models that add only their MAC count to it:
 * `vector`, `cpu` and `fpga`. Array and tensor-cluster geometry have their own files.
 */
import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { computeClasses } from '../schema/number-format';
import { blockTypeOf, noTech, readingOf } from '../testing/block-readings';
import { testBlockTypes } from '../testing/fixtures';
import { computeTransfer, logicStaticPower } from './compute-common';
import { cpu } from './cpu';
import { fpga } from './fpga';
import { vector } from './vector';

const vectorType = testBlockTypes.find((type) => type.id === 'test.vector') as BlockType;

/** The parameters every compute type states, with values of the test's own. */
const common = {
  clockHertz: 2e9,
  computeEfficiency: 0.9,
  dispatchOverheadSeconds: 3e-6,
  energyJoulesPerMacBf16: 2e-12,
  energyJoulesPerVectorOp: 5e-13,
  staticPowerWatts: 20,
};

/** A CPU type without vector, buffer, area or low-precision parameters, and with only an FP32 and an INT8 rate. */
const cpuType = blockTypeOf('test.cpu', 'cpu', {
  cores: 16,
  bf16MacsPerCyclePerCore: 32,
  fp32Rate: 0.5,
  int8Rate: 2,
  ...common,
});

const fpgaType = blockTypeOf('test.fpga', 'fpga', {
  dspSlices: 9000,
  bf16MacsPerDspPerCycle: 0.5,
  reconfigurationSeconds: 0.2,
  bitstreamPolicy: 'single',
  ...common,
});

const spec = (type: BlockType, params = {}, tech = noTech) => {
  const model = { cpu, fpga, vector }[type.costModel as 'cpu' | 'fpga' | 'vector'];
  const result = model.compute?.(readingOf(type, params), tech);
  if (!result) throw new Error(`${type.costModel} does not compute`);
  return result;
};

describe('compute plug-ins: MACs per cycle', () => {
  it('vector: one BF16 MAC per lane per cycle', () => {
    expect(spec(vectorType, { lanes: 96 }).macsPerCycle.bf16).toBe(96);
  });

  it('cpu: cores × BF16 MACs per core per cycle', () => {
    expect(spec(cpuType).macsPerCycle.bf16).toBe(16 * 32);
  });

  it('fpga: DSP slices × BF16 MACs per DSP per cycle', () => {
    expect(spec(fpgaType).macsPerCycle.bf16).toBe(9000 * 0.5);
  });

  it('scales BF16 by the type’s rate for each class, and a class without a rate is unsupported', () => {
    const macs = spec(cpuType).macsPerCycle;
    const bf16 = 16 * 32;
    expect(macs).toEqual({ fp32: bf16 * 0.5, tf32: 0, bf16, fp8: 0, int8: bf16 * 2, int4: 0, fp4: 0 });
  });
});

describe('compute plug-ins: energy, rates and overheads', () => {
  it('prices a MAC of each class at BF16’s energy times the technology table’s ratio', () => {
    const relativeMacEnergy = { fp32: 4, tf32: 2, bf16: 1, fp8: 0.5, int8: 0.3, int4: 0.2, fp4: 0.25 };
    const energies = spec(cpuType, {}, { relativeMacEnergy }).energyJoulesPerMac;
    for (const computeClass of computeClasses)
      expect(energies[computeClass], computeClass).toBeCloseTo(2e-12 * relativeMacEnergy[computeClass], 24);
  });

  it('prices every class as BF16 without a technology table', () => {
    const energies = spec(cpuType).energyJoulesPerMac;
    expect(new Set(Object.values(energies))).toEqual(new Set([2e-12]));
    expect(Object.keys(energies).sort()).toEqual([...computeClasses].sort());
  });

  it('takes clock, efficiency, dispatch and vector energy from the block, over the type’s defaults', () => {
    const result = spec(cpuType, { clockHertz: 3e9, computeEfficiency: 0.5 });
    expect(result).toMatchObject({
      costModel: 'cpu',
      clockHertz: 3e9,
      computeEfficiency: 0.5,
      dispatchOverheadSeconds: 3e-6,
      energyJoulesPerVectorOp: 5e-13,
      geometry: { kind: 'simd' },
    });
  });

  it('gives a type that states none one element-wise operation per cycle, no staging buffer, no low-precision derate', () => {
    expect(spec(cpuType)).toMatchObject({
      vectorOpsPerCycle: 1,
      localBufferBytes: 0,
      lowPrecisionEfficiencyScale: 1,
      reconfigurationSeconds: 0,
    });
    expect(spec(vectorType).vectorOpsPerCycle).toBe(1024);
  });

  it('charges an FPGA its reconfiguration only when it loads a bitstream per phase', () => {
    expect(spec(fpgaType).reconfigurationSeconds).toBe(0);
    expect(spec(fpgaType, { bitstreamPolicy: 'per-phase' }).reconfigurationSeconds).toBe(0.2);
  });
});

describe('compute plug-ins: what crosses and leaks', () => {
  it('does not limit the bytes that reach a compute block: its memory paths do', () => {
    expect(computeTransfer(readingOf(cpuType)).bandwidthBytesPerSecond).toBe(Infinity);
    expect(cpu.transfer(readingOf(cpuType)).bandwidthBytesPerSecond).toBe(Infinity);
    expect(fpga.transfer(readingOf(fpgaType)).bandwidthBytesPerSecond).toBe(Infinity);
    expect(vector.transfer(readingOf(vectorType)).bandwidthBytesPerSecond).toBe(Infinity);
  });

  it('leaks on the core supply, so its static power follows the voltage', () => {
    expect(logicStaticPower(readingOf(cpuType))).toEqual({ watts: 20, scalesWithVoltage: true });
    expect(cpu.staticPower(readingOf(cpuType, { staticPowerWatts: 35 }))).toEqual({
      watts: 35,
      scalesWithVoltage: true,
    });
  });

  it('states its area when the type does, and none otherwise', () => {
    expect(cpu.areaSquareMetres(readingOf(cpuType))).toBe(0);
    const withArea = blockTypeOf('test.cpu-area', 'cpu', {
      cores: 1,
      bf16MacsPerCyclePerCore: 1,
      areaSquareMetres: 4e-4,
      ...common,
    });
    expect(cpu.areaSquareMetres(readingOf(withArea))).toBe(4e-4);
  });

  it('runs a workload, unlike the host’s CPU', () => {
    expect([cpu, fpga, vector].map((model) => model.hostsWorkload)).toEqual([true, true, true]);
  });
});
