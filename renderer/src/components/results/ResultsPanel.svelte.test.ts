// The "Simulating…" status: shown only for a run that takes long enough to notice, never flashed on every edit;
// the summary's error bands and its "Does not fit" alert.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../../../../engine/evaluate';
import type { Report } from '../../../../engine/report';
import type { ErrorBands } from '../../../../engine/schema/error-bands';
import { defaultWorkload } from '../../../../engine/schema/workload';
import { formatQuantity } from '../../../../engine/units';
import { testCatalog, testDesign } from '../../../../engine/testing/fixtures';
import { editor } from '../../state/editor.svelte';
import ResultsPanel from './ResultsPanel.svelte';

let panel: Record<string, unknown> | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  panel = mount(ResultsPanel, { target: document.body });
});
afterEach(() => {
  if (panel) void unmount(panel);
  editor.simulating = false;
  vi.useRealTimers();
});

const status = () =>
  [...document.querySelectorAll('[role="status"]')].find((element) => element.textContent === 'Simulating…');

describe('the results panel while a simulation runs', () => {
  it('says "Simulating…" only once a run has taken 300 ms, and stops saying it when the run ends', () => {
    editor.simulating = true;
    flushSync();
    vi.advanceTimersByTime(299);
    flushSync();
    expect(status()).toBeUndefined();
    vi.advanceTimersByTime(2);
    flushSync();
    expect(status()).toBeDefined();
    editor.simulating = false;
    flushSync();
    expect(status()).toBeUndefined();
  });

  it('never shows it for a run that answers in time', () => {
    editor.simulating = true;
    flushSync();
    vi.advanceTimersByTime(120);
    editor.simulating = false;
    flushSync();
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(status()).toBeUndefined();
  });
});

describe('the summary of a report', () => {
  const bands: ErrorBands = {
    format: 'tessera.errorBands',
    version: 1,
    source: { citation: 'the accuracy suite of this test' },
    families: [{ id: 'array-chip', label: 'Array', presets: ['array-chip'], computeTypes: ['test.array'] }],
    bands: [
      {
        family: 'array-chip',
        runtime: 'all',
        figure: 'decodeTokensPerSecond',
        rows: 212,
        comparisons: 212,
        medianAbsoluteErrorPercent: 18,
        p90AbsoluteErrorPercent: 60,
        biasPercent: 10,
      },
    ],
  };

  function reportOf(capacityBytes: number): Report {
    const design = testDesign(
      { tile: { type: 'test.array' }, dram: { type: 'test.dram', params: { capacityBytes } } },
      [['tile', 'dram']],
    );
    const result = evaluate(
      { design: { ...design, meta: { preset: 'array-chip' } }, workload: defaultWorkload('toy') },
      testCatalog({ errorBands: bands }),
    );
    if (!result.ok) throw new Error('the test design must run');
    return result.report;
  }

  afterEach(() => {
    editor.report = null;
    editor.lastGoodReport = null;
    editor.diagnostics = [];
    editor.document = null;
  });

  it('names what was simulated: the model, its weight format, the batch and the design', () => {
    const report = reportOf(2 ** 36);
    editor.document = { ...testDesign({}, []), name: 'Array chip' };
    editor.report = report;
    flushSync();
    const subject = document.querySelector('[aria-label="Simulated"]');
    expect(subject?.textContent).toBe(`${report.model.name} · bf16 · batch 1 on Array chip`);
  });

  it('keeps the last good figures on show, dimmed and marked stale, below the problems that stop a new run', () => {
    const report = reportOf(2 ** 36);
    editor.document = {
      ...testDesign({ tile: { type: 'test.array' } }, []),
      blocks: [{ id: 'tile', type: 'test.array', name: 'Lonely tile', params: {}, position: { x: 0, y: 0 } }],
    };
    editor.lastGoodReport = report;
    editor.report = null;
    editor.diagnostics = [
      { severity: 'error', code: 'no-compute', message: 'No compute block is linked to anything.' },
      {
        severity: 'warning',
        code: 'unconnected-compute',
        message: 'Lonely tile is not linked to anything.',
        blockId: 'tile',
      },
    ];
    flushSync();
    const banner = [...document.querySelectorAll('[role="status"]')].find((element) =>
      element.textContent?.includes('Results are from the last valid design'),
    );
    expect(banner?.textContent).toContain('fix the problem below to update');
    const problems = document.querySelector('[aria-label="Diagnostics"]');
    const cards = document.querySelector('[aria-label^="Headline results"]');
    expect(cards?.getAttribute('aria-label')).toContain('stale');
    expect(cards?.textContent).toContain(formatQuantity(report.decode.tokensPerSecond, 'tokensPerSecond'));
    expect(cards?.closest('.stale')).not.toBeNull();
    expect(
      banner && problems && banner.compareDocumentPosition(problems) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(
      problems && cards && problems.compareDocumentPosition(cards) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    const select = problems?.querySelector('button');
    expect(select?.getAttribute('aria-label')).toBe(
      'Select Lonely tile: Lonely tile is not linked to anything.',
    );
    select?.click();
    expect([...editor.selection]).toEqual(['tile']);

    // The design runs again: fresh figures, no stale mark.
    editor.report = report;
    editor.diagnostics = [];
    flushSync();
    expect(document.body.textContent).not.toContain('Results are from the last valid design');
    expect(document.querySelector('.stale')).toBeNull();
    expect(document.querySelector('[aria-label="Headline results"]')).not.toBeNull();
  });

  it('shows each headline figure with its error band', () => {
    editor.report = reportOf(2 ** 36);
    flushSync();
    const cards = document.querySelector('[aria-label="Headline results"]');
    expect(cards?.textContent).toContain('±18 % on 212 published Array rows');
    expect(document.querySelector('[role="alert"]')).toBeNull();
  });

  it('puts "Does not fit" in a red alert with an icon above the figures it qualifies', () => {
    editor.report = reportOf(1024);
    flushSync();
    const alert = document.querySelector('[role="alert"]');
    const cards = document.querySelector('[aria-label="Headline results"]');
    expect(alert?.textContent).toContain('Does not fit');
    expect(alert?.querySelector('svg')).not.toBeNull();
    expect(
      alert && cards && alert.compareDocumentPosition(cards) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
  });

  it('gives the clock card the supply voltage the decode ran at', () => {
    const report = reportOf(2 ** 36);
    editor.report = report;
    flushSync();
    const card = [...document.querySelectorAll('[aria-label="Headline results"] > *')].find((element) =>
      element.textContent?.includes('Clock reached'),
    );
    expect(report.decode.voltageVolts).toBeGreaterThan(0);
    expect(card?.textContent).toContain(`decode at ${formatQuantity(report.decode.voltageVolts, 'volts')}`);
  });

  it('offers the "Area & cost" tab and the die and cost cards only when the report has an area', () => {
    const report = reportOf(2 ** 36);
    editor.report = report;
    flushSync();
    const tabNames = () => [...document.querySelectorAll('[role="tab"]')].map((tab) => tab.textContent);
    expect(tabNames()).not.toContain('Area & cost');
    editor.report = {
      ...report,
      area: {
        chipId: 'design',
        processNode: '5nm',
        dieAreaSquareMetres: 600e-6,
        blocks: [
          {
            blockId: 'tile',
            name: 'Tile',
            typeId: 'test.array',
            instances: 4,
            areaSquareMetres: 600e-6,
            share: 1,
            basis: 'test',
          },
        ],
        powerDensityWattsPerSquareMetre: 0.5e6,
        peakPowerDensityWattsPerSquareMetre: 0.6e6,
      },
    };
    flushSync();
    expect(tabNames()).toContain('Area & cost');
    const cards = document.querySelector('[aria-label="Headline results"]');
    expect(cards?.textContent).toContain('Die area');
    expect(cards?.textContent).toContain('600 mm²');
    const areaTab = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')].find(
      (tab) => tab.textContent === 'Area & cost',
    );
    areaTab?.click();
    flushSync();
    const table = document.querySelector('[aria-label="Area by block"]');
    expect(table?.textContent).toContain('Tile');
  });
});
