/**
 * Area and cost: each figure derived here from its formula — SRAM = bits × bit cell ÷ array efficiency, the gross
 * dies per wafer, the negative-binomial yield, the cost per good die and $ per decode token/s — never pasted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockTypeOf, readingOf } from '../testing/block-readings';
import {
  blockArea,
  costPerGoodDie,
  grossDiesPerWafer,
  negativeBinomialYield,
  CACHE_BANK_BYTES,
  cacheAreaSquareMetres,
  sramAreaSquareMetres,
  type AreaTech,
} from './area';

const tech: AreaTech = {
  node: '5nm',
  bitCellSquareMetres: 0.021e-12,
  arrayEfficiency: 0.7,
  logicFrom45nm: 0.03278,
  logicFrom7nm: 0.03278 / 0.059,
  densityFrom7nm: 96.3 / 138.2,
  cacheBitSquareMetres: 0.125e-12,
  // CACTI's efficiency by bank, 4 KB … 1 MB (LLMCompass).
  cacheEfficiencyByBank: [0.076, 0.142, 0.247, 0.393, 0.559, 0.704, 0.526, 0.602, 0.561].map(
    (efficiency, i) => [2 ** (12 + i), efficiency] as const,
  ),
  components: new Map([
    ['mac-bf16', 5824e-12],
    ['mac-fp8', 1642e-12],
    ['mac-int8', 419e-12],
    ['mac-fp32', 11884e-12],
    ['core-overhead', 60814e-12],
    ['hbm-phy', 10.45e-6],
    ['hbm-controller', 5.707e-6],
    ['serdes', 1e-6],
    ['simt-core-control', 1.3241288e-6],
    ['simt-core-register-file', 1.5653124e-6],
    ['simt-core-int-fp64-pipes', 3.4581267e-7],
    ['core-crossbar-port', 4.6002077e-7],
    ['link-controller', 8.9956e-7],
  ]),
  serdesBandwidthBytesPerSecond: 50e9,
};

describe('SRAM area', () => {
  it('is bits times the bit cell divided by the array efficiency', () => {
    const bytes = 32 * 2 ** 20;
    expect(sramAreaSquareMetres(bytes, tech)).toBeCloseTo((bytes * 8 * 0.021e-12) / 0.7, 18);
  });

  it('gives a 50 MiB SRAM block its bit cells and periphery at the node', () => {
    const type = blockTypeOf(
      'memory.sram',
      'memory',
      { capacityBytes: 50 * 2 ** 20 },
      { category: 'memory' },
    );
    const { areaSquareMetres } = blockArea(readingOf(type).block, readingOf(type), 'memory', tech);
    expect(areaSquareMetres).toBeCloseTo((50 * 2 ** 20 * 8 * 0.021e-12) / 0.7, 18);
  });

  it('keeps an area a block states', () => {
    const type = blockTypeOf('memory.sram', 'memory', { capacityBytes: 1024, areaSquareMetres: 0 });
    const reading = readingOf(type, { areaSquareMetres: 3e-6 });
    expect(blockArea(reading.block, reading, 'memory', tech)).toEqual({
      areaSquareMetres: 3e-6,
      basis: 'stated on the block',
    });
  });
});

describe('DRAM interfaces and links', () => {
  it('gives each HBM stack a PHY (not scaled) and a controller scaled from 7 nm', () => {
    const type = blockTypeOf(
      'memory.hbm',
      'memory',
      { generation: 'hbm3', stacks: 5, capacityBytes: 80e9 },
      { category: 'memory', traits: ['dram'] },
    );
    const reading = readingOf(type);
    expect(blockArea(reading.block, reading, 'memory', tech).areaSquareMetres).toBeCloseTo(
      5 * (10.45e-6 + 5.707e-6 * tech.logicFrom7nm),
      15,
    );
  });

  it('sizes a chip-to-chip link by its bandwidth: per 50 GB/s a 1 mm² SerDes and a link controller', () => {
    const type = blockTypeOf('interconnect.chip-link', 'fabric', { bandwidthBytesPerSecond: 450e9 });
    const reading = readingOf(type);
    expect(blockArea(reading.block, reading, 'fabric', tech).areaSquareMetres).toBeCloseTo(
      (450e9 / 50e9) * (1e-6 + 8.9956e-7 * (96.3 / 138.2)),
      15,
    );
  });
});

const smParams = {
  bf16MacsPerCycle: 1024,
  tileM: 128,
  tileN: 128,
  minTileM: 64,
  prologueK: 0,
  clockHertz: 1e9,
  fp32Rate: 0,
  tf32Rate: 0,
  fp8Rate: 2,
  int8Rate: 0,
  int4Rate: 0,
  fp4Rate: 0,
  vectorOpsPerCycle: 64,
  localBufferBytes: 65536,
  computeEfficiency: 1,
  dispatchOverheadSeconds: 0,
  energyJoulesPerMacBf16: 1e-12,
  arithmeticEnergyFraction: 0.4,
  energyJoulesPerVectorOp: 1e-12,
  staticPowerWatts: 0,
};

describe('a compute block', () => {
  it('is, for a GPU SM, its MACs and FP32 lanes, an L1 cache, and a SIMT core’s register file, control, pipes and crossbar port', () => {
    const type = blockTypeOf('compute.tensor-cluster', 'tensor-cluster', smParams);
    const reading = readingOf(type);
    // BF16: 1024 × 5824 µm²; FP8: 2048 × 1642 µm², the smaller: the datapath is the BF16 MACs.
    const macs = Math.max(1024 * 5824e-12, 2048 * 1642e-12);
    // The 64 KB L1: one 64 KB bank at CACTI's 0.559.
    const l1 = (65536 * 8 * 0.125e-12) / 0.559;
    // The SIMT core's transistor-count rows at 7 nm, scaled by the density ratio 96.3 / 138.2.
    const core = (1.3241288e-6 + 1.5653124e-6 + 3.4581267e-7 + 4.6002077e-7) * (96.3 / 138.2);
    const expected = (macs + 64 * 11884e-12) * tech.logicFrom45nm + l1 + core;
    const area = blockArea(reading.block, reading, 'tensor-cluster', tech);
    expect(area.areaSquareMetres).toBeCloseTo(expected, 15);
    // What an architect sizing a GPU must know: the register file outweighs the tensor-core MACs.
    expect(1.5653124e-6 * (96.3 / 138.2)).toBeGreaterThan(macs * tech.logicFrom45nm);
    expect(area.basis).toMatch(/register file/);
  });

  it('is, for any other core, its datapath, a scratchpad buffer, the per-core overhead and a crossbar port', () => {
    const type = blockTypeOf('compute.systolic', 'matrix-array', {
      rows: 16,
      cols: 16,
      clockHertz: 1e9,
      fp32Rate: 0,
      tf32Rate: 0,
      fp8Rate: 0,
      int8Rate: 2,
      int4Rate: 0,
      fp4Rate: 0,
      vectorOpsPerCycle: 32,
      localBufferBytes: 65536,
      computeEfficiency: 1,
      dispatchOverheadSeconds: 0,
      energyJoulesPerMacBf16: 1e-12,
      arithmeticEnergyFraction: 0.4,
      energyJoulesPerVectorOp: 1e-12,
      staticPowerWatts: 0,
    });
    const reading = readingOf(type);
    // 256 BF16 MACs × 5824 µm² outweigh 512 INT8 MACs × 419 µm².
    const macs = Math.max(256 * 5824e-12, 512 * 419e-12);
    const expected =
      (macs + 32 * 11884e-12) * tech.logicFrom45nm +
      (65536 * 8 * 0.021e-12) / 0.7 +
      60814e-12 * tech.logicFrom7nm +
      4.6002077e-7 * (96.3 / 138.2);
    const area = blockArea(reading.block, reading, 'matrix-array', tech);
    expect(area.areaSquareMetres).toBeCloseTo(expected, 15);
    expect(area.basis).not.toMatch(/register file/);
  });
});

describe('cache area (banks of at most 512 KB, CACTI efficiency)', () => {
  it('builds a 48 MiB L2 of 96 banks of 512 KB at the 512 KB efficiency (0.602)', () => {
    const bytes = 48 * 2 ** 20;
    const banks = bytes / CACHE_BANK_BYTES;
    expect(banks).toBe(96);
    expect(cacheAreaSquareMetres(bytes, tech)).toBeCloseTo(
      (banks * CACHE_BANK_BYTES * 8 * 0.125e-12) / 0.602,
      15,
    );
  });

  it('builds a small cache as one bank of its size (at least 4 KB) at the next power-of-two bank’s efficiency', () => {
    // 100 KB: the 128 KB bank's 0.704.
    expect(cacheAreaSquareMetres(100 * 1024, tech)).toBeCloseTo((100 * 1024 * 8 * 0.125e-12) / 0.704, 18);
    expect(cacheAreaSquareMetres(1024, tech)).toBeCloseTo((4096 * 8 * 0.125e-12) / 0.076, 18);
    expect(cacheAreaSquareMetres(0, tech)).toBe(0);
  });

  it('prices a memory.cache block with the cache model and a scratchpad with the SRAM model', () => {
    const bytes = 40 * 2 ** 20;
    const cache = blockTypeOf('memory.cache', 'memory', { capacityBytes: bytes }, { category: 'memory' });
    const sram = blockTypeOf('memory.sram', 'memory', { capacityBytes: bytes }, { category: 'memory' });
    const cacheArea = blockArea(readingOf(cache).block, readingOf(cache), 'memory', tech).areaSquareMetres;
    const sramArea = blockArea(readingOf(sram).block, readingOf(sram), 'memory', tech).areaSquareMetres;
    expect(cacheArea).toBeCloseTo(cacheAreaSquareMetres(bytes, tech), 15);
    expect(sramArea).toBeCloseTo(sramAreaSquareMetres(bytes, tech), 15);
    expect(cacheArea).toBeGreaterThan(sramArea);
  });

  it('never gives a negative or non-finite area', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (bytes) => {
        const area = cacheAreaSquareMetres(bytes, tech);
        return Number.isFinite(area) && area >= 0;
      }),
    );
  });
});

describe('dies per wafer, yield and cost', () => {
  it('counts gross dies with the standard formula, π(d/2)²/A − πd/√(2A)', () => {
    const area = 814e-6;
    const expected = Math.floor((Math.PI * 0.15 ** 2) / area - (Math.PI * 0.3) / Math.sqrt(2 * area));
    expect(grossDiesPerWafer(0.3, area)).toBe(expected);
    expect(expected).toBeGreaterThan(60);
  });

  it('has no die when the die outgrows the wafer', () => {
    expect(grossDiesPerWafer(0.3, 0.1)).toBe(0);
    expect(grossDiesPerWafer(0.3, 0)).toBe(0);
  });

  it('yields (1 + A·D0/α)^−α, tending to Poisson e^(−A·D0) as α grows', () => {
    const area = 800e-6;
    const d0 = 1000;
    expect(negativeBinomialYield(area, d0, 3)).toBeCloseTo((1 + (area * d0) / 3) ** -3, 12);
    expect(negativeBinomialYield(area, d0, 1e6)).toBeCloseTo(Math.exp(-area * d0), 5);
    expect(negativeBinomialYield(area, 0, 3)).toBe(1);
  });

  it('prices a good die at wafer cost ÷ (gross dies × yield)', () => {
    const gross = grossDiesPerWafer(0.3, 600e-6);
    const dieYield = negativeBinomialYield(600e-6, 1000, 3);
    expect(costPerGoodDie(17000, gross, dieYield)).toBeCloseTo(17000 / (gross * dieYield), 9);
  });

  it('keeps yield within (0, 1] and dies whole and non-negative for any die', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-9, max: 0.01, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (area, d0, alpha) => {
          const y = negativeBinomialYield(area, d0, alpha);
          const dies = grossDiesPerWafer(0.3, area);
          return y > 0 && y <= 1 && Number.isInteger(dies) && dies >= 0;
        },
      ),
    );
  });
});
