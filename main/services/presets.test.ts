/**
 * The architecture presets: each is a valid design, resolves without modelling errors, adds up to the figures
 * its datasheet prints (derived by the engine from the blocks, never restated here), and runs a small model.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { checkDesign } from '../../engine/stages/check';
import { evaluate } from '../../engine/evaluate';
import { designFigures, type DesignFigures } from '../../engine/figures';
import { resolve } from '../../engine/stages/resolve';
import type { Report } from '../../engine/report';
import type { Preset } from '../../engine/schema/preset';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { loadLibrary } from './library-loader';

const { catalog, problems } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);

/** The presets the library must offer. */
const requiredPresets = [
  'nvidia-h100-sxm',
  'nvidia-a100-sxm-80gb',
  'nvidia-h200-sxm',
  'nvidia-l40s',
  'nvidia-dgx-h100',
  'apple-m2-ultra',
  'apple-m4-max',
  'google-tpu-v5e',
  'groq-lpu',
  'nvidia-jetson-orin-nano',
  'amd-alveo-u55c',
];
const requiredTemplates = ['template-single-tile', 'template-tile-mesh', 'template-edge-soc'];

/** How far a derived figure may be from the datasheet's. */
const tolerance = 0.02;

type FigureKey =
  'peakDenseBf16FlopsPerSecond' | 'memoryBandwidthBytesPerSecond' | 'memoryCapacityBytes' | 'powerWatts';
const figureKeys: FigureKey[] = [
  'peakDenseBf16FlopsPerSecond',
  'memoryBandwidthBytesPerSecond',
  'memoryCapacityBytes',
  'powerWatts',
];

/**
 * Workloads to try, largest first; a preset runs the first one that fits its memory. The 8 GB and 16 GB devices
 * take 4-bit Llama 3 8B, the SRAM-only chip a GPT-2 in 8-bit blocks.
 */
const candidates: { model: string; weights: string }[] = [
  { model: 'llama-3-8b', weights: 'bf16' },
  { model: 'llama-3-8b', weights: 'q4-k-m' },
  { model: 'gpt-2', weights: 'q8-0' },
];

function workloadFor(candidate: { model: string; weights: string }): Workload {
  return { ...defaultWorkload(candidate.model), weights: candidate.weights };
}

/** The report of the first candidate workload that fits the preset, or undefined when none does. */
function smallModelReport(preset: Preset): Report | undefined {
  for (const candidate of candidates) {
    const result = evaluate({ design: preset.design, workload: workloadFor(candidate) }, index);
    if (result.ok && result.report.memory.fits) return result.report;
  }
  return undefined;
}

/** Every number in a value, with the path that leads to it. */
function numbersIn(value: unknown, path = 'report'): { path: string; value: number }[] {
  if (typeof value === 'number') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, position) => numbersIn(item, `${path}[${position}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => numbersIn(item, `${path}.${key}`));
  return [];
}

function relativeDifference(derived: number, printed: number): number {
  return Math.abs(derived - printed) / printed;
}

describe('the presets', () => {
  it('load without problems', () => {
    expect(problems.filter((problem) => problem.file.startsWith('presets/'))).toEqual([]);
  });

  it('include every required preset', () => {
    const ids = new Set(catalog.presets.map((preset) => preset.id));
    for (const id of requiredPresets) expect(ids.has(id), id).toBe(true);
  });

  it('include the starting templates, marked as templates', () => {
    for (const id of requiredTemplates) expect(index.presets.get(id)?.kind, id).toBe('template');
  });

  it('have kebab-case ids', () => {
    for (const preset of catalog.presets) expect(preset.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('state the memory a product datasheet prints', () => {
    for (const preset of catalog.presets.filter((candidate) => candidate.kind === 'preset')) {
      expect(preset.datasheet?.memoryBandwidthBytesPerSecond, preset.id).toBeDefined();
      expect(preset.datasheet?.memoryCapacityBytes, preset.id).toBeDefined();
    }
  });

  it('have the number formats the evaluation below needs', () => {
    for (const candidate of candidates)
      expect(index.formats.has(candidate.weights), candidate.weights).toBe(true);
    expect(index.formats.has('bf16')).toBe(true);
  });
});

describe.each(catalog.presets.map((preset) => [preset.id, preset] as const))('preset %s', (_id, preset) => {
  it('is a valid design', () => {
    const errors = checkDesign(preset.design, index).filter((diagnostic) => diagnostic.severity === 'error');
    expect(errors).toEqual([]);
  });

  it('resolves without modelling errors', () => {
    const errors = resolve(preset.design, index).diagnostics.filter(
      (diagnostic) => diagnostic.severity === 'error',
    );
    expect(errors).toEqual([]);
  });

  it('runs a small model that fits, with finite positive times', () => {
    const report = smallModelReport(preset);
    expect(report, 'no candidate workload fits').toBeDefined();
    if (!report) return;
    expect(report.memory.fits).toBe(true);
    expect(report.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    const times = {
      prefill: report.prefill.seconds,
      decode: report.decode.seconds,
      ttft: report.request.ttftSeconds,
      tpot: report.request.tpotSeconds,
      endToEnd: report.request.endToEndSeconds,
    };
    for (const [name, seconds] of Object.entries(times)) {
      expect(Number.isFinite(seconds), name).toBe(true);
      expect(seconds, name).toBeGreaterThan(0);
    }
    for (const { path, value } of numbersIn(report)) {
      expect(Number.isFinite(value), path).toBe(true);
      if (/seconds$/i.test(path)) expect(value, path).toBeGreaterThanOrEqual(0);
    }
  });
});

// Templates have no datasheet; every preset that has one is checked against it.
describe.each(
  catalog.presets
    .filter((preset) => preset.datasheet !== undefined)
    .map((preset) => [preset.id, preset] as const),
)('preset %s against its datasheet', (_id, preset) => {
  it(`adds up to its datasheet figures within ${tolerance * 100} %`, () => {
    const derived: DesignFigures = designFigures(preset.design, index);
    for (const key of figureKeys) {
      const printed = preset.datasheet?.[key];
      if (!printed) continue;
      const value = derived[key];
      expect(value, `${key} is not derived from the blocks`).toBeDefined();
      expect(
        relativeDifference(value ?? 0, printed.value),
        `${key}: derived ${value ?? 'nothing'}, datasheet ${printed.value} ("${printed.source.original ?? ''}")`,
      ).toBeLessThanOrEqual(tolerance);
    }
  });
});
