import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Chip } from '../machine';
import type { Footprint } from '../models/footprint';
import { tensorClasses } from '../operators';
import type { BlockType } from '../schema/block-type';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { map, place } from './map';
import type { Plan } from './plan';
import { resolve } from './resolve';

const MiB = 2 ** 20;

/** A KV-cache compressor like the fixture's weight decompressor, for a path that shrinks the KV cache. */
const kvCompressorType: BlockType = {
  ...(testBlockTypes.find((type) => type.id === 'test.decompress') as BlockType),
  id: 'test.kv-compress',
  costModel: 'kv-compression',
};
const catalog = testCatalog({ blockTypes: [...testBlockTypes, kvCompressorType] });

function needsOf(weights: number, kv: number, activations: number, kvPerSequence = kv): Footprint {
  return { weights, kv, activations, kvPerSequence };
}

function planWith(needs: Footprint): Plan {
  return {
    parallelism: { tensor: 1, pipeline: 1, expert: 1, dataReplicas: 1, chipsUsed: 1, automatic: false },
    primaryUnit: 0,
    batchPerReplica: 1,
    totalContext: 1,
    decodeContext: 1,
    microbatches: 1,
    decodeSequences: 1,
    needs,
  };
}

/**
 * A tile with a DRAM (1 TB/s) and an SRAM (10 TB/s). The DRAM is drawn first, so it is level 0: the order
 * of claims must come from the bandwidth, not the drawing.
 */
function sramAndDram(sramBytes = 64 * MiB, dramBytes = 64 * 2 ** 30): Chip {
  return resolve(
    testDesign(
      {
        tile: { type: 'test.array' },
        dram: { type: 'test.dram', params: { capacityBytes: dramBytes } },
        sram: { type: 'test.sram', params: { capacityBytes: sramBytes } },
      },
      [
        ['tile', 'dram'],
        ['tile', 'sram'],
      ],
    ),
    catalog,
  ).chip;
}

const levelIndex = (chip: Chip, id: string) => chip.levels.findIndex((level) => level.id === id);
const fractionSum = (entries: readonly { fraction: number }[]) =>
  entries.reduce((sum, entry) => sum + entry.fraction, 0);

describe('place: which level each tensor class lives in', () => {
  it('gives activations the fastest storage first, then weights, then the KV cache', () => {
    const chip = sramAndDram();
    const sram = levelIndex(chip, 'sram');
    const dram = levelIndex(chip, 'dram');
    const { placement, used, overflowBytes } = place(chip, 0, needsOf(100 * MiB, 10 * MiB, 16 * MiB));
    // The 64 MiB SRAM takes the 16 MiB of activations, then 48 of the 100 MiB of weights; the rest goes to DRAM.
    expect(placement.activations).toEqual([{ levelIndex: sram, fraction: 1 }]);
    expect(placement.weights).toEqual([
      { levelIndex: sram, fraction: 48 / 100 },
      { levelIndex: dram, fraction: 52 / 100 },
    ]);
    expect(placement.kv).toEqual([{ levelIndex: dram, fraction: 1 }]);
    expect(used[sram]).toEqual({ activations: 16 * MiB, weights: 48 * MiB, kv: 0 });
    expect(used[dram]).toEqual({ activations: 0, weights: 52 * MiB, kv: 10 * MiB });
    expect(overflowBytes).toBe(0);
  });

  it('ranks levels by the bandwidth the unit sees, not the level’s own', () => {
    // The SRAM behind a 100 GB/s fabric is slower to reach than the 1 TB/s DRAM.
    const chip = resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          noc: { type: 'test.fabric', params: { bandwidthBytesPerSecond: 1e11 } },
          sram: { type: 'test.sram' },
          dram: { type: 'test.dram' },
        },
        [
          ['tile', 'noc'],
          ['noc', 'sram'],
          ['tile', 'dram'],
        ],
      ),
      catalog,
    ).chip;
    const { placement } = place(chip, 0, needsOf(MiB, MiB, MiB));
    expect(placement.activations).toEqual([{ levelIndex: levelIndex(chip, 'dram'), fraction: 1 }]);
  });

  it('costs what finds no room in the slowest level and reports it as overflow', () => {
    const chip = sramAndDram(64 * MiB, 100 * MiB);
    const dram = levelIndex(chip, 'dram');
    const { placement, overflowBytes } = place(chip, 0, needsOf(100 * MiB, 200 * MiB, 16 * MiB));
    // 316 MiB needed, 164 MiB of room.
    expect(overflowBytes).toBe(316 * MiB - 164 * MiB);
    // The KV cache found 48 MiB in DRAM; its other 152 MiB are counted there too.
    expect(placement.kv).toEqual([{ levelIndex: dram, fraction: 1 }]);
  });

  it('points a class it has nothing of at the fastest level', () => {
    const chip = sramAndDram();
    expect(place(chip, 0, needsOf(MiB, 0, MiB)).placement.kv).toEqual([
      { levelIndex: levelIndex(chip, 'sram'), fraction: 1 },
    ]);
  });

  it('places every byte once: fractions sum to 1, no level over capacity, the rest is overflow', () => {
    const base = sramAndDram();
    fc.assert(
      fc.property(
        fc.record({
          sram: fc.integer({ min: 0, max: 512 }),
          dram: fc.integer({ min: 0, max: 512 }),
          weights: fc.integer({ min: 0, max: 512 }),
          kv: fc.integer({ min: 0, max: 512 }),
          activations: fc.integer({ min: 0, max: 512 }),
        }),
        (sizes) => {
          const capacity = { sram: sizes.sram * MiB, dram: sizes.dram * MiB };
          const chip: Chip = {
            ...base,
            levels: base.levels.map((level) => ({
              ...level,
              capacityBytes: level.id === 'sram' ? capacity.sram : capacity.dram,
            })),
          };
          const needs = needsOf(sizes.weights * MiB, sizes.kv * MiB, sizes.activations * MiB);
          const { placement, used, overflowBytes } = place(chip, 0, needs);
          for (const tensorClass of tensorClasses)
            expect(fractionSum(placement[tensorClass])).toBeCloseTo(1, 12);
          chip.levels.forEach((level, index) => {
            const held = used[index];
            expect((held?.weights ?? 0) + (held?.kv ?? 0) + (held?.activations ?? 0)).toBeLessThanOrEqual(
              level.capacityBytes,
            );
          });
          const needed = needs.weights + needs.kv + needs.activations;
          expect(overflowBytes).toBe(Math.max(0, needed - capacity.sram - capacity.dram));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('place: compression on the path', () => {
  /** A tile that reaches a 64 MiB DRAM through a compressor of ratio 2. */
  function behind(compressor: 'test.decompress' | 'test.kv-compress'): Chip {
    return resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          codec: { type: compressor, params: { compressionRatio: 2 } },
          dram: { type: 'test.dram', params: { capacityBytes: 64 * MiB } },
        },
        [
          ['tile', 'codec'],
          ['codec', 'dram'],
        ],
      ),
      catalog,
    ).chip;
  }

  it('stores weights behind a weight decompressor at 1 / ratio of their size', () => {
    // 100 MiB of weights are 50 MiB stored: with 10 MiB of KV and 1 MiB of activations, 61 of 64 MiB.
    const needs = needsOf(100 * MiB, 10 * MiB, MiB);
    const { used, overflowBytes, placement } = place(behind('test.decompress'), 0, needs);
    expect(used[0]).toEqual({ weights: 50 * MiB, kv: 10 * MiB, activations: MiB });
    expect(placement.weights).toEqual([{ levelIndex: 0, fraction: 1 }]);
    expect(overflowBytes).toBe(0);
    // Without the decompressor the same model overflows the DRAM by 111 − 64 MiB.
    expect(place(sramAndDram(0, 64 * MiB), 0, needs).overflowBytes).toBe(47 * MiB);
  });

  it('stores the KV cache, and only it, behind a KV compressor at 1 / ratio', () => {
    const { used } = place(behind('test.kv-compress'), 0, needsOf(20 * MiB, 40 * MiB, MiB));
    expect(used[0]).toEqual({ weights: 20 * MiB, kv: 20 * MiB, activations: MiB });
  });

  /** The same chip as a machine, for the map stage. */
  const machineBehind = (compressor: 'test.decompress' | 'test.kv-compress') => ({
    ...resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          codec: { type: compressor, params: { compressionRatio: 2 } },
          dram: { type: 'test.dram', params: { capacityBytes: 64 * MiB } },
        },
        [
          ['tile', 'codec'],
          ['codec', 'dram'],
        ],
      ),
      catalog,
    ),
  });

  it('counts the room and the largest batch in stored bytes behind a weight decompressor', () => {
    // 100 MiB of weights stored in 50 MiB, 1 MiB of activations: 13 MiB left, thirteen 1 MiB sequences.
    const placement = map(machineBehind('test.decompress'), planWith(needsOf(100 * MiB, MiB, MiB, MiB)));
    expect(placement.stored).toEqual({ weights: 50 * MiB, kv: MiB, activations: MiB });
    expect(placement.kvRoomBytes).toBe(13 * MiB);
    expect(placement.maxBatchPerReplica).toBe(13);
  });

  it('doubles the largest batch behind a 2× KV compressor', () => {
    // 20 MiB of weights and 1 MiB of activations leave 43 MiB, which hold 86 MiB of KV cache: 43 sequences of 2 MiB.
    const needs = needsOf(20 * MiB, 2 * MiB, MiB, 2 * MiB);
    const placement = map(machineBehind('test.kv-compress'), planWith(needs));
    expect(placement.kvRoomBytes).toBe(86 * MiB);
    expect(placement.maxBatchPerReplica).toBe(43);
    // Behind a weight decompressor instead, the weights shrink to 10 MiB: 53 MiB over 2 MiB sequences.
    expect(map(machineBehind('test.decompress'), planWith(needs)).maxBatchPerReplica).toBe(
      Math.floor(53 / 2),
    );
  });
});

describe('map: room for the KV cache', () => {
  /**
   * Two chips, each with a 1 GB DRAM, sharing an 8 GB host memory outside the chip group (4 GB per chip).
   */
  const machine = resolve(
    testDesign(
      {
        tile: { type: 'test.array' },
        dram: { type: 'test.dram', params: { capacityBytes: 1e9 } },
        link: { type: 'test.link' },
        host: { type: 'test.dram', params: { capacityBytes: 8e9 } },
      },
      [
        ['tile', 'dram'],
        ['tile', 'link'],
        ['link', 'host'],
      ],
      [{ id: 'chip', name: 'Chip', kind: 'chip', count: 2, blocks: ['tile', 'dram', 'link'] }],
    ),
    catalog,
  );

  it('counts host memory as storage but never as room for KV', () => {
    // 0.5 GB of weights and 0.1 GB of activations leave 0.4 GB of the 1 GB device: four 0.1 GB sequences.
    const placement = map(machine, planWith(needsOf(0.5e9, 0.1e9, 0.1e9, 0.1e9)));
    expect(placement.storageBytes).toBe(1e9 + 8e9 / 2);
    expect(placement.deviceBytes).toBe(1e9);
    expect(placement.kvRoomBytes).toBe(1e9 - 0.5e9 - 0.1e9);
    expect(placement.maxBatchPerReplica).toBe(4);
    expect(placement.kvInHostBytes).toBe(0);
  });

  it('leaves no batch when the device cannot hold the weights and one sequence, and says what KV went to host', () => {
    // 0.85 + 0.1 GB leave 0.05 GB of the device: half a sequence. Half the KV cache lands in host memory.
    const placement = map(machine, planWith(needsOf(0.85e9, 0.1e9, 0.1e9, 0.1e9)));
    expect(placement.kvRoomBytes).toBeCloseTo(0.05e9, 0);
    expect(placement.maxBatchPerReplica).toBe(0);
    expect(placement.kvInHostBytes).toBeCloseTo(0.05e9, 0);
    expect(placement.stored).toEqual({ weights: 0.85e9, kv: 0.1e9, activations: 0.1e9 });
  });

  it('counts a full prefill chunk’s activations at the largest batch, not the batch being run', () => {
    // 1 MB of activations per prompt up to a 20 MB chunk: at the largest batch the chunk is full, so the room is
    // 1 GB − 0.5 GB − 20 MB = 480 MB, 48 sequences of 10 MB (48 prompts more than fill the chunk).
    const needs: Footprint = {
      ...needsOf(0.5e9, 10e6, 1e6, 10e6),
      activationsPerSequence: 1e6,
      activationsCap: 20e6,
    };
    expect(map(machine, planWith(needs)).maxBatchPerReplica).toBe(48);
    // A chunk larger than the prompts that fit never fills: each sequence then costs 10 MB of KV and 1 MB of
    // activations, 500 MB / 11 MB.
    const large: Footprint = { ...needs, activationsCap: 100e6 };
    expect(map(machine, planWith(large)).maxBatchPerReplica).toBe(Math.floor(0.5e9 / 11e6));
    // Without a chunk (whole prompts at once) each sequence costs 10 MB of KV and 1 MB of activations: 500 / 11.
    const whole: Footprint = { ...needsOf(0.5e9, 10e6, 1e6, 10e6), activationsPerSequence: 1e6 };
    expect(map(machine, planWith(whole)).maxBatchPerReplica).toBe(Math.floor(0.5e9 / 11e6));
  });

  it('gives the KV cache only the runtime’s share of device memory (TensorRT-LLM: of what is free)', () => {
    // 1 GB device, 0.05 GB CUDA context, 0.5 GB weights, 0.1 GB activations: 0.35 GB free, of which 90 % is KV,
    // 0.315 GB: three 0.1 GB sequences (four without the runtime's limits).
    const needs = needsOf(0.5e9, 0.1e9, 0.1e9, 0.1e9);
    const trt = { basis: 'free', fraction: 0.9, reservedBytes: 0.05e9 } as const;
    const placement = map(machine, planWith(needs), trt);
    expect(placement.kvRoomBytes).toBeCloseTo(0.9 * (1e9 - 0.05e9 - 0.5e9 - 0.1e9), 0);
    expect(placement.maxBatchPerReplica).toBe(3);
    expect(map(machine, planWith(needs)).maxBatchPerReplica).toBe(4);
  });

  it('gives the KV cache what is left of the runtime’s share of total memory (vLLM)', () => {
    // 90 % of 1 GB is 0.9 GB for everything; the context (0.05 GB), weights (0.5 GB) and activations (0.1 GB)
    // take 0.65 GB, leaving 0.25 GB: two 0.1 GB sequences.
    const needs = needsOf(0.5e9, 0.1e9, 0.1e9, 0.1e9);
    const vllm = { basis: 'total', fraction: 0.9, reservedBytes: 0.05e9 } as const;
    const placement = map(machine, planWith(needs), vllm);
    expect(placement.kvRoomBytes).toBeCloseTo(0.9 * 1e9 - 0.05e9 - 0.5e9 - 0.1e9, 0);
    expect(placement.maxBatchPerReplica).toBe(2);
  });

  it('places the plan’s footprint from the plan’s primary unit', () => {
    const needs = needsOf(0.5e9, 0.1e9, 0.1e9);
    const placement = map(machine, planWith(needs));
    expect({
      placement: placement.placement,
      used: placement.used,
      overflowBytes: placement.overflowBytes,
    }).toEqual(place(machine.chip, 0, needs));
  });
});
