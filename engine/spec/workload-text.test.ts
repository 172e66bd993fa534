import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultServing } from '../schema/serving';
import { defaultWorkload, type Workload } from '../schema/workload';
import { minLiftedItems, readSourceText } from './number-lists';
import { readYamlSource } from './yaml-source';
import type { SourceNode } from './source-tree';
import {
  readWorkloadText,
  writeWorkloadText,
  type ParsedWorkloadText,
  type SpecProblem,
} from './workload-text';

/** A served 70B workload: several fields away from the defaults, two tenants, an SLO and a scheduler. */
const served: Workload = {
  ...defaultWorkload('llama-3-70b'),
  batch: 16,
  inputTokens: 2048,
  outputTokens: 256,
  weights: 'fp8-e4m3',
  parallelism: { mode: 'manual', tensor: 4, pipeline: 2, expert: 1 },
  memoryPolicy: {
    weights: { placement: 'auto' },
    kv: { placement: 'stream' },
    kvBlockTokens: 16,
    prefetch: true,
  },
  serving: {
    ...defaultServing(),
    traffic: { kind: 'gamma', ratePerSecond: 4.5, cv: 2 },
    input: { kind: 'lognormal', mean: 1800, cv: 0.6, max: 8192 },
    output: { kind: 'uniform', min: 64, max: 512 },
    requests: 20_000,
    seed: 7,
    tenants: [
      {
        id: 'chat',
        model: 'llama-3-8b',
        traffic: { kind: 'poisson', ratePerSecond: 10 },
        slo: { ttftSeconds: 0.5, attainment: 0.99 },
        partition: { kind: 'share', compute: 0.25, memory: 0.5 },
      },
      { id: 'batch', model: 'llama-3-70b', traffic: { kind: 'closed', users: 32, thinkSeconds: 2.5 } },
    ],
    sharing: { mode: 'dynamic', intervalSeconds: 1, reallocationSeconds: 0.05 },
  },
};

/** A trace workload with `rows` requests, arrival times with many digits. */
function traced(rows: number): Workload {
  const arrivalsSeconds = Array.from({ length: rows }, (_, index) => index * 0.137 + (index % 7) / 3);
  arrivalsSeconds.sort((first, second) => first - second);
  return {
    ...defaultWorkload('llama-3-8b'),
    serving: {
      ...defaultServing(),
      traffic: {
        kind: 'trace',
        name: 'azure-code.csv',
        arrivalsSeconds,
        inputTokens: arrivalsSeconds.map((_, index) => 100 + ((index * 37) % 4000)),
        outputTokens: arrivalsSeconds.map((_, index) => 1 + ((index * 11) % 700)),
      },
      input: { kind: 'trace' },
      output: { kind: 'trace' },
      requests: rows,
    },
  };
}

function problemsOf(result: ParsedWorkloadText): SpecProblem[] {
  if (result.ok) throw new Error('expected problems, the text was read');
  return result.problems;
}

function lineOf(text: string, fragment: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(fragment));
  if (index === -1) throw new Error(`no line contains ${fragment}`);
  return index + 1;
}

describe('writeWorkloadText and readWorkloadText', () => {
  it('round-trips a served workload exactly, and writing what was read gives the same text', () => {
    const text = writeWorkloadText(served);
    expect(readWorkloadText(text)).toStrictEqual({ ok: true, workload: served });
    const read = readWorkloadText(text);
    if (!read.ok) throw new Error('not read');
    expect(writeWorkloadText(read.workload)).toBe(text);
  });

  it('writes a readable YAML document: a header, fields in the schema order, small mappings on one line', () => {
    const text = writeWorkloadText(served);
    const lines = text.split('\n');
    expect(lines[0]).toBe('# Tessera workload — llama-3-70b');
    expect(lines.slice(2, 5)).toEqual(['format: tessera.workload', 'version: 1', 'model: llama-3-70b']);
    expect(text).toContain('  traffic: { kind: gamma, ratePerSecond: 4.5, cv: 2 }\n');
    expect(text).toContain('  slo: { ttftSeconds: 1, tpotSeconds: 0.1, attainment: 0.99 }\n');
    expect(text).toContain('  scheduler:\n    policy: fcfs\n');
  });

  it('writes fields in the same order whatever order they were set in', () => {
    const shuffled = Object.fromEntries(Object.entries(served).reverse()) as Workload;
    expect(writeWorkloadText(shuffled)).toBe(writeWorkloadText(served));
  });

  it('reads the same workload from JSON, by content or when told', () => {
    const json = JSON.stringify(served, null, 2);
    expect(readWorkloadText(json)).toStrictEqual({ ok: true, workload: served });
    expect(readWorkloadText(json, 'json')).toStrictEqual({ ok: true, workload: served });
    // A YAML flow mapping also starts with "{": it is read as YAML when it is not JSON.
    const flow = readWorkloadText('{ format: tessera.workload, version: 1 }');
    expect(flow.ok ? [] : flow.problems.map((problem) => problem.path)).toContain('model');
  });

  it('writes a trace of 2,000 requests with each column on one line, and reads it back exactly', () => {
    const workload = traced(2000);
    const text = writeWorkloadText(workload);
    expect(text.split('\n').length).toBeLessThan(40);
    // Matched, not printed on failure: the line is 40,000 characters long.
    expect(/^ {4}arrivalsSeconds: \[ 0, 0\.4703333333333333, 0\.9406666666666667, /m.test(text)).toBe(true);
    expect(readWorkloadText(text)).toStrictEqual({ ok: true, workload });
  });

  it('reads back any arrival times exactly, long lists and short', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const arrivalsSeconds = values.map((value) => (Object.is(value, -0) ? 0 : value));
          const workload: Workload = {
            ...defaultWorkload('llama-3-8b'),
            serving: {
              ...defaultServing(),
              traffic: {
                kind: 'trace',
                name: 'trace.jsonl',
                arrivalsSeconds,
                inputTokens: arrivalsSeconds.map(() => 10),
                outputTokens: arrivalsSeconds.map(() => 3),
              },
            },
          };
          expect(readWorkloadText(writeWorkloadText(workload))).toStrictEqual({ ok: true, workload });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes the lists through the YAML writer when a text in the workload holds a placeholder', () => {
    const workload = traced(100);
    if (workload.serving?.traffic.kind !== 'trace') throw new Error('not a trace');
    workload.serving.traffic.name = 'tessera-number-list-0-end';
    expect(readWorkloadText(writeWorkloadText(workload))).toStrictEqual({ ok: true, workload });
  });
});

describe('readWorkloadText problems', () => {
  it('places a bad rate on its own line, with the path in the text', () => {
    const text = writeWorkloadText({
      ...served,
      serving: { ...defaultServing(), traffic: { kind: 'poisson', ratePerSecond: 2 } },
    }).replace('ratePerSecond: 2', 'ratePerSecond: -2');
    expect(problemsOf(readWorkloadText(text))).toEqual([
      {
        line: lineOf(text, 'ratePerSecond'),
        column: expect.any(Number) as unknown,
        path: 'serving.traffic.ratePerSecond',
        message: 'must be greater than zero',
      },
    ]);
  });

  it('places an unknown key on its line and a missing one on its parent', () => {
    const text = [
      'format: tessera.workload',
      'version: 1',
      'model: llama-3-8b',
      'batch: 1',
      'inputTokens: 512',
      'outputTokens: 128',
      'weights: bf16',
      'activations: bf16',
      'kv: bf16',
      'weightSparsity: none',
      'parallelism: { mode: auto }',
      'unitPolicy: fastest',
      'serving:',
      '  traffic: { kind: poisson, ratePerSecond: 1 }',
      '  requests: 100',
      '  seed: 1',
      '  colour: blue',
    ].join('\n');
    const problems = problemsOf(readWorkloadText(text));
    expect(problems).toEqual([
      {
        line: lineOf(text, 'serving:'),
        column: 1,
        path: 'serving.scheduler',
        message: expect.stringContaining('required but missing') as unknown,
      },
      { line: lineOf(text, 'colour'), column: 3, path: 'serving.colour', message: 'unknown key "colour"' },
    ]);
  });

  it('says once that a text is not a workload, instead of listing every field it lacks', () => {
    expect(problemsOf(readWorkloadText('format: tessera.design\nversion: 1\nname: x\n'))).toEqual([
      {
        line: 1,
        column: 1,
        path: 'format',
        message: 'must be "tessera.workload" (found the text "tessera.design")',
      },
    ]);
    expect(problemsOf(readWorkloadText('- 1\n- 2\n'))[0]?.message).toMatch(/^a workload is a mapping/);
    expect(problemsOf(readWorkloadText(''))[0]).toMatchObject({ line: 1 });
  });

  it('places a bad value inside a long list on the list, with its index in the path', () => {
    const workload = traced(300);
    const text = writeWorkloadText(workload).replace(/outputTokens: \[ 1, /, 'outputTokens: [ 0, ');
    expect(problemsOf(readWorkloadText(text))).toEqual([
      {
        line: lineOf(text, 'outputTokens: ['),
        column: 5,
        path: 'serving.traffic.outputTokens[0]',
        message: 'must be at least 1',
      },
    ]);
  });

  it('gives syntax errors their line, in YAML and JSON', () => {
    expect(problemsOf(readWorkloadText('format: tessera.workload\nmodel: [unclosed\n'))[0]).toMatchObject({
      line: 2,
      path: '(syntax)',
    });
    expect(
      problemsOf(readWorkloadText('{\n  "format": "tessera.workload",\n  "model": 1,,\n}'))[0],
    ).toMatchObject({
      line: 3,
      path: '(syntax)',
    });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const result = readWorkloadText(text);
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

/** A source tree as plain data, long lists and short alike. */
function plain(node: SourceNode): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.kind === 'numbers') return node.values;
  if (node.kind === 'seq') return node.items.map(plain);
  return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
}

describe('long number lists read apart from the parser', () => {
  const yamlNumbers = fc.oneof(
    fc.integer({ min: -1e9, max: 1e9 }).map(String),
    fc.double({ min: -1e12, max: 1e12, noNaN: true }).map((value) => String(value)),
    fc.constantFrom('+3', '.5', '-.25', '1.', '1e3', '2E-4', '-0', '007'),
  );

  it('give the values the YAML parser gives', () => {
    fc.assert(
      fc.property(
        fc.array(yamlNumbers, { minLength: minLiftedItems, maxLength: minLiftedItems * 2 }),
        fc.constantFrom(', ', ',', ' ,\n    '),
        (items, separator) => {
          const text = `a:\n  list: [${items.join(separator)}]\n  b: 1\n`;
          const fast = readSourceText(text, 'yaml', 1e6, 'a test');
          const slow = readYamlSource(text);
          expect(fast.problems).toEqual(slow.problems);
          expect(plain(fast.root as SourceNode)).toStrictEqual(plain(slow.root as SourceNode));
          expect(
            (fast.root as { entries: { value: { entries: { value: SourceNode }[] } }[] }).entries[0]?.value
              .entries[0]?.value.kind,
          ).toBe('numbers');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('leave a list inside quoted text, a comment or under an anchor to the parser', () => {
    const numbers = Array.from({ length: minLiftedItems }, (_, index) => index).join(', ');
    for (const text of [
      `name: "[${numbers}]"\n`,
      `# [${numbers}]\nname: x\n`,
      `a: &list [${numbers}]\nb: *list\n`,
      `name: |\n  [${numbers}]\n`,
    ]) {
      const fast = readSourceText(text, 'yaml', 1e6, 'a test');
      const slow = readYamlSource(text);
      expect(plain(fast.root as SourceNode)).toStrictEqual(plain(slow.root as SourceNode));
    }
  });

  it('count only the rest of the text against the limit', () => {
    const numbers = Array.from({ length: 10_000 }, (_, index) => index).join(', ');
    const text = `list: [${numbers}]\n`;
    expect(readSourceText(text, 'yaml', 1000, 'a test').root).toBeDefined();
    expect(
      readSourceText(`${text}name: ${'x'.repeat(2000)}\n`, 'yaml', 1000, 'a test').problems[0]?.message,
    ).toMatch(/too long for a test \(\d+ characters besides its long number lists; the limit is 1000\)/);
  });
});
