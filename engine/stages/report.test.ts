import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics';
import type { Footprint } from '../models/footprint';
import { countParameters } from '../models/parameters';
import type { Operator } from '../operators';
import type { Bound, Report } from '../report';
import { defaultWorkload, type Workload } from '../schema/workload';
import { costOf } from '../testing/costs';
import { testCatalog, testDesign, toyArchitecture } from '../testing/fixtures';
import { checkWorkload, type CheckedWorkload } from './check';
import type { CostedPhase, OperatorCost } from './cost';
import type { Placement } from './map';
import type { Plan } from './plan';
import type { PoweredGraph, PoweredPhase } from './power';
import { report } from './report';
import { resolve } from './resolve';

const catalog = testCatalog();
const design = testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]);
const machine = resolve(design, catalog);
const TOP_CLOCK = 1e9;

function operatorOf(id: string, repeat = 1): Operator {
  return {
    id,
    name: id,
    kind: 'matmul',
    part: 'ffn',
    repeat,
    gemm: undefined,
    macs: 0,
    vectorOps: 0,
    bytes: { weights: 0, kv: 0, activations: 0 },
    computeClass: 'bf16',
    elementBytes: 2,
    sparse: false,
    collective: undefined,
  };
}

/** A phase of the given operator costs, at clock scale `clockScale`, lasting `seconds` at `systemWatts`. */
function poweredPhase(
  costs: { cost: Partial<OperatorCost>; repeat?: number }[],
  figures: { seconds: number; systemWatts: number; clockScale?: number },
): PoweredPhase {
  const costed: CostedPhase = {
    costed: costs.map((entry, index) => ({
      operator: operatorOf(`op${index}`, entry.repeat ?? 1),
      cost: costOf(entry.cost),
    })),
    runsPerChip: 1,
    stages: 1,
    extraSeconds: 0,
  };
  const clockScale = figures.clockScale ?? 1;
  return {
    costed,
    timing: {
      clockScale,
      voltageScale: 1,
      clockHertz: clockScale * TOP_CLOCK,
      voltageVolts: 1,
      dutyCycle: 1,
      seconds: figures.seconds,
      chipJoules: figures.systemWatts * figures.seconds,
      chipWatts: figures.systemWatts,
      staticWatts: 0,
    },
    throttled: false,
    systemWatts: figures.systemWatts,
  };
}

const oneOperator = (seconds: number, systemWatts: number) =>
  poweredPhase([{ cost: { computeSeconds: seconds } }], { seconds, systemWatts });

function planWith(needs: Footprint, overrides: Partial<Plan> = {}): Plan {
  return {
    parallelism: { tensor: 1, pipeline: 1, expert: 1, dataReplicas: 1, chipsUsed: 1, automatic: false },
    primaryUnit: 0,
    batchPerReplica: 1,
    totalContext: 64,
    decodeContext: 48,
    microbatches: 1,
    decodeSequences: 1,
    needs,
    ...overrides,
  };
}

const smallNeeds: Footprint = { weights: 1e6, kvPerSequence: 1e4, kv: 1e4, activations: 1e5 };

function placementWith(overrides: Partial<Placement> = {}): Placement {
  const dram = [{ levelIndex: 0, fraction: 1 }];
  return {
    placement: { weights: dram, kv: dram, activations: dram },
    used: [{ weights: smallNeeds.weights, kv: smallNeeds.kv, activations: smallNeeds.activations }],
    overflowBytes: 0,
    storageBytes: 64 * 2 ** 30,
    deviceBytes: 64 * 2 ** 30,
    stored: { weights: smallNeeds.weights, kv: smallNeeds.kv, activations: smallNeeds.activations },
    kvInHostBytes: 0,
    kvRoomBytes: 64 * 2 ** 30,
    maxBatchPerReplica: 1,
    maxContext: 64,
    ...overrides,
  };
}

interface Inputs {
  workload?: Partial<Workload>;
  plan?: Plan;
  placement?: Placement;
  prefill?: PoweredPhase;
  decode?: PoweredPhase;
  full?: boolean;
}

function reportOf(inputs: Inputs = {}): { report: Report; diagnostics: Diagnostic[] } {
  const workload: Workload = {
    ...defaultWorkload('toy'),
    batch: 4,
    inputTokens: 32,
    outputTokens: 32,
    ...inputs.workload,
  };
  const diagnostics: Diagnostic[] = [];
  const checked = checkWorkload(workload, catalog, undefined, diagnostics) as CheckedWorkload;
  const powered: PoweredGraph = {
    prefill: inputs.prefill ?? oneOperator(2e-3, 100),
    decode: inputs.decode ?? oneOperator(1e-4, 50),
    operatingPoint: undefined,
    capWatts: undefined,
    capEnforced: false,
    topClockHertz: TOP_CLOCK,
  };
  const result = report(
    {
      design,
      workload,
      checked,
      machine,
      plan: inputs.plan ?? planWith(smallNeeds),
      placement: inputs.placement ?? placementWith(),
      powered,
      full: inputs.full ?? true,
    },
    diagnostics,
  );
  return { report: result, diagnostics };
}

const bounds: Bound[] = ['compute', 'memory', 'communication', 'overhead'];

describe('report: what bound a phase', () => {
  it('gives each operator’s time to the larger of compute and memory, plus its communication and overhead', () => {
    const prefill = poweredPhase(
      [
        { cost: { computeSeconds: 3e-3, memorySeconds: 1e-3 } },
        { cost: { computeSeconds: 0.5e-3, memorySeconds: 2e-3, memoryLevel: 0 } },
        { cost: { communicationSeconds: 0.5e-3 } },
        { cost: { overheadSeconds: 0.2e-3, latencySeconds: 0.3e-3 } },
      ],
      { seconds: 6e-3, systemWatts: 100 },
    );
    const { boundShares, bound, boundLevelId } = reportOf({ prefill }).report.prefill;
    // 3 ms compute, 2 ms memory, 0.5 ms communication, 0.5 ms overhead: 6 ms.
    expect(boundShares.compute).toBeCloseTo(3 / 6, 12);
    expect(boundShares.memory).toBeCloseTo(2 / 6, 12);
    expect(boundShares.communication).toBeCloseTo(0.5 / 6, 12);
    expect(boundShares.overhead).toBeCloseTo(0.5 / 6, 12);
    expect(bound).toBe('compute');
    expect(boundLevelId).toBeUndefined();
  });

  it('weighs operators by their repeat and names the memory level when memory bound the phase', () => {
    const prefill = poweredPhase(
      [
        { cost: { computeSeconds: 3e-3, memorySeconds: 1e-3 } },
        { cost: { computeSeconds: 0.5e-3, memorySeconds: 2e-3, memoryLevel: 0 }, repeat: 4 },
      ],
      { seconds: 11e-3, systemWatts: 100 },
    );
    const { boundShares, bound, boundLevelId } = reportOf({ prefill }).report.prefill;
    expect(boundShares.memory).toBeCloseTo(8 / 11, 12);
    expect(bound).toBe('memory');
    expect(boundLevelId).toBe('dram');
  });

  it('stretches compute time by the clock the phase ran at', () => {
    // At half the clock, 1.5 ms of arithmetic takes 3 ms: longer than the 2 ms of memory.
    const costs = [{ cost: { computeSeconds: 1.5e-3, memorySeconds: 2e-3, memoryLevel: 0 } }];
    const atTop = reportOf({ prefill: poweredPhase(costs, { seconds: 2e-3, systemWatts: 1 }) });
    const atHalf = reportOf({
      prefill: poweredPhase(costs, { seconds: 3e-3, systemWatts: 1, clockScale: 0.5 }),
    });
    expect(atTop.report.prefill.bound).toBe('memory');
    expect(atHalf.report.prefill.bound).toBe('compute');
    expect(atHalf.report.prefill.clockHertz).toBe(0.5 * TOP_CLOCK);
  });

  it('has shares that sum to 1, the bound being the largest', () => {
    const time = fc.double({ min: 0, max: 1e-2, noNaN: true });
    const cost = fc.record({
      computeSeconds: time,
      memorySeconds: time,
      communicationSeconds: time,
      overheadSeconds: time,
      latencySeconds: time,
    });
    fc.assert(
      fc.property(
        fc.array(fc.record({ cost, repeat: fc.integer({ min: 1, max: 80 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        (costs) => {
          fc.pre(costs.some(({ cost: parts }) => Object.values(parts).some((value) => value > 0)));
          const { boundShares, bound } = reportOf({
            prefill: poweredPhase(costs, { seconds: 1, systemWatts: 1 }),
            full: false,
          }).report.prefill;
          const sum = bounds.reduce((total, name) => total + boundShares[name], 0);
          expect(sum).toBeCloseTo(1, 12);
          for (const name of bounds) expect(boundShares[bound]).toBeGreaterThanOrEqual(boundShares[name]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('report: throughput and energy', () => {
  it('prefills batch × input tokens and decodes one token per sequence each step', () => {
    const { report: result } = reportOf({
      workload: { batch: 4, inputTokens: 32 },
      prefill: oneOperator(2e-3, 100),
      decode: oneOperator(1e-4, 50),
    });
    expect(result.prefill.tokensPerSecond).toBeCloseTo((4 * 32) / 2e-3, 6);
    expect(result.decode.tokensPerSecond).toBeCloseTo(4 / 1e-4, 6);
  });

  it('charges each token the average power × time / tokens', () => {
    const { report: result } = reportOf({
      workload: { batch: 4, inputTokens: 32 },
      prefill: oneOperator(2e-3, 100),
      decode: oneOperator(1e-4, 50),
    });
    expect(result.prefill.averagePowerWatts).toBe(100);
    expect(result.prefill.energyJoules).toBeCloseTo(100 * 2e-3, 15);
    expect(result.prefill.energyJoulesPerToken).toBeCloseTo((100 * 2e-3) / (4 * 32), 15);
    expect(result.decode.energyJoulesPerToken).toBeCloseTo((50 * 1e-4) / 4, 15);
  });

  it('times a request as the prefill plus a decode step for every output token after the first', () => {
    const { report: result } = reportOf({
      workload: { outputTokens: 32 },
      prefill: oneOperator(2e-3, 100),
      decode: oneOperator(1e-4, 50),
    });
    expect(result.request.ttftSeconds).toBe(2e-3);
    expect(result.request.tpotSeconds).toBe(1e-4);
    expect(result.request.endToEndSeconds).toBeCloseTo(2e-3 + 31 * 1e-4, 15);
    expect(result.request.outputTokensPerSecond).toBeCloseTo(1 / 1e-4, 6);
  });

  it('states the model’s parameters as countParameters counts them', () => {
    const params = countParameters(toyArchitecture);
    expect(reportOf().report.model).toMatchObject({
      id: 'toy',
      parameters: params.total,
      activeParameters: params.activePerToken,
    });
  });
});

describe('report: memory', () => {
  it('reports the map stage’s largest batch for the whole system and its largest context', () => {
    const plan = planWith(smallNeeds, {
      parallelism: { tensor: 1, pipeline: 1, expert: 1, dataReplicas: 3, chipsUsed: 3, automatic: false },
    });
    const placement = placementWith({ maxBatchPerReplica: 16, maxContext: 1234 });
    const { memory } = reportOf({ plan, placement }).report;
    // 16 sequences on each of the 3 replicas.
    expect(memory.maxBatch).toBe(16 * 3);
    expect(memory.maxContext).toBe(1234);
  });

  it('reports bytes as stored and the chip’s own memory as what it has', () => {
    const stored = { weights: 3e9, kv: 2e9, activations: 1e9 };
    const { memory } = reportOf({
      placement: placementWith({ stored, deviceBytes: 8e9, storageBytes: 40e9 }),
    }).report;
    expect(memory.requiredBytesPerChip).toBe(6e9);
    expect(memory.weightsBytesPerChip).toBe(3e9);
    expect(memory.kvBytesPerChip).toBe(2e9);
    expect(memory.activationBytesPerChip).toBe(1e9);
    expect(memory.availableBytesPerChip).toBe(8e9);
  });

  it('does not fit, with a `kv-in-host-memory` warning, when KV cache went to host memory', () => {
    const { report: result, diagnostics } = reportOf({ placement: placementWith({ kvInHostBytes: 1e6 }) });
    expect(result.memory.fits).toBe(false);
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.code])).toEqual([
      ['warning', 'kv-in-host-memory'],
    ]);
  });

  it('says `does-not-fit` when bytes overflowed, with what one chip needs and has', () => {
    const { report: result, diagnostics } = reportOf({ placement: placementWith({ overflowBytes: 1 }) });
    expect(result.memory.fits).toBe(false);
    expect(result.memory.requiredBytesPerChip).toBe(
      smallNeeds.weights + smallNeeds.kv + smallNeeds.activations,
    );
    expect(diagnostics[0]?.message).toContain('but has 64 GiB');
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'does-not-fit',
        message: expect.stringContaining('toy does not fit') as string,
      }),
    ]);
    expect(result.diagnostics).toBe(diagnostics);
  });

  it('says nothing when everything fits', () => {
    const { report: result, diagnostics } = reportOf();
    expect(result.memory.fits).toBe(true);
    expect(diagnostics).toEqual([]);
  });

  it('lists every level with what it holds', () => {
    const { memory } = reportOf().report;
    expect(memory.levels).toEqual([
      expect.objectContaining({
        levelId: 'dram',
        usage: 'storage',
        capacityBytes: 64 * 2 ** 30,
        used: { weights: smallNeeds.weights, kv: smallNeeds.kv, activations: smallNeeds.activations },
      }),
    ]);
  });
});

describe('report: detail', () => {
  const prefill = poweredPhase(
    [{ cost: { computeSeconds: 1e-3, macs: 1e6, computeJoules: 1e-3 } }, { cost: { computeSeconds: 2e-3 } }],
    { seconds: 3e-3, systemWatts: 10 },
  );

  it('lists operators and blocks, and explains the bottleneck, in full detail', () => {
    const { report: result } = reportOf({ prefill, full: true });
    expect(result.prefill.operators.map((operator) => operator.id)).toEqual(['op0', 'op1']);
    expect(result.prefill.blocks.map((block) => block.blockId)).toEqual(['tile', 'dram']);
    expect(result.bottleneck.prefill).toContain('compute-bound');
  });

  it('leaves the operators, blocks and sentences empty in summary detail, with the same figures', () => {
    const full = reportOf({ prefill, full: true }).report;
    const summary = reportOf({ prefill, full: false }).report;
    expect(summary.prefill.operators).toEqual([]);
    expect(summary.prefill.blocks).toEqual([]);
    expect(summary.decode.operators).toEqual([]);
    expect(summary.bottleneck).toEqual({ prefill: '', decode: '' });
    expect({ ...summary.prefill, operators: [], blocks: [] }).toEqual({
      ...full.prefill,
      operators: [],
      blocks: [],
    });
  });

  it('rates each block by its busy share of the phase and its average power', () => {
    // 2 runs of 10⁹ MACs on one 128 × 128 tile at 1 GHz, and 2 × 0.2 GB from a 1 TB/s DRAM, in 1 ms.
    const seconds = 1e-3;
    const phase = poweredPhase(
      [
        {
          cost: {
            computeSeconds: 1e9 / (128 * 128 * 1e9),
            memorySeconds: 2e8 / 1e12,
            memoryLevel: 0,
            macs: 1e9,
            bytesByLevel: [2e8],
            computeJoules: 1e-3,
          },
          repeat: 2,
        },
      ],
      { seconds, systemWatts: 10 },
    );
    const blocks = reportOf({ prefill: phase }).report.prefill.blocks;
    const energyJoulesPerBit = machine.chip.paths[0]?.[0]?.energyJoulesPerBit ?? NaN;
    // The fixture's tile and DRAM each leak 1 W.
    expect(blocks).toEqual([
      {
        blockId: 'tile',
        name: 'tile',
        category: 'compute',
        utilization: expect.closeTo((2 * 1e9) / (128 * 128 * 1e9) / seconds, 12) as number,
        averagePowerWatts: expect.closeTo((2 * 1e-3) / seconds + 1, 12) as number,
        bound: 'compute',
      },
      {
        blockId: 'dram',
        name: 'dram',
        category: 'memory',
        utilization: expect.closeTo((2 * 2e8) / (1e12 * seconds), 12) as number,
        averagePowerWatts: expect.closeTo((2 * 2e8 * 8 * energyJoulesPerBit) / seconds + 1, 12) as number,
        bound: 'memory',
      },
    ]);
  });

  it('gives each operator its share of the phase: repeat × one run, summing to the phase', () => {
    const phase = poweredPhase(
      [
        { cost: { computeSeconds: 1e-3, overheadSeconds: 1e-5 }, repeat: 3 },
        { cost: { memorySeconds: 2e-3, memoryLevel: 0 }, repeat: 2 },
      ],
      { seconds: 3 * (1e-3 + 1e-5) + 2 * 2e-3, systemWatts: 10 },
    );
    const { operators, seconds } = reportOf({ prefill: phase }).report.prefill;
    expect(operators.map((operator) => operator.seconds)).toEqual([3 * (1e-3 + 1e-5), 2 * 2e-3]);
    expect(operators.reduce((sum, operator) => sum + operator.seconds, 0)).toBeCloseTo(seconds, 15);
  });
});

describe('the per-block list of a whole evaluation', () => {
  it('holds exactly the fields of a block report, for compute, memory and other blocks alike', async () => {
    const { evaluate } = await import('../evaluate');
    const result = evaluate(
      {
        design: testDesign(
          { tile: { type: 'test.array' }, sram: { type: 'test.sram' }, dram: { type: 'test.dram' } },
          [
            ['tile', 'sram'],
            ['sram', 'dram'],
          ],
        ),
        workload: defaultWorkload('toy'),
      },
      catalog,
    );
    if (!result.ok) throw new Error('the toy design evaluates');
    const fields = ['averagePowerWatts', 'blockId', 'bound', 'category', 'name', 'utilization'];
    for (const phase of [result.report.prefill, result.report.decode]) {
      expect(phase.blocks.map((entry) => entry.blockId).sort()).toEqual(['dram', 'sram', 'tile']);
      for (const entry of phase.blocks) expect(Object.keys(entry).sort(), entry.blockId).toEqual(fields);
    }
  });
});
