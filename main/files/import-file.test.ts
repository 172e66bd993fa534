import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDesign } from '../../engine/design-io';
import type { DesignDocument } from '../../engine/schema/design';
import { modelSchema } from '../../engine/schema/model';
import { designToJson, designToYaml } from '../../engine/spec/spec-text';
import { designToSvg, embedSpecInPng } from '../export';
import { importFile, maxImportBytes, type ImportInput, type ImportResult } from './import-file';
import { loadTestCatalog, minimalPng, presetRun, utf8 } from './test-support';

const catalog = await loadTestCatalog();
const h100 = presetRun(catalog, 'nvidia-h100-sxm').design;
const smallPreset = catalog.presets.get('template-single-tile');
if (!smallPreset) throw new Error('no template-single-tile preset');
const small = smallPreset.design;

/** Library models' config.json fields, one per family the importer reads. */
const hfConfigs = ['llama-3-8b', 'gpt-2', 'mixtral-8x7b', 'deepseek-v3', 'gemma-2-9b', 'qwen3-30b-a3b'].map(
  (id) => {
    const config = catalog.models.get(id)?.hfConfig;
    if (config === undefined) throw new Error(`model ${id} has no hfConfig`);
    return config;
  },
);
const llamaConfig = hfConfigs[0] as Record<string, unknown>;

function file(fileName: string, content: string | Uint8Array): ImportInput {
  return { fileName, bytes: typeof content === 'string' ? utf8(content) : content };
}

/** What every result must be: a design that passes readDesign, a valid model, or located problems. */
function expectWellFormed(result: ImportResult): void {
  if (result.ok && result.kind === 'design') {
    const again = readDesign(result.design);
    expect(again.ok).toBe(true);
    if (again.ok) expect(again.value).toEqual(result.design);
  } else if (result.ok) {
    expect(modelSchema.safeParse(result.model).success).toBe(true);
  } else {
    expect(result.message.trim()).not.toBe('');
    expect(result.problems.length).toBeGreaterThan(0);
    for (const problem of result.problems) {
      expect(problem.path.trim()).not.toBe('');
      expect(problem.message.trim()).not.toBe('');
      if (problem.line !== undefined) {
        expect(Number.isInteger(problem.line) && problem.line >= 1).toBe(true);
        expect(Number.isInteger(problem.column) && (problem.column ?? 0) >= 1).toBe(true);
      }
    }
  }
}

function failed(result: ImportResult): Extract<ImportResult, { ok: false }> {
  if (result.ok) throw new Error(`expected a failure, got a ${result.kind}`);
  expectWellFormed(result);
  return result;
}

describe('importFile: detection', () => {
  it('reads a design in JSON and in YAML, whatever the file is called', () => {
    for (const name of ['h100.tessera.json', 'h100.txt', 'h100']) {
      expect(importFile(file(name, designToJson(h100)))).toEqual({
        ok: true,
        kind: 'design',
        design: h100,
        source: 'json',
      });
      expect(importFile(file(name, designToYaml(h100)))).toEqual({
        ok: true,
        kind: 'design',
        design: h100,
        source: 'yaml',
      });
    }
  });

  it('skips a byte-order mark and leading white space', () => {
    const result = importFile(file('h100.json', `\uFEFF\n  ${designToJson(h100)}`));
    expect(result).toMatchObject({ ok: true, kind: 'design', source: 'json' });
    const svg = importFile(file('h100.svg', `\uFEFF\n${designToSvg(h100, catalog)}`));
    expect(svg).toMatchObject({ ok: true, kind: 'design', source: 'svg' });
  });

  it('reads a flow-style YAML file as YAML when its name says so', () => {
    const text = `{ format: tessera.design, version: 1, name: Tiny, blocks: {}, links: [], groups: {} }`;
    expect(importFile(file('tiny.yaml', text))).toMatchObject({ ok: true, source: 'yaml' });
    expect(failed(importFile(file('tiny.json', text))).message).toContain('a Tessera design in JSON');
  });

  it('opens a design whose block types the library lacks (the editor reports them)', () => {
    const design: DesignDocument = {
      ...small,
      blocks: [
        ...small.blocks,
        {
          id: 'future',
          type: 'compute.from-the-future',
          name: 'Future',
          params: {},
          position: { x: 0, y: 0 },
        },
      ],
    };
    expect(importFile(file('future.json', designToJson(design)))).toMatchObject({ ok: true, design });
  });

  it('reads a Hugging Face config as a model, its id and name from _name_or_path', () => {
    const config = { ...llamaConfig, _name_or_path: 'meta-llama/Meta-Llama-3.1-8B' };
    const result = importFile(file('config.json', JSON.stringify(config)));
    if (!result.ok || result.kind !== 'model') throw new Error(JSON.stringify(result));
    expect(result.model.id).toBe('meta-llama-3-1-8b');
    expect(result.model.name).toBe('Meta-Llama-3.1-8B');
    expect(result.model.architecture).toEqual(catalog.models.get('llama-3-8b')?.architecture);
  });

  it('takes the model id and name from the options, else from the file name', () => {
    const text = JSON.stringify(llamaConfig, null, 2);
    expect(
      importFile(file('config.json', text), { modelId: 'my-llama', modelName: 'My Llama' }),
    ).toMatchObject({
      ok: true,
      model: { id: 'my-llama', name: 'My Llama' },
    });
    expect(importFile(file('Llama_3_8B.json', text))).toMatchObject({
      ok: true,
      model: { id: 'llama-3-8b' },
    });
    expect(importFile(file('config.json', text))).toMatchObject({
      ok: true,
      model: { id: 'imported-llama' },
    });
    const { model_type: _type, ...classesOnly } = llamaConfig;
    expect(importFile(file('config.json', JSON.stringify(classesOnly)))).toMatchObject({
      ok: true,
      model: { id: 'imported-model' },
    });
    const bad = failed(importFile(file('config.json', text), { modelId: 'Not An Id' }));
    expect(bad.problems.map((problem) => problem.path)).toContain('options.id');
  });

  it('names every missing or invalid field of a config.json', () => {
    const { num_hidden_layers: _layers, ...rest } = llamaConfig;
    const result = failed(importFile(file('config.json', JSON.stringify({ ...rest, hidden_size: 'big' }))));
    expect(result.message).toBe(
      '"config.json" was read as a Hugging Face config.json and cannot be imported as a model:',
    );
    const paths = result.problems.map((problem) => problem.path);
    expect(paths).toContain('num_hidden_layers');
    expect(paths).toContain('hidden_size');
  });

  it('locates a syntax error in a damaged config.json', () => {
    const text = JSON.stringify(llamaConfig, null, 2).replace('"hidden_size": 4096,', '"hidden_size": 4096');
    const result = failed(importFile(file('config.json', text)));
    expect(result.message).toContain('a Hugging Face config.json');
    expect(result.problems[0]).toMatchObject({ path: '(syntax)' });
    const line = text.split('\n').findIndex((row) => row.includes('"hidden_size"')) + 1;
    expect(result.problems[0]?.line).toBeGreaterThanOrEqual(line);
  });

  it('locates the problems of a design spec by line and column', () => {
    const yaml = designToYaml(small).replace('position: { x: 40, y: 220 }', 'position: { x: far, y: 220 }');
    const result = failed(importFile(file('tile.yaml', yaml)));
    expect(result.message).toBe('"tile.yaml" was read as a Tessera design in YAML and cannot be opened:');
    const lines = yaml.split('\n');
    const line = lines.findIndex((row) => row.includes('x: far')) + 1;
    expect(result.problems).toEqual([
      expect.objectContaining({
        path: 'blocks.sram.position.x',
        line,
        column: (lines[line - 1] ?? '').indexOf('x: far') + 1,
      }),
    ]);

    const json = failed(importFile(file('h100.json', '{"format": "tessera.design", "version": 1,}')));
    expect(json.message).toContain('a Tessera design in JSON');
    expect(json.problems[0]).toMatchObject({ path: '(syntax)', line: 1 });
  });

  it('reads JSON that is neither a design nor a config as a design, and says what is wrong', () => {
    const result = failed(importFile(file('data.json', '{"hello": "world"}')));
    expect(result.message).toContain('a Tessera design in JSON');
    expect(result.problems.map((problem) => problem.path)).toContain('format');
  });

  it('refuses a design from a newer Tessera', () => {
    const result = failed(importFile(file('new.json', designToJson({ ...small, version: 2 as 1 }))));
    expect(result.problems[0]?.message).toContain('newer Tessera');
  });

  it('reads the design embedded in a PNG or an SVG, and says when there is none', () => {
    const png = embedSpecInPng(minimalPng(), designToJson(small));
    expect(importFile(file('tile.png', png))).toEqual({
      ok: true,
      kind: 'design',
      design: small,
      source: 'png',
    });
    const plain = failed(importFile(file('photo.png', minimalPng())));
    expect(plain.message).toContain('is a PNG picture');
    expect(plain.problems[0]?.message).toContain('no Tessera design');
    const broken = failed(
      importFile(file('x.png', embedSpecInPng(minimalPng(), '{"format": "tessera.design"'))),
    );
    expect(broken.problems[0]?.path).toBe('(embedded design)');
    const invalid = failed(
      importFile(file('x.png', embedSpecInPng(minimalPng(), '{"format": "tessera.design"}'))),
    );
    expect(invalid.message).toContain('a PNG picture with a Tessera design');
    expect(invalid.problems.map((problem) => problem.path)).toContain('version');

    const long = embedSpecInPng(minimalPng(), `${designToJson(small)}${' '.repeat(4_000_000)}`);
    expect(failed(importFile(file('long.png', long))).problems[0]?.message).toContain('too long');

    const svg = designToSvg(small, catalog, { embedSpec: false });
    expect(failed(importFile(file('tile.svg', svg))).message).toContain('SVG drawing');
    const html = failed(importFile(file('report.html', '<!doctype html><html><body>hi</body></html>')));
    expect(html.message).toContain('SVG drawing');
  });

  it('refuses empty, binary, non-UTF-8 and oversized files with one clear problem', () => {
    const cases: [ImportInput, string][] = [
      [file('empty.json', ''), 'is empty'],
      [file('blank.yaml', ' \n\t\n'), 'is empty'],
      [file('nul.json', '{"a": "\u0000"}'), 'is not text'],
      [file('latin1.yaml', new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9])), 'is not text'],
      [file('huge.json', new Uint8Array(maxImportBytes + 1).fill(0x20)), 'is too large'],
    ];
    for (const [input, summary] of cases) {
      const result = failed(importFile(input));
      expect(result.message).toBe(`"${input.fileName}" ${summary}.`);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]?.path).toBe('(file)');
    }
  });

  it('never throws for input that breaks its types', () => {
    for (const input of [
      null,
      {},
      { fileName: 3, bytes: 'text' },
      { fileName: 'a.json', bytes: [1, 2, 3] },
      { fileName: '../../x\u0000.json', bytes: null },
    ])
      expectWellFormed(importFile(input as unknown as ImportInput));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Invariants over mutated and arbitrary files

type TextEdit =
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'change'; at: number; text: string }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-line'; at: number };

/** Characters that matter to JSON and YAML, and anything else. */
const editText = fc.oneof(
  fc.constantFrom(
    ':',
    '{',
    '}',
    '[',
    ']',
    ',',
    '"',
    "'",
    '-',
    ' ',
    '\n',
    '\t',
    '#',
    '&a',
    '*a',
    '!',
    '0',
    '1e999',
    '\\',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
);

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('change' as const), at: fc.nat(), text: editText }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: editText }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
);

const textEdits = fc.array(textEdit, { minLength: 1, maxLength: 4 });

function applyEdit(text: string, edit: TextEdit): string {
  const at = text.length === 0 ? 0 : edit.at % text.length;
  switch (edit.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + edit.count);
    case 'change':
      return text.slice(0, at) + edit.text + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate-line': {
      const lines = text.split('\n');
      const index = lines.length === 0 ? 0 : edit.at % lines.length;
      lines.splice(index, 0, lines[index] ?? '');
      return lines.join('\n');
    }
  }
}

function edited(text: string, edits: readonly TextEdit[]): string {
  return edits.reduce(applyEdit, text);
}

/** Counts outcomes so each property can show it exercised both sides. */
function outcomes(): { record: (result: ImportResult) => void; seen: Set<string> } {
  const seen = new Set<string>();
  return {
    seen,
    record: (result) => {
      seen.add(result.ok ? result.kind : 'failure');
    },
  };
}

describe('importFile: invariants', () => {
  it('answers every mutated design JSON with a valid design or located problems', () => {
    const json = designToJson(h100);
    const tally = outcomes();
    fc.assert(
      fc.property(textEdits, (edits) => {
        const result = importFile(file('h100.tessera.json', edited(json, edits)));
        expectWellFormed(result);
        tally.record(result);
      }),
      { numRuns: 3000 },
    );
    expect(tally.seen).toEqual(new Set(['design', 'failure']));
  });

  it('answers every mutated design YAML with a valid design or located problems', () => {
    const yaml = designToYaml(small);
    const tally = outcomes();
    fc.assert(
      fc.property(textEdits, (edits) => {
        const result = importFile(file('tile.tessera.yaml', edited(yaml, edits)));
        expectWellFormed(result);
        tally.record(result);
      }),
      { numRuns: 1500 },
    );
    expect(tally.seen).toEqual(new Set(['design', 'failure']));
  });

  it('answers every PNG with flipped, changed, inserted or cut bytes', () => {
    const pngs = [
      embedSpecInPng(minimalPng(), designToJson(small)),
      embedSpecInPng(minimalPng(), designToJson(h100)),
    ];
    const byteEdit = fc.record({
      kind: fc.constantFrom('flip', 'set', 'insert', 'truncate', 'delete'),
      at: fc.nat(),
      value: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.array(byteEdit, { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          let bytes = Array.from(pngs[which] ?? []);
          for (const edit of edits) {
            const at = edit.at % Math.max(1, bytes.length);
            if (edit.kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ (1 << (edit.value % 8));
            else if (edit.kind === 'set') bytes[at] = edit.value;
            else if (edit.kind === 'insert') bytes.splice(at, 0, edit.value);
            else if (edit.kind === 'delete') bytes.splice(at, 1);
            else bytes = bytes.slice(0, at);
          }
          expectWellFormed(importFile(file('design.png', new Uint8Array(bytes))));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('answers every PNG whose embedded spec is mangled', () => {
    const json = designToJson(small);
    const tally = outcomes();
    fc.assert(
      fc.property(textEdits, (edits) => {
        const result = importFile(file('tile.png', embedSpecInPng(minimalPng(), edited(json, edits))));
        expectWellFormed(result);
        if (result.ok) expect(result).toMatchObject({ kind: 'design', source: 'png' });
        tally.record(result);
      }),
      { numRuns: 1500 },
    );
    expect(tally.seen).toEqual(new Set(['design', 'failure']));
  });

  it('answers every SVG whose metadata is mangled', () => {
    const svg = designToSvg(h100, catalog);
    const start = svg.indexOf('<metadata>');
    const end = svg.indexOf('</metadata>') + '</metadata>'.length;
    const before = svg.slice(0, start);
    const metadata = svg.slice(start, end);
    const after = svg.slice(end);
    const tally = outcomes();
    fc.assert(
      fc.property(textEdits, fc.boolean(), (edits, anywhere) => {
        const text = anywhere ? edited(svg, edits) : before + edited(metadata, edits) + after;
        const result = importFile(file('h100.svg', text));
        expectWellFormed(result);
        tally.record(result);
      }),
      { numRuns: 2000 },
    );
    expect(tally.seen).toEqual(new Set(['design', 'failure']));
  });

  it('answers every Hugging Face config with fields removed, retyped or added', () => {
    const retyped = fc.oneof(
      fc.constant(null),
      fc.constant('text'),
      fc.constant(true),
      fc.constant([]),
      fc.constant({}),
      fc.integer({ min: -5, max: 5 }),
      fc.double({ noNaN: true }),
      fc.constant(1e300),
    );
    const fieldEdit = fc.oneof(
      fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
      fc.record({ kind: fc.constant('retype' as const), index: fc.nat(), value: retyped }),
      fc.record({ kind: fc.constant('add' as const), key: fc.string({ maxLength: 12 }), value: retyped }),
    );
    const tally = outcomes();
    fc.assert(
      fc.property(
        fc.nat({ max: hfConfigs.length - 1 }),
        fc.array(fieldEdit, { maxLength: 4 }),
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        (which, edits, nameOrPath) => {
          const config: Record<string, unknown> = { ...hfConfigs[which] };
          if (nameOrPath !== undefined) config._name_or_path = nameOrPath;
          for (const edit of edits) {
            const keys = Object.keys(config);
            if (edit.kind === 'add') config[edit.key] = edit.value;
            else if (keys.length > 0) {
              const key = keys[edit.index % keys.length] as string;
              if (edit.kind === 'remove') delete config[key];
              else config[key] = edit.value;
            }
          }
          const result = importFile(file('config.json', JSON.stringify(config)));
          expectWellFormed(result);
          tally.record(result);
        },
      ),
      { numRuns: 3000 },
    );
    expect(tally.seen).toEqual(new Set(['model', 'failure']));
  });

  it('answers every mutated config.json text', () => {
    const text = JSON.stringify(llamaConfig, null, 2);
    fc.assert(
      fc.property(textEdits, (edits) => {
        expectWellFormed(importFile(file('config.json', edited(text, edits))));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers arbitrary bytes under any name', () => {
    const prefix = fc.constantFrom(
      [],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [0xef, 0xbb, 0xbf],
      Array.from(utf8('<svg')),
      Array.from(utf8('{"model_type": ')),
      Array.from(utf8('format: tessera.design\n')),
    );
    const name = fc.constantFrom(
      'a.json',
      'a.yaml',
      'a.yml',
      'a.png',
      'a.svg',
      'config.json',
      'a',
      '',
      '../x',
    );
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 600 }), name, (head, body, fileName) => {
        const bytes = new Uint8Array([...head, ...body]);
        expectWellFormed(importFile({ fileName, bytes }));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers arbitrary text under any name', () => {
    const name = fc.constantFrom('a.json', 'a.yaml', 'a.svg', 'config.json', 'a');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), name, (text, fileName) => {
        expectWellFormed(importFile(file(fileName, text)));
      }),
      { numRuns: 3000 },
    );
  });
});
