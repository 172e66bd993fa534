/**
 * A processing-in-memory block, from the library through the engine to every export: the design of the golden
 * scenario `tile-mesh-hbm-pim-llama-3-8b` (a 4 × 4 tile mesh whose HBM is four HBM-PIM cubes).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { evaluate } from '../../engine/evaluate';
import { scenarioSchema, prepareScenario } from '../../engine/scenarios/golden';
import { exportDesign, exportFormats, type ExportFormat } from './export-design';
import { importFile } from './import-file';
import { loadTestCatalog, minimalPng } from './test-support';

const catalog = await loadTestCatalog();
const scenario = scenarioSchema.parse(
  JSON.parse(
    await readFile(
      join(import.meta.dirname, '../../engine/scenarios/tile-mesh-hbm-pim-llama-3-8b.scenario.json'),
      'utf8',
    ),
  ),
);
const prepared = prepareScenario(scenario, catalog);
if (!prepared.ok) throw new Error(prepared.problem);
const { design, workload } = prepared;
const result = evaluate({ design, workload }, catalog);
if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
const report = result.report;

function exported(format: ExportFormat): string | Uint8Array {
  return exportDesign({ design, workload, report: result, catalog, format, raster: minimalPng() }).data;
}

describe('a design with processing-in-memory', () => {
  it('is a library block type the palette offers, with its cited parameters', () => {
    const type = catalog.blockTypes.get('memory.pim');
    expect(type?.category).toBe('memory');
    expect(type?.params.map((param) => param.key)).toEqual(
      expect.arrayContaining(['capacityBytes', 'internalBandwidthBytesPerSecond', 'macsPerCycle']),
    );
    for (const param of type?.params ?? [])
      expect(param.source?.citation.length, param.key).toBeGreaterThan(10);
  });

  it('runs decode GEMVs in the cubes and prefill GEMMs on the tiles', () => {
    expect(report.decode.operators.find((operator) => operator.id === 'ffn.down')?.unitId).toBe('pim');
    expect(report.prefill.operators.find((operator) => operator.id === 'ffn.down')?.unitId).toBe('tile');
    expect(report.diagnostics).toEqual([]);
  });

  it.each(exportFormats.map((format) => format.id))('exports as %s', (format) => {
    const data = exported(format);
    expect(data.length).toBeGreaterThan(100);
  });

  it.each(['json', 'yaml', 'svg'] as const)('reads its own %s export back to the same design', (format) => {
    const file = exportDesign({ design, workload, report: result, catalog, format });
    const bytes = typeof file.data === 'string' ? new TextEncoder().encode(file.data) : file.data;
    expect(importFile({ fileName: file.fileName, bytes })).toEqual({
      ok: true,
      kind: 'design',
      design,
      source: format,
      workload,
    });
  });

  it('says in the Timeloop and LLMCompass exports that the cubes’ compute does not map', () => {
    const timeloop = exported('timeloop') as string;
    expect(parseDocument(timeloop).errors).toEqual([]);
    expect(timeloop).toMatch(/compute unit HBM-PIM ×4: Timeloop maps one compute chain/);
    const llmcompass = JSON.parse(exported('llmcompass') as string) as { _notes: string[] };
    expect(llmcompass._notes.join('\n')).toMatch(/Not mapped: compute unit HBM-PIM ×4/);
  });

  it('names the cubes in the HTML report', () => {
    expect(exported('html')).toContain('HBM-PIM');
  });
});
