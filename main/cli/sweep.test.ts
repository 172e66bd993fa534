/**
 * `tessera sweep` and `tessera sweep merge` through the CLI function, with real files in a temporary folder:
 * shards merged in any order give exactly (byte for byte) what one unsharded run writes; `--pareto` writes the
 * front a brute-force dominance test finds; Parquet read back holds the CSV's rows; a bad spec names its path and
 * line, exits 2 and leaves no file.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepFigureIds } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepObjective } from '../../engine/sweep/spec';
import { loadTestCatalog } from '../files/test-support';
import { EnginePool } from '../services/engine-pool';
import { sourceProcess } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { csvHeader, csvLine, openRowWriter } from './sweep-output';
import { tesseraWith } from './test-support';

// One pool of two engine processes (started from the sources) for every sweep of this file, as `--workers 2`.
const catalog = await loadTestCatalog();
const pool = new EnginePool({ createProcess: () => sourceProcess(catalog.catalog), size: 2 });
afterAll(async () => {
  await pool.close();
});
const tessera = (...argv: string[]) => tesseraWith({ sweep: { pool, workers: 2 } }, ...argv);

let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

/**
 * A grid of 6 batches × 4 prompt lengths on the H100 (24 points): a bigger batch gives more tokens/s and a
 * longer TTFT, so tokens/s up and TTFT down have a front of several points; the TPOT bound leaves some out.
 */
const gridSpec = `format: tessera.sweep
version: 1
name: H100 batch and prompt
design: preset:nvidia-h100-sxm
workload: { model: llama-3-8b }
parameters:
  - path: workload.batch
    values: [1, 4, 16, 64, 256, 1024]
  - path: workload.inputTokens
    range: { from: 128, to: 8192, steps: 4, scale: log, integer: true }
constraints:
  - { figure: tpotSeconds, max: 0.05 }
objectives:
  - { figure: decodeTokensPerSecond, goal: max }
  - { figure: ttftSeconds, goal: min }
`;

/** 23 random points over a batch range and a list of output lengths (a prime count, so shards are uneven). */
const randomSpec = `format: tessera.sweep
version: 1
name: random
design: preset:nvidia-h100-sxm
parameters:
  - path: workload.batch
    distribution: { kind: log-uniform, min: 1, max: 512, integer: true }
  - path: workload.outputTokens
    distribution: { kind: choice, values: [64, 256, 1024] }
strategy: { kind: random, samples: 23, seed: 7 }
`;

async function sweep(...args: string[]): Promise<void> {
  const result = await tessera('sweep', ...args);
  expect(result.err).not.toContain('tessera:');
  expect(result.code).toBe(0);
}

async function specFile(name: string, text: string): Promise<string> {
  const path = folder.file(name);
  await writeFile(path, text, 'utf8');
  return path;
}

function readJsonl(text: string): SweepRow[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SweepRow);
}

describe('tessera sweep --shard and sweep merge', () => {
  it.each([
    ['grid', gridSpec],
    ['random', randomSpec],
  ])(
    'shards 1, 3 and 7 of a %s sweep merge into what the unsharded run writes, in any order',
    async (_, text) => {
      const spec = await specFile('sweep.yaml', text);
      await sweep('--spec', spec, '--out', folder.file('all.csv'));
      await sweep('--spec', spec, '--out', folder.file('all.jsonl'));
      const csv = await readFile(folder.file('all.csv'), 'utf8');
      const jsonl = await readFile(folder.file('all.jsonl'), 'utf8');
      const total = readJsonl(jsonl).length;
      expect(total).toBeGreaterThan(20);
      expect(readJsonl(jsonl).map((row) => row.index)).toEqual([...Array(total).keys()]);

      for (const count of [1, 3, 7]) {
        const parts: string[] = [];
        for (let index = 1; index <= count; index += 1) {
          const part = folder.file(`part-${count}-${index}.jsonl`);
          await sweep('--spec', spec, '--out', part, '--shard', `${index}/${count}`);
          // Disjoint and interleaved: shard I holds the points whose index mod N is I - 1.
          const rows = readJsonl(await readFile(part, 'utf8'));
          expect(rows.every((row) => row.index % count === index - 1)).toBe(true);
          parts.push(part);
        }
        // Reversed and rotated orders: the merge does not depend on the order of its files.
        for (const order of [parts, [...parts].reverse(), [...parts.slice(1), ...parts.slice(0, 1)]]) {
          const merged = folder.file(`merged-${count}.csv`);
          const mergedJsonl = folder.file(`merged-${count}.jsonl`);
          expect((await tessera('sweep', 'merge', ...order, '--out', merged)).code).toBe(0);
          expect((await tessera('sweep', 'merge', ...order, '--out', mergedJsonl)).code).toBe(0);
          expect(await readFile(merged, 'utf8')).toBe(csv);
          expect(await readFile(mergedJsonl, 'utf8')).toBe(jsonl);
        }
      }
    },
  );

  it('accepts a shard named twice, refuses a point with two different rows, and writes nothing then', async () => {
    const spec = await specFile('sweep.yaml', gridSpec);
    const a = folder.file('a.jsonl');
    await sweep('--spec', spec, '--out', a, '--shard', '1/2');
    await sweep('--spec', spec, '--out', folder.file('b.jsonl'), '--shard', '2/2');
    expect(
      (await tessera('sweep', 'merge', a, a, folder.file('b.jsonl'), '--out', folder.file('ok.csv'))).code,
    ).toBe(0);

    const rows = readJsonl(await readFile(a, 'utf8'));
    const changed = rows.map((row, position) =>
      position === 1 ? { ...row, figures: { ...row.figures, ttftSeconds: 99 } } : row,
    );
    const tampered = folder.file('tampered.jsonl');
    await writeFile(tampered, changed.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
    const out = folder.file('bad.csv');
    const result = await tessera('sweep', 'merge', a, tampered, '--out', out);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`point ${String(rows[1]?.index)}`);
    expect(result.err).toContain('different content');
    expect(await readdir(folder.path)).not.toContain('bad.csv');
    expect((await readdir(folder.path)).some((name) => name.includes('partial'))).toBe(false);
  });

  it('says which line of a shard file is not a row', async () => {
    const broken = folder.file('broken.jsonl');
    await writeFile(broken, '{"index":0,"values":{},"ok":true,"feasible":true}\nnot json\n', 'utf8');
    const result = await tessera('sweep', 'merge', broken, '--out', folder.file('x.csv'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('broken.jsonl line 2 is not JSON');
    expect(existsSync(folder.file('x.csv'))).toBe(false);
  });
});

/** The rows no feasible row dominates, by the definition: no worse on every objective, better on one. */
function bruteForceFront(rows: SweepRow[], objectives: SweepObjective[]): number[] {
  const feasible = rows.filter((row) => row.ok && row.feasible);
  const value = (row: SweepRow, figure: SweepObjective['figure']) => row.figures?.[figure] ?? Number.NaN;
  const beats = (a: SweepRow, b: SweepRow) =>
    objectives.every(({ figure, goal }) =>
      goal === 'max' ? value(a, figure) >= value(b, figure) : value(a, figure) <= value(b, figure),
    ) && objectives.some(({ figure }) => value(a, figure) !== value(b, figure));
  return feasible.filter((row) => !feasible.some((other) => beats(other, row))).map((row) => row.index);
}

describe('tessera sweep on the pool and in this process', () => {
  it('writes the same bytes with --workers 0 (in this process) as on the engine pool', async () => {
    const spec = await specFile('sweep.yaml', gridSpec);
    await sweep('--spec', spec, '--out', folder.file('pool.jsonl'));
    await sweep('--spec', spec, '--out', folder.file('here.jsonl'), '--workers', '0');
    expect(await readFile(folder.file('here.jsonl'), 'utf8')).toBe(
      await readFile(folder.file('pool.jsonl'), 'utf8'),
    );
  });

  it('runs an NSGA-II search whole (population × generations rows, by index), and refuses to shard it', async () => {
    const spec = await specFile(
      'nsga2.yaml',
      gridSpec
        .replace(
          'values: [1, 4, 16, 64, 256, 1024]',
          'range: { from: 1, to: 1024, scale: log, integer: true }',
        )
        .replace(
          'range: { from: 128, to: 8192, steps: 4, scale: log, integer: true }',
          'range: { from: 128, to: 8192 }',
        ) + 'strategy: { kind: nsga2, population: 8, generations: 3, seed: 5 }\n',
    );
    await sweep('--spec', spec, '--out', folder.file('search.jsonl'));
    const rows = readJsonl(await readFile(folder.file('search.jsonl'), 'utf8'));
    expect(rows.map((row) => row.index)).toEqual([...Array(8 * 3).keys()]);
    // Seeded: the same search again writes the same rows.
    await sweep('--spec', spec, '--out', folder.file('again.jsonl'), '--workers', '0');
    expect(await readFile(folder.file('again.jsonl'), 'utf8')).toBe(
      await readFile(folder.file('search.jsonl'), 'utf8'),
    );
    const sharded = await tessera(
      'sweep',
      '--spec',
      spec,
      '--out',
      folder.file('part.jsonl'),
      '--shard',
      '1/2',
    );
    expect(sharded.code).toBe(2);
    expect(sharded.err).toContain('shards');
    expect(existsSync(folder.file('part.jsonl'))).toBe(false);
  });
});

describe('tessera sweep --pareto', () => {
  it('writes the front a brute-force dominance test finds, also when merging shards', async () => {
    const spec = await specFile('sweep.yaml', gridSpec);
    await sweep('--spec', spec, '--out', folder.file('all.jsonl'));
    const rows = readJsonl(await readFile(folder.file('all.jsonl'), 'utf8'));
    expect(rows.some((row) => !row.feasible)).toBe(true);
    const expected = bruteForceFront(rows, [
      { figure: 'decodeTokensPerSecond', goal: 'max' },
      { figure: 'ttftSeconds', goal: 'min' },
    ]);
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(rows.filter((row) => row.feasible).length);

    await sweep('--spec', spec, '--out', folder.file('front.jsonl'), '--pareto');
    const front = await readFile(folder.file('front.jsonl'), 'utf8');
    expect(readJsonl(front).map((row) => row.index)).toEqual(expected);
    // The front's rows are the full run's rows.
    const all = await readFile(folder.file('all.jsonl'), 'utf8');
    for (const line of front.split('\n').filter(Boolean)) expect(all).toContain(line);

    for (let index = 1; index <= 3; index += 1)
      await sweep('--spec', spec, '--out', folder.file(`part-${index}.jsonl`), '--shard', `${index}/3`);
    const parts = [1, 2, 3].map((index) => folder.file(`part-${index}.jsonl`));
    const merged = folder.file('merged-front.jsonl');
    expect(
      (await tessera('sweep', 'merge', ...parts, '--out', merged, '--pareto', '--spec', spec)).code,
    ).toBe(0);
    expect(await readFile(merged, 'utf8')).toBe(front);
  });
});

describe('tessera sweep --out x.parquet', () => {
  it('holds the same rows as the CSV', async () => {
    const spec = await specFile('sweep.yaml', gridSpec);
    await sweep('--spec', spec, '--out', folder.file('all.csv'));
    await sweep('--spec', spec, '--out', folder.file('all.parquet'));
    const records = await parquetReadObjects({ file: await asyncBufferFromFile(folder.file('all.parquet')) });
    const paths = ['workload.batch', 'workload.inputTokens'];
    const fromParquet = records.map((record) =>
      csvLine(
        {
          index: Number(record.index),
          values: Object.fromEntries(paths.map((path) => [path, record[path] as number])),
          ok: record.ok as boolean,
          feasible: record.feasible as boolean,
          ...(record.error === null ? {} : { error: record.error as string }),
          figures: Object.fromEntries(
            sweepFigureIds.map((id) => [id, (record[id] as number | null) ?? Number.NaN]),
          ) as SweepRow['figures'],
          ...(record.violations === null ? {} : { violations: [record.violations as string] }),
        },
        paths,
      ),
    );
    expect(csvHeader(paths) + fromParquet.join('')).toBe(await readFile(folder.file('all.csv'), 'utf8'));
  });

  it('writes row groups as they fill, and reads back whole', async () => {
    const path = folder.file('groups.parquet');
    const writer = await openRowWriter(path, 'parquet', ['a.b'], { rowGroupRows: 7 });
    const rows: SweepRow[] = Array.from({ length: 30 }, (_, index) => ({
      index,
      values: { 'a.b': index * 1.5 },
      ok: index % 5 !== 0,
      feasible: index % 3 === 0,
      ...(index % 5 === 0 ? { error: `point ${index} failed` } : {}),
    }));
    for (let start = 0; start < rows.length; start += 4) await writer.write(rows.slice(start, start + 4));
    await writer.close();
    const { parquetMetadataAsync } = await import('hyparquet');
    const file = await asyncBufferFromFile(path);
    expect((await parquetMetadataAsync(file)).row_groups.length).toBe(Math.ceil(30 / 7));
    const records = await parquetReadObjects({ file });
    expect(
      records.map((record): unknown[] => [Number(record.index), record['a.b'], record.ok, record.error]),
    ).toEqual(rows.map((row) => [row.index, row.values['a.b'], row.ok, row.error ?? null]));
  });
});

describe("the spec's design", () => {
  it('is read from beside the spec, and --design overrides it', async () => {
    const { besideSpec } = await import('./sweep');
    expect(besideSpec('preset:nvidia-h100-sxm', '/jobs/sweep.yaml')).toBe('preset:nvidia-h100-sxm');
    expect(besideSpec('lab.tessera#My H100 / v2', '/jobs/sweep.yaml')).toBe('/jobs/lab.tessera#My H100 / v2');
    expect(besideSpec('designs/chip.yaml', '/jobs/sweep.yaml')).toBe('/jobs/designs/chip.yaml');
    expect(besideSpec('/abs/chip.json', '/jobs/sweep.yaml')).toBe('/abs/chip.json');

    const project = folder.file('lab.tessera');
    expect((await tessera('new', project, '--preset', 'nvidia-h100-sxm')).code).toBe(0);
    const spec = await specFile(
      'sweep.yaml',
      gridSpec.replace('design: preset:nvidia-h100-sxm', 'design: "lab.tessera#NVIDIA H100 SXM 80GB"'),
    );
    await sweep('--spec', spec, '--out', folder.file('project.csv'));
    await sweep('--spec', spec, '--out', folder.file('preset.csv'), '--design', 'preset:nvidia-h100-sxm');
    expect(await readFile(folder.file('project.csv'), 'utf8')).toBe(
      await readFile(folder.file('preset.csv'), 'utf8'),
    );
  });
});

describe('tessera sweep with a bad spec', () => {
  it('names the path and line, exits 2 and writes nothing', async () => {
    const spec = await specFile(
      'bad.yaml',
      gridSpec.replace(
        'values: [1, 4, 16, 64, 256, 1024]',
        'values: [1, 4]\n    range: { from: 1, to: 8, steps: 2 }',
      ),
    );
    const out = folder.file('out.csv');
    const result = await tessera('sweep', '--spec', spec, '--out', out);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/line \d+: parameters\[0\]/);
    expect(await readdir(folder.path)).toEqual(['bad.yaml']);
  });

  it('names a parameter the design does not have, exits 2 and writes nothing', async () => {
    const spec = await specFile(
      'bad.yaml',
      gridSpec.replace('workload.inputTokens', 'no-such-block.bandwidth'),
    );
    const result = await tessera('sweep', '--spec', spec, '--out', folder.file('out.jsonl'));
    expect(result.code).toBe(2);
    expect(result.err).toContain('parameters[1].path');
    expect(await readdir(folder.path)).toEqual(['bad.yaml']);
  });

  it('refuses an output format it does not know and a shard that does not exist', async () => {
    const spec = await specFile('sweep.yaml', gridSpec);
    const xlsx = await tessera('sweep', '--spec', spec, '--out', folder.file('out.xlsx'));
    expect(xlsx.code).toBe(2);
    expect(xlsx.err).toContain('.csv, .jsonl, .parquet');
    const shard = await tessera('sweep', '--spec', spec, '--out', folder.file('out.csv'), '--shard', '4/3');
    expect(shard.code).toBe(2);
    expect(shard.err).toContain('--shard');
    expect(await readdir(folder.path)).toEqual(['sweep.yaml']);
  });
});
