import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { DesignDocument, Link } from '../schema/design';
import { defaultServing } from '../schema/serving';
import { defaultWorkload, type Workload } from '../schema/workload';
import {
  designJsonSchema,
  designToJson,
  designToYaml,
  maxDesignTextLength,
  parseDesignText,
  type ParsedDesignText,
  type SpecProblem,
} from './spec-text';

/** Blocks with number, enum and table parameters, links with and without limits, nested groups, meta, notes. */
const design: DesignDocument = {
  format: 'tessera.design',
  version: 1,
  name: 'Demo accelerator',
  meta: {
    description: 'Two clusters of SMs around one L2.\nThe HBM figures are from the datasheet.',
    author: 'A. Architect',
    tags: ['gpu', 'demo'],
    sources: [
      {
        citation: 'Demo HBM3 datasheet (2024)',
        url: 'https://example.com/hbm3.pdf',
        original: '3.35 TB/s',
        appliesTo: 'hbm.bandwidthBytesPerSecond',
      },
    ],
    preset: 'demo-preset',
  },
  blocks: [
    {
      id: 'sm',
      type: 'compute.tensor-cluster',
      name: 'SM',
      params: { clockHertz: 1_830_000_000, energyJoulesPerMacBf16: 1.6e-12 },
      position: { x: 40, y: 40 },
    },
    { id: 'l2', type: 'memory.cache', name: 'L2 cache', params: {}, position: { x: 40, y: 220 } },
    {
      id: 'hbm',
      type: 'memory.hbm',
      name: 'HBM3',
      params: { bandwidthBytesPerSecond: 3.35e12, capacityBytes: 85_899_345_920, technology: 'hbm3' },
      position: { x: 40, y: 380 },
    },
    {
      id: 'dvfs',
      type: 'power.dvfs-domain',
      name: 'Clock domain',
      params: {
        policy: 'adaptive',
        operatingPoints: [
          { name: 'boost', clockHertz: 1.83e9, voltageVolts: 0.9 },
          { name: '1.0 GHz', clockHertz: 1e9, voltageVolts: 0.7 },
        ],
      },
      position: { x: 360.5, y: -40 },
    },
  ],
  links: [
    { id: 'sm-l2', from: { block: 'sm', port: 'mem' }, to: { block: 'l2', port: 'port' }, params: {} },
    {
      id: 'l2-hbm',
      from: { block: 'l2', port: 'port' },
      to: { block: 'hbm', port: 'port' },
      params: { bandwidthBytesPerSecond: 5.5e12, latencySeconds: 1.2e-7 },
    },
  ],
  groups: [
    { id: 'sms', name: 'SMs', kind: 'cluster', count: 132, blocks: ['sm'] },
    { id: 'gpu', name: 'GPU', kind: 'chip', count: 8, blocks: ['l2', 'hbm', 'dvfs'], groups: ['sms'] },
  ],
  notes: [{ id: 'note-1', text: 'HBM bandwidth: datasheet figure.', position: { x: 600, y: 40 } }],
};

/** The 1-based number of the line of `text` that contains `fragment` (the first, or the last one). */
function lineOf(text: string, fragment: string, which: 'first' | 'last' = 'first'): number {
  const lines = text.split('\n');
  const index =
    which === 'first'
      ? lines.findIndex((line) => line.includes(fragment))
      : lines.findLastIndex((line) => line.includes(fragment));
  if (index === -1) throw new Error(`no line contains ${fragment}`);
  return index + 1;
}

/** A deep copy made of plain objects and arrays (the engine's types have no `structuredClone`). */
function plainCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => plainCopy(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, plainCopy(item as unknown)]),
    ) as T;
  }
  return value;
}

function problemsOf(result: ParsedDesignText): SpecProblem[] {
  if (result.ok) throw new Error('expected problems, the text was read');
  return result.problems;
}

/** The design text with the given lines in place of its blocks; the rest is valid. */
function yamlWithBlocks(blockLines: string[]): string {
  return [
    'format: tessera.design',
    'version: 1',
    'name: Demo',
    'blocks:',
    ...blockLines,
    'links: []',
    'groups: {}',
  ].join('\n');
}

describe('round trip', () => {
  it('reads back the YAML it writes as the same document', () => {
    expect(parseDesignText(designToYaml(design), 'yaml')).toStrictEqual({ ok: true, design });
  });

  it('reads back the JSON it writes as the same document', () => {
    const json = designToJson(design);
    expect(json).toBe(`${JSON.stringify(design, null, 2)}\n`);
    expect(parseDesignText(json, 'json')).toStrictEqual({ ok: true, design });
  });

  it('reads the plain document shape from YAML too (blocks as a list, endpoints as mappings)', () => {
    expect(parseDesignText(stringify(design), 'yaml')).toStrictEqual({ ok: true, design });
  });

  it('writes endpoints whose block id has a dot as mappings, and reads them back', () => {
    const dotted: DesignDocument = {
      ...design,
      blocks: [
        ...design.blocks,
        { id: 'hbm.1', type: 'memory.hbm', name: 'HBM 1', params: {}, position: { x: 0, y: 0 } },
      ],
      links: [
        ...design.links,
        {
          id: 'l2-hbm1',
          from: { block: 'l2', port: 'port' },
          to: { block: 'hbm.1', port: 'port' },
          params: {},
        },
      ],
    };
    const text = designToYaml(dotted);
    expect(text.split('\n')).toContain(
      '  - { id: l2-hbm1, from: l2.port, to: { block: hbm.1, port: port } }',
    );
    expect(parseDesignText(text, 'yaml')).toStrictEqual({ ok: true, design: dotted });
  });

  it('writes blocks as a list when two share an id, so the text still reads back the same', () => {
    const twice: DesignDocument = {
      ...design,
      blocks: [...design.blocks, { ...design.blocks[0]!, name: 'SM 2' }],
    };
    const text = designToYaml(twice);
    expect(text.split('\n')).toContain('  - id: sm');
    expect(parseDesignText(text, 'yaml')).toStrictEqual({ ok: true, design: twice });
  });

  it('is deterministic', () => {
    expect(designToYaml(plainCopy(design))).toBe(designToYaml(design));
  });
});

describe('the YAML is readable', () => {
  const text = designToYaml(design);
  const lines = text.split('\n');

  it('starts with a header comment, then format, version and name', () => {
    expect(lines.slice(0, 5)).toEqual([
      '# Tessera design — Demo accelerator',
      '',
      'format: tessera.design',
      'version: 1',
      'name: Demo accelerator',
    ]);
  });

  it('keys blocks by id, with type, name, params as quantities in their SI unit and a one-line position', () => {
    const hbm = lines.indexOf('  hbm:');
    expect(lines.slice(hbm, hbm + 8)).toEqual([
      '  hbm:',
      '    type: memory.hbm',
      '    name: HBM3',
      '    params:',
      '      bandwidthBytesPerSecond: 3.35 TB/s',
      '      capacityBytes: 80 GiB',
      '      technology: hbm3',
      '    position: { x: 40, y: 380 }',
    ]);
  });

  it('leaves empty params out', () => {
    const l2 = lines.indexOf('  l2:');
    expect(lines.slice(l2, l2 + 4)).toEqual([
      '  l2:',
      '    type: memory.cache',
      '    name: L2 cache',
      '    position: { x: 40, y: 220 }',
    ]);
  });

  it('writes table parameters one row per line', () => {
    expect(lines).toContain('        - { name: boost, clockHertz: 1.83 GHz, voltageVolts: 900 mV }');
    expect(lines).toContain('        - { name: 1.0 GHz, clockHertz: 1 GHz, voltageVolts: 700 mV }');
  });

  it('writes one link per line with block.port endpoints, and params only when there are any', () => {
    expect(lines).toContain('  - { id: sm-l2, from: sm.mem, to: l2.port }');
    expect(lines).toContain(
      '  - { id: l2-hbm, from: l2.port, to: hbm.port, params: { bandwidthBytesPerSecond: 5.5 TB/s, latencySeconds: 120 ns } }',
    );
  });

  it('keys groups by id, with their count and members on one line', () => {
    const gpu = lines.indexOf('  gpu:');
    expect(lines.slice(gpu, gpu + 6)).toEqual([
      '  gpu:',
      '    name: GPU',
      '    kind: chip',
      '    count: 8',
      '    blocks: [ l2, hbm, dvfs ]',
      '    groups: [ sms ]',
    ]);
    expect(lines).toContain('    count: 132');
  });
});

describe('problems carry the line of what they are about', () => {
  it('places an unclosed bracket on the line where it opens', () => {
    const text = yamlWithBlocks([
      '  sm:',
      '    type: compute.tensor-cluster',
      '    name: SM',
      '    position: { x: 40, y: 40',
      '  l2:',
      '    type: memory.cache',
      '    name: L2',
      '    position: { x: 40, y: 220 }',
    ]);
    const [problem] = problemsOf(parseDesignText(text, 'yaml'));
    expect(problem).toMatchObject({ line: lineOf(text, 'position: { x: 40, y: 40'), path: '(syntax)' });
    expect(problem?.column).toBe('    position: '.length + 1);
  });

  it('places a parameter of the wrong type on its key', () => {
    const text = yamlWithBlocks([
      '  sm:',
      '    type: compute.systolic',
      '    name: Array',
      '    params:',
      '      clockHertz: 1000000000',
      '      rows: { many: true }',
      '    position: { x: 0, y: 0 }',
    ]);
    expect(problemsOf(parseDesignText(text, 'yaml'))).toEqual([
      {
        line: lineOf(text, 'rows:'),
        column: 7,
        path: 'blocks.sm.params.rows',
        message: 'a parameter is a number (in SI units), a text (an option), or a list of table rows',
      },
    ]);
  });

  it('places a group count that is not a number on its line', () => {
    const text = [
      'format: tessera.design',
      'version: 1',
      'name: Demo',
      'blocks: {}',
      'links: []',
      'groups:',
      '  sms:',
      '    name: SMs',
      '    kind: cluster',
      '    count: many',
      '    blocks: []',
    ].join('\n');
    const [problem] = problemsOf(parseDesignText(text, 'yaml'));
    expect(problem).toMatchObject({ line: lineOf(text, 'count: many'), path: 'groups.sms.count' });
  });

  it('explains malformed endpoints on the line of the link', () => {
    const text = [
      'format: tessera.design',
      'version: 1',
      'name: Demo',
      'blocks: {}',
      'links:',
      '  - { id: a, from: sm, to: l2.port }',
      '  - { id: b, from: l2.port, to: a.b.c }',
      '  - { id: c, from: .port, to: l2. }',
      '  - { id: d, from: 7, to: l2.port }',
      'groups: {}',
    ].join('\n');
    const problems = problemsOf(parseDesignText(text, 'yaml'));
    expect(problems.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: lineOf(text, 'id: a'), path: 'links[0].from' },
      { line: lineOf(text, 'id: b'), path: 'links[1].to' },
      { line: lineOf(text, 'id: c'), path: 'links[2].from' },
      { line: lineOf(text, 'id: c'), path: 'links[2].to' },
      { line: lineOf(text, 'id: d'), path: 'links[3].from' },
    ]);
    expect(problems[0]?.message).toMatch(/"sm" names no port: write block\.port/);
    expect(problems[0]?.column).toBe('  - { id: a, '.length + 1);
    expect(problems[1]?.message).toMatch(/more than one "\."/);
    expect(problems[1]?.message).toContain('{ block: a.b, port: c }');
    expect(problems[2]?.message).toMatch(/needs a block id/);
    expect(problems[3]?.message).toMatch(/needs a port/);
    expect(problems[4]?.message).toMatch(/found the number 7/);
  });

  it('places a duplicate block key on its second occurrence', () => {
    const text = yamlWithBlocks([
      '  sm:',
      '    type: compute.tensor-cluster',
      '    name: SM',
      '    position: { x: 0, y: 0 }',
      '  sm:',
      '    type: memory.cache',
      '    name: L2',
      '    position: { x: 0, y: 100 }',
    ]);
    expect(problemsOf(parseDesignText(text, 'yaml'))).toEqual([
      {
        line: lineOf(text, '  sm:', 'last'),
        column: 3,
        path: 'blocks.sm',
        message: 'duplicate key "sm": a key may appear once per mapping',
      },
    ]);
  });

  it('places a missing required field on the key of the block that lacks it', () => {
    const text = yamlWithBlocks([
      '  sm:',
      '    type: compute.tensor-cluster',
      '    name: SM',
      '    position: { x: 0, y: 0 }',
      '  hbm:',
      '    name: HBM3',
      '    position: { x: 0, y: 100 }',
    ]);
    expect(problemsOf(parseDesignText(text, 'yaml'))).toEqual([
      {
        line: lineOf(text, '  hbm:'),
        column: 3,
        path: 'blocks.hbm.type',
        message: 'required but missing (expected string)',
      },
    ]);
  });

  it('places an unknown key, a key that disagrees with its id and a non-mapping block on their lines', () => {
    const text = yamlWithBlocks([
      '  sm:',
      '    type: compute.tensor-cluster',
      '    name: SM',
      '    colour: green',
      '    position: { x: 0, y: 0 }',
      '  l2:',
      '    id: cache',
      '    type: memory.cache',
      '    name: L2',
      '    position: { x: 0, y: 100 }',
      '  hbm: memory.hbm',
    ]);
    const problems = problemsOf(parseDesignText(text, 'yaml'));
    expect(problems.map(({ line, path }) => ({ line, path }))).toEqual([
      { line: lineOf(text, 'colour:'), path: 'blocks.sm.colour' },
      { line: lineOf(text, 'id: cache'), path: 'blocks.l2.id' },
      { line: lineOf(text, 'hbm: memory.hbm'), path: 'blocks.hbm' },
    ]);
    expect(problems[0]?.message).toBe('unknown key "colour"');
    expect(problems[1]?.message).toMatch(/the key says "l2" but id says the text "cache"/);
    expect(problems[2]?.message).toMatch(/a block is a mapping of its fields; found the text "memory\.hbm"/);
  });

  it('places unknown keys at the top and in meta on their own lines', () => {
    const text = [
      'format: tessera.design',
      'version: 1',
      'name: Demo',
      'colour: red',
      'meta:',
      '  tags: [ 1 ]',
      '  sources:',
      '    - citation: ab',
      '      page: 3',
      'blocks: {}',
      'links: []',
      'groups: {}',
    ].join('\n');
    expect(problemsOf(parseDesignText(text, 'yaml'))).toEqual([
      { line: lineOf(text, 'colour:'), column: 1, path: 'colour', message: 'unknown key "colour"' },
      {
        line: lineOf(text, 'tags:'),
        column: '  tags: [ '.length + 1,
        path: 'meta.tags[0]',
        message: 'Invalid input: expected string, received number',
      },
      {
        line: lineOf(text, 'citation: ab'),
        column: '    - '.length + 1,
        path: 'meta.sources[0].citation',
        message: 'must name the datasheet, paper or page',
      },
      {
        line: lineOf(text, 'page: 3'),
        column: 7,
        path: 'meta.sources[0].page',
        message: 'unknown key "page"',
      },
    ]);
  });

  it('places a second YAML document and a newer version on their lines', () => {
    const twoDocuments = 'format: tessera.design\nversion: 1\n---\nname: other\n';
    expect(problemsOf(parseDesignText(twoDocuments, 'yaml'))[0]?.line).toBe(lineOf(twoDocuments, '---'));
    const newer = 'format: tessera.design\nversion: 2\nname: Demo\n';
    expect(problemsOf(parseDesignText(newer, 'yaml'))).toEqual([
      {
        line: 2,
        column: 1,
        path: 'version',
        message: 'this design was written by a newer Tessera (format version 2; this one reads up to 1)',
      },
    ]);
  });

  it('places JSON syntax errors and schema problems on their lines', () => {
    const missingComma = [
      '{',
      '  "format": "tessera.design",',
      '  "version": 1',
      '  "name": "Demo"',
      '}',
    ].join('\n');
    expect(problemsOf(parseDesignText(missingComma, 'json'))).toEqual([
      {
        line: lineOf(missingComma, '"name"'),
        column: 3,
        path: '(syntax)',
        message: 'expected "," or "}" after the value',
      },
    ]);

    const badPosition = JSON.stringify(
      { ...design, blocks: [design.blocks[0], { ...design.blocks[1], position: { x: 1, y: '2' } }] },
      null,
      2,
    );
    const [problem] = problemsOf(parseDesignText(badPosition, 'json'));
    expect(problem).toMatchObject({ line: lineOf(badPosition, '"y": "2"'), path: 'blocks[1].position.y' });

    const duplicate = '{\n  "format": "tessera.design",\n  "format": "tessera.design"\n}';
    expect(problemsOf(parseDesignText(duplicate, 'json'))[0]).toMatchObject({
      line: 3,
      message: 'duplicate key "format": a key may appear once per object',
    });

    const unclosed = '{\n  "blocks": [\n    1,\n    2\n';
    expect(problemsOf(parseDesignText(unclosed, 'json'))[0]).toMatchObject({
      line: lineOf(unclosed, '"blocks": ['),
      column: '  "blocks": '.length + 1,
    });
  });

  it('places an unclosed quote where it opens', () => {
    const text = 'format: tessera.design\nversion: 1\nname: "Demo\nblocks: {}\nlinks: []\ngroups: {}\n';
    expect(problemsOf(parseDesignText(text, 'yaml'))[0]).toMatchObject({ line: lineOf(text, 'name: "Demo') });
  });
});

describe('never throws', () => {
  const hostile: [string, unknown, unknown][] = [
    ['null', null, 'yaml'],
    ['undefined', undefined, 'json'],
    ['a number', 42, 'yaml'],
    ['an unknown format', 'a: 1', 'toml'],
    ['empty YAML', '', 'yaml'],
    ['empty JSON', '', 'json'],
    ['the YAML null', 'null', 'yaml'],
    ['binary garbage', '\u0000\u0001\uFFFE\uD800]]}{\t- : ? &*!|>', 'yaml'],
    ['binary garbage as JSON', '\u0000\u0001\uFFFE\uD800]]}{', 'json'],
    ['deep YAML lists', '- '.repeat(20_000) + 'a', 'yaml'],
    ['deep flow YAML', '['.repeat(50_000), 'yaml'],
    ['deep JSON', '{"a":'.repeat(50_000), 'json'],
    ['an alias inside its own anchor', 'a: &a [*a, *a]', 'yaml'],
    ['an alias to nothing', 'a: *nothing', 'yaml'],
    [
      'an alias bomb',
      ['a: &a [x, x, x, x, x, x, x, x, x, x]']
        .concat(
          'bcdefgh'
            .split('')
            .map((name, index) => `${name}: &${name} [${`*${'abcdefgh'[index]}, `.repeat(10)}]`),
        )
        .join('\n'),
      'yaml',
    ],
    [
      'a key named __proto__',
      'format: tessera.design\nversion: 1\nname: x\n__proto__: { polluted: true }',
      'yaml',
    ],
    ['a text over the limit', 'x'.repeat(maxDesignTextLength.yaml + 1), 'yaml'],
  ];

  it.each(hostile)('on %s', (_, text, format) => {
    const result = parseDesignText(text as string, format as 'yaml');
    expect(result.ok).toBe(false);
    expect(problemsOf(result).length).toBeGreaterThan(0);
    for (const problem of problemsOf(result)) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------------------
// Generated inputs

/** Checks the shape every failed read must have: at least one problem, each on a line of the text. */
function expectWellFormed(result: ParsedDesignText, text: string): void {
  if (result.ok) return;
  const lineCount = text.split('\n').length;
  expect(result.problems.length).toBeGreaterThan(0);
  for (const problem of result.problems) {
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.line).toBeLessThanOrEqual(lineCount + 1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(typeof problem.message).toBe('string');
  }
}

const idArbitrary = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
/** Ids the schema allows that `designToYaml` cannot write as `block.port`. */
const dottedIdArbitrary = fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/);
const finiteArbitrary = fc.double({ noNaN: true, noDefaultInfinity: true });
const textArbitrary = (maxLength: number) => fc.string({ unit: 'binary', maxLength });
const keyArbitrary = fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,12}$/);
const positionArbitrary = fc.record({ x: finiteArbitrary, y: finiteArbitrary });

const tableArbitrary = fc.array(
  fc.dictionary(keyArbitrary, fc.oneof(finiteArbitrary, textArbitrary(12)), { maxKeys: 3 }),
  {
    maxLength: 3,
  },
);
const paramsArbitrary = fc.dictionary(
  keyArbitrary,
  fc.oneof(finiteArbitrary, textArbitrary(16), tableArbitrary),
  {
    maxKeys: 4,
  },
);

const metaArbitrary = fc.record(
  {
    description: textArbitrary(80),
    author: textArbitrary(20),
    tags: fc.array(textArbitrary(10), { maxLength: 3 }),
    sources: fc.array(
      fc.record(
        {
          citation: fc.string({ unit: 'binary', minLength: 3, maxLength: 40 }),
          url: fc.webUrl(),
          original: textArbitrary(20),
          note: textArbitrary(20),
          appliesTo: textArbitrary(20),
        },
        { requiredKeys: ['citation'] },
      ),
      { maxLength: 2 },
    ),
    preset: textArbitrary(20),
  },
  { requiredKeys: [] },
);

function linkArbitrary(id: string, blockIds: readonly string[]): fc.Arbitrary<Link> {
  const block =
    blockIds.length > 0 ? fc.oneof(fc.constantFrom(...blockIds), dottedIdArbitrary) : dottedIdArbitrary;
  const port = fc.oneof(
    fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,6}$/),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }),
  );
  const endpoint = fc.record({ block, port });
  const limit = { noNaN: true, noDefaultInfinity: true };
  return fc.record({
    id: fc.constant(id),
    from: endpoint,
    to: endpoint,
    params: fc.record(
      {
        bandwidthBytesPerSecond: fc.double({ ...limit, min: Number.MIN_VALUE }),
        latencySeconds: fc.double({ ...limit, min: 0 }),
        energyJoulesPerBit: fc.double({ ...limit, min: 0 }),
      },
      { requiredKeys: [] },
    ),
  });
}

/** Small valid designs: ids unique across blocks, links and groups, as ARCHITECTURE.md asks. */
const designArbitrary: fc.Arbitrary<DesignDocument> = fc
  .record({ ids: fc.uniqueArray(idArbitrary, { maxLength: 12 }), firstCut: fc.nat(), secondCut: fc.nat() })
  .chain(({ ids, firstCut, secondCut }) => {
    const linksStart = firstCut % (ids.length + 1);
    const groupsStart = linksStart + (secondCut % (ids.length - linksStart + 1));
    const blockIds = ids.slice(0, linksStart);
    const linkIds = ids.slice(linksStart, groupsStart);
    const groupIds = ids.slice(groupsStart);
    return fc.record(
      {
        format: fc.constant('tessera.design' as const),
        version: fc.constant(1 as const),
        name: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
        meta: metaArbitrary,
        blocks: fc.tuple(
          ...blockIds.map((id) =>
            fc.record({
              id: fc.constant(id),
              type: fc.constantFrom('compute.systolic', 'memory.hbm', 'interconnect.noc'),
              name: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
              params: paramsArbitrary,
              position: positionArbitrary,
            }),
          ),
        ),
        links: fc.tuple(...linkIds.map((id) => linkArbitrary(id, blockIds))),
        groups: fc.tuple(
          ...groupIds.map((id) =>
            fc.record(
              {
                id: fc.constant(id),
                name: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
                kind: fc.constantFrom('chip' as const, 'cluster' as const, 'module' as const),
                count: fc.integer({ min: 1, max: 1024 }),
                blocks: fc.subarray(blockIds),
                groups: fc.subarray(groupIds.filter((other) => other !== id)),
              },
              { requiredKeys: ['id', 'name', 'kind', 'count', 'blocks'] },
            ),
          ),
        ),
        notes: fc.array(
          fc.record({ id: idArbitrary, text: textArbitrary(60), position: positionArbitrary }),
          {
            maxLength: 2,
          },
        ),
      },
      { requiredKeys: ['format', 'version', 'name', 'blocks', 'links', 'groups'] },
    );
  })
  // fast-check builds records without a prototype; the design read back has plain ones.
  .map(plainCopy);

/** Run counts, reported by the brief's reviewer; the whole file stays within a few seconds. */
const runs = { arbitraryText: 2000, arbitraryValues: 500, roundTrip: 300, mutations: 500 };

describe('generated inputs', () => {
  it('never throws on arbitrary text, and a failure always has a problem on a line', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' })),
        fc.constantFrom('yaml', 'json'),
        (text, format) => {
          const result = parseDesignText(text, format);
          expectWellFormed(result, text);
        },
      ),
      { numRuns: runs.arbitraryText },
    );
  });

  it('never throws on arbitrary values written as YAML or JSON', () => {
    const values = fc.oneof(
      fc.jsonValue(),
      // Values shaped like a design, so that the conversion and the schema see something to work on.
      fc.record({
        format: fc.oneof(fc.constant('tessera.design'), fc.jsonValue()),
        version: fc.oneof(fc.constant(1), fc.jsonValue()),
        name: fc.jsonValue(),
        blocks: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.array(fc.jsonValue())),
        links: fc.array(
          fc.oneof(fc.record({ id: fc.string(), from: fc.string(), to: fc.jsonValue() }), fc.jsonValue()),
        ),
        groups: fc.jsonValue(),
      }),
    );
    fc.assert(
      fc.property(values, (value) => {
        const yaml = stringify(value);
        expectWellFormed(parseDesignText(yaml, 'yaml'), yaml);
        const json = JSON.stringify(value, null, 2);
        expectWellFormed(parseDesignText(json, 'json'), json);
      }),
      { numRuns: runs.arbitraryValues },
    );
  });

  it('reads every generated design back from its YAML and its JSON', () => {
    fc.assert(
      fc.property(designArbitrary, (generated) => {
        expect(parseDesignText(designToYaml(generated), 'yaml')).toStrictEqual({
          ok: true,
          design: generated,
        });
        // JSON has no -0 (JSON.stringify writes 0), so the JSON round trip is compared with what JSON can hold.
        const representable = JSON.parse(JSON.stringify(generated)) as DesignDocument;
        expect(parseDesignText(designToJson(generated), 'json')).toStrictEqual({
          ok: true,
          design: representable,
        });
      }),
      { numRuns: runs.roundTrip },
    );
  });

  it('never throws on a damaged design text, and places every problem on one of its lines', () => {
    const damage = fc.oneof(
      fc.record({ kind: fc.constant('delete line' as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant('change character' as const),
        at: fc.nat(),
        to: fc.string({ minLength: 1, maxLength: 1 }),
      }),
    );
    fc.assert(
      fc.property(designArbitrary, damage, fc.constantFrom('yaml', 'json'), (generated, change, format) => {
        const original = format === 'yaml' ? designToYaml(generated) : designToJson(generated);
        let damaged: string;
        if (change.kind === 'delete line') {
          const lines = original.split('\n');
          lines.splice(change.at % lines.length, 1);
          damaged = lines.join('\n');
        } else {
          const at = change.at % original.length;
          damaged = original.slice(0, at) + change.to + original.slice(at + 1);
        }
        expectWellFormed(parseDesignText(damaged, format), damaged);
      }),
      { numRuns: runs.mutations },
    );
  });
});

describe('designJsonSchema', () => {
  it('is a draft 2020-12 schema of the design document with an id and a title', () => {
    const schema = designJsonSchema();
    expect(schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://tessera.dev/schema/design-v1.json',
      title: 'Tessera design',
      type: 'object',
      properties: { blocks: { type: 'array' }, links: { type: 'array' }, groups: { type: 'array' } },
    });
    expect(schema.required).toEqual(
      expect.arrayContaining(['format', 'version', 'name', 'blocks', 'links', 'groups']),
    );
  });
});

describe('the workload section (issue 18)', () => {
  const workload: Workload = {
    ...defaultWorkload('llama-3-70b'),
    batch: 16,
    serving: { ...defaultServing(), traffic: { kind: 'poisson', ratePerSecond: 4 }, requests: 500 },
  };

  it('round-trips a design with its workload through YAML and JSON, and is last in the text', () => {
    const yaml = designToYaml(design, workload);
    expect(parseDesignText(yaml, 'yaml')).toStrictEqual({ ok: true, design, workload });
    expect(yaml.indexOf('\nworkload:\n')).toBeGreaterThan(yaml.indexOf('\nnotes:\n'));
    expect(yaml).toContain('\n  model: llama-3-70b\n');
    const json = designToJson(design, workload);
    expect(JSON.parse(json)).toStrictEqual({ ...design, workload });
    expect(parseDesignText(json, 'json')).toStrictEqual({ ok: true, design, workload });
  });

  it('leaves a text without a workload as it was, and reads it without one', () => {
    expect(designToYaml(design, undefined)).toBe(designToYaml(design));
    expect(designToJson(design)).toBe(`${JSON.stringify(design, null, 2)}\n`);
    expect(parseDesignText(designToYaml(design), 'yaml')).toStrictEqual({ ok: true, design });
  });

  it('places a bad workload field on its line, with its path under workload', () => {
    const yaml = designToYaml(design, workload).replace('ratePerSecond: 4', 'ratePerSecond: -4');
    expect(problemsOf(parseDesignText(yaml, 'yaml'))).toEqual([
      {
        line: lineOf(yaml, 'ratePerSecond'),
        column: expect.any(Number) as unknown,
        path: 'workload.serving.traffic.ratePerSecond',
        message: 'must be greater than zero',
      },
    ]);
    const json = designToJson(design, workload).replace('"ratePerSecond": 4', '"ratePerSecond": "fast"');
    expect(problemsOf(parseDesignText(json, 'json'))).toEqual([
      expect.objectContaining({
        line: lineOf(json, 'ratePerSecond'),
        path: 'workload.serving.traffic.ratePerSecond',
      }),
    ]);
  });

  it('reports design and workload problems together, in text order', () => {
    const yaml = designToYaml(design, workload)
      .replace('count: 132', 'count: -1')
      .replace('  model: llama-3-70b\n', '')
      .replace('  batch: 16\n', '  batch: 16\n  colour: blue\n');
    const problems = problemsOf(parseDesignText(yaml, 'yaml'));
    expect(problems.map((problem) => problem.path)).toEqual([
      'groups.sms.count',
      'workload.model',
      'workload.colour',
    ]);
    expect(problems[1]).toMatchObject({
      line: lineOf(yaml, 'workload:'),
      message: 'required but missing (expected string)',
    });
    expect(problems[2]).toMatchObject({ line: lineOf(yaml, 'colour'), message: 'unknown key "colour"' });
    expect(problemsOf(parseDesignText(`${designToYaml(design)}\nworkload: 3\n`, 'yaml'))).toEqual([
      expect.objectContaining({
        path: 'workload',
        message: expect.stringMatching(/^a workload is a mapping/) as unknown,
      }),
    ]);
  });

  it('reads a design with a 100,000-request trace, its columns one line each', () => {
    const rows = 100_000;
    const arrivalsSeconds = Array.from({ length: rows }, (_, index) => index / 7);
    const traced: Workload = {
      ...workload,
      serving: {
        ...defaultServing(),
        traffic: {
          kind: 'trace',
          name: 'burstgpt.csv',
          arrivalsSeconds,
          inputTokens: arrivalsSeconds.map((_, index) => 1 + (index % 3000)),
          outputTokens: arrivalsSeconds.map((_, index) => 1 + (index % 500)),
        },
        requests: rows,
      },
    };
    const yaml = designToYaml(design, traced);
    // Longer than a design text may be, were it not for the number lists read apart from the parser.
    expect(yaml.length).toBeGreaterThan(maxDesignTextLength.yaml);
    expect(yaml.split('\n').length).toBeLessThan(designToYaml(design).split('\n').length + 40);
    expect(parseDesignText(yaml, 'yaml')).toStrictEqual({ ok: true, design, workload: traced });
    expect(parseDesignText(designToJson(design, traced), 'json')).toStrictEqual({
      ok: true,
      design,
      workload: traced,
    });
  });

  it('lets the JSON Schema hold the workload', () => {
    const schema = designJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(schema.properties.workload).toMatchObject({ type: 'object' });
    expect(schema.required).not.toContain('workload');
  });
});
