import { describe, expect, it } from 'vitest';
import { formatQuantity } from '../../engine/units';
import { reportToHtml } from './report-html';
import { run, scenarios, withHostileNames, xmlProblems } from './test-support';

const { catalog, h100, dgx } = await scenarios();

/** Every inline `<svg>…</svg>` element of a page (they do not nest in this report). */
function inlineSvgs(html: string): string[] {
  return [...html.matchAll(/<svg[\s>][\s\S]*?<\/svg>/g)].map((match) => match[0]);
}

describe('reportToHtml', () => {
  it.each([h100, dgx])('makes one self-contained page for $name', (scenario) => {
    const html = reportToHtml({ ...scenario, catalog });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    // The diagram, two operator breakdowns, the roofline, memory and power charts, each well-formed SVG.
    const svgs = inlineSvgs(html);
    expect(svgs.length).toBeGreaterThanOrEqual(6);
    for (const svg of svgs) expect(xmlProblems(svg)).toEqual([]);
    expect(html).toContain(formatQuantity(scenario.report.request.ttftSeconds, 'seconds'));
    expect(html).toContain(formatQuantity(scenario.report.decode.tokensPerSecond, 'tokensPerSecond'));
    for (const operator of scenario.report.decode.operators) expect(html).toContain(operator.name);
  });

  it("prints each headline figure's error band beside it", () => {
    const html = reportToHtml({ ...h100, catalog });
    const basis = h100.report.ranges?.decodeTokensPerSecond.basis ?? 'missing';
    expect(basis).toMatch(/published H100 rows/);
    expect(html).toContain(basis);
    expect(html).toContain('Error band (accuracy suite)');
  });

  it('lists the plan search of an automatic split, and none for a manual one', () => {
    const automatic = run(catalog, 'DGX H100 + Llama 3 70B automatic', dgx.design, {
      ...dgx.workload,
      batch: 64,
      parallelism: { mode: 'auto' },
    });
    const plan = automatic.report.plan;
    if (!plan) throw new Error('an automatic split reports its search');
    const html = reportToHtml({ ...automatic, catalog });
    const search = /<section id="plan-search">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(search).toContain('<h2>Plan search</h2>');
    expect(search.match(/<tr>/g)).toHaveLength(2 + plan.candidates.length);
    for (const candidate of [plan.chosen, ...plan.candidates])
      expect(search).toContain(formatQuantity(candidate.decodeTokensPerSecond, 'tokensPerSecond'));
    expect(reportToHtml({ ...dgx, catalog })).not.toContain('id="plan-search"');
  });

  it('prints source URLs as text, not as links', () => {
    const html = reportToHtml({ ...dgx, catalog });
    expect(html).toContain(
      '<span class="url">https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json</span>',
    );
  });

  it('escapes a block named <script>alert(1)</script> everywhere it appears', () => {
    const hostile = '<script>alert(1)</script>';
    const scenario = run(catalog, 'hostile', withHostileNames(dgx.design, 'sm', hostile), dgx.workload);
    const source = { citation: '"><img src=x onerror=alert(1)>', url: 'javascript:alert(1)' };
    const html = reportToHtml({ ...scenario, catalog, sources: [source] });
    expect(html).not.toContain(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const svg of inlineSvgs(html)) expect(xmlProblems(svg)).toEqual([]);
  });
});
