import schemaJson from '../../docs/sweep.schema.json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readSweepSpec, sweepJsonSchema, writeSweepSpec } from './read';
import { specOf } from './testing';

const header = 'format: tessera.sweep\nversion: 1\nname: HBM and batch\n';

/** The problems of a text that must not read, as "line: path: message". */
function problemsOf(text: string): string[] {
  const result = readSweepSpec(text);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((problem) => `${problem.line ?? '?'}: ${problem.path}: ${problem.message}`);
}

describe('readSweepSpec', () => {
  it('reads a YAML sweep and fills in the defaults', () => {
    const result = readSweepSpec(
      `${header}parameters:\n  - path: hbm.bandwidthBytesPerSecond\n    values: ["2 TB/s", "3.35 TB/s", 4e12]\n  - path: workload.batch\n    range: { from: 1, to: 64, steps: 7, scale: log, integer: true }\n`,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.parameters[0]?.values).toEqual(['2 TB/s', '3.35 TB/s', 4e12]);
    expect(result.value.strategy).toEqual({ kind: 'grid' });
    expect(result.value.constraints).toEqual([]);
  });

  it('reads the same sweep written as JSON', () => {
    const spec = specOf({
      parameters: [{ path: 'workload.batch', values: [1, 2, 4] }],
      strategy: { kind: 'random', samples: 10, seed: 3 },
    });
    const result = readSweepSpec(JSON.stringify(spec, null, 2));
    expect(result).toEqual({ ok: true, value: spec });
  });

  it('places schema problems on their lines: an unknown key, a wrong type, a missing field', () => {
    const problems = problemsOf(
      `${header}parameters:\n  - path: workload.batch\n    valeus: [1, 2]\n    values: [1, 2]\n  - path: hbm.rows\n    values: yes\nstrategy: { kind: random }\n`,
    );
    expect(problems).toEqual([
      '6: parameters[0].valeus: unknown key "valeus"',
      '9: parameters[1].values: Invalid input: expected array, received string',
      '10: strategy.samples: required but missing (expected number)',
    ]);
  });

  it('says when a parameter gives both values and a range, or neither', () => {
    const problems = problemsOf(
      `${header}parameters:\n  - path: workload.batch\n    values: [1]\n    range: { from: 1, to: 4, steps: 4 }\n  - path: hbm.rows\n`,
    );
    expect(problems).toEqual([
      '5: parameters[0]: give exactly one of "values", "range" or "distribution", not "values" and "range"',
      '8: parameters[1]: give the values to sweep: "values" (a list), "range" or "distribution"',
    ]);
  });

  it('asks a grid for lists or stepped ranges, and ranges for a direction and positive log ends', () => {
    const problems = problemsOf(
      `${header}parameters:\n  - path: a.x\n    range: { from: 1, to: 4 }\n  - path: b.x\n    distribution: { kind: uniform, min: 0, max: 1 }\n  - path: c.x\n    range: { from: 4, to: 1, steps: 3 }\n  - path: d.x\n    range: { from: 0, to: 10, steps: 3, scale: log }\n`,
    );
    expect(problems).toEqual([
      '6: parameters[0].range: a grid needs "steps": how many points along the range',
      '8: parameters[1].distribution: a grid takes a list of values or a range with steps; a distribution needs a sampling strategy',
      '10: parameters[2].range: "from" (4) must be below "to" (1)',
      '12: parameters[3].range.from: a log range needs positive ends',
    ]);
  });

  it('asks linked parameters for the same number of values', () => {
    const problems = problemsOf(
      `${header}parameters:\n  - path: sram.capacityBytes\n    values: [1, 2, 3]\n    link: tile\n  - path: tiles.count\n    range: { from: 1, to: 4, steps: 4 }\n    link: tile\n`,
    );
    expect(problems).toEqual([
      '8: parameters[1]: linked with parameters[0] by "tile", so it needs 3 values like it, not 4',
    ]);
  });

  it('finds repeated paths, unbounded constraints, repeated objectives and mismatched weights', () => {
    const problems = problemsOf(
      `${header}parameters:\n  - path: a.x\n    values: [1]\n  - path: a.x\n    distribution: { kind: choice, values: [1, 2], weights: [1] }\nstrategy: { kind: random, samples: 4 }\nconstraints:\n  - { figure: tpotSeconds }\nobjectives:\n  - { figure: ttftSeconds, goal: min }\n  - { figure: ttftSeconds, goal: max }\n`,
    );
    expect(problems).toEqual([
      '7: parameters[1].path: "a.x" is already swept by parameters[0]',
      '8: parameters[1].distribution.weights: 1 weights for 2 values; give one weight per value',
      '11: constraints[0]: a constraint needs "min", "max" or both',
      '14: objectives[1].figure: "ttftSeconds" is already an objective (objectives[0])',
    ]);
  });

  it('refuses an integer range whose steps would repeat values', () => {
    expect(
      problemsOf(
        `${header}parameters:\n  - path: w.batch\n    range: { from: 1, to: 3, steps: 5, integer: true }\n`,
      ),
    ).toEqual([
      '6: parameters[0].range.steps: 5 whole-number steps from 1 to 3 repeat values; use fewer steps',
    ]);
  });

  it('lists at most 100 problems and says how many more there are', () => {
    const values = Array.from({ length: 250 }, () => 'null').join(', ');
    const problems = problemsOf(`${header}parameters:\n  - path: w.batch\n    values: [${values}]\n`);
    expect(problems.length).toBe(101);
    expect(problems.at(-1)).toMatch(/150 more problems from here on are not shown$/);
  });

  it('reports syntax errors and never throws on junk', () => {
    expect(problemsOf('parameters: [\n')[0]).toMatch(/^1: \(syntax\)/);
    for (const junk of ['', '42', '- a\n- b', '{', 'null', '\u0000', '{"format": 1}']) {
      expect(readSweepSpec(junk).ok).toBe(false);
    }
  });
});

describe('writeSweepSpec', () => {
  const specs = [
    specOf({
      description: 'HBM bandwidth against batch',
      design: 'preset:nvidia-dgx-h100',
      workload: { model: 'llama-3-70b', parallelism: { tensor: 8 } },
      parameters: [
        { path: 'hbm.bandwidthBytesPerSecond', label: 'HBM', values: ['2 TB/s', 3.35e12, 'yes', '1e3'] },
        { path: 'workload.batch', range: { from: 1, to: 256, steps: 9, scale: 'log', integer: true } },
      ],
      constraints: [
        { figure: 'tpotSeconds', max: 0.05 },
        { figure: 'fits', min: 1 },
      ],
      objectives: [{ figure: 'decodeTokensPerSecond', goal: 'max' }],
    }),
    specOf({
      parameters: [
        { path: 'a.x', distribution: { kind: 'normal', mean: 1.5, stddev: 0.1, min: 1 } },
        {
          path: 'b.y',
          distribution: { kind: 'choice', values: ['llama-3-8b', 'llama-3-70b'], weights: [3, 1] },
        },
        { path: 'c.z', range: { from: 0.1, to: 0.30000000000000004, scale: 'linear' }, link: 'pair' },
        { path: 'd.w', distribution: { kind: 'log-uniform', min: 1e-9, max: 2 }, link: 'pair' },
      ],
      strategy: { kind: 'nsga2', population: 8, generations: 3, seed: 9, crossoverProbability: 0.8 },
    }),
  ];

  it('writes YAML that reads back to the same document', () => {
    for (const spec of specs) expect(readSweepSpec(writeSweepSpec(spec))).toEqual({ ok: true, value: spec });
  });

  it('keeps a list of values on one line', () => {
    expect(writeSweepSpec(specs[0]!)).toContain('values: [ 2 TB/s, 3350000000000, yes, "1e3" ]');
  });
});

describe('reading and writing, on generated input', () => {
  it('writes any values, labels and names so that they read back the same', () => {
    const text = fc.string({ maxLength: 30, unit: 'grapheme' });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true })), {
          minLength: 1,
          maxLength: 6,
        }),
        text,
        text,
        (values, name, label) => {
          const spec = specOf({ name, parameters: [{ path: 'p.x', label, values }] });
          expect(readSweepSpec(writeSweepSpec(spec))).toEqual({ ok: true, value: spec });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on any text or any JSON value, and says where the problems are', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
        ),
        (input) => {
          const result = readSweepSpec(input);
          if (!result.ok) {
            expect(result.problems.length).toBeGreaterThan(0);
            for (const problem of result.problems) expect(problem.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('docs/sweep.schema.json', () => {
  it('is the schema generated from the sweep document', () => {
    // To update it: npx tsx -e "import('./engine/sweep/read.ts').then((m) => process.stdout.write(JSON.stringify(m.sweepJsonSchema(), null, 2) + '\n'))" > docs/sweep.schema.json
    expect(schemaJson).toEqual(sweepJsonSchema());
  });
});
