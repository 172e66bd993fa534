import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Report } from '../report';
import type { Runtime } from '../schema/runtime';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';

function runtime(id: string, unitTypes: string[] | undefined): Runtime {
  return {
    format: 'tessera.runtime',
    version: 1,
    id,
    name: id,
    description: `test runtime ${id}`,
    stepOverheadSeconds: 0,
    operatorOverheadSeconds: 0,
    ...(unitTypes ? { unitTypes } : {}),
    source: { citation: 'test' },
  };
}

const catalog = testCatalog({
  runtimes: [
    runtime('lanes-only', ['test.vector']),
    runtime('anything', undefined),
    runtime('npu-only', ['compute.npu']),
  ],
});

/**
 * A 128 × 128 array (16,384 MACs per cycle) and a 64-lane vector unit, both on the same DRAM: the array finishes
 * every GEMM of a prefill far sooner, so "fastest" puts the GEMMs there.
 */
const design = testDesign(
  { tile: { type: 'test.array' }, lanes: { type: 'test.vector' }, dram: { type: 'test.dram' } },
  [
    ['tile', 'dram'],
    ['lanes', 'dram'],
  ],
);

function run(workload: Partial<Workload>): Report {
  const result = evaluate(
    { design, workload: { ...defaultWorkload('toy'), inputTokens: 256, ...workload } },
    catalog,
  );
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const unitsOf = (report: Report, phase: 'prefill' | 'decode'): Set<string> =>
  new Set(
    report[phase].operators.filter((operator) => operator.flops > 0).map((operator) => operator.unitId),
  );
const codes = (report: Report): string[] => report.diagnostics.map((diagnostic) => diagnostic.code);

describe('the units a runtime can use', () => {
  it('sends the prefill GEMMs to the fastest unit when the hardware runs alone or the runtime allows every unit', () => {
    expect(unitsOf(run({}), 'prefill')).toEqual(new Set(['tile']));
    expect(unitsOf(run({ runtime: 'anything' }), 'prefill')).toEqual(new Set(['tile']));
  });

  it('never places an operator on a unit the runtime has no kernels for', () => {
    const report = run({ runtime: 'lanes-only' });
    expect(unitsOf(report, 'prefill')).toEqual(new Set(['lanes']));
    expect(unitsOf(report, 'decode')).toEqual(new Set(['lanes']));
    expect(codes(report)).toContain('runtime-skips-units');
  });

  it('warns, and costs every unit, when the runtime runs on none of the design’s units', () => {
    const report = run({ runtime: 'npu-only' });
    expect(codes(report)).toContain('runtime-units-unavailable');
    expect(unitsOf(report, 'prefill')).toEqual(new Set(['tile']));
  });
});

describe('the pinned unit policy', () => {
  it('runs every operator on the pinned unit, even where another is faster', () => {
    const report = run({ unitPolicy: 'pinned', pinnedUnit: 'lanes' });
    expect(unitsOf(report, 'prefill')).toEqual(new Set(['lanes']));
    expect(unitsOf(report, 'decode')).toEqual(new Set(['lanes']));
    expect(codes(report)).not.toContain('pinned-unit-unavailable');
    // The 64-lane unit is 256 times narrower than the array: the pinned prefill is slower.
    expect(report.prefill.seconds).toBeGreaterThan(run({}).prefill.seconds);
  });

  it('falls back to the fastest unit, with a warning, when the pinned unit does not exist', () => {
    const report = run({ unitPolicy: 'pinned', pinnedUnit: 'nowhere' });
    expect(codes(report)).toContain('pinned-unit-unavailable');
    expect(unitsOf(report, 'prefill')).toEqual(new Set(['tile']));
    expect(report.prefill.seconds).toBe(run({}).prefill.seconds);
  });

  it('falls back, with a warning, when the runtime cannot use the pinned unit', () => {
    const report = run({ unitPolicy: 'pinned', pinnedUnit: 'tile', runtime: 'lanes-only' });
    const warning = report.diagnostics.find((diagnostic) => diagnostic.code === 'pinned-unit-unavailable');
    expect(warning).toMatchObject({ severity: 'warning', blockId: 'tile' });
    expect(unitsOf(report, 'prefill')).toEqual(new Set(['lanes']));
  });

  it('warns when "pinned" names no unit', () => {
    expect(codes(run({ unitPolicy: 'pinned' }))).toContain('pinned-unit-unavailable');
  });
});
