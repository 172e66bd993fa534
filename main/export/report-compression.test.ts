/**
 * The compression section in the exported reports: the tile mesh with its three compression units, 2:4-sparse,
 * shows the answer sentence and one row per unit in the HTML and the Markdown; a report without compression has
 * no such section.
 */
import { describe, expect, it } from 'vitest';
import { defaultWorkload } from '../../engine/schema/workload';
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
