import { describe, expect, test } from 'vitest';
import { evaluate } from '../evaluate';
import { defaultWorkload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import { diffGoldens, goldenOf, prepareScenario, round, runScenario, type Scenario } from './golden';

const catalog = testCatalog();
const design = testDesign({ array: { type: 'test.array' }, sram: { type: 'test.sram' } }, [
  ['array', 'sram'],
]);

const scenario = (extra: Partial<Scenario> = {}): Scenario => ({
  format: 'tessera.scenario',
  version: 1,
  description: 'a toy model on one array and its SRAM',
  design,
  workload: { model: 'toy' },
  ...extra,
});

describe('round', () => {
  test('keeps four significant digits at any magnitude', () => {
    expect(round(123456)).toBe(123500);
    expect(round(0.000123456)).toBe(0.0001235);
    expect(round(1 / 3)).toBe(0.3333);
    expect(round(-0)).toBe(0);
    expect(round(7)).toBe(7);
  });
});

describe('goldenOf', () => {
  test('holds the stable keys, rounded, and drops nothing a user reads', () => {
    const result = evaluate({ design, workload: defaultWorkload('toy') }, catalog);
    if (!result.ok) throw new Error('the toy design should evaluate');
    const golden = goldenOf('toy', result) as Record<string, Record<string, unknown>>;
    expect(golden.decode?.secondsPerStep).toBe(round(result.report.decode.secondsPerStep));
    expect(golden.prefill?.bound).toBe(result.report.prefill.bound);
    expect(golden.memory?.fits).toBe(result.report.memory.fits);
    expect(Object.keys(golden.decode?.operators as object)).toEqual(
      result.report.decode.operators.map((operator) => operator.id),
    );
  });
});

describe('prepareScenario', () => {
  test('applies overrides in the parameter’s unit and merges the workload over the defaults', () => {
    const prepared = prepareScenario(
      scenario({ set: ['sram.bandwidthBytesPerSecond=2 TB/s'], workload: { model: 'toy', batch: 4 } }),
      catalog,
    );
    if (!prepared.ok) throw new Error(prepared.problem);
    expect(prepared.design.blocks.find((block) => block.id === 'sram')?.params.bandwidthBytesPerSecond).toBe(
      2e12,
    );
    expect(prepared.workload).toEqual({ ...defaultWorkload('toy'), batch: 4 });
  });

  test('says what is wrong with a scenario instead of throwing', () => {
    expect(prepareScenario(scenario({ design: 'preset:no-such-preset' }), catalog)).toEqual({
      ok: false,
      problem: 'the library has no preset "no-such-preset"',
    });
    const badOverride = prepareScenario(scenario({ set: ['nowhere.rows=4'] }), catalog);
    expect(badOverride.ok).toBe(false);
    expect(runScenario('bad', scenario({ set: ['nowhere.rows=4'] }), catalog)).toMatchObject({ ok: false });
  });
});

describe('diffGoldens', () => {
  test('is empty for equal goldens and names each changed leaf with its relative change', () => {
    const before = {
      decode: { seconds: 0.02, operators: { 'ffn.down': { bound: 'memory' } } },
      list: [1, 2],
    };
    const after = { decode: { seconds: 0.025, operators: { 'ffn.down': { bound: 'compute' } } }, list: [1] };
    expect(diffGoldens(before, JSON.parse(JSON.stringify(before)))).toEqual([]);
    expect(diffGoldens(before, after)).toEqual([
      'decode.seconds: 0.02 → 0.025 (+25 %)',
      'decode.operators["ffn.down"].bound: "memory" → "compute"',
      'list[1]: 2 → (absent)',
    ]);
  });
});
