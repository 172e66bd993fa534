/**
 * The exported reports of a design whose FPGA holds configurations: a Reconfiguration section with the answer
 * sentence and one row per configuration, in HTML and Markdown; absent for a design without configurations.
 */
import { describe, expect, it } from 'vitest';
import { defaultWorkload } from '../../engine/schema/workload';
import { designToYaml, parseDesignText } from '../../engine/spec/spec-text';
import { reportToHtml } from './report-html';
import { reportToMarkdown } from './report-markdown';
import { loadCatalog, presetDesign, run } from './test-support';

const catalog = await loadCatalog();
const fpga = run(catalog, 'FPGA prefill/decode', presetDesign(catalog, 'template-fpga-prefill-decode'), {
  ...defaultWorkload('llama-2-7b'),
  weights: 'int8',
  activations: 'int8',
});
const h100 = run(catalog, 'H100', presetDesign(catalog, 'nvidia-h100-sxm'), defaultWorkload('llama-3-8b'));

describe('reconfiguration in the exported reports', () => {
  it('HTML: a Reconfiguration section with the answer and each configuration', () => {
    const html = reportToHtml({ ...fpga, catalog });
    const section = html.slice(html.indexOf('<section id="reconfiguration">'));
    expect(section).toContain('<h2>Reconfiguration</h2>');
    expect(section).toContain('pays off above');
    expect(section).toContain('prefill-gemm');
    expect(section).toContain('decode-gemv');
    expect(reportToHtml({ ...h100, catalog })).not.toContain('id="reconfiguration"');
  });

  it('Markdown: the same section', () => {
    const markdown = reportToMarkdown({ ...fpga, catalog });
    expect(markdown).toContain('## Reconfiguration');
    expect(markdown).toMatch(
      /\*\*Reconfiguring to 'decode-gemv' pays off above \d+ output tokens per request/,
    );
    expect(reportToMarkdown({ ...h100, catalog })).not.toContain('## Reconfiguration');
  });
});

describe('the configurations table in the text spec', () => {
  it('reads back from YAML as the same design, every configuration and cell kept', () => {
    const design = presetDesign(catalog, 'template-fpga-prefill-decode');
    const parsed = parseDesignText(designToYaml(design), 'yaml');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const fabric = parsed.design.blocks.find((block) => block.id === 'fabric');
    expect(fabric?.params.configurations).toEqual(
      design.blocks.find((block) => block.id === 'fabric')?.params.configurations,
    );
    expect(parsed.design).toEqual(design);
  });
});
