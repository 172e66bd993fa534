/**
 * The compression section in the exported reports: the tile mesh with its three compression units, 2:4-sparse,
 * shows the answer sentence and one row per unit in the HTML and the Markdown; a report without compression has
 * no such section.
 */
import { describe, expect, it } from 'vitest';
import { applyOverrides, parseOverride, type Override } from '../../engine/overrides';
import { defaultWorkload } from '../../engine/schema/workload';
import { designToYaml, parseDesignText } from '../../engine/spec/spec-text';
import { reportToHtml } from './report-html';
import { reportToMarkdown } from './report-markdown';
import { loadCatalog, presetDesign, run, scenarios } from './test-support';

const catalog = await loadCatalog();
const mesh = run(
  catalog,
  'tile mesh with compression',
  presetDesign(catalog, 'template-tile-mesh-compression'),
  {
    ...defaultWorkload('llama-3-8b'),
    weightSparsity: '2:4',
  },
);

describe('the compression section of the reports', () => {
  it('shows the answer sentence and each unit in HTML and Markdown', () => {
    const section = mesh.report.compression;
    if (!section) throw new Error('a compression section expected');
    expect(section.sentence).toMatch(/cuts decode TPOT \d+ %/);
    const html = reportToHtml({ ...mesh, catalog });
    const markdown = reportToMarkdown({ ...mesh, catalog });
    expect(html).toContain('<section id="compression"><h2>Compression</h2>');
    expect(markdown).toContain('## Compression');
    for (const unit of section.units) {
      expect(html).toContain(`<td>${unit.name}</td>`);
      expect(markdown).toContain(unit.name);
    }
    expect(html).toContain('Sparsity engine (2:4) cuts decode TPOT');
  });

  it('is absent from a report without compression', async () => {
    const { h100 } = await scenarios();
    expect(h100.report.compression).toBeUndefined();
    expect(reportToHtml({ ...h100, catalog })).not.toContain('id="compression"');
  });
});

describe("the compression units' parameters outside the canvas", () => {
  it('--set reaches them, and the text spec round-trips them', () => {
    const overrides = ['sparse.pattern=4:8', 'wdec.latencySeconds=20 ns', 'wdec.areaSquareMetres=4e-6'].map(
      (text) => parseOverride(text) as Override,
    );
    const applied = applyOverrides(
      presetDesign(catalog, 'template-tile-mesh-compression'),
      overrides,
      catalog,
    );
    if (!applied.ok) throw new Error(applied.problems.join('; '));
    const params = (id: string) => applied.design.blocks.find((block) => block.id === id)?.params;
    expect(params('sparse')).toMatchObject({ pattern: '4:8' });
    expect(params('wdec')).toMatchObject({ latencySeconds: 2e-8, areaSquareMetres: 4e-6 });
    const read = parseDesignText(designToYaml(applied.design), 'yaml');
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    expect(read.design.blocks).toEqual(applied.design.blocks);
    // The 4:8 engine now reads 4:8-sparse weights: stored with 1.5 index bits per weight.
    const report = run(catalog, '4:8', read.design, {
      ...defaultWorkload('llama-3-8b'),
      weightSparsity: '4:8',
    }).report;
    expect(report.compression?.weights).toMatchObject({ storedSparse: true, indexBitsPerWeight: 1.5 });
    expect(report.compression?.units.find((unit) => unit.blockId === 'wdec')).toMatchObject({
      latencySeconds: 2e-8,
      areaSquareMetres: 4e-6,
    });
  });
});
