/**
 * Power caps and clocks on the library's own designs (issue 14): a cap holds on every domain — a tile mesh with no
 * DVFS domain, an FPGA card with a single operating point — unless its enforcement is off, and the clock and voltage
 * a report shows are the ones the run used. Expected figures come from the designs' own parameters.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import { operatingPoints } from '../../engine/blocks/dvfs-domain';
import type { OperatingPoint } from '../../engine/machine';
import { applyOverrides, parseOverride, type Override } from '../../engine/overrides';
import type { Report } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { voltageAt } from '../../engine/stages/power';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(join(import.meta.dirname, '../../library'));
const index = indexCatalog(catalog);

function preset(id: string): DesignDocument {
  const found = index.presets.get(id);
  if (!found) throw new Error(`the library has no preset "${id}"`);
  return found.design;
}

function withOverrides(design: DesignDocument, texts: string[]): DesignDocument {
  const overrides = texts.map((text) => parseOverride(text) as Override);
  const applied = applyOverrides(design, overrides, index);
  if (!applied.ok) throw new Error(applied.problems.join('\n'));
  return applied.design;
}

function run(design: DesignDocument, workload: Partial<Workload> & { model: string }): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload(workload.model), ...workload } }, index);
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

/** The tile-mesh template with a 50 W cap block in its chip group (no DVFS domain). */
function tileMeshWithCap(capWatts: number, enforce?: 'true' | 'false'): DesignDocument {
  const design = preset('template-tile-mesh');
  const chip = design.groups.find((group) => group.kind === 'chip');
  if (!chip) throw new Error('the tile mesh has a chip group');
  return {
    ...design,
    blocks: [
      ...design.blocks,
      {
        id: 'cap',
        type: 'power.cap',
        name: 'Power cap',
        params: { capWatts, ...(enforce ? { enforce } : {}) },
        position: { x: 600, y: 40 },
      },
    ],
    groups: design.groups.map((group) =>
      group.id === chip.id ? { ...group, blocks: [...group.blocks, 'cap'] } : group,
    ),
  };
}

/** The operating points of a design's DVFS domain, highest first (as the engine reads them). */
function domainPoints(design: DesignDocument): OperatingPoint[] {
  const domain = design.blocks.find((block) => block.type === 'power.dvfs-domain');
  const rows = domain?.params.operatingPoints;
  return operatingPoints(Array.isArray(rows) ? rows : []);
}

const overCap = (report: Report) =>
  report.diagnostics.filter((diagnostic) => diagnostic.code === 'over-power-cap');

describe('a power cap holds on every domain', () => {
  it('keeps the tile mesh (no DVFS domain) under a 50 W cap in both phases', () => {
    const uncapped = run(preset('template-tile-mesh'), { model: 'llama-3-8b' });
    const report = run(tileMeshWithCap(50), { model: 'llama-3-8b' });
    // Uncapped the mesh draws far more than 50 W; capped, each phase fits (one chip: system power = chip power).
    expect(uncapped.prefill.averagePowerWatts).toBeGreaterThan(50);
    expect(uncapped.decode.averagePowerWatts).toBeGreaterThan(50);
    for (const phase of [report.prefill, report.decode]) {
      expect(phase.averagePowerWatts).toBeLessThanOrEqual(50 * 1.001);
      expect(phase.throttled).toBe(true);
      expect(phase.clockHertz).toBeLessThan(uncapped.prefill.clockHertz);
      expect(phase.seconds).toBeGreaterThan(0);
    }
    expect(report.power.capWatts).toBe(50);
    expect(overCap(report)).toEqual([]);
  });

  it('with enforcement off, runs the tile mesh at its own clock and warns that the cap is exceeded', () => {
    const uncapped = run(preset('template-tile-mesh'), { model: 'llama-3-8b' });
    const report = run(tileMeshWithCap(50, 'false'), { model: 'llama-3-8b' });
    expect(report.prefill.tokensPerSecond).toBeCloseTo(uncapped.prefill.tokensPerSecond, 9);
    expect(report.prefill.averagePowerWatts).toBeCloseTo(uncapped.prefill.averagePowerWatts, 9);
    expect(report.prefill.throttled).toBe(false);
    expect(overCap(report).map((diagnostic) => diagnostic.blockId)).toEqual(['cap', 'cap']);
  });

  it('throttles the Alveo card, whose domain lists a single operating point', () => {
    const design = preset('amd-alveo-u55c');
    const workload = { model: 'gpt-2', batch: 64 };
    const free = run(design, workload);
    // A cap a little under what the prefill draws at the card's only operating point.
    const cap = free.prefill.averagePowerWatts * 0.95;
    const capped = run(withOverrides(design, [`cap.capWatts=${cap}`]), workload);
    const points = domainPoints(design);
    expect(points).toHaveLength(1);
    expect(capped.prefill.throttled).toBe(true);
    expect(capped.prefill.averagePowerWatts).toBeLessThanOrEqual(cap * 1.001);
    expect(capped.prefill.clockHertz).toBeLessThan(points[0]?.clockHertz ?? 0);
    expect(capped.prefill.voltageVolts).toBeLessThan(points[0]?.voltageVolts ?? 0);
    expect(overCap(capped)).toEqual([]);
  });
});

describe('the clock and voltage a report shows are the ones used', () => {
  it('reports an H100 whose SMs are clocked at 1 GHz at 1 GHz and at the domain’s voltage there', () => {
    const design = withOverrides(preset('nvidia-h100-sxm'), ['sm.clockHertz=1e9']);
    const points = domainPoints(design);
    const sorted = points; // highest first
    const expectedVolts = voltageAt(sorted, 1e9);
    expect(expectedVolts).toBeLessThan(sorted[0]?.voltageVolts ?? 0);
    // A batch-1 decode draws well under the 700 W cap, so nothing throttles it.
    const report = run(design, { model: 'llama-3-8b' });
    expect(report.decode.throttled).toBe(false);
    expect(report.decode.clockHertz).toBe(1e9);
    expect(report.clockHertz).toBe(1e9);
    expect(report.decode.voltageVolts).toBeCloseTo(expectedVolts, 12);
    expect(report.decode.dutyCycle).toBe(1);
    // The boost clock, unchanged, still reports the top point.
    const boost = run(preset('nvidia-h100-sxm'), { model: 'llama-3-8b' });
    expect(boost.decode.clockHertz).toBe(sorted[0]?.clockHertz);
    expect(boost.decode.voltageVolts).toBe(sorted[0]?.voltageVolts);
  });
});
