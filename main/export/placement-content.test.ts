/**
 * The placement across chip groups in the exported reports: the GPU + PIM template with FFN on the PIM module
 * shows its sentence and each group's row in HTML and Markdown; a one-group design shows no such section.
 */
import { describe, expect, it } from 'vitest';
import { defaultWorkload } from '../../engine/schema/workload';
import { formatQuantity } from '../../engine/units';
import { reportToHtml } from './report-html';
import { reportToMarkdown } from './report-markdown';
import { loadCatalog, presetDesign, run, scenarios } from './test-support';

describe('placement in the exported reports', () => {
  it('shows the sentence, each group and the transfers', async () => {
    const catalog = await loadCatalog();
    const design = presetDesign(catalog, 'template-gpu-pim');
    const workload = {
      ...defaultWorkload('llama-3-8b'),
      placement: { policy: 'by-class' as const, classes: { ffn: 'pim-module' } },
    };
    const scenario = run(catalog, 'GPU + PIM', design, workload);
    const input = { design, workload, report: scenario.report, catalog };
    const sentence = scenario.report.heterogeneous?.sentence ?? '';
    expect(sentence).toMatch(/FFN on PIM module: TPOT/);
    const markdown = reportToMarkdown(input);
    expect(markdown).toContain('## Placement across chip groups');
    expect(markdown).toContain(
      '**Placement across chip groups:** by-class:ffn=pim-module, transfers double-buffered',
    );
    expect(markdown).toMatch(/\| PIM module ×1 \| FFN 0–31 \|/);
    expect(markdown).toMatch(/Transfers \(double-buffered\): 64 crossings per step/);
    // The headline is the placement's, and the operator tables say whose they are.
    const placed = scenario.report.heterogeneous;
    const tpot = formatQuantity(placed?.tpotSeconds ?? NaN, 'seconds');
    expect(markdown).toContain(`| Time per output token (TPOT) | ${tpot} |`);
    expect(markdown).toContain('### Decode on H100 SXM (primary group)');
    expect(markdown).toContain(`on H100 SXM (primary group) alone at`);
    const html = reportToHtml(input);
    expect(html).toContain('<section id="placement"><h2>Placement across chip groups</h2>');
    expect(html).toContain('H100 SXM ×1');
    expect(html).toContain('<h3>Decode on H100 SXM (primary group)</h3>');
  });

  it('leaves the section out for one chip group', async () => {
    const { catalog, h100 } = await scenarios();
    const input = { design: h100.design, workload: h100.workload, report: h100.report, catalog };
    expect(reportToMarkdown(input)).not.toContain('Placement across chip groups');
    expect(reportToHtml(input)).not.toContain('id="placement"');
  });
});
