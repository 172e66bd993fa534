import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dvfsDomain } from '../blocks/dvfs-domain';
import { readBlock } from '../blocks/block-model';
import type { Diagnostic } from '../diagnostics';
import type { ChipPower, DvfsSettings, ExtraDomain, Machine, OperatingPoint } from '../machine';
import type { Operator } from '../operators';
import type { BlockType } from '../schema/block-type';
import { defaultWorkload, type Workload } from '../schema/workload';
import { costOf } from '../testing/costs';
import { testCatalog, testDesign } from '../testing/fixtures';
import type { CostedPhase, OperatorCost } from './cost';
import { chipDomains } from './dvfs-domains';
import { answerSentence, dvfsReport, SECONDS_PER_DAY, TIMELINE_GROUPS } from './dvfs-report';
import { domainScales, secondsAtDomains } from './dvfs';
import type { Plan } from './plan';
import { power, type PoweredGraph } from './power';
import { resolve } from './resolve';

const point = (name: string, clockHertz: number, voltageVolts: number): OperatingPoint => ({
  name,
  clockHertz,
  voltageVolts,
  memoryBandwidthScale: 1,
  capWatts: 0,
});

/** Compute domain: 1 GHz at 1.0 V down to 250 MHz at 0.5 V (no tech tables: the curve stops at 250 MHz). */
const computePoints = [point('top', 1e9, 1), point('low', 0.25e9, 0.5)];
/** Memory domain: 4 GHz at 1.0 V and 2 GHz at 0.8 V. */
const memoryPoints = [point('fast', 4e9, 1), point('slow', 2e9, 0.8)];

const STATIC_SCALED = 3;
const STATIC_FIXED = 2;

const base = resolve(
  testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]),
  testCatalog(),
);

function memoryDomain(policy: ExtraDomain['policy'], leakageWatts = 0): ExtraDomain {
  return {
    kind: 'memory',
    blockId: 'mem',
    name: 'Memory',
    operatingPoints: memoryPoints,
    policy,
    leakageWatts,
  };
}

function settings(parts: Partial<DvfsSettings> = {}): DvfsSettings {
  return {
    extraDomains: [],
    leakageWatts: 0,
    idlePowerWatts: undefined,
    batteryJoules: undefined,
    ttftTargetSeconds: undefined,
    tpotTargetSeconds: undefined,
    ...parts,
  };
}

function machineWith(powerSpec: Partial<ChipPower> = {}): Machine {
  return {
    ...base,
    chip: {
      ...base.chip,
      count: 1,
      power: {
        operatingPoints: computePoints,
        policy: 'fixed',
        domainBlockId: 'dvfs',
        capWatts: undefined,
        capBlockId: undefined,
        advisoryCapWatts: undefined,
        advisoryCapBlockId: undefined,
        vf: undefined,
        staticScaledWatts: STATIC_SCALED,
        staticFixedWatts: STATIC_FIXED,
        ...powerSpec,
      },
    },
    systemStaticWatts: 0,
  };
}

const operator: Operator = {
  id: 'op',
  name: 'Operator',
  kind: 'matmul',
  part: 'ffn',
  repeat: 1,
  gemm: undefined,
  macs: 0,
  vectorOps: 0,
  bytes: { weights: 0, kv: 0, activations: 0 },
  computeClass: 'bf16',
  elementBytes: 2,
  sparse: false,
  collective: undefined,
};

function phaseOf(parts: Partial<OperatorCost>): CostedPhase {
  return { costed: [{ operator, cost: costOf(parts) }], runsPerChip: 1, stages: 1, extraSeconds: 0 };
}

/** One millisecond of arithmetic using 1 J. */
const computeBound = phaseOf({
  computeSeconds: 1e-3,
  computeJoules: 1,
  memorySeconds: 1e-4,
  transferJoules: 0.1,
});
/** One millisecond of memory traffic (0.5 J) with a tenth of that in arithmetic (0.1 J). */
const memoryBound = phaseOf({
  computeSeconds: 1e-4,
  memorySeconds: 1e-3,
  computeJoules: 0.1,
  transferJoules: 0.5,
});

const plan = {
  parallelism: { tensor: 1, pipeline: 1, expert: 1, dataReplicas: 1, chipsUsed: 1, automatic: false },
  primaryUnit: 0,
  batchPerReplica: 1,
  totalContext: 1,
  decodeContext: 1,
  microbatches: 1,
  decodeSequences: 1,
  needs: { weights: 0, kvPerSequence: 0, kv: 0, activations: 0 },
} as Plan;

function solve(
  machine: Machine,
  phases: { prefill: CostedPhase; decode: CostedPhase },
  workload: Partial<Workload> = {},
): { powered: PoweredGraph; diagnostics: Diagnostic[]; workload: Workload } {
  const diagnostics: Diagnostic[] = [];
  const full = { ...defaultWorkload('toy'), ...workload };
  const powered = power(
    {
      ...machine,
      chip: { ...machine.chip, units: base.chip.units.map((unit) => ({ ...unit, clockHertz: 1e9 })) },
    },
    phases,
    plan,
    full,
    diagnostics,
  );
  return { powered, diagnostics, workload: full };
}

/** Voltage / top voltage at a compute clock on the line between the two points. */
const computeVoltageScale = (hertz: number) => 0.5 + ((hertz - 0.25e9) / 0.75e9) * 0.5;

describe('secondsAtDomains: a memory domain clock', () => {
  it('stretches only memory-bound time, by f_top / f', () => {
    const half = domainScales([
      { domain: memoryDomain('fixed'), curve: curveOf(memoryPoints), clockHertz: 2e9, voltageVolts: 0.8 },
    ]);
    expect(half.memoryTime).toBe(2);
    expect(half.memoryEnergy).toBeCloseTo(0.8 * 0.8, 12);
    // Compute-bound: 1 ms of arithmetic beats 2 × 0.1 ms of memory, so the time does not move.
    const compute = costOf({ computeSeconds: 1e-3, memorySeconds: 1e-4 });
    expect(secondsAtDomains(compute, 1, half)).toBeCloseTo(1e-3, 15);
    // Memory-bound: 1 ms of memory becomes 2 ms.
    const memory = costOf({ computeSeconds: 1e-4, memorySeconds: 1e-3 });
    expect(secondsAtDomains(memory, 1, half)).toBeCloseTo(2e-3, 15);
  });
});

function curveOf(points: OperatingPoint[]) {
  const top = points[0] as OperatingPoint;
  const low = points.at(-1) as OperatingPoint;
  return {
    topClockHertz: top.clockHertz,
    topVoltageVolts: top.voltageVolts,
    floorClockHertz: low.clockHertz,
    voltageAt: (hertz: number) =>
      hertz >= top.clockHertz
        ? top.voltageVolts
        : low.voltageVolts +
          ((hertz - low.clockHertz) / (top.clockHertz - low.clockHertz)) *
            (top.voltageVolts - low.voltageVolts),
  };
}

describe('power with DVFS domains', () => {
  it('a memory domain at its top clock changes nothing (a chip without extra domains behaves as before)', () => {
    const plain = solve(machineWith(), { prefill: computeBound, decode: memoryBound }).powered;
    const withTop = solve(machineWith({ dvfs: settings({ extraDomains: [memoryDomain('fixed')] }) }), {
      prefill: computeBound,
      decode: memoryBound,
    }).powered;
    expect(withTop.decode.timing.seconds).toBe(plain.decode.timing.seconds);
    expect(withTop.decode.timing.chipJoules).toBe(plain.decode.timing.chipJoules);
    expect(withTop.prefill.timing.chipJoules).toBe(plain.prefill.timing.chipJoules);
  });

  it('an adaptive memory domain slows its clock in a compute-bound phase and keeps it in a memory-bound one', () => {
    const { powered } = solve(machineWith({ dvfs: settings({ extraDomains: [memoryDomain('adaptive')] }) }), {
      prefill: computeBound,
      decode: memoryBound,
    });
    const prefillMemory = powered.prefill.choice?.extras[0];
    const decodeMemory = powered.decode.choice?.extras[0];
    // Compute-bound: memory takes 0.1 ms of the 1 ms at 4 GHz, so even 2 GHz (0.2 ms) costs no time.
    expect(prefillMemory?.clockHertz).toBe(2e9);
    expect(powered.prefill.timing.seconds).toBeCloseTo(1e-3, 15);
    // Memory-bound: any lower memory clock stretches the phase beyond 1 %.
    expect(decodeMemory?.clockHertz).toBe(4e9);
    // The memory energy of the prefill at 0.8 V: 0.1 J × 0.8², compute 1 J, static 5 W × 1 ms.
    expect(powered.prefill.timing.chipJoules).toBeCloseTo(1 + 0.1 * 0.64 + 5 * 1e-3, 12);
  });

  it('least energy never breaks its TPOT target and never uses more energy than the top clock', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 5e-3, noNaN: true }),
        fc.double({ min: 1e-4, max: 5e-3, noNaN: true }),
        fc.double({ min: 0.5e-3, max: 20e-3, noNaN: true }),
        (computeSeconds, memorySeconds, target) => {
          const decode = phaseOf({ computeSeconds, memorySeconds, computeJoules: 1, transferJoules: 0.2 });
          const machine = machineWith({ dvfs: settings({ extraDomains: [memoryDomain('least-energy')] }) });
          const { powered } = solve(
            machine,
            { prefill: computeBound, decode },
            { dvfsPolicy: 'least-energy', tpotTargetSeconds: target },
          );
          const choice = powered.decode.choice;
          const topSeconds = Math.max(computeSeconds, memorySeconds);
          if (topSeconds <= target)
            expect(powered.decode.timing.seconds).toBeLessThanOrEqual(target * (1 + 1e-9));
          else expect(powered.decode.timing.seconds).toBeCloseTo(topSeconds, 15);
          expect(powered.decode.timing.chipJoules).toBeLessThanOrEqual(
            (choice?.topChipJoules ?? 0) * (1 + 1e-12),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('least energy without a target picks the clock of least energy E(f) = E_c (V/V_top)² + P_static t', () => {
    const { powered } = solve(
      machineWith(),
      { prefill: computeBound, decode: computeBound },
      {
        dvfsPolicy: 'least-energy',
      },
    );
    // Compute-bound 1 ms / 1 J at 1 GHz: at f, t = 1 ms × 1 GHz / f; V scale s(f) on the line between the points;
    // the 0.1 J of memory traffic is on the memory's own supply (not scaled).
    const energy = (hertz: number) => {
      const scale = computeVoltageScale(hertz);
      return 1 * scale * scale + 0.1 + (STATIC_SCALED * scale + STATIC_FIXED) * 1e-3 * (1e9 / hertz);
    };
    const grid = Array.from({ length: 48 }, (_, index) => 0.25e9 + (0.75e9 * index) / 47);
    const best = grid.reduce((a, b) => (energy(b) < energy(a) ? b : a));
    expect(powered.decode.timing.clockHertz).toBeCloseTo(best, 0);
    expect(powered.decode.timing.chipJoules).toBeCloseTo(energy(best), 12);
  });
});

describe('dvfsReport', () => {
  it('energy per day = requests × energy per request + idle power × idle time, and battery life = battery / average power', () => {
    const battery = 20 * 3600;
    const machine = machineWith({ dvfs: settings({ batteryJoules: battery }) });
    const { powered, workload } = solve(
      machine,
      { prefill: computeBound, decode: memoryBound },
      {
        dvfsPolicy: 'race-to-idle',
        requestsPerHour: 120,
        outputTokens: 11,
      },
    );
    const report = dvfsReport(machine, workload, powered, []);
    const duty = report?.duty;
    const requestSeconds = powered.prefill.timing.seconds + 10 * powered.decode.timing.seconds;
    const requestJoules =
      powered.prefill.systemWatts * powered.prefill.timing.seconds +
      10 * powered.decode.systemWatts * powered.decode.timing.seconds;
    const requests = 120 * 24;
    // Race to idle idles at the floor (250 MHz, 0.5 V): leakage × 0.5 + DRAM.
    const idleWatts = STATIC_SCALED * 0.5 + STATIC_FIXED;
    const day = requests * requestJoules + idleWatts * (SECONDS_PER_DAY - requests * requestSeconds);
    expect(report?.idle.powerWatts).toBeCloseTo(idleWatts, 12);
    expect(duty?.energyJoulesPerDay).toBeCloseTo(day, 6);
    expect(duty?.averagePowerWatts).toBeCloseTo(day / SECONDS_PER_DAY, 9);
    expect(duty?.batteryLifeSeconds).toBeCloseTo(battery / (day / SECONDS_PER_DAY), 3);
    expect(duty?.sentence).toMatch(/battery lasts/);
  });

  it('race to idle uses no more energy a day than the same clock held fixed, which idles at the running voltage', () => {
    const machine = machineWith();
    const day = (policy: 'race-to-idle' | 'fixed') => {
      const { powered, workload } = solve(
        machine,
        { prefill: computeBound, decode: memoryBound },
        {
          dvfsPolicy: policy,
          requestsPerHour: 10,
        },
      );
      return dvfsReport(machine, workload, powered, [])?.duty?.energyJoulesPerDay ?? NaN;
    };
    const idleGap = SECONDS_PER_DAY - 240 * (1e-3 + 127 * 1e-3);
    // Same active energy; idle at 0.5 V instead of 1 V saves 3 W × 0.5 over the idle time.
    expect(day('fixed') - day('race-to-idle')).toBeCloseTo(STATIC_SCALED * 0.5 * idleGap, 3);
  });

  it('a rate the device cannot serve keeps it busy all day and says so', () => {
    const machine = machineWith();
    const diagnostics: Diagnostic[] = [];
    const { powered, workload } = solve(
      machine,
      { prefill: computeBound, decode: memoryBound },
      {
        requestsPerHour: 1_000_000,
      },
    );
    const duty = dvfsReport(machine, workload, powered, diagnostics)?.duty;
    expect(duty?.saturated).toBe(true);
    expect(duty?.activeFraction).toBe(1);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toContain('requests-exceed-capacity');
  });

  it('groups many decode steps in the timeline, keeping every step and the request period', () => {
    const machine = machineWith();
    const { powered, workload } = solve(
      machine,
      { prefill: computeBound, decode: memoryBound },
      {
        requestsPerHour: 60,
        outputTokens: 100,
      },
    );
    const timeline = dvfsReport(machine, workload, powered, [])?.timeline ?? [];
    const decode = timeline.filter((segment) => segment.phase === 'decode');
    expect(decode).toHaveLength(TIMELINE_GROUPS);
    expect(decode.reduce((sum, segment) => sum + segment.steps, 0)).toBe(99);
    const last = timeline.at(-1);
    expect(last?.phase).toBe('idle');
    expect((last?.startSeconds ?? 0) + (last?.seconds ?? 0)).toBeCloseTo(60, 9);
  });

  it('answers how much a lower decode clock saves per token and what it costs in TPOT', () => {
    const machine = machineWith();
    const { powered, workload } = solve(
      machine,
      { prefill: computeBound, decode: memoryBound },
      {
        dvfsPolicy: 'least-energy',
        tpotTargetSeconds: 0.05,
      },
    );
    const report = dvfsReport(machine, workload, powered, []);
    const decode = report?.decode;
    expect(decode?.domains[0]?.clockHertz).toBeLessThan(1e9);
    expect(decode?.energyRatioToTop).toBeCloseTo(
      (decode?.energyJoules ?? 0) / (decode?.topEnergyJoules ?? 1),
      12,
    );
    expect(decode?.energyRatioToTop).toBeLessThan(1);
    expect(report?.answer).toMatch(/^Decode at .+ instead of 1 GHz saves \d+ % energy per token/);
    expect(answerSentence({ ...(decode as NonNullable<typeof decode>), domains: [] })).toMatch(/top clock/);
  });

  it('uses the measured idle power when the domain gives one', () => {
    const machine = machineWith({ dvfs: settings({ idlePowerWatts: 1.5 }) });
    const { powered, workload } = solve(machine, { prefill: computeBound, decode: memoryBound });
    expect(dvfsReport(machine, workload, powered, [])?.idle.powerWatts).toBe(1.5);
  });
});

describe('chipDomains', () => {
  const domainType = (clocks: string): BlockType => ({
    format: 'tessera.blockType',
    version: 1,
    id: `dvfs-${clocks}`,
    name: 'Domain',
    category: 'power',
    description: 'A domain',
    costModel: 'dvfs-domain',
    summary: '',
    source: { citation: 'test' },
    params: [
      {
        key: 'clocks',
        name: 'Clocks',
        kind: 'enum',
        options: [
          { value: 'compute', label: 'compute' },
          { value: 'memory', label: 'memory' },
        ],
        default: clocks,
        description: 'what it clocks',
      },
      {
        key: 'policy',
        name: 'Policy',
        kind: 'enum',
        options: [{ value: 'fixed', label: 'fixed' }],
        default: 'fixed',
        description: 'policy',
      },
    ],
    ports: [],
  });
  const entry = (id: string, clocks: string) => ({
    reading: readBlock(
      {
        id,
        type: `dvfs-${clocks}`,
        name: id,
        params: { operatingPoints: memoryPoints.map((row) => ({ ...row })) },
        position: { x: 0, y: 0 },
      },
      domainType(clocks),
    ),
    model: dvfsDomain,
  });

  it('keeps one compute domain as the chip curve and a memory domain beside it, without a warning', () => {
    const diagnostics: Diagnostic[] = [];
    const { domains, dvfs } = chipDomains([entry('core', 'compute'), entry('mem', 'memory')], diagnostics);
    expect(domains.map((domain) => domain.reading.block.id)).toEqual(['core']);
    expect(dvfs?.extraDomains.map((domain) => [domain.kind, domain.blockId])).toEqual([['memory', 'mem']]);
    expect(diagnostics).toEqual([]);
  });

  it('gives a chip with only a compute domain no settings, as before', () => {
    expect(chipDomains([entry('core', 'compute')], []).dvfs).toBeUndefined();
  });

  it('reports a second memory domain and ignores it', () => {
    const diagnostics: Diagnostic[] = [];
    chipDomains([entry('a', 'memory'), entry('b', 'memory')], diagnostics);
    expect(diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.blockId])).toEqual([
      ['several-domains', 'b'],
    ]);
  });
});
