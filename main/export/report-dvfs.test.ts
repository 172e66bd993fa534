import { describe, expect, it } from 'vitest';
import { defaultWorkload } from '../../engine/schema/workload';
import { reportToHtml } from './report-html';
import { reportToMarkdown } from './report-markdown';
import { loadCatalog, presetDesign, run } from './test-support';

const catalog = await loadCatalog();
const battery = run(catalog, 'battery edge SoC', presetDesign(catalog, 'template-edge-soc-battery'), {
  ...defaultWorkload('phi-3-mini'),
  weights: 'int4',
  inputTokens: 128,
  requestsPerHour: 30,
});
const noDomain = run(
  catalog,
  'single tile',
  presetDesign(catalog, 'template-single-tile'),
  defaultWorkload('gpt-2'),
);

describe('the DVFS part of the engineering report', () => {
  it('gives the answer, the battery life, each phase’s clocks and the timeline in HTML and Markdown', () => {
    const dvfs = battery.report.dvfs;
    expect(dvfs?.duty?.batteryLifeSeconds).toBeGreaterThan(0);
    const input = { ...battery, catalog };
    for (const text of [reportToHtml(input), reportToMarkdown(input)]) {
      expect(text).toContain('Clocks and battery (DVFS)');
      expect(text).toContain(dvfs?.answer ?? '—');
      expect(text).toMatch(/battery lasts [\d.]+ h/);
      expect(text).toContain('One request, over time');
      expect(text).toContain('Idle until the next request');
    }
  });

  it('has no DVFS part for a design without a domain and without a DVFS workload', () => {
    expect(noDomain.report.dvfs).toBeUndefined();
    const html = reportToHtml({ ...noDomain, catalog });
    expect(html).not.toContain('Clocks and battery');
  });
});
