import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics';
import { evaluate } from '../evaluate';
import type { Chip } from '../machine';
import type { Footprint } from '../models/footprint';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import { defaultWorkload, type MemoryPolicy, type Workload } from '../schema/workload';
import { testCatalog, testDesign, toyArchitecture } from '../testing/fixtures';
import { memoryRoutes, pinDiagnostics, streamingSeconds } from './hierarchy';
import { map } from './map';
import type { Plan } from './plan';
import { resolve } from './resolve';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const catalog = testCatalog();

/** A tile with an SRAM (10 TB/s) and a DRAM (1 TB/s) of the given sizes. */
function sramAndDram(sramBytes = 64 * MiB, dramBytes = 64 * GiB): DesignDocument {
  return testDesign(
    {
      tile: { type: 'test.array' },
      sram: { type: 'test.sram', params: { capacityBytes: sramBytes } },
      dram: { type: 'test.dram', params: { capacityBytes: dramBytes } },
    },
    [
      ['tile', 'sram'],
      ['tile', 'dram'],
    ],
  );
}

const chipOf = (design: DesignDocument): Chip => resolve(design, catalog).chip;

function planWith(needs: Footprint, totalContext: number, batchPerReplica = 1): Plan {
  return {
    parallelism: { tensor: 1, pipeline: 1, expert: 1, dataReplicas: 1, chipsUsed: 1, automatic: false },
    primaryUnit: 0,
    batchPerReplica,
    totalContext,
    decodeContext: totalContext,
    microbatches: 1,
    decodeSequences: batchPerReplica,
    needs,
  };
}

const auto: MemoryPolicy = { weights: { placement: 'auto' }, kv: { placement: 'auto' }, prefetch: true };

function run(design: DesignDocument, workload: Partial<Workload> = {}): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), ...workload } }, catalog);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

describe('streamingSeconds: the double-buffer formula', () => {
  it('is the first load plus max(compute, load) for every layer but the last, plus the last compute', () => {
    const layers = 32;
    const compute = 2e-3;
    const load = 3e-3;
    const expected = load + (layers - 1) * Math.max(compute, load) + compute;
    const streamed = streamingSeconds(layers, compute, load, true);
    expect(streamed.totalSeconds).toBeCloseTo(expected, 12);
    expect(streamed.exposedSeconds).toBeCloseTo(expected - layers * compute, 12);
    // The load is slower than the compute: no layer's copy hides.
    expect(streamed.hiddenLayerShare).toBe(0);
  });

  it('hides every load but the first when compute is the slower, and serialises them without prefetch', () => {
    const layers = 10;
    const streamed = streamingSeconds(layers, 5e-3, 1e-3, true);
    expect(streamed.exposedSeconds).toBeCloseTo(1e-3, 12);
    expect(streamed.hiddenLayerShare).toBeCloseTo((layers - 1) / layers, 12);
    expect(streamingSeconds(layers, 5e-3, 1e-3, false).exposedSeconds).toBeCloseTo(layers * 1e-3, 12);
  });

  it('prefetch never makes a phase slower than no prefetch', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (layers, compute, load) =>
          streamingSeconds(layers, compute, load, true).totalSeconds <=
          streamingSeconds(layers, compute, load, false).totalSeconds * (1 + 1e-12),
      ),
    );
  });
});

describe('memory policies in the map stage', () => {
  it('a policy of auto everywhere places exactly as no policy does', () => {
    const chip = chipOf(sramAndDram());
    const needs: Footprint = {
      weights: 100 * MiB,
      kv: 10 * MiB,
      activations: 16 * MiB,
      kvPerSequence: 10 * MiB,
    };
    const plan = planWith(needs, 1000);
    const routes = memoryRoutes(chip, plan, auto, 4, []);
    const withPolicy = map({ ...resolve(sramAndDram(), catalog), chip }, plan, undefined, routes);
    const without = map({ ...resolve(sramAndDram(), catalog), chip }, plan);
    expect(withPolicy.placement).toEqual(without.placement);
    expect(withPolicy.used).toEqual(without.used);
    expect(withPolicy.maxBatchPerReplica).toBe(without.maxBatchPerReplica);
    expect(withPolicy.maxContext).toBe(without.maxContext);
  });

  it('paged KV: half a block of empty tokens per sequence lowers the largest batch by the derived amount', () => {
    const machine = resolve(sramAndDram(64 * MiB, GiB), catalog);
    const context = 1000;
    const perToken = 128 * 1024; // bytes of KV per token
    const weights = 512 * MiB;
    const needs: Footprint = {
      weights,
      kv: perToken * context,
      activations: 0,
      kvPerSequence: perToken * context,
    };
    const plan = planWith(needs, context);
    const blockTokens = 512;
    const routes = memoryRoutes(machine.chip, plan, { ...auto, kvBlockTokens: blockTokens }, 4, []);
    const paged = map(machine, plan, undefined, routes);
    const contiguous = map(machine, plan);
    // Room for KV: both levels' capacity less the weights; a sequence holds (L + b/2) tokens when paged.
    const room = 64 * MiB + GiB - weights;
    expect(contiguous.maxBatchPerReplica).toBe(Math.floor(room / (perToken * context)));
    expect(paged.maxBatchPerReplica).toBe(Math.floor(room / (perToken * (context + blockTokens / 2))));
    expect(paged.maxBatchPerReplica).toBeLessThan(contiguous.maxBatchPerReplica);
    expect(paged.stored.kv).toBeCloseTo(perToken * (context + blockTokens / 2), 3);
  });

  it('pinning the KV cache to a level too small for it is an error naming that level', () => {
    const machine = resolve(sramAndDram(64 * MiB, 64 * GiB), catalog);
    const needs: Footprint = { weights: 10 * MiB, kv: 200 * MiB, activations: 0, kvPerSequence: 200 * MiB };
    const plan = planWith(needs, 1000);
    const diagnostics: Diagnostic[] = [];
    const policy: MemoryPolicy = { ...auto, kv: { placement: 'pin', level: 'sram' } };
    const placement = map(machine, plan, undefined, memoryRoutes(machine.chip, plan, policy, 4, diagnostics));
    pinDiagnostics(machine.chip, placement, plan, diagnostics);
    const pinned = diagnostics.find((diagnostic) => diagnostic.code === 'memory-pin-too-small');
    expect(pinned?.severity).toBe('error');
    expect(pinned?.blockId).toBe('sram');
    expect(pinned?.message).toMatch(/KV cache is kept in/);
    // It still lives only there (what does not fit is counted as overflow, so the design does not fit).
    expect(placement.placement.kv.map((entry) => entry.levelIndex)).toEqual([
      machine.chip.levels.findIndex((level) => level.id === 'sram'),
    ]);
    expect(placement.overflowBytes).toBeGreaterThan(0);
  });

  it('pinning weights to the fastest level keeps them there ahead of the activations', () => {
    const machine = resolve(sramAndDram(64 * MiB, 64 * GiB), catalog);
    const needs: Footprint = {
      weights: 60 * MiB,
      kv: 1 * MiB,
      activations: 16 * MiB,
      kvPerSequence: 1 * MiB,
    };
    const plan = planWith(needs, 1000);
    const policy: MemoryPolicy = { ...auto, weights: { placement: 'pin' } };
    const placement = map(machine, plan, undefined, memoryRoutes(machine.chip, plan, policy, 4, []));
    const sram = machine.chip.levels.findIndex((level) => level.id === 'sram');
    expect(placement.placement.weights).toEqual([{ levelIndex: sram, fraction: 1 }]);
    expect(placement.used[sram]?.weights).toBe(60 * MiB);
  });
});

describe('memory policies through the whole engine', () => {
  const design = sramAndDram(256 * MiB, 64 * GiB);
  const layers = toyArchitecture.layers;

  it('with no policy, the report explains the fixed order and adds no time', () => {
    const report = run(design);
    expect(report.memoryHierarchy?.exposedTransfer).toEqual({ prefillSeconds: 0, decodeSecondsPerStep: 0 });
    expect(report.memoryHierarchy?.classes.map((entry) => entry.placement)).toEqual(['auto', 'auto', 'auto']);
  });

  it('streamed weights: the decode step grows by exactly the exposed time of the double-buffer formula', () => {
    const streamed = run(design, {
      memoryPolicy: { ...auto, weights: { placement: 'stream', level: 'dram' } },
    });
    const pinned = run(design, { memoryPolicy: { ...auto, weights: { placement: 'pin', level: 'sram' } } });
    const stream = streamed.memoryHierarchy?.streams[0];
    expect(stream?.layers).toBe(layers);
    const c = stream?.decodeComputeSecondsPerLayer ?? 0;
    const l = stream?.decodeLoadSecondsPerLayer ?? 0;
    const exposed = l + (layers - 1) * Math.max(0, l - c);
    expect(streamed.memoryHierarchy?.exposedTransfer.decodeSecondsPerStep).toBeCloseTo(exposed, 12);
    // Compute reads the weights from SRAM in both; streaming adds only what does not hide.
    expect(streamed.decode.seconds).toBeCloseTo(pinned.decode.seconds + exposed, 9);
    // The load is the layer's weights over the DRAM path (1 TB/s at the fixture's achievable fraction).
    expect(stream?.decodeBytesPerLayer).toBeGreaterThan(0);
    expect(stream?.bufferBytes).toBeGreaterThan(0);
    expect(streamed.memoryHierarchy?.classes[0]?.reason).toMatch(/streamed from .*double-buffered in/);
  });

  it('double-buffers two layers of weights: the layer GEMM matrices, embeddings and LM head excluded', () => {
    const streamed = run(design, {
      memoryPolicy: { ...auto, weights: { placement: 'stream', level: 'dram' } },
    });
    const { hiddenSize, heads, kvHeads, headDim, intermediateSize } = toyArchitecture;
    // Q and O (hidden × heads·headDim each), K and V (hidden × kvHeads·headDim each), gate, up and down (BF16).
    const matrices =
      2 * hiddenSize * heads * headDim +
      2 * hiddenSize * kvHeads * headDim +
      3 * hiddenSize * intermediateSize;
    const expected = 2 * matrices * 2;
    const buffer = streamed.memoryHierarchy?.streams[0]?.bufferBytes ?? 0;
    // Norm gains (a few KiB) are the only other layer weights.
    expect(buffer).toBeGreaterThanOrEqual(expected);
    expect(buffer).toBeLessThan(expected * 1.001);
  });

  it('prefetch never makes a phase slower than no prefetch, end to end', () => {
    const policy: MemoryPolicy = { ...auto, weights: { placement: 'stream', level: 'dram' } };
    const on = run(design, { memoryPolicy: policy });
    const off = run(design, { memoryPolicy: { ...policy, prefetch: false } });
    expect(on.decode.seconds).toBeLessThanOrEqual(off.decode.seconds);
    expect(on.prefill.seconds).toBeLessThanOrEqual(off.prefill.seconds);
  });

  it('a double buffer larger than the fastest level is an error naming it', () => {
    const result = evaluate(
      {
        design: sramAndDram(1024, 64 * GiB),
        workload: {
          ...defaultWorkload('toy'),
          memoryPolicy: { ...auto, weights: { placement: 'stream', level: 'dram' } },
        },
      },
      catalog,
    );
    const diagnostics = result.ok ? result.report.diagnostics : result.diagnostics;
    const found = diagnostics.find((diagnostic) => diagnostic.code === 'memory-stream-buffer-too-small');
    expect(found?.blockId).toBe('sram');
  });

  it('a class left auto on a design with one storage level is not taken for pinned', () => {
    const sramOnly = testDesign({ tile: { type: 'test.array' }, sram: { type: 'test.sram' } }, [
      ['tile', 'sram'],
    ]);
    const result = evaluate(
      {
        design: sramOnly,
        workload: {
          ...defaultWorkload('toy'),
          batch: 4096,
          memoryPolicy: { ...auto, weights: { placement: 'pin' } },
        },
      },
      catalog,
    );
    const diagnostics = result.ok ? result.report.diagnostics : result.diagnostics;
    // The KV cache of 4,096 sequences does not fit, but only the weights were pinned, and they fit.
    expect(diagnostics.map((diagnostic) => diagnostic.code)).not.toContain('memory-pin-too-small');
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toContain('does-not-fit');
  });

  it('a level the compute does not reach is a warning, and the class is placed fastest first', () => {
    const report = run(design, { memoryPolicy: { ...auto, kv: { placement: 'pin', level: 'nowhere' } } });
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toContain('memory-policy-level');
    expect(report.memoryHierarchy?.classes[1]?.placement).toBe('pin');
  });
});
