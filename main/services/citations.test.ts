/**
 * The citation audit: every constant in the library says where it comes from. Walks every JSON file under
 * `library/` (not through the schemas, so a file a schema does not know is audited too) and fails, naming the
 * file and the path, on
 *
 * - an entry without a `source` (a technology table's row without its source and original figure, a
 *   measurement row without its `source_url`);
 * - a block type's model constant — a parameter marked `advanced` ("decides accuracy but is not on a
 *   datasheet") — without its own `source`;
 * - a source that says a value was calibrated or fitted without saying against what (the accuracy suite or a
 *   named measurement) or without an `original` that says it was calibrated, so a reader of the figure knows it
 *   is not printed anywhere;
 * - a preset's block parameter (a number or a table) that no `meta.sources` entry backs (`appliesTo` naming the
 *   block or the parameter).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { locateLibrary } from './library-loader';

const root = locateLibrary(import.meta.dirname);

function jsonFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? jsonFiles(join(folder, entry.name))
        : entry.name.endsWith('.json')
          ? [join(folder, entry.name)]
          : [],
    )
    .sort();
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const files = jsonFiles(root).map((file) => ({
  name: relative(root, file).replaceAll('\\', '/'),
  value: JSON.parse(readFileSync(file, 'utf8')) as Json,
}));

/** Every source object in a value, with its path: values of `source` keys and items of `sources` arrays. */
function sources(value: Json, path = ''): { path: string; source: JsonObject }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => sources(item, `${path}[${index}]`));
  if (!isObject(value)) return [];
  const found: { path: string; source: JsonObject }[] = [];
  for (const [key, item] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === 'source' && isObject(item)) found.push({ path: at, source: item });
    else if (key === 'sources' && Array.isArray(item))
      item.forEach((entry, index) => {
        if (isObject(entry)) found.push({ path: `${at}[${index}]`, source: entry });
      });
    else found.push(...sources(item, at));
  }
  return found;
}

const text = (value: Json | undefined): string => (typeof value === 'string' ? value : '');

/** Problems with the sources of one file. */
function auditFile(name: string, value: Json): string[] {
  const problems: string[] = [];
  if (!isObject(value)) return [`${name}: not a JSON object`];

  if (name === 'validation/published-measurements.json') {
    const rows = Array.isArray(value.rows) ? value.rows : [];
    rows.forEach((row, index) => {
      if (!isObject(row) || !/^https?:\/\//.test(text(row.source_url)))
        problems.push(`${name}: rows[${index}] has no source_url`);
    });
    return problems;
  }

  if (value.format === 'tessera.tech') {
    // A technology table cites each row, with the figure as printed.
    const rows = Array.isArray(value.rows) ? value.rows : [];
    rows.forEach((row, index) => {
      const source = isObject(row) ? row.source : undefined;
      if (!isObject(source) || text(source.citation).length < 3 || text(source.original) === '')
        problems.push(`${name}: rows[${index}] has no source with a citation and its original figure`);
    });
  } else if (!isObject(value.source) || text(value.source.citation).length < 3)
    problems.push(`${name}: the entry has no source with a citation`);

  if (value.format === 'tessera.blockType' && Array.isArray(value.params))
    value.params.forEach((param, index) => {
      if (!isObject(param) || param.advanced !== true || param.kind === 'enum') return;
      const source = param.source;
      if (!isObject(source) || text(source.citation).length < 3)
        problems.push(
          `${name}: params[${index}] (${text(param.key)}) is a model constant (advanced) without a source`,
        );
      else if (text(source.original) === '' && text(source.url) === '')
        problems.push(`${name}: params[${index}] (${text(param.key)}) cites no figure (original) and no URL`);
    });

  for (const { path, source } of sources(value)) {
    const said = `${text(source.citation)} ${text(source.note)}`;
    if (!/calibrat|fitted|least-squares/i.test(said)) continue;
    if (!/accuracy suite|group [A-Z]\d/i.test(said) && text(source.url) === '')
      problems.push(
        `${name}: ${path} is calibrated but does not say against what (the accuracy suite, a group)`,
      );
    if (!/calibrat|fit/i.test(text(source.original)))
      problems.push(
        `${name}: ${path} is calibrated but its original does not say so: "${text(source.original)}"`,
      );
  }

  if (value.format === 'tessera.preset' && value.kind === 'preset' && isObject(value.design)) {
    const meta = isObject(value.design.meta) ? value.design.meta : {};
    const backed = new Set(
      (Array.isArray(meta.sources) ? meta.sources : []).flatMap((source) =>
        isObject(source)
          ? text(source.appliesTo)
              .split(/[\s,;]+/)
              .filter(Boolean)
          : [],
      ),
    );
    const blocks = Array.isArray(value.design.blocks) ? value.design.blocks : [];
    for (const block of blocks) {
      if (!isObject(block) || !isObject(block.params)) continue;
      const id = text(block.id);
      for (const [key, param] of Object.entries(block.params)) {
        if (typeof param === 'string' || typeof param === 'boolean') continue;
        if (!backed.has(id) && !backed.has(`${id}.${key}`))
          problems.push(`${name}: ${id}.${key} is set by the preset but no meta.sources entry backs it`);
      }
    }
  }
  return problems;
}

describe('the citation audit', () => {
  test('walks the whole library', () => {
    const folders = new Set(files.map((file) => file.name.split('/')[0]));
    for (const folder of ['blocks', 'presets', 'models', 'formats', 'runtimes', 'tech', 'validation'])
      expect(folders).toContain(folder);
  });

  test('every calibrated constant in the library is cited', () => {
    expect(files.flatMap((file) => auditFile(file.name, file.value))).toEqual([]);
  });

  test('finds each kind of gap', () => {
    const blockType = (param: JsonObject): JsonObject => ({
      format: 'tessera.blockType',
      source: { citation: 'A datasheet' },
      params: [{ key: 'x', kind: 'number', ...param }],
    });
    expect(auditFile('blocks/a.json', blockType({ advanced: true }))).toEqual([
      'blocks/a.json: params[0] (x) is a model constant (advanced) without a source',
    ]);
    expect(auditFile('blocks/a.json', blockType({ advanced: false }))).toEqual([]);
    expect(
      auditFile('blocks/a.json', blockType({ advanced: true, source: { citation: 'A paper' } })),
    ).toEqual(['blocks/a.json: params[0] (x) cites no figure (original) and no URL']);
    expect(
      auditFile(
        'blocks/a.json',
        blockType({ advanced: true, source: { citation: 'Calibrated by eye', original: '0.8' } }),
      ),
    ).toEqual([
      'blocks/a.json: params[0].source is calibrated but does not say against what (the accuracy suite, a group)',
      'blocks/a.json: params[0].source is calibrated but its original does not say so: "0.8"',
    ]);
    expect(
      auditFile(
        'blocks/a.json',
        blockType({
          advanced: true,
          source: { citation: 'Calibrated against the accuracy suite', original: '0.8 (calibrated)' },
        }),
      ),
    ).toEqual([]);
    expect(auditFile('runtimes/r.json', { format: 'tessera.runtime', stepOverheadSeconds: 1 })).toEqual([
      'runtimes/r.json: the entry has no source with a citation',
    ]);
    expect(
      auditFile('tech/t.json', {
        format: 'tessera.tech',
        rows: [{ value: 1, source: { citation: 'A paper' } }],
      }),
    ).toEqual(['tech/t.json: rows[0] has no source with a citation and its original figure']);
    const preset = (sources: Json[]): JsonObject => ({
      format: 'tessera.preset',
      kind: 'preset',
      source: { citation: 'A datasheet' },
      design: {
        meta: { sources },
        blocks: [{ id: 'hbm', params: { capacityBytes: 1, generation: 'hbm3' } }],
      },
    });
    expect(auditFile('presets/p.json', preset([]))).toEqual([
      'presets/p.json: hbm.capacityBytes is set by the preset but no meta.sources entry backs it',
    ]);
    expect(auditFile('presets/p.json', preset([{ citation: 'A datasheet', appliesTo: 'hbm' }]))).toEqual([]);
    expect(
      auditFile('presets/p.json', preset([{ citation: 'A datasheet', appliesTo: 'sm, hbm.capacityBytes' }])),
    ).toEqual([]);
  });
});
