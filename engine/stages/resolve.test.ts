import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Operator } from '../operators';
import { defaultWorkload } from '../schema/workload';
import { blockTypeOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { costOperator, type CostContext } from './cost';
import { resolve } from './resolve';

const catalog = testCatalog();

describe('resolve: design → machine', () => {
  it('multiplies group counts into instances and chips', () => {
    const design = testDesign(
      { tile: { type: 'test.array' }, dram: { type: 'test.dram' } },
      [['tile', 'dram']],
      [
        { id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile'] },
        { id: 'chip', name: 'Chip', kind: 'chip', count: 4, blocks: ['dram'], groups: ['tiles'] },
      ],
    );
    const { chip } = resolve(design, catalog);
    expect(chip.count).toBe(4);
    expect(chip.units).toHaveLength(1);
    expect(chip.units[0]?.instances).toBe(16);
    expect(chip.units[0]?.macsPerCycle.bf16).toBe(128 * 128);
  });

  it('pools identical compute blocks drawn separately into one unit', () => {
    const design = testDesign(
      {
        a: { type: 'test.array' },
        b: { type: 'test.array' },
        c: { type: 'test.array', params: { rows: 64 } },
        dram: { type: 'test.dram' },
      },
      [
        ['a', 'dram'],
        ['b', 'dram'],
        ['c', 'dram'],
      ],
    );
    const { chip } = resolve(design, catalog);
    expect(chip.units.map((unit) => [unit.blockIds, unit.instances])).toEqual([
      [['a', 'b'], 2],
      [['c'], 1],
    ]);
  });

  it('bounds a path by its narrowest element', () => {
    // tile → NoC (0.5 TB/s) → DRAM (1 TB/s): the NoC limits.
    const design = testDesign(
      {
        tile: { type: 'test.array' },
        noc: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 5e11 } },
        dram: { type: 'test.dram' },
      },
      [
        ['tile', 'noc'],
        ['noc', 'dram'],
      ],
    );
    const { chip } = resolve(design, catalog);
    expect(chip.paths[0]?.[0]?.bandwidthBytesPerSecond).toBeCloseTo(5e11, -3);
    expect(chip.paths[0]?.[0]?.limitedBy).toBe('noc');
  });

  it('adds parallel paths and divides a shared one', () => {
    // Two NoCs of 0.3 TB/s in parallel between the tile and DRAM (1 TB/s): 0.6 TB/s.
    const parallel = testDesign(
      {
        tile: { type: 'test.array' },
        n1: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 3e11 } },
        n2: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 3e11 } },
        dram: { type: 'test.dram' },
      },
      [
        ['tile', 'n1'],
        ['tile', 'n2'],
        ['n1', 'dram'],
        ['n2', 'dram'],
      ],
    );
    expect(resolve(parallel, catalog).chip.paths[0]?.[0]?.bandwidthBytesPerSecond).toBeCloseTo(6e11, -3);
    // 16 tiles, each with its own 0.1 TB/s link to a shared NoC of 1 TB/s: 16 × 0.1 = 1.6 > 1, so the NoC bounds at 1.
    const shared = testDesign(
      {
        tile: { type: 'test.array' },
        link: { type: 'test.link', params: { bandwidthBytesPerSecond: 1e11 } },
        noc: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 1e12 } },
        dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e13 } },
      },
      [
        ['tile', 'link'],
        ['link', 'noc'],
        ['noc', 'dram'],
      ],
      [{ id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile', 'link'] }],
    );
    expect(resolve(shared, catalog).chip.paths[0]?.[0]?.bandwidthBytesPerSecond).toBeCloseTo(1e12, -3);
    // With 4 tiles the links bound instead: 4 × 0.1 = 0.4 TB/s.
    const fewer = {
      ...shared,
      groups: [{ id: 'tiles', name: 'Tiles', kind: 'cluster' as const, count: 4, blocks: ['tile', 'link'] }],
    };
    expect(resolve(fewer, catalog).chip.paths[0]?.[0]?.bandwidthBytesPerSecond).toBeCloseTo(4e11, -3);
  });

  it('applies the achievable fraction of the memory', () => {
    const design = testDesign(
      {
        tile: { type: 'test.array' },
        dram: { type: 'test.dram', params: { achievableBandwidthFraction: 0.8 } },
      },
      [['tile', 'dram']],
    );
    expect(resolve(design, catalog).chip.paths[0]?.[0]?.bandwidthBytesPerSecond).toBeCloseTo(0.8e12, -3);
  });

  it('finds a decompression engine on the path', () => {
    const design = testDesign(
      { tile: { type: 'test.array' }, unzip: { type: 'test.decompress' }, dram: { type: 'test.dram' } },
      [
        ['tile', 'unzip'],
        ['unzip', 'dram'],
      ],
    );
    expect(resolve(design, catalog).chip.paths[0]?.[0]?.weightCompression).toMatchObject({
      blockId: 'unzip',
      ratio: 2,
    });
  });

  it('reports unconnected memory and compute that reaches no storage, naming the blocks', () => {
    const design = testDesign(
      { tile: { type: 'test.array' }, noc: { type: 'test.fabric' }, lonely: { type: 'test.dram' } },
      [['tile', 'noc']],
    );
    const codes = resolve(design, catalog).diagnostics.map((diagnostic) => [
      diagnostic.code,
      diagnostic.blockId,
    ]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['unconnected-memory', 'lonely'],
        ['unit-without-memory', 'tile'],
      ]),
    );
  });

  it('pools identical compute blocks only when they reach the same memory through their own links', () => {
    // Two identical arrays: one reads an SRAM, the other DRAM. Same type and parameters, different reach.
    const design = testDesign(
      {
        a: { type: 'test.array' },
        b: { type: 'test.array' },
        sram: { type: 'test.sram' },
        dram: { type: 'test.dram' },
      },
      [
        ['a', 'sram'],
        ['b', 'dram'],
      ],
    );
    const { chip } = resolve(design, catalog);
    expect(chip.units.map((unit) => [unit.blockIds, unit.instances])).toEqual([
      [['a'], 1],
      [['b'], 1],
    ]);
  });

  it('gives an unlinked copy of a compute block no compute, only its static power, and names it', () => {
    const one = testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]);
    const copied = testDesign(
      { tile: { type: 'test.array' }, copy: { type: 'test.array' }, dram: { type: 'test.dram' } },
      [['tile', 'dram']],
    );
    const machine = resolve(copied, catalog);
    // One unit of one instance: 128 × 128 MACs per cycle, as for the tile alone.
    expect(machine.chip.units.map((unit) => [unit.blockIds, unit.instances])).toEqual([[['tile'], 1]]);
    expect(machine.chip.units[0]?.macsPerCycle.bf16).toBe(128 * 128);
    // Static power still counts the copy: 1 W per array (fixture default) twice, plus the DRAM's 1 W.
    expect(machine.chip.power.staticScaledWatts + machine.chip.power.staticFixedWatts).toBeCloseTo(3, 12);
    expect(machine.chip.blockStaticWatts.copy).toBe(1);
    const warning = machine.diagnostics.find((diagnostic) => diagnostic.code === 'unconnected-compute');
    expect(warning).toMatchObject({ severity: 'warning', blockId: 'copy' });
    expect(warning?.message).toContain('copy');

    // The run: a compute-bound prefill (batch 8 × 512 tokens on one 128 × 128 array) is no faster with the copy.
    const workload = { ...defaultWorkload('toy'), batch: 8, inputTokens: 512 };
    const before = evaluate({ design: one, workload }, catalog);
    const after = evaluate({ design: copied, workload }, catalog);
    if (!before.ok || !after.ok) throw new Error('both designs run');
    expect(before.report.prefill.bound).toBe('compute');
    expect(after.report.prefill.tokensPerSecond).toBeCloseTo(before.report.prefill.tokensPerSecond, 9);
    expect(after.report.decode.tokensPerSecond).toBeCloseTo(before.report.decode.tokensPerSecond, 9);
    expect(
      after.report.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.blockId]),
    ).toContainEqual(['unconnected-compute', 'copy']);
    // The copy's 1 W of leakage is the only difference in power (no cap, no domain: voltage unchanged).
    expect(after.report.prefill.averagePowerWatts - before.report.prefill.averagePowerWatts).toBeCloseTo(
      1,
      9,
    );
  });

  it('refuses a design whose only compute block is unlinked, naming it', () => {
    const design = testDesign({ tile: { type: 'test.array' }, lonely: { type: 'test.dram' } }, []);
    const codes = resolve(design, catalog).diagnostics.map((diagnostic) => [
      diagnostic.code,
      diagnostic.blockId,
    ]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['unconnected-compute', 'tile'],
        ['no-compute', undefined],
      ]),
    );
  });

  it('reports a design without compute', () => {
    const design = testDesign({ dram: { type: 'test.dram' } }, []);
    expect(resolve(design, catalog).diagnostics.map((diagnostic) => diagnostic.code)).toContain('no-compute');
  });

  it('gives chips a network through a switch outside the chip group, bounded by each chip’s link', () => {
    const design = testDesign(
      {
        tile: { type: 'test.array' },
        dram: { type: 'test.dram' },
        link: { type: 'test.link', params: { bandwidthBytesPerSecond: 2e11 } },
        switch: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 1e13 } },
      },
      [
        ['tile', 'dram'],
        ['tile', 'link'],
        ['link', 'switch'],
      ],
      [{ id: 'chip', name: 'Chip', kind: 'chip', count: 8, blocks: ['tile', 'dram', 'link'] }],
    );
    const machine = resolve(design, catalog);
    expect(machine.chip.count).toBe(8);
    expect(machine.network?.bandwidthBytesPerSecond).toBeCloseTo(2e11, -3);
    // The switch's 10 TB/s shared by 8 chips is 1.25 TB/s each: not the limit. Make it one:
    const slowSwitch = {
      ...design,
      blocks: design.blocks.map((block) =>
        block.id === 'switch' ? { ...block, params: { bandwidthBytesPerSecond: 8e11 } } : block,
      ),
    };
    expect(resolve(slowSwitch, catalog).network?.bandwidthBytesPerSecond).toBeCloseTo(1e11, -3);
  });

  it('takes the chip network’s latency and energy along the route from the compute to the system fabric', () => {
    const design = testDesign(
      {
        tile: { type: 'test.array' },
        dram: { type: 'test.dram' },
        link: { type: 'test.link', params: { latencySeconds: 1e-6, energyJoulesPerBit: 2e-12 } },
        switch: { type: 'test.fabric', params: { latencySeconds: 5e-7, energyJoulesPerBit: 1e-12 } },
      },
      [
        ['tile', 'dram'],
        ['tile', 'link'],
        ['link', 'switch'],
      ],
      [{ id: 'chip', name: 'Chip', kind: 'chip', count: 4, blocks: ['tile', 'dram', 'link'] }],
    );
    const network = resolve(design, catalog).network;
    // tile → link → switch: each block's latency, and the energy of each fabric block crossed.
    expect(network?.via).toEqual(['link', 'switch']);
    expect(network?.latencySeconds).toBeCloseTo(1e-6 + 5e-7, 15);
    expect(network?.energyJoulesPerBit).toBeCloseTo(2e-12 + 1e-12, 20);
  });
});

describe('a block that computes on its own memory', () => {
  // A host CPU with its DRAM: the engine's one block type that is both a compute unit and a memory level.
  const hostType = blockTypeOf(
    'test.host',
    'host',
    {
      cores: 8,
      clockHertz: 2e9,
      bf16MacsPerCyclePerCore: 32,
      fp32Rate: 0.5,
      vectorOpsPerCycle: 256,
      dramCapacityBytes: 2 ** 36,
      dramBandwidthBytesPerSecond: 2e11,
      dramAchievableBandwidthFraction: 0.8,
      dramLatencySeconds: 1e-7,
      dramEnergyJoulesPerBit: 1.5e-11,
      computeEfficiency: 1,
      dispatchOverheadSeconds: 0,
      energyJoulesPerMacBf16: 1e-12,
      energyJoulesPerVectorOp: 1e-13,
      staticPowerWatts: 50,
    },
    { category: 'host' },
  );
  const hostCatalog = testCatalog({ blockTypes: [...testBlockTypes, hostType] });

  it('reaches its DRAM through itself, at the sustained DRAM bandwidth, the DRAM’s latency and energy', () => {
    const design = testDesign({ cpu: { type: 'test.host' } }, []);
    const { chip } = resolve(design, hostCatalog);
    expect(chip.units.map((unit) => unit.id)).toEqual(['cpu']);
    expect(chip.levels.map((level) => [level.id, level.name, level.dram])).toEqual([
      ['cpu', 'cpu DRAM', true],
    ]);
    const path = chip.paths[0]?.[0];
    expect(path?.ownMemory).toBe(true);
    expect(path?.bandwidthBytesPerSecond).toBeCloseTo(2e11 * 0.8, -3);
    expect(path?.latencySeconds).toBe(1e-7);
    expect(path?.energyJoulesPerBit).toBe(1.5e-11);
    // FP32 at half the BF16 rate, from the cited parameter.
    expect(chip.units[0]?.macsPerCycle.fp32).toBe(8 * 32 * 0.5);
    // DRAM and CPU power are on the host's own supplies: not scaled with the accelerator's voltage.
    expect(chip.power.staticFixedWatts).toBe(50);
    expect(chip.power.staticScaledWatts).toBe(0);
  });

  it('runs a memory-bound step at its own bandwidth, which a slower memory clock lowers', () => {
    const design = testDesign({ cpu: { type: 'test.host' } }, []);
    const { chip } = resolve(design, hostCatalog);
    const path = chip.paths[0]?.[0];
    if (!path) throw new Error('the host reaches its DRAM');
    const context = (scale: number): CostContext => ({
      chip,
      network: undefined,
      placement: { weights: [{ levelIndex: 0, fraction: 1 }], kv: [], activations: [] },
      dramBandwidthScale: scale,
      sparseWeights: false,
    });
    const read: Operator = {
      id: 'read',
      name: 'read',
      kind: 'elementwise',
      part: 'ffn',
      repeat: 1,
      gemm: undefined,
      macs: 0,
      vectorOps: 0,
      bytes: { weights: 1e9, kv: 0, activations: 0 },
      computeClass: 'bf16',
      elementBytes: 2,
      sparse: false,
      collective: undefined,
    };
    expect(costOperator(read, 0, context(1)).memorySeconds).toBeCloseTo(1e9 / (2e11 * 0.8), 12);
    expect(costOperator(read, 0, context(0.5)).memorySeconds).toBeCloseTo(1e9 / (2e11 * 0.8 * 0.5), 12);
  });
  it('is listed once in the report, with both roles’ dynamic power and its static power once', () => {
    const design = testDesign({ cpu: { type: 'test.host' } }, []);
    const result = evaluate({ design, workload: defaultWorkload('toy') }, hostCatalog);
    if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
    const decode = result.report.decode;
    const entries = decode.blocks.filter((entry) => entry.blockId === 'cpu');
    expect(entries).toHaveLength(1);
    // Every operator runs on the host; their energies are the dynamic energy of the step.
    const dynamicJoules = decode.operators.reduce((sum, entry) => sum + entry.energyJoules, 0);
    expect(entries[0]?.averagePowerWatts).toBeCloseTo(dynamicJoules / decode.seconds + 50, 6);
  });
});
