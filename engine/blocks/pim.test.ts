import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { OperatorReport, Report } from '../report';
import type { DesignDocument } from '../schema/design';
import { defaultWorkload } from '../schema/workload';
import { resolve } from '../stages/resolve';
import { blockTypeOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign, toyArchitecture } from '../testing/fixtures';

/** A PIM memory with round numbers: 100 GB/s through its pins, 800 GB/s inside, 4,096 MACs per cycle at 1 GHz. */
const pimType = blockTypeOf(
  'test.pim',
  'pim',
  {
    capacityBytes: 2 ** 36,
    bandwidthBytesPerSecond: 1e11,
    internalBandwidthBytesPerSecond: 8e11,
    macsPerCycle: 4096,
    clockHertz: 1e9,
    vectorOpsPerCycle: 4096,
    localBufferBytes: 65536,
    computeEfficiency: 1,
    dispatchOverheadSeconds: 0,
    energyJoulesPerMacBf16: 1.5e-12,
    energyJoulesPerVectorOp: 4e-13,
    achievableBandwidthFraction: 1,
    latencySeconds: 0,
    energyJoulesPerBit: 4e-12,
    internalEnergyJoulesPerBit: 1e-12,
    staticPowerWatts: 4,
  },
  { category: 'memory', traits: ['dram'] },
);
const catalog = testCatalog({ blockTypes: [...testBlockTypes, pimType] });

/** One 128 × 128 array at 1 GHz (16.4 TMAC/s) whose only memory is the PIM. */
function arrayWithPim(pim: Record<string, number> = {}): DesignDocument {
  return testDesign({ array: { type: 'test.array' }, pim: { type: 'test.pim', params: pim } }, [
    ['array', 'pim'],
  ]);
}

function run(design: DesignDocument): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), inputTokens: 512 } }, catalog);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

function operator(phase: Report['prefill'], id: string): OperatorReport {
  const found = phase.operators.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no operator ${id}`);
  return found;
}

describe('processing in memory', () => {
  it('is a compute unit and a DRAM level in one block: its own path is internal, others read through the pins', () => {
    const { chip } = resolve(arrayWithPim(), catalog);
    const pimUnit = chip.units.findIndex((unit) => unit.id === 'pim');
    const arrayUnit = chip.units.findIndex((unit) => unit.id === 'array');
    expect(chip.levels.map((level) => [level.id, level.usage, level.dram])).toEqual([
      ['pim', 'storage', true],
    ]);
    expect(chip.units[pimUnit]?.macsPerCycle.bf16).toBe(4096);
    expect(chip.paths[pimUnit]?.[0]).toMatchObject({
      ownMemory: true,
      bandwidthBytesPerSecond: 8e11,
      energyJoulesPerBit: 1e-12,
    });
    expect(chip.paths[arrayUnit]?.[0]).toMatchObject({
      ownMemory: false,
      bandwidthBytesPerSecond: 1e11,
      energyJoulesPerBit: 4e-12,
    });
  });

  it('runs decode GEMVs in the memory at its internal bandwidth, and leaves prefill GEMMs on the array', () => {
    const report = run(arrayWithPim());
    const H = toyArchitecture.hiddenSize;
    const F = toyArchitecture.intermediateSize;
    // Decode, batch 1: the FFN down projection reads F × H BF16 weights and F + H activations.
    const down = operator(report.decode, 'ffn.down');
    expect(down.unitId).toBe('pim');
    const bytes = (F * H + F + H) * 2;
    const inMemory = Math.max(bytes / 8e11, (F * H) / 4.096e12);
    const throughPins = bytes / 1e11;
    expect(down.seconds / down.repeat).toBeCloseTo(inMemory, 12);
    expect(down.seconds / down.repeat).toBeLessThan(throughPins);
    // Its energy: MACs at the unit's energy, and every byte at the internal energy per bit.
    expect(down.energyJoules / down.repeat).toBeCloseTo(F * H * 1.5e-12 + bytes * 8 * 1e-12, 18);
    // Prefill: 512 rows per GEMM; the array does 16.4 TMAC/s, the memory 4.1.
    expect(operator(report.prefill, 'ffn.down').unitId).toBe('array');
  });

  it('gives the GEMVs back to the array when its internal bandwidth is no better than the pins', () => {
    const report = run(arrayWithPim({ internalBandwidthBytesPerSecond: 5e10 }));
    expect(operator(report.decode, 'ffn.down').unitId).toBe('array');
  });

  it('makes decode faster than the same DRAM without compute, but never faster than its banks can be read', () => {
    const withPim = run(arrayWithPim());
    const plainDram = run(
      testDesign(
        {
          array: { type: 'test.array' },
          dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e11, latencySeconds: 0 } },
        },
        [['array', 'dram']],
      ),
    );
    expect(plainDram.decode.secondsPerStep / withPim.decode.secondsPerStep).toBeGreaterThan(2);
    // Every weight but the embedding table is read once per decode step; inside the memory at 800 GB/s at best.
    const weightBytes = withPim.decode.operators.reduce(
      (sum, entry) => sum + entry.bytes.weights * entry.repeat,
      0,
    );
    expect(withPim.decode.secondsPerStep).toBeGreaterThan(weightBytes / 8e11);
  });
});
