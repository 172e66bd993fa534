import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { PREFILL_CHUNK_TOKENS } from './models/footprint';
import { countParameters } from './models/parameters';
import type { Report } from './report';
import type { DesignDocument } from './schema/design';
import { defaultWorkload, type Workload } from './schema/workload';
import { testCatalog, testDesign, toyArchitecture } from './testing/fixtures';

const catalog = testCatalog();

function run(design: DesignDocument, workload: Partial<Workload> = {}): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), ...workload } }, catalog);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

/** A chip of `tiles` arrays sharing one DRAM. */
function accelerator(
  options: {
    tiles?: number;
    bandwidth?: number;
    clock?: number;
    dispatch?: number;
    capacity?: number;
    efficiency?: number;
  } = {},
): DesignDocument {
  return testDesign(
    {
      tile: {
        type: 'test.array',
        params: {
          clockHertz: options.clock ?? 1e9,
          dispatchOverheadSeconds: options.dispatch ?? 0,
          computeEfficiency: options.efficiency ?? 1,
        },
      },
      dram: {
        type: 'test.dram',
        params: {
          bandwidthBytesPerSecond: options.bandwidth ?? 1e11,
          capacityBytes: options.capacity ?? 2 ** 36,
        },
      },
    },
    [['tile', 'dram']],
    [{ id: 'tiles', name: 'Tiles', kind: 'cluster', count: options.tiles ?? 64, blocks: ['tile'] }],
  );
}

describe('a decode step from first principles', () => {
  it('equals the bytes one step reads over the bandwidth, plus the dispatch of every operator', () => {
    const bandwidth = 1e11;
    const dispatch = 2e-6;
    const report = run(accelerator({ bandwidth, dispatch }), { batch: 1, inputTokens: 16, outputTokens: 2 });
    const arch = toyArchitecture;
    // Weights read once per step: every layer's matrices and norms, the final norm and the LM head; the
    // embedding table is only gathered (one row).
    const params = countParameters(arch);
    const bytesPerWeight = 2;
    const embeddingTable = arch.vocabSize * arch.hiddenSize;
    const weightBytes = (params.total - embeddingTable + arch.hiddenSize) * bytesPerWeight;
    // The KV cache read at context input + output/2 = 17: 2 (K and V) × kvHeads × headDim per token per layer.
    const context = 16 + 1;
    const kvBytes = arch.layers * context * 2 * arch.kvHeads * arch.headDim * 2;
    const operators = report.decode.operators.reduce((sum, operator) => sum + operator.repeat, 0);
    const expected = (weightBytes + kvBytes) / bandwidth + operators * dispatch;
    // Activations (a few KiB per operator) are the only bytes left out of `expected`.
    expect(report.decode.secondsPerStep).toBeGreaterThan(expected);
    expect(report.decode.secondsPerStep / expected).toBeLessThan(1.02);
    expect(report.decode.bound).toBe('memory');
  });

  it('is compute-bound in prefill on the same chip, at MACs over the array rate', () => {
    const report = run(accelerator({ bandwidth: 1e13, tiles: 4 }), { batch: 8, inputTokens: 1024 });
    expect(report.prefill.bound).toBe('compute');
    const flops = report.prefill.operators.reduce(
      (sum, operator) => sum + operator.flops * operator.repeat,
      0,
    );
    // Never faster than the peak: 4 tiles × 128 × 128 MACs × 1 GHz.
    expect(report.prefill.seconds).toBeGreaterThan(flops / 2 / (4 * 128 * 128 * 1e9));
  });
});

describe('invariants over generated designs and workloads', () => {
  const designs = fc.record({
    tiles: fc.integer({ min: 1, max: 256 }),
    bandwidth: fc.double({ min: 1e10, max: 1e13, noNaN: true }),
    clock: fc.double({ min: 2e8, max: 3e9, noNaN: true }),
    dispatch: fc.double({ min: 0, max: 1e-5, noNaN: true }),
    efficiency: fc.double({ min: 0.1, max: 1, noNaN: true }),
  });
  const workloads = fc.record({
    batch: fc.integer({ min: 1, max: 256 }),
    inputTokens: fc.integer({ min: 1, max: 4096 }),
    outputTokens: fc.integer({ min: 1, max: 2048 }),
    model: fc.constantFrom('toy', 'toy-moe'),
    weights: fc.constantFrom('bf16', 'fp8', 'q4'),
  });

  const finiteAndNonNegative = (value: unknown, path: string): void => {
    if (typeof value === 'number') {
      expect(Number.isFinite(value), path).toBe(true);
      expect(value, path).toBeGreaterThanOrEqual(0);
    } else if (Array.isArray(value))
      value.forEach((item, index) => finiteAndNonNegative(item, `${path}[${index}]`));
    else if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) finiteAndNonNegative(item, `${path}.${key}`);
  };

  it('never produces NaN, Infinity or a negative number, and times are positive', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const report = run(accelerator(design), {
          ...workload,
          activations: workload.weights === 'q4' ? 'bf16' : workload.weights,
        });
        finiteAndNonNegative(report, 'report');
        expect(report.prefill.seconds).toBeGreaterThan(0);
        expect(report.decode.secondsPerStep).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('more bandwidth never slows decode', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const slow = run(accelerator(design), workload);
        const fast = run(accelerator({ ...design, bandwidth: design.bandwidth * 2 }), workload);
        expect(fast.decode.secondsPerStep).toBeLessThanOrEqual(slow.decode.secondsPerStep * (1 + 1e-12));
        expect(fast.prefill.seconds).toBeLessThanOrEqual(slow.prefill.seconds * (1 + 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('a higher clock never slows anything', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const slow = run(accelerator(design), workload);
        const fast = run(accelerator({ ...design, clock: design.clock * 1.5 }), workload);
        expect(fast.decode.secondsPerStep).toBeLessThanOrEqual(slow.decode.secondsPerStep * (1 + 1e-12));
        expect(fast.prefill.seconds).toBeLessThanOrEqual(slow.prefill.seconds * (1 + 1e-12));
      }),
      { numRuns: 200 },
    );
  });

  it('a larger batch never lowers decode throughput', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const small = run(accelerator(design), workload);
        const large = run(accelerator(design), { ...workload, batch: workload.batch * 2 });
        expect(large.decode.tokensPerSecond).toBeGreaterThanOrEqual(
          small.decode.tokensPerSecond * (1 - 1e-9),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('energy and power are never negative, and energy is power × time', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const report = run(accelerator(design), workload);
        for (const phase of [report.prefill, report.decode]) {
          expect(phase.energyJoules).toBeGreaterThan(0);
          expect(phase.energyJoules).toBeCloseTo(phase.averagePowerWatts * phase.seconds, 9);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same report, byte for byte, for the same input', () => {
    fc.assert(
      fc.property(designs, workloads, (design, workload) => {
        const first = JSON.stringify(run(accelerator(design), workload));
        const second = JSON.stringify(
          run(JSON.parse(JSON.stringify(accelerator(design))) as DesignDocument, { ...workload }),
        );
        expect(second).toBe(first);
      }),
      { numRuns: 50 },
    );
  });
});

describe('power caps and operating points', () => {
  function capped(capWatts: number): DesignDocument {
    const base = accelerator({ bandwidth: 1e13, tiles: 64 });
    return {
      ...base,
      blocks: [
        ...base.blocks,
        { id: 'dvfs', type: 'test.dvfs', name: 'dvfs', params: {}, position: { x: 0, y: 0 } },
        { id: 'cap', type: 'test.cap', name: 'cap', params: { capWatts }, position: { x: 0, y: 0 } },
      ],
    };
  }

  it('lowers the clock of a compute-bound phase until its power fits the cap, and says so', () => {
    const free = run(capped(1e6), { batch: 16, inputTokens: 2048 });
    const limit = free.prefill.averagePowerWatts * 0.6;
    const throttled = run(capped(limit), { batch: 16, inputTokens: 2048 });
    expect(throttled.prefill.throttled).toBe(true);
    expect(throttled.prefill.averagePowerWatts).toBeLessThanOrEqual(limit * 1.001);
    expect(throttled.prefill.clockHertz).toBeLessThan(free.prefill.clockHertz);
    expect(throttled.prefill.seconds).toBeGreaterThan(free.prefill.seconds);
  });

  it('warns when even the lowest operating point is above the cap', () => {
    const result = evaluate(
      { design: capped(0.01), workload: { ...defaultWorkload('toy'), batch: 16 } },
      catalog,
    );
    expect(
      result.ok && result.report.diagnostics.some((diagnostic) => diagnostic.code === 'over-power-cap'),
    ).toBe(true);
  });
});

describe('diagnostics for designs and workloads that cannot run', () => {
  const codes = (design: DesignDocument, workload: Partial<Workload> = {}) => {
    const result = evaluate({ design, workload: { ...defaultWorkload('toy'), ...workload } }, catalog);
    return result.ok
      ? result.report.diagnostics.map((diagnostic) => diagnostic.code)
      : result.diagnostics.map((diagnostic) => diagnostic.code);
  };

  it('a model that does not fit', () => {
    expect(codes(accelerator({ capacity: 1 << 20 }))).toContain('does-not-fit');
  });
  it('an unknown model or format', () => {
    expect(codes(accelerator(), { model: 'nope' })).toContain('unknown-model');
    expect(codes(accelerator(), { weights: 'fp64' })).toContain('unknown-format');
  });
  it('a format no unit supports', () => {
    expect(codes(accelerator(), { weights: 'int4', activations: 'int4' })).toContain('unsupported-format');
  });
  it('parallelism beyond the chips', () => {
    expect(
      codes(accelerator(), { parallelism: { mode: 'manual', tensor: 2, pipeline: 1, expert: 1 } }),
    ).toContain('parallelism-exceeds-chips');
  });
  it('a design with no compute', () => {
    expect(codes(testDesign({ dram: { type: 'test.dram' } }, []))).toContain('no-compute');
  });
});

describe('memory: the largest batch and the activations held at once', () => {
  /** One chip (its tiles and HBM) and host memory outside the chip, shared by the system. */
  function withHost(deviceBytes: number, hostBytes: number): DesignDocument {
    return testDesign(
      {
        tile: { type: 'test.array' },
        hbm: { type: 'test.dram', params: { capacityBytes: deviceBytes, bandwidthBytesPerSecond: 1e12 } },
        host: { type: 'test.dram', params: { capacityBytes: hostBytes, bandwidthBytesPerSecond: 1e11 } },
      },
      [
        ['tile', 'hbm'],
        ['tile', 'host'],
      ],
      [
        { id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile'] },
        { id: 'chip', name: 'Chip', kind: 'chip', count: 1, blocks: ['hbm'], groups: ['tiles'] },
      ],
    );
  }
  const arch = toyArchitecture;
  const input = 512;
  const output = 512;
  // BF16 everywhere: 2 bytes per weight, KV element and activation.
  const kvPerSequence = arch.layers * (input + output) * 2 * arch.kvHeads * arch.headDim * 2;
  const widest = Math.max(arch.hiddenSize * 4, 2 * arch.intermediateSize);
  const activationsOf = (promptTokens: number) =>
    Math.min(promptTokens, PREFILL_CHUNK_TOKENS) * widest * 2 * 2;

  it('counts the chip’s own memory for the KV cache, not host memory the system shares', () => {
    const deviceBytes = 2 ** 30;
    const weights = countParameters(arch).total * 2;
    // The first-principles count, with the activations of a full 8,192-token prefill chunk (the largest batch's
    // prompts fill one); the margin to the next whole sequence is ~1 MB, far above the few KiB of norm vectors
    // the two weight counts may differ by.
    const expected = Math.floor(
      (deviceBytes - weights - activationsOf(PREFILL_CHUNK_TOKENS)) / kvPerSequence,
    );
    expect(expected * input).toBeGreaterThanOrEqual(PREFILL_CHUNK_TOKENS);
    for (const hostBytes of [2 ** 36, 2 ** 40]) {
      const report = run(withHost(deviceBytes, hostBytes), {
        batch: 1,
        inputTokens: input,
        outputTokens: output,
      });
      expect(report.memory.maxBatch).toBe(expected);
    }
  });

  it('counts no host memory even when the chip cannot hold the weights: no batch fits, KV in host is flagged', () => {
    const report = run(withHost(16 * 2 ** 20, 2 ** 36), {
      batch: 1,
      inputTokens: input,
      outputTokens: output,
    });
    expect(report.memory.weightsBytesPerChip).toBeGreaterThan(16 * 2 ** 20);
    expect(report.memory.maxBatch).toBe(0);
    expect(report.memory.fits).toBe(false);
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toContain('kv-in-host-memory');
  });

  it('holds the activations of one prefill chunk (8,192 tokens) at most, however many prompts are in flight', () => {
    const design = withHost(2 ** 34, 2 ** 36);
    for (const batch of [4, 64]) {
      const report = run(design, { batch, inputTokens: input, outputTokens: output });
      expect(report.memory.activationBytesPerChip).toBe(activationsOf(batch * input));
    }
    expect(activationsOf(64 * input)).toBeLessThan(64 * input * widest * 2 * 2);
  });
});

describe('limits a link carries itself (found by the engine fuzzer)', () => {
  // Shrunk from `npm run fuzz`: a link of 1e300 J/bit made the prefill's average power Infinity.
  it.each([
    ['energyJoulesPerBit', 1e300],
    ['latencySeconds', 1e300],
    ['bandwidthBytesPerSecond', 1e-300],
  ] as const)(
    'refuses a link %s of %s with a check error naming the link, not a non-finite report',
    (key, value) => {
      const design = accelerator();
      const [link] = design.links;
      if (!link) throw new Error('the accelerator has a link');
      link.params = { [key]: value };
      const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          code: 'link-parameter-range',
          linkId: link.id,
          message: expect.stringContaining('must be between') as string,
        }),
      );
    },
  );

  it('accepts a link within the ranges the library gives memories and interconnects', () => {
    const design = accelerator();
    const [link] = design.links;
    if (!link) throw new Error('the accelerator has a link');
    link.params = { bandwidthBytesPerSecond: 1e12, latencySeconds: 1e-6, energyJoulesPerBit: 1e-12 };
    expect(run(design).prefill.averagePowerWatts).toBeGreaterThan(0);
  });
});

describe('a figure that overflows (found by the engine fuzzer)', () => {
  // Shrunk from `npm run fuzz`: an INT4 rate of 3.5e-323 passes its range check (0 to 16) and makes attention
  // over an INT4 KV cache take Infinity seconds.
  it('is refused with an error that names the figure, never reported as Infinity', () => {
    const design = accelerator();
    const tile = design.blocks.find((block) => block.id === 'tile');
    if (!tile) throw new Error('the accelerator has a tile');
    tile.params = { ...tile.params, int4Rate: 3.5e-323 };
    const result = evaluate(
      { design, workload: { ...defaultWorkload('toy'), activations: 'int4', kv: 'int4', weights: 'bf16' } },
      catalog,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'result-out-of-range',
        message: expect.stringMatching(/seconds is Infinity/) as string,
      }),
    );
  });
});
