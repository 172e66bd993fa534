import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics';
import type { ChipPower, Machine, OperatingPoint } from '../machine';
import type { Parallelism } from '../models/parallelism';
import type { Operator } from '../operators';
import { defaultWorkload, type Workload } from '../schema/workload';
import { costOf } from '../testing/costs';
import { testCatalog, testDesign } from '../testing/fixtures';
import type { CostedGraph, CostedPhase, OperatorCost } from './cost';
import type { Plan } from './plan';
import { power, voltageAt, type PoweredGraph } from './power';
import { resolve } from './resolve';

const point = (name: string, clockHertz: number, voltageVolts: number, capWatts = 0): OperatingPoint => ({
  name,
  clockHertz,
  voltageVolts,
  memoryBandwidthScale: 1,
  capWatts,
});

/** Two operating points: 1 GHz at 1.0 V and 250 MHz at 0.5 V. */
const top = point('top', 1e9, 1);
const low = point('low', 0.25e9, 0.5);
/** Voltage / top voltage at clock scale `s` (clock / 1 GHz), on the straight line between the two points. */
const voltageScaleAt = (s: number) => 0.5 + ((s - 0.25) / (1 - 0.25)) * (1 - 0.5);

/** Static power of one chip: 3 W of leakage that follows the voltage, 2 W of DRAM that does not. */
const STATIC_SCALED = 3;
const STATIC_FIXED = 2;

const base = resolve(
  testDesign({ tile: { type: 'test.array' }, dram: { type: 'test.dram' } }, [['tile', 'dram']]),
  testCatalog(),
);

function machineWith(
  powerSpec: Partial<ChipPower> = {},
  options: { count?: number; systemStaticWatts?: number } = {},
): Machine {
  return {
    ...base,
    chip: {
      ...base.chip,
      count: options.count ?? 1,
      power: {
        operatingPoints: [top, low],
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
    systemStaticWatts: options.systemStaticWatts ?? 0,
  };
}

function operatorOf(repeat: number): Operator {
  return {
    id: 'op',
    name: 'Operator',
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

function phaseOf(
  parts: Partial<OperatorCost>,
  shape: { repeat?: number; runsPerChip?: number; stages?: number; extraSeconds?: number } = {},
): CostedPhase {
  return {
    costed: [{ operator: operatorOf(shape.repeat ?? 1), cost: costOf(parts) }],
    runsPerChip: shape.runsPerChip ?? 1,
    stages: shape.stages ?? 1,
    extraSeconds: shape.extraSeconds ?? 0,
  };
}

/** One millisecond of arithmetic at the top clock using 1 J: compute-bound, 1 kW at the top point. */
const computeBound = phaseOf({ computeSeconds: 1e-3, computeJoules: 1 });
/** One millisecond of memory traffic with a tenth of that in arithmetic. */
const memoryBound = phaseOf({
  computeSeconds: 1e-4,
  memorySeconds: 1e-3,
  computeJoules: 0.1,
  transferJoules: 0.5,
});

function planWith(parallelism: Partial<Parallelism> = {}): Plan {
  return {
    parallelism: {
      tensor: 1,
      pipeline: 1,
      expert: 1,
      dataReplicas: 1,
      chipsUsed: 1,
      automatic: false,
      ...parallelism,
    },
    primaryUnit: 0,
    batchPerReplica: 1,
    totalContext: 1,
    decodeContext: 1,
    microbatches: 1,
    decodeSequences: 1,
    needs: { weights: 0, kvPerSequence: 0, kv: 0, activations: 0 },
  };
}

function solve(
  machine: Machine,
  phases: { prefill: CostedPhase; decode: CostedPhase },
  options: { workload?: Partial<Workload>; plan?: Plan } = {},
): { powered: PoweredGraph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const costed: CostedGraph = phases;
  const workload = { ...defaultWorkload('toy'), ...options.workload };
  const powered = power(machine, costed, options.plan ?? planWith(), workload, diagnostics);
  return { powered, diagnostics };
}

describe('voltageAt', () => {
  const points = [point('a', 1e9, 1.0), point('b', 0.5e9, 0.8), point('c', 0.25e9, 0.5)];

  it('interpolates linearly between neighbouring operating points', () => {
    expect(voltageAt(points, 0.75e9)).toBeCloseTo((1.0 + 0.8) / 2, 12);
    expect(voltageAt(points, 0.375e9)).toBeCloseTo((0.8 + 0.5) / 2, 12);
    expect(voltageAt(points, 0.5e9)).toBeCloseTo(0.8, 12);
  });

  it('clamps above the top point and below the lowest', () => {
    expect(voltageAt(points, 2e9)).toBe(1.0);
    expect(voltageAt(points, 0.1e9)).toBe(0.5);
  });

  it('is 1 V without operating points', () => {
    expect(voltageAt([], 1e9)).toBe(1);
  });

  it('never falls as the clock rises and stays between the lowest and top voltages', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 2e9, noNaN: true }),
        fc.double({ min: 0, max: 2e9, noNaN: true }),
        (a, b) => {
          const [slower, faster] = a < b ? [a, b] : [b, a];
          expect(voltageAt(points, faster)).toBeGreaterThanOrEqual(voltageAt(points, slower) - 1e-12);
          expect(voltageAt(points, slower)).toBeGreaterThanOrEqual(0.5);
          expect(voltageAt(points, faster)).toBeLessThanOrEqual(1.0);
        },
      ),
    );
  });
});

describe('power: a phase’s time and energy on one chip', () => {
  const parts = {
    computeSeconds: 2e-3,
    memorySeconds: 1e-3,
    overheadSeconds: 1e-5,
    latencySeconds: 2e-6,
    computeJoules: 0.4,
    transferJoules: 0.1,
  };
  const shape = { repeat: 3, runsPerChip: 2, stages: 2, extraSeconds: 1e-4 };
  const phase = phaseOf(parts, shape);

  it('at the top point: runs × Σ repeat × (compute J + transfer J) + static power × time', () => {
    const { powered } = solve(machineWith(), { prefill: phase, decode: phase });
    const one =
      parts.overheadSeconds + Math.max(parts.computeSeconds, parts.memorySeconds) + parts.latencySeconds;
    const seconds = shape.stages * shape.repeat * one + shape.extraSeconds;
    const joules =
      shape.runsPerChip * shape.repeat * (parts.computeJoules + parts.transferJoules) +
      (STATIC_SCALED + STATIC_FIXED) * seconds;
    expect(powered.decode.timing).toMatchObject({ clockScale: 1, voltageScale: 1 });
    expect(powered.decode.timing.seconds).toBeCloseTo(seconds, 15);
    expect(powered.decode.timing.chipJoules).toBeCloseTo(joules, 12);
    expect(powered.decode.timing.chipWatts).toBeCloseTo(joules / seconds, 9);
  });

  it('at a lower point: compute stretches by the clock, its energy by (V/Vtop)², leakage by V/Vtop, DRAM not', () => {
    const { powered } = solve(
      machineWith(),
      { prefill: phase, decode: phase },
      { workload: { operatingPoint: 'low' } },
    );
    const clock = low.clockHertz / top.clockHertz;
    const voltage = low.voltageVolts / top.voltageVolts;
    const one =
      parts.overheadSeconds +
      Math.max(parts.computeSeconds / clock, parts.memorySeconds) +
      parts.latencySeconds;
    const seconds = shape.stages * shape.repeat * one + shape.extraSeconds;
    const joules =
      shape.runsPerChip * shape.repeat * (parts.computeJoules * voltage ** 2 + parts.transferJoules) +
      (STATIC_SCALED * voltage + STATIC_FIXED) * seconds;
    expect(powered.decode.timing.clockScale).toBe(clock);
    expect(powered.decode.timing.voltageScale).toBe(voltage);
    expect(powered.decode.timing.seconds).toBeCloseTo(seconds, 15);
    expect(powered.decode.timing.chipJoules).toBeCloseTo(joules, 12);
    expect(powered.operatingPoint?.name).toBe('low');
  });

  it('adds the idle chips’ static power and the system’s blocks to the chips at work', () => {
    // 4 chips of one replica each, batch 2: two chips work, two idle at their static power.
    const machine = machineWith({}, { count: 4, systemStaticWatts: 7 });
    const plan = planWith({ dataReplicas: 4, chipsUsed: 4 });
    const { powered } = solve(machine, { prefill: phase, decode: phase }, { workload: { batch: 2 }, plan });
    expect(powered.decode.systemWatts).toBeCloseTo(
      2 * powered.decode.timing.chipWatts + 2 * (STATIC_SCALED + STATIC_FIXED) + 7,
      9,
    );
  });

  it('counts every chip of a tensor × pipeline group as working', () => {
    const machine = machineWith({}, { count: 8 });
    const plan = planWith({ tensor: 2, pipeline: 2, dataReplicas: 2, chipsUsed: 8 });
    const { powered } = solve(machine, { prefill: phase, decode: phase }, { workload: { batch: 1 }, plan });
    // One sequence: one replica of 2 × 2 chips works, the other four idle.
    expect(powered.decode.systemWatts).toBeCloseTo(
      4 * powered.decode.timing.chipWatts + 4 * (STATIC_SCALED + STATIC_FIXED),
      9,
    );
  });
});

describe('power: a power cap', () => {
  /** One chip's average power on the compute-bound phase at clock scale `s` (see `computeBound`). */
  const wattsAt = (s: number) => {
    const v = voltageScaleAt(s);
    const seconds = 1e-3 / s;
    return (1 * v * v) / seconds + STATIC_SCALED * v + STATIC_FIXED;
  };

  it('lowers the clock until the chip fits under it, and no further', () => {
    const cap = 400;
    expect(wattsAt(1)).toBeGreaterThan(cap);
    const { powered, diagnostics } = solve(machineWith({ capWatts: cap, capBlockId: 'cap' }), {
      prefill: computeBound,
      decode: computeBound,
    });
    const { timing, throttled } = powered.prefill;
    expect(throttled).toBe(true);
    expect(timing.chipWatts).toBeLessThanOrEqual(cap);
    expect(timing.chipWatts).toBeCloseTo(wattsAt(timing.clockScale), 9);
    // A clock 1e-4 of the top higher would draw more than the cap.
    expect(wattsAt(timing.clockScale + 1e-4)).toBeGreaterThan(cap);
    expect(timing.voltageScale).toBeCloseTo(voltageScaleAt(timing.clockScale), 12);
    expect(diagnostics).toEqual([]);
    expect(powered.capWatts).toBe(cap);
  });

  it('leaves the clock alone when the top point is under the cap', () => {
    const { powered } = solve(machineWith({ capWatts: 2 * wattsAt(1) }), {
      prefill: computeBound,
      decode: computeBound,
    });
    expect(powered.decode.throttled).toBe(false);
    expect(powered.decode.timing.clockScale).toBe(1);
  });

  it('stalls the unit at the lowest clock when even that draws more, so the cap holds', () => {
    // Without the curve's tech tables the curve ends at the lowest point: 250 MHz at 0.5 V, where the chip draws
    // 62.5 W of arithmetic (1 J × 0.5² over 4 ms) and 3.5 W of static power (3 W × 0.5 + 2 W).
    const cap = 10;
    expect(wattsAt(0.25)).toBeGreaterThan(cap);
    const { powered, diagnostics } = solve(machineWith({ capWatts: cap, capBlockId: 'cap' }), {
      prefill: computeBound,
      decode: computeBound,
    });
    const { timing, throttled } = powered.prefill;
    const staticWatts = STATIC_SCALED * 0.5 + STATIC_FIXED;
    const dynamicWatts = (1 * 0.5 ** 2) / 4e-3;
    // Running d of the time: d × 62.5 W + 3.5 W = cap.
    const dutyCycle = (cap - staticWatts) / dynamicWatts;
    expect(throttled).toBe(true);
    expect(timing.clockScale).toBe(0.25);
    expect(timing.dutyCycle).toBeCloseTo(dutyCycle, 12);
    expect(timing.seconds).toBeCloseTo(4e-3 / dutyCycle, 12);
    expect(timing.chipWatts).toBeCloseTo(cap, 9);
    expect(diagnostics).toEqual([]);
  });

  it('warns `over-power-cap` only when the cap is below the static power, and runs at the lowest clock', () => {
    // 3.5 W of static power at the lowest point: a 3 W cap cannot hold however long the unit stalls.
    const { powered, diagnostics } = solve(machineWith({ capWatts: 3, capBlockId: 'cap' }), {
      prefill: computeBound,
      decode: memoryBound,
    });
    expect(powered.prefill.timing).toMatchObject({ clockScale: 0.25, dutyCycle: 1 });
    expect(powered.prefill.throttled).toBe(true);
    expect(diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'warning',
          code: 'over-power-cap',
          blockId: 'cap',
          message: expect.stringContaining('Prefill') as string,
        }),
      ]),
    );
  });

  it('takes the lower of the chip’s cap and the operating point’s own', () => {
    const points = [point('top', 1e9, 1, 300), low];
    const phases = { prefill: computeBound, decode: computeBound };
    expect(solve(machineWith({ operatingPoints: points, capWatts: 400 }), phases).powered.capWatts).toBe(300);
    expect(solve(machineWith({ operatingPoints: points, capWatts: 200 }), phases).powered.capWatts).toBe(200);
    expect(solve(machineWith(), phases).powered.capWatts).toBeUndefined();
  });

  it('with enforcement off, keeps the clock and warns that the cap is exceeded', () => {
    const { powered, diagnostics } = solve(
      machineWith({ advisoryCapWatts: 400, advisoryCapBlockId: 'cap' }),
      { prefill: computeBound, decode: computeBound },
    );
    expect(wattsAt(1)).toBeGreaterThan(400);
    expect(powered.prefill.throttled).toBe(false);
    expect(powered.prefill.timing).toMatchObject({ clockScale: 1, dutyCycle: 1 });
    expect(powered.prefill.timing.chipWatts).toBeCloseTo(wattsAt(1), 9);
    expect(powered.capWatts).toBe(400);
    expect(powered.capEnforced).toBe(false);
    expect(diagnostics).toEqual([
      expect.objectContaining({ code: 'over-power-cap', blockId: 'cap' }),
      expect.objectContaining({ code: 'over-power-cap', blockId: 'cap' }),
    ]);
  });
});

describe('power: the continuous V/f curve', () => {
  /** Curve constants chosen for the test (the library's live in library/tech/vf-curve-*.json). */
  const vf = {
    thresholdVolts: 0.3,
    minimumVolts: 0.5,
    alpha: 1.3,
    floorClockFraction: 0.1,
    nominalVolts: 0.8,
  };
  /** The alpha-power law's clock at a voltage, up to a constant: (V − Vt)^α / V. */
  const law = (volts: number) => (volts - vf.thresholdVolts) ** vf.alpha / volts;
  /** Chip power on the compute-bound phase at clock scale s and voltage v, with top voltage vTop. */
  const watts = (s: number, v: number, vTop: number) =>
    (1 * (v / vTop) ** 2) / (1e-3 / s) + STATIC_SCALED * (v / vTop) + STATIC_FIXED;

  it('throttles a domain with a single operating point along the alpha-power law until the cap holds', () => {
    const cap = 400;
    const { powered, diagnostics } = solve(
      machineWith({ operatingPoints: [top], vf, capWatts: cap, capBlockId: 'cap' }),
      { prefill: computeBound, decode: computeBound },
    );
    const { timing, throttled } = powered.prefill;
    expect(watts(1, 1, 1)).toBeGreaterThan(cap);
    expect(throttled).toBe(true);
    expect(timing.dutyCycle).toBe(1);
    expect(timing.clockScale).toBeLessThan(1);
    // The voltage sits on the law through the top point (1 GHz at 1 V): f / f_top = law(V) / law(1 V).
    expect(law(timing.voltageVolts) / law(1)).toBeCloseTo(timing.clockScale, 9);
    expect(timing.voltageScale).toBe(timing.voltageVolts);
    expect(timing.chipWatts).toBeCloseTo(watts(timing.clockScale, timing.voltageVolts, 1), 9);
    expect(timing.chipWatts).toBeLessThanOrEqual(cap);
    // The highest such clock: 1e-4 of the top clock faster (at the voltage the law needs there) breaks the cap.
    const faster = timing.clockScale + 1e-4;
    const solveVoltage = (target: number): number => {
      let low = vf.minimumVolts;
      let high = 1;
      for (let step = 0; step < 100; step += 1) {
        const middle = (low + high) / 2;
        if (law(middle) / law(1) < target) low = middle;
        else high = middle;
      }
      return high;
    };
    expect(watts(faster, solveVoltage(faster), 1)).toBeGreaterThan(cap);
    expect(diagnostics).toEqual([]);
  });

  it('gives a chip without a domain one point, its unit’s clock at the nominal voltage, and throttles it', () => {
    const cap = 300;
    const unitClock = base.chip.units[0]?.clockHertz ?? 0;
    const { powered } = solve(machineWith({ operatingPoints: [], vf, capWatts: cap }), {
      prefill: computeBound,
      decode: computeBound,
    });
    const { timing } = powered.prefill;
    expect(powered.topClockHertz).toBe(unitClock);
    expect(timing.chipWatts).toBeLessThanOrEqual(cap);
    expect(timing.chipWatts).toBeGreaterThan(cap * 0.99);
    expect(timing.clockHertz).toBeCloseTo(timing.clockScale * unitClock, 0);
    expect(law(timing.voltageVolts) / law(vf.nominalVolts)).toBeCloseTo(timing.clockScale, 9);
    expect(timing.voltageScale).toBeCloseTo(timing.voltageVolts / vf.nominalVolts, 12);
  });

  it('holds the voltage at its minimum below the clock the law gives there, down to the floor', () => {
    // At Vmin the law gives law(0.5) / law(1) of the top clock; below that only the clock falls.
    const atMinimum = law(vf.minimumVolts) / law(1);
    const cap = watts(atMinimum / 2, vf.minimumVolts, 1);
    const { powered } = solve(machineWith({ operatingPoints: [top], vf, capWatts: cap }), {
      prefill: computeBound,
      decode: computeBound,
    });
    const { timing } = powered.prefill;
    expect(timing.voltageVolts).toBe(vf.minimumVolts);
    expect(timing.clockScale).toBeCloseTo(atMinimum / 2, 4);
    // Below the floor (0.1 of the top clock) the unit stalls instead.
    const floorCap = watts(vf.floorClockFraction, vf.minimumVolts, 1) / 2;
    const stalled = solve(machineWith({ operatingPoints: [top], vf, capWatts: floorCap }), {
      prefill: computeBound,
      decode: computeBound,
    }).powered.prefill.timing;
    expect(stalled.clockScale).toBeCloseTo(vf.floorClockFraction, 12);
    expect(stalled.dutyCycle).toBeLessThan(1);
    expect(stalled.chipWatts).toBeCloseTo(floorCap, 9);
  });

  it('runs a unit clocked below the operating point at its own clock and the voltage the curve gives there', () => {
    // The unit's clock is set to 500 MHz while the domain's top point is 1 GHz at 1 V: the voltage on the line to
    // the 250 MHz, 0.5 V point is 0.5 + (0.5 − 0.25) / (1 − 0.25) × 0.5 V.
    const slowUnit = { ...(base.chip.units[0] as Machine['chip']['units'][number]), clockHertz: 0.5e9 };
    const machine = machineWith();
    const slowed: Machine = { ...machine, chip: { ...machine.chip, units: [slowUnit] } };
    const { powered } = solve(slowed, { prefill: computeBound, decode: computeBound });
    const voltage = voltageScaleAt(0.5);
    const { timing } = powered.decode;
    expect(timing.clockHertz).toBe(0.5e9);
    expect(timing.clockScale).toBe(1);
    expect(timing.voltageVolts).toBeCloseTo(voltage, 12);
    expect(timing.voltageScale).toBeCloseTo(voltage / 1, 12);
    // Arithmetic energy at (V / V_top)², leakage at V / V_top, over the phase's time at the unit's own clock.
    expect(timing.chipJoules).toBeCloseTo(
      1 * voltage ** 2 + (STATIC_SCALED * voltage + STATIC_FIXED) * 1e-3,
      12,
    );
  });
});

describe('power: a unit clocked above the domain', () => {
  it('keeps its ratio to the curve at the top point’s voltage, and says the report shows the domain’s clock', () => {
    const fastUnit = { ...(base.chip.units[0] as Machine['chip']['units'][number]), clockHertz: 2e9 };
    const machine = machineWith();
    const fast: Machine = { ...machine, chip: { ...machine.chip, units: [fastUnit] } };
    const { powered, diagnostics } = solve(fast, { prefill: computeBound, decode: computeBound });
    expect(powered.decode.timing).toMatchObject({
      clockScale: 1,
      clockHertz: top.clockHertz,
      voltageVolts: 1,
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'info', code: 'clock-above-domain', blockId: 'dvfs' }),
    ]);
  });
});

describe('power: the adaptive policy', () => {
  const adaptive = machineWith({ policy: 'adaptive' });

  it('drops a memory-bound phase to the lowest clock', () => {
    // At 250 MHz the arithmetic takes 0.4 ms, still under the 1 ms of memory traffic.
    const { powered } = solve(adaptive, { prefill: memoryBound, decode: memoryBound });
    expect(powered.decode.timing.clockScale).toBe(low.clockHertz / top.clockHertz);
    expect(powered.decode.timing.seconds).toBeCloseTo(1e-3, 15);
    const fixed = solve(machineWith(), { prefill: memoryBound, decode: memoryBound }).powered;
    expect(powered.decode.timing.chipJoules).toBeLessThan(fixed.decode.timing.chipJoules);
  });

  it('keeps a compute-bound phase within 1 % of its time at the top clock', () => {
    const { powered } = solve(adaptive, { prefill: computeBound, decode: computeBound });
    expect(powered.decode.timing.clockScale).toBeGreaterThanOrEqual(1 / 1.01);
    expect(powered.decode.timing.seconds).toBeLessThanOrEqual(1.01 * 1e-3);
  });

  it('drops a phase to where its arithmetic starts to show', () => {
    // 0.5 ms of arithmetic beside 1 ms of memory: the time grows past 1 % once 0.5 ms / s > 1.01 ms.
    const phase = phaseOf({ computeSeconds: 0.5e-3, memorySeconds: 1e-3, computeJoules: 0.1 });
    const { powered } = solve(adaptive, { prefill: phase, decode: phase });
    expect(powered.decode.timing.clockScale).toBeGreaterThanOrEqual(0.5 / 1.01);
    expect(powered.decode.timing.clockScale).toBeLessThan(0.5 / 1.01 + 1e-3);
  });

  it('chooses each phase’s clock on its own', () => {
    const { powered } = solve(adaptive, { prefill: computeBound, decode: memoryBound });
    expect(powered.prefill.timing.clockScale).toBeGreaterThan(0.99);
    expect(powered.decode.timing.clockScale).toBe(0.25);
  });
});

describe('power: the operating point', () => {
  it('warns about a name the domain lacks and runs at the top point', () => {
    const { powered, diagnostics } = solve(
      machineWith(),
      { prefill: computeBound, decode: computeBound },
      { workload: { operatingPoint: 'turbo' } },
    );
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'unknown-operating-point',
        blockId: 'dvfs',
        message: expect.stringContaining('"turbo"') as string,
      }),
    ]);
    expect(powered.operatingPoint?.name).toBe('top');
    expect(powered.decode.timing.clockScale).toBe(1);
  });
});
