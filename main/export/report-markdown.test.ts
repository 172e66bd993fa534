import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { formatQuantity } from '../../engine/units';
import { escapeMarkdown, reportToMarkdown } from './report-markdown';
import { defaultWorkload } from '../../engine/schema/workload';
import { presetDesign, run, scenarios, withHostileNames, type Scenario } from './test-support';

const { catalog, h100, dgx } = await scenarios();

/** The lines of the section that starts with `heading`, up to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const level = heading.indexOf(' ');
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => /^#+ /.test(line) && line.indexOf(' ') <= level);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Table rows of a section (header and rule excluded). */
function tableRows(lines: readonly string[]): string[] {
  const rows = lines.filter((line) => line.startsWith('| '));
  return rows.slice(2);
}

/** Cells of a table row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

function headlineNumbers(report: Report): string[] {
  return [
    formatQuantity(report.request.ttftSeconds, 'seconds'),
    formatQuantity(report.request.tpotSeconds, 'seconds'),
    formatQuantity(report.prefill.tokensPerSecond, 'tokensPerSecond'),
    formatQuantity(report.decode.tokensPerSecond, 'tokensPerSecond'),
    formatQuantity(report.decode.averagePowerWatts, 'watts'),
    formatQuantity(report.decode.energyJoulesPerToken, 'joulesPerToken'),
    formatQuantity(report.decode.clockHertz, 'hertz'),
    formatQuantity(report.memory.maxBatch, 'count'),
    formatQuantity(report.memory.requiredBytesPerChip, 'bytes'),
  ];
}

describe('reportToMarkdown', () => {
  it.each([h100, dgx])(
    "gives $name's headline figures the H100 family's error band from the accuracy suite",
    ({ design, workload, report }: Scenario) => {
      const markdown = reportToMarkdown({ design, workload, report, catalog });
      const rows = tableRows(section(markdown, '## Headline results')).map(cells);
      expect(rows[0]).toHaveLength(3);
      const decode = rows.find((row) => row[0]?.startsWith('Decode throughput'));
      expect(decode?.[1]).toBe(formatQuantity(report.decode.tokensPerSecond, 'tokensPerSecond'));
      expect(decode?.[2]).toBe(report.ranges?.decodeTokensPerSecond.basis);
      expect(decode?.[2]).toMatch(/^±\d+(\.\d)? % on \d+ published H100 rows( \(all runtimes\))?$/);
      const ttft = rows.find((row) => row[0] === 'Time to first token (TTFT)');
      expect(ttft?.[2]).toMatch(/published H100 rows/);
    },
  );

  it.each([h100, dgx])(
    'reports $name with its headline numbers in units',
    ({ design, workload, report }: Scenario) => {
      const markdown = reportToMarkdown({ design, workload, report, catalog });
      expect(markdown.startsWith(`# ${escapeMarkdown(design.name)}`)).toBe(true);
      const headline = section(markdown, '## Headline results').join('\n');
      for (const number of headlineNumbers(report)) expect(headline).toContain(number);
      expect(markdown).toContain(report.bottleneck.prefill);
      expect(markdown).toContain(report.bottleneck.decode);
    },
  );

  it.each([h100, dgx])(
    'has a row for every operator of both phases of $name',
    ({ design, workload, report }: Scenario) => {
      const markdown = reportToMarkdown({ design, workload, report, catalog });
      for (const phase of ['prefill', 'decode'] as const) {
        const rows = tableRows(section(markdown, phase === 'prefill' ? '### Prefill' : '### Decode'));
        expect(rows).toHaveLength(report[phase].operators.length);
        report[phase].operators.forEach((operator, index) => {
          const row = cells(rows[index] ?? '');
          expect(row[0]).toBe(escapeMarkdown(operator.name));
          expect(row[3]).toBe(formatQuantity(operator.repeat, 'count'));
          expect(row[4]).toBe(formatQuantity(operator.seconds, 'seconds'));
          expect(row[6]?.startsWith(operator.bound)).toBe(true);
        });
      }
    },
  );

  it('summarizes the design and workload, and lists memory, parameters and sources', () => {
    const markdown = reportToMarkdown({ ...dgx, catalog, sources: [{ citation: 'A bench run we trust' }] });
    const workload = section(markdown, '## Workload').join('\n');
    expect(workload).toContain('Llama 3 70B');
    expect(workload).toContain('tensor 8 · pipeline 1');
    expect(workload).toContain('weights BF16');
    const memory = tableRows(section(markdown, '## Memory occupancy'));
    expect(memory).toHaveLength(dgx.report.memory.levels.length);
    expect(memory.join('\n')).toContain(
      formatQuantity(dgx.report.memory.levels[1]?.capacityBytes ?? 0, 'bytes'),
    );
    const parameters = tableRows(section(markdown, '## Parameters'));
    // Non-default values in human units, next to their defaults; parameters left at their default are not listed.
    expect(parameters).toContain('| NVSwitch ×4 | Switch | Bandwidth | 6.4 TB/s | 7.2 TB/s |');
    expect(parameters).toContain('| PCIe Gen5 x16 | Chip-to-chip link | Link class | PCIe | NVLink |');
    expect(parameters.some((row) => row.startsWith('| HBM3 | HBM | Capacity'))).toBe(false);
    expect(parameters).toContain('| NVLink 4 | Chip-to-chip link | — | defaults only |  |');
    const sources = section(markdown, '## Sources').join('\n');
    expect(sources).toContain('<https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json>');
    expect(sources).toContain('NVIDIA DGX H100 datasheet');
    expect(sources).toContain('A bench run we trust');
    expect(section(markdown, '## Diagnostics')).toContain('None.');
  });

  it('lists the plan search of an automatic split: the chosen split and the next best with their figures', () => {
    const automatic = run(catalog, 'DGX H100 + Llama 3 70B automatic', dgx.design, {
      ...dgx.workload,
      batch: 64,
      parallelism: { mode: 'auto' },
    });
    const plan = automatic.report.plan;
    if (!plan) throw new Error('an automatic split reports its search');
    const markdown = reportToMarkdown({ ...automatic, catalog });
    const rows = tableRows(section(markdown, '## Plan search')).map(cells);
    expect(rows).toHaveLength(1 + plan.candidates.length);
    [plan.chosen, ...plan.candidates].forEach((candidate, index) => {
      expect(rows[index]?.[0]).toBe(index === 0 ? 'chosen' : String(index + 1));
      expect(rows[index]?.[1]).toBe(
        `TP ${candidate.tensor} · PP ${candidate.pipeline} · EP ${candidate.expert}`,
      );
      expect(rows[index]?.[2]).toBe(String(candidate.dataReplicas));
      expect(rows[index]?.[3]).toBe(String(candidate.batchPerReplica));
      expect(rows[index]?.[4]).toBe(formatQuantity(candidate.decodeTokensPerSecond, 'tokensPerSecond'));
      expect(rows[index]?.[5]).toBe(formatQuantity(candidate.tpotSeconds, 'seconds'));
      expect(rows[index]?.[6]).toBe(formatQuantity(candidate.ttftSeconds, 'seconds'));
      expect(rows[index]?.[7]).toBe(formatQuantity(candidate.energyJoulesPerToken, 'joulesPerToken'));
    });
    // A manual split has no search to list.
    expect(reportToMarkdown({ ...dgx, catalog })).not.toContain('## Plan search');
  });

  it('escapes names so they cannot become markup or break a table', () => {
    const hostile = '<script>alert(1)</script> | *bold* [link](x)';
    const design = withHostileNames(dgx.design, 'sm', hostile);
    const scenario = run(catalog, 'hostile', design, dgx.workload);
    const markdown = reportToMarkdown({ ...scenario, catalog });
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('\\<script\\>');
    for (const row of tableRows(section(markdown, '## Parameters'))) expect(cells(row)).toHaveLength(5);
  });
});

describe('escapeMarkdown folds white space in one pass (issue 15 item 3)', () => {
  it('turns each run of white space holding a line break into one space, and leaves other runs alone', () => {
    expect(escapeMarkdown('a \t\r\n \n  b')).toBe('a b');
    expect(escapeMarkdown('a   b\tc')).toBe('a   b\tc');
    expect(escapeMarkdown('\n\nlead and trail\r\n')).toBe(' lead and trail ');
    expect(escapeMarkdown(`x${' '.repeat(5_000)}\ny`)).toBe('x y');
    expect(escapeMarkdown(`x${' '.repeat(5_000)}y`)).toBe(`x${' '.repeat(5_000)}y`);
  });
});

describe('the memory-hierarchy section', () => {
  it('names the policy, says why each class lives where it does, and tabulates held and moved bytes', () => {
    const offload = run(
      catalog,
      'H100 + CXL, KV streamed',
      presetDesign(catalog, 'template-h100-cxl-offload'),
      {
        ...defaultWorkload('llama-3-8b'),
        batch: 128,
        inputTokens: 7168,
        outputTokens: 1024,
        parallelism: { mode: 'manual', tensor: 1, pipeline: 1, expert: 1 },
        memoryPolicy: {
          weights: { placement: 'auto' },
          kv: { placement: 'stream', level: 'cxl' },
          prefetch: true,
        },
      },
    );
    const markdown = reportToMarkdown({ ...offload, catalog });
    const lines = section(markdown, '## Memory hierarchy');
    expect(lines).toContain('Policy: weights auto, KV cache stream, prefetch on.');
    expect(lines.join('\n')).toContain('KV cache streamed from CXL expander, 2 layers');
    const kvRow = tableRows(lines)
      .map(cells)
      .find((row) => row[0] === 'CXL expander (shared)' && row[1] === 'KV cache');
    const cxl = offload.report.memoryHierarchy?.levels.find((level) => level.levelId === 'cxl');
    expect(kvRow?.[2]).toBe(formatQuantity(cxl?.occupancyBytes.kv ?? -1, 'bytes'));
    expect(kvRow?.[4]).toBe(formatQuantity(cxl?.decodeBytesPerStep.kv ?? -1, 'bytes'));
    // The HBM3 holds the double buffer: two layers' worth of the KV cache.
    const stream = offload.report.memoryHierarchy?.streams[0];
    expect(stream?.bufferBytes).toBeCloseTo((2 * (cxl?.occupancyBytes.kv ?? 0)) / 32, 0);
  });
});
