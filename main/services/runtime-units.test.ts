/**
 * Runtimes run only on the kinds of compute unit they have kernels for: llama.cpp's Metal backend runs every node
 * on the GPU cores, never on the Apple Neural Engine, so an M2 Ultra running llama.cpp must not send its prefill
 * GEMMs to the ANE — while the hardware alone (no runtime) may.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { Report } from '../../engine/report';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import type { Diagnostic } from '../../engine/diagnostics';
import { checkWorkload } from '../../engine/stages/check';
import { plan } from '../../engine/stages/plan';
import { resolve } from '../../engine/stages/resolve';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);
const preset = index.presets.get('apple-m2-ultra');
if (!preset) throw new Error('the library has no apple-m2-ultra preset');
const machine = resolve(preset.design, index);
const npuIds = new Set(
  machine.chip.units.filter((unit) => unit.typeId === 'compute.npu').map((unit) => unit.id),
);

function run(workload: Partial<Workload>): Report {
  const result = evaluate(
    {
      design: preset!.design,
      workload: {
        ...defaultWorkload('llama-3-8b'),
        weights: 'q4-k-m',
        activations: 'fp16',
        kv: 'fp16',
        inputTokens: 512,
        outputTokens: 16,
        ...workload,
      },
    },
    index,
  );
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const unitsUsed = (report: Report): string[] => [
  ...new Set([...report.prefill.operators, ...report.decode.operators].map((operator) => operator.unitId)),
];

describe('the units a runtime runs on', () => {
  it('the M2 Ultra preset has a Neural Engine, and llama.cpp lists the types it runs on without it', () => {
    expect(npuIds.size).toBeGreaterThan(0);
    const llamaCpp = index.runtimes.get('llama-cpp');
    expect(llamaCpp?.unitTypes).toBeDefined();
    expect(llamaCpp?.unitTypes).not.toContain('compute.npu');
    expect(llamaCpp?.unitTypes).toContain('compute.vector');
    // Every type a runtime names is a compute block type of the library.
    for (const runtime of index.runtimes.values())
      for (const type of runtime.unitTypes ?? [])
        expect(index.blockTypes.get(type)?.category, `${runtime.id}: ${type}`).toBe('compute');
  });

  it('llama.cpp on an M2 Ultra never places an operator on the Neural Engine', () => {
    const report = run({ runtime: 'llama-cpp' });
    const used = unitsUsed(report);
    expect(used.filter((id) => npuIds.has(id))).toEqual([]);
    // Its GEMMs run on the GPU cores.
    const gemmUnits = new Set(
      report.prefill.operators
        .filter((operator) => operator.kind === 'matmul')
        .map((operator) => operator.unitId),
    );
    expect(gemmUnits).toEqual(new Set(['gpuCore']));
  });

  it('the hardware alone sends the large prefill GEMMs to the Neural Engine, which is faster at them', () => {
    const hardware = run({});
    expect(unitsUsed(hardware).some((id) => npuIds.has(id))).toBe(true);
    // So llama.cpp's prefill is slower than the hardware's bound, not faster.
    expect(run({ runtime: 'llama-cpp' }).prefill.seconds).toBeGreaterThan(hardware.prefill.seconds);
  });

  it('pinning the Neural Engine under llama.cpp warns and falls back to the fastest unit it can use', () => {
    const report = run({ runtime: 'llama-cpp', unitPolicy: 'pinned', pinnedUnit: 'ane' });
    expect(report.diagnostics.map((diagnostic) => diagnostic.code)).toContain('pinned-unit-unavailable');
    expect(unitsUsed(report).filter((id) => npuIds.has(id))).toEqual([]);
  });

  it("the plan's primary unit (whose clock and voltage the power stage reports) is one the runtime runs on", () => {
    const workload: Workload = {
      ...defaultWorkload('llama-3-8b'),
      weights: 'q4-k-m',
      activations: 'fp16',
      kv: 'fp16',
      runtime: 'llama-cpp',
      parallelism: { mode: 'manual', tensor: 1, pipeline: 1, expert: 1 },
    };
    const diagnostics: Diagnostic[] = [];
    const checked = checkWorkload(workload, index, undefined, diagnostics);
    if (!checked) throw new Error('the workload checks');
    const planned = plan(machine, checked, workload, diagnostics);
    expect(machine.chip.units[planned?.primaryUnit ?? -1]?.typeId).not.toBe('compute.npu');
    // The hardware alone picks the Neural Engine, the fastest unit at these weights' arithmetic.
    const free = plan(machine, { ...checked, runtime: undefined }, { ...workload, runtime: undefined }, []);
    expect(machine.chip.units[free?.primaryUnit ?? -1]?.typeId).toBe('compute.npu');
  });
});
