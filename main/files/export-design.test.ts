import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { evaluate } from '../../engine/evaluate';
import type { DesignDocument } from '../../engine/schema/design';
import { designSchemaId } from '../../engine/spec/spec-text';
import { formatQuantity } from '../../engine/units';
import { escapeMarkdown, resultCsvColumns, type TraceEvent } from '../export';
import {
  ExportError,
  exportDesign,
  exportFileName,
  exportFormats,
  maxStemCharacters,
  safeFileStem,
  schemaFileName,
  type ExportFormat,
  type ExportInput,
} from './export-design';
import { importFile } from './import-file';
import { loadTestCatalog, minimalPng, presetRun, utf8 } from './test-support';

const catalog = await loadTestCatalog();
const h100 = presetRun(catalog, 'nvidia-h100-sxm');
const dgx = presetRun(catalog, 'nvidia-dgx-h100');

function input(format: ExportFormat, run = h100, extra: Partial<ExportInput> = {}): ExportInput {
  return {
    design: run.design,
    workload: run.workload,
    report: { ok: true, report: run.report },
    catalog,
    format,
    ...extra,
  };
}

function text(format: ExportFormat, run = h100, extra: Partial<ExportInput> = {}): string {
  const { data } = exportDesign(input(format, run, extra));
  if (typeof data !== 'string') throw new Error(`${format} gave bytes`);
  return data;
}

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? utf8(data) : data;
}

/** The error `exportDesign` throws for `value`, or a failed expectation when it does not throw one. */
function exportError(value: ExportInput): ExportError {
  try {
    exportDesign(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ExportError);
    return error as ExportError;
  }
  throw new Error(`exporting ${value.format} did not throw`);
}

/** A copy of the H100 with a block of a type the library does not have: the engine refuses to run it. */
const broken: DesignDocument = {
  ...h100.design,
  name: 'Broken H100',
  blocks: [
    ...h100.design.blocks,
    { id: 'mystery', type: 'compute.mystery', name: 'Mystery', params: {}, position: { x: 0, y: 0 } },
  ],
};

describe('exportFormats', () => {
  it('lists every format once, each with an extension, a media type and a label', () => {
    const ids = exportFormats.map((format) => format.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      ['csv', 'html', 'json', 'llmcompass', 'md', 'png', 'schema', 'svg', 'timeloop', 'trace', 'yaml'].sort(),
    );
    for (const format of exportFormats) {
      expect(format.extension).toMatch(/^(\.[a-z]+)+$/);
      expect(format.mediaType).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
      expect(format.label.length).toBeGreaterThan(3);
      expect(format.description.length).toBeGreaterThan(20);
    }
    expect(exportFormats.filter((format) => format.needsRaster).map((format) => format.id)).toEqual(['png']);
    expect(
      exportFormats
        .filter((format) => format.needsReport)
        .map((format) => format.id)
        .sort(),
    ).toEqual(['csv', 'html', 'md', 'trace']);
  });

  it.each(exportFormats.map((format) => [format.id, format] as const))(
    'names the %s file after the design with its extension and media type',
    (id, format) => {
      const file = exportDesign(input(id, h100, { raster: minimalPng() }));
      expect(file.mediaType).toBe(format.mediaType);
      expect(file.fileName).toBe(
        id === 'schema' ? schemaFileName : `nvidia-h100-sxm-80gb${format.extension}`,
      );
      expect(bytesOf(file.data).length).toBeGreaterThan(100);
    },
  );
});

describe('the spec formats', () => {
  it('writes JSON that validates against the exported JSON Schema (ajv, draft 2020-12)', () => {
    const schema = JSON.parse(text('schema')) as Record<string, unknown>;
    expect(schema.$id).toBe(designSchemaId);
    // Formats (`uri`) are not checked: that needs ajv-formats, and readDesign checks URLs itself.
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, validateFormats: false });
    const validate = ajv.compile(schema);
    for (const run of [h100, dgx]) {
      const valid = validate(JSON.parse(text('json', run)));
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
    // The schema rejects what the design format rejects.
    expect(validate({ ...h100.design, format: 'tessera.other' })).toBe(false);
    expect(validate({ ...h100.design, blocks: [{ id: 'x' }] })).toBe(false);
  });

  it.each(['json', 'yaml', 'svg'] as const)(
    'reads the %s export back to the same design and workload',
    (format) => {
      for (const run of [h100, dgx]) {
        const file = exportDesign(input(format, run));
        const imported = importFile({ fileName: file.fileName, bytes: bytesOf(file.data) });
        expect(imported).toEqual({
          ok: true,
          kind: 'design',
          design: run.design,
          source: format,
          workload: run.workload,
        });
        // Without a workload, the file holds the design alone.
        const alone = exportDesign(input(format, run, { workload: null }));
        expect(importFile({ fileName: alone.fileName, bytes: bytesOf(alone.data) })).toEqual({
          ok: true,
          kind: 'design',
          design: run.design,
          source: format,
        });
      }
    },
  );

  it('embeds the spec in a PNG the caller rendered, and reads it back to the same design', () => {
    const raster = minimalPng();
    const file = exportDesign(input('png', dgx, { raster }));
    expect(file.data).toBeInstanceOf(Uint8Array);
    expect([...(file.data as Uint8Array).subarray(0, 8)]).toEqual([...raster.subarray(0, 8)]);
    const imported = importFile({ fileName: file.fileName, bytes: file.data as Uint8Array });
    expect(imported).toEqual({
      ok: true,
      kind: 'design',
      design: dgx.design,
      source: 'png',
      workload: dgx.workload,
    });
  });

  it('refuses a PNG without a picture, or with one that is not a PNG', () => {
    expect(exportError(input('png')).code).toBe('no-raster');
    const bad = exportError(input('png', h100, { raster: utf8('not a png') }));
    expect(bad.code).toBe('bad-raster');
    expect(bad.message).toContain(h100.design.name);
  });

  it('draws the SVG with the results when the design has them, and without when it has none', () => {
    const withResults = text('svg');
    const without = text('svg', h100, { report: null });
    expect(withResults).not.toBe(without);
    expect(withResults).toContain(formatQuantity(h100.report.decode.tokensPerSecond, 'tokensPerSecond'));
  });

  it('exports the spec formats of a design whose report failed', () => {
    const report = evaluate({ design: broken, workload: h100.workload }, catalog);
    expect(report.ok).toBe(false);
    for (const format of ['json', 'yaml', 'svg', 'timeloop', 'llmcompass'] as const) {
      const file = exportDesign({ design: broken, workload: h100.workload, report, catalog, format });
      expect(file.fileName.startsWith('broken-h100.')).toBe(true);
    }
  });
});

describe('the report formats', () => {
  const headline = (run = h100): string[] => [
    formatQuantity(run.report.request.ttftSeconds, 'seconds'),
    formatQuantity(run.report.request.tpotSeconds, 'seconds'),
    formatQuantity(run.report.decode.tokensPerSecond, 'tokensPerSecond'),
    formatQuantity(run.report.prefill.tokensPerSecond, 'tokensPerSecond'),
    formatQuantity(run.report.decode.averagePowerWatts, 'watts'),
    formatQuantity(run.report.decode.energyJoulesPerToken, 'joulesPerToken'),
  ];

  it('writes Markdown with the design name and the headline numbers as the report formats them', () => {
    for (const run of [h100, dgx]) {
      const markdown = text('md', run);
      expect(markdown).toContain(`# ${escapeMarkdown(run.design.name)}`);
      for (const figure of headline(run)) expect(markdown).toContain(figure);
    }
  });

  it('writes HTML with the design name and the headline numbers as the report formats them', () => {
    for (const run of [h100, dgx]) {
      const html = text('html', run);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<h1>${run.design.name}`);
      for (const figure of headline(run)) expect(html).toContain(figure);
    }
  });

  it('adds when and by which version the report was made only when told, so exports are reproducible', () => {
    const generatedAt = new Date('2025-03-04T05:06:07.000Z');
    expect(text('md')).toBe(text('md'));
    expect(text('md')).not.toContain('Exported by');
    expect(text('md', h100, { generatedAt, appVersion: '1.2.3' })).toContain(
      'Exported by Tessera 1.2.3 on 2025-03-04T05:06:07.000Z.',
    );
    const html = text('html', h100, { generatedAt, appVersion: '<b>1</b>' });
    expect(html).toContain('Exported by Tessera &lt;b&gt;1&lt;/b&gt; on 2025-03-04T05:06:07.000Z.');
    expect(html.indexOf('Exported by')).toBeLessThan(html.indexOf('</main>'));
    const trace = JSON.parse(text('trace', h100, { generatedAt, appVersion: '1.2.3' })) as {
      otherData: Record<string, unknown>;
    };
    expect(trace.otherData.generatedAt).toBe('2025-03-04T05:06:07.000Z');
    expect(trace.otherData.generatorVersion).toBe('1.2.3');
    // The spec formats never carry a time: they must read back to the same document.
    expect(text('json', h100, { generatedAt })).toBe(text('json'));
  });

  it('cites the source of a model imported into the project', () => {
    const library = catalog.models.get('llama-3-8b');
    if (!library) throw new Error('no llama-3-8b');
    const model = {
      ...library,
      id: 'my-llama',
      source: { citation: 'My team’s config.json', url: 'https://example.com/config.json' },
    };
    const workload = { ...h100.workload, model: model.id };
    const report = evaluate({ design: h100.design, workload, model }, catalog);
    expect(report.ok).toBe(true);
    const markdown = text('md', h100, { workload, report, model });
    expect(markdown).toContain('My team’s config.json');
  });

  it('writes one results row in CSV under the report’s stable keys', () => {
    const csv = text('csv');
    const lines = csv.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1)).toHaveLength(2);
    expect(lines[0]?.split(',')).toEqual(resultCsvColumns);
    const row = lines[1]?.split(',') ?? [];
    const cell = (key: string): string | undefined => row[resultCsvColumns.indexOf(key)];
    expect(cell('design')).toBe(h100.design.name);
    expect(Number(cell('decode.tokensPerSecond'))).toBe(h100.report.decode.tokensPerSecond);
    expect(Number(cell('prefill.seconds'))).toBe(h100.report.prefill.seconds);
  });

  it('writes a Chrome trace with a complete event for every run of every operator', () => {
    for (const run of [h100, dgx]) {
      const trace = JSON.parse(text('trace', run)) as {
        traceEvents: TraceEvent[];
        otherData: Record<string, unknown>;
      };
      expect(trace.otherData.design).toBe(run.design.name);
      const complete = trace.traceEvents.filter((event) => event.ph === 'X');
      for (const [phase, pid] of [
        ['prefill', 1],
        ['decode', 2],
      ] as const) {
        expect(run.report[phase].operators.length).toBeGreaterThan(0);
        for (const operator of run.report[phase].operators) {
          const events = complete.filter(
            (event) => event.pid === pid && event.args?.operatorId === operator.id,
          );
          expect(events.length, `${phase} ${operator.id}`).toBeGreaterThan(0);
          for (const event of events) {
            expect(event.name.startsWith(operator.name)).toBe(true);
            expect(event.dur).toBeGreaterThanOrEqual(0);
          }
          const runs = events.reduce(
            (sum, event) => sum + (typeof event.args?.mergedRuns === 'number' ? event.args.mergedRuns : 1),
            0,
          );
          expect(runs).toBe(Math.max(1, operator.repeat));
        }
      }
    }
  });

  it.each(['md', 'html', 'csv', 'trace'] as const)('refuses %s without a successful report', (format) => {
    const missing = exportError(input(format, h100, { report: null }));
    expect(missing.code).toBe('no-report');
    expect(missing.message).toContain(h100.design.name);

    const report = evaluate({ design: broken, workload: h100.workload }, catalog);
    if (report.ok) throw new Error('the broken design ran');
    const failed = exportError({ design: broken, workload: h100.workload, report, catalog, format });
    expect(failed.code).toBe('report-failed');
    expect(failed.message).toContain('Design "Broken H100" has errors, so there are no results to report:');
    const error = report.diagnostics.find((diagnostic) => diagnostic.severity === 'error');
    expect(failed.message).toContain(error?.message);
  });

  it('refuses a format it does not know', () => {
    const error = exportError(input('docx' as ExportFormat));
    expect(error.code).toBe('unknown-format');
    expect(error.message).toContain('yaml');
  });
});

describe('the architecture formats', () => {
  it('writes Timeloop YAML that parses', () => {
    const document = parseDocument(text('timeloop'));
    expect(document.errors).toEqual([]);
    expect(document.toJS()).toHaveProperty('architecture.nodes');
  });

  it('writes LLMCompass JSON that parses', () => {
    const system = JSON.parse(text('llmcompass')) as Record<string, unknown>;
    expect(system.device_count).toBe(1);
    expect(system).toHaveProperty('device.compute_chiplet');
  });
});

describe('file names', () => {
  it.each([
    ['../../etc/passwd', 'etc-passwd.tessera.json'],
    ['', 'design.tessera.json'],
    ['   ', 'design.tessera.json'],
    ['..', 'design.tessera.json'],
    ['a\u0000b\u001fc\u007f\nd', 'a-b-c-d.tessera.json'],
    ['C:\\Windows\\system32', 'c-windows-system32.tessera.json'],
    ['CON', 'con-design.tessera.json'],
    ['nul', 'nul-design.tessera.json'],
    ['.hidden', 'hidden.tessera.json'],
    ['NVIDIA H100 SXM (80 GB)', 'nvidia-h100-sxm-80-gb.tessera.json'],
    ['Größe 日本', 'größe-日本.tessera.json'],
  ])('names the design %j %j', (name, expected) => {
    expect(exportFileName({ name }, 'json')).toBe(expected);
  });

  it('keeps any name to a short stem of letters, digits and dashes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        const stem = safeFileStem(name);
        expect(stem).toMatch(/^[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*$/u);
        expect(Array.from(stem).length).toBeLessThanOrEqual(maxStemCharacters);
        expect(stem).not.toMatch(/^(con|prn|aux|nul|com\d|lpt\d)$/);
        for (const format of exportFormats) {
          const fileName = exportFileName({ name }, format.id);
          expect(fileName).not.toMatch(/[/\\:*?"<>|\p{Cc}]/u);
          expect(fileName.startsWith('.')).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
