/**
 * The area model against published die areas: each preset whose fabrication block states its die (from the
 * vendor's whitepaper or paper) is estimated block by block, and the error is computed and printed. The model
 * counts the datapaths, SIMT cores (register files, control, pipes, crossbar ports), caches, PHYs and SerDes the
 * blocks describe, with the SMs fused off for yield, and nothing else. docs/engine.md ("Area and cost") reports
 * each error and why: the GPUs within a quarter, the Groq LPU (whose stream registers and switch no block
 * describes) still far below.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { Preset } from '../../engine/schema/preset';
import { defaultWorkload } from '../../engine/schema/workload';
import { designToJson, designToYaml, parseDesignText } from '../../engine/spec/spec-text';
import { applyOverrides, parseOverride } from '../../engine/overrides';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);

/** The die area a preset states on its fabrication block, m²; undefined when it states none. */
function statedDie(preset: Preset): number | undefined {
  const value = preset.design.blocks.find((block) => block.type === 'cost.fabrication')?.params
    .dieAreaSquareMetres;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

const withDie = catalog.presets.filter((preset) => statedDie(preset) !== undefined);

describe('die area against the published figures', () => {
  it('covers the presets with a published die: H100, H200, A100, L40S and the Groq LPU', () => {
    expect(withDie.map((preset) => preset.id)).toEqual(
      expect.arrayContaining([
        'nvidia-h100-sxm',
        'nvidia-h200-sxm',
        'nvidia-a100-sxm-80gb',
        'nvidia-l40s',
        'groq-lpu',
      ]),
    );
  });

  const errors: Record<string, number> = {};
  /** The A100 preset with one `--set` override applied. */
  const a100With = (setting: string) => {
    const a100 = catalog.presets.find((preset) => preset.id === 'nvidia-a100-sxm-80gb');
    if (!a100) throw new Error('the library has no A100 preset');
    const override = parseOverride(setting);
    if ('error' in override) throw new Error(override.error);
    const applied = applyOverrides(a100.design, [override], index);
    if (!applied.ok) throw new Error(applied.problems.join('; '));
    return applied.design;
  };
  for (const preset of withDie) {
    it(`${preset.id}: the estimate is near the published die (GPUs) or below it, and the cost uses the published die`, () => {
      const result = evaluate({ design: preset.design, workload: defaultWorkload('llama-3-1-8b') }, index);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
      const { area, cost } = result.report;
      const published = statedDie(preset) ?? 0;
      expect(area?.statedDieAreaSquareMetres).toBe(published);
      const estimate = area?.dieAreaSquareMetres ?? 0;
      const error = estimate / published - 1;
      errors[preset.id] = error;
      console.info(
        `${preset.id}: estimated ${(estimate * 1e6).toFixed(0)} mm² vs published ${(published * 1e6).toFixed(0)} mm² (${(error * 100).toFixed(0)} %)`,
      );
      expect(estimate).toBeGreaterThan(0);
      if (preset.id.startsWith('nvidia-')) expect(Math.abs(error)).toBeLessThan(0.25);
      else expect(estimate).toBeLessThan(published);
      // The cost is the published die's: wafer cost ÷ (gross dies of that area × yield at that area).
      const d = cost?.waferDiameterMetres ?? 0;
      const gross = Math.floor(
        (Math.PI * (d / 2) ** 2) / published - (Math.PI * d) / Math.sqrt(2 * published),
      );
      expect(cost?.grossDiesPerWafer).toBe(gross);
    });
  }

  it('counts the SMs fused off for yield: GA100’s 128 on the die for the A100’s 108 enabled', () => {
    const smArea = (units: number): number => {
      const design = a100With(`fab.computeUnitsOnDie=${units}`);
      const result = evaluate({ design, workload: defaultWorkload('llama-3-1-8b') }, index);
      if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
      return result.report.area?.blocks.find((block) => block.blockId === 'sm')?.areaSquareMetres ?? 0;
    };
    // 0 takes the design's 108; 128 adds the 20 fused-off SMs, each as large as an enabled one.
    expect(smArea(128) / smArea(0)).toBeCloseTo(128 / 108, 9);
  });

  it('warns, naming the fabrication block, when fewer units are on the die than the design enables', () => {
    const design = a100With('fab.computeUnitsOnDie=100');
    const result = evaluate({ design, workload: defaultWorkload('llama-3-1-8b') }, index);
    if (!result.ok) throw new Error('the A100 does not evaluate');
    const warning = result.report.diagnostics.find((d) => d.code === 'units-on-die-below-design');
    expect(warning?.message).toMatch(/Fabrication & cost.*100.*108/);
  });
});

describe('the fabrication block outside the canvas', () => {
  const h100 = catalog.presets.find((preset) => preset.id === 'nvidia-h100-sxm');
  if (!h100) throw new Error('the library has no H100 preset');

  it('round-trips its node and cost figures through the YAML and JSON spec', () => {
    const design = structuredClone(h100.design);
    const fab = design.blocks.find((block) => block.id === 'fab');
    if (!fab) throw new Error('the H100 preset has no fabrication block');
    fab.params = {
      ...fab.params,
      processNode: '3nm',
      waferCostDollars: 20000,
      defectDensityPerSquareMetre: 1500,
    };
    for (const [text, format] of [
      [designToYaml(design), 'yaml'],
      [designToJson(design), 'json'],
    ] as const) {
      const read = parseDesignText(text, format);
      if (!read.ok) throw new Error(JSON.stringify(read.problems));
      expect(read.design.blocks.find((block) => block.id === 'fab')?.params).toEqual(fab.params);
    }
  });

  it('takes --set overrides: a dearer wafer raises the die cost in proportion', () => {
    const workload = defaultWorkload('llama-3-1-8b');
    const base = evaluate({ design: h100.design, workload }, index);
    const override = parseOverride('fab.waferCostDollars=33976');
    if ('error' in override) throw new Error(override.error);
    const applied = applyOverrides(h100.design, [override], index);
    if (!applied.ok) throw new Error(applied.problems.join('; '));
    const dearer = evaluate({ design: applied.design, workload }, index);
    if (!base.ok || !dearer.ok) throw new Error('the H100 does not evaluate');
    const baseDie = base.report.cost?.dieDollars ?? 0;
    const waferBefore = base.report.cost?.waferCostDollars ?? 1;
    expect(dearer.report.cost?.dieDollars).toBeCloseTo((baseDie * 33976) / waferBefore, 6);
  });
});
