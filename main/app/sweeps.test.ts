/**
 * Sweeps through `dispatch`, as the renderer calls them: real project files, real engine worker processes. A
 * sweep starts, reports progress, keeps its points in the project; pause and resume finish with exactly the
 * grid's points; cancel stops it; reopening the project shows it; a point opens as a design whose history says
 * where it came from; bad payloads are refused naming the field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import type {
  ExportedFile,
  Result,
  StoredDesign,
  StoredSweep,
  SweepHeatmap,
  SweepPointsPage,
  SweepProgress,
  SweepSensitivity,
  SweepSummary,
  VersionSummary,
} from '../contract/api';
import { ProjectStore } from '../store/project-store';
import { libraryRoot, testRuntime } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { dispatch } from './dispatch';
import type { Runtime } from './runtime';

let runtime: Runtime;
let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let designId: string;
const workload = defaultWorkload(DEFAULT_MODEL_ID);
const progress: SweepProgress[] = [];

const bandwidths = ['2 TB/s', '3 TB/s', '4 TB/s'];
const batches = [1, 8];

function gridSpec(name: string, batchValues: number[] = batches): SweepSpec {
  return {
    format: 'tessera.sweep',
    version: 1,
    name,
    parameters: [
      { path: 'hbm.bandwidthBytesPerSecond', values: bandwidths },
      { path: 'workload.batch', values: batchValues },
    ],
    strategy: { kind: 'grid' },
    constraints: [],
    objectives: [
      { figure: 'decodeTokensPerSecond', goal: 'max' },
      { figure: 'energyJoulesPerToken', goal: 'min' },
    ],
  };
}

async function call<T>(method: string, request: unknown): Promise<T> {
  const result = (await dispatch(runtime.backend, 'sweeps', method, [request])) as Result<T>;
  if (!result.ok) throw new Error(`sweeps.${method}: ${result.error.message}`);
  return result.value;
}

/** Resolves with the first progress event of this sweep that satisfies `done`. */
function progressUntil(sweepId: string, done: (event: SweepProgress) => boolean): Promise<SweepProgress> {
  return new Promise((resolve) => {
    const unsubscribe = runtime.hub.subscribe((name, payload) => {
      const event = payload as SweepProgress;
      if (name === 'sweeps.onProgress' && event.id === sweepId && done(event)) {
        unsubscribe();
        resolve(event);
      }
    });
  });
}

const finished = (event: SweepProgress): boolean => event.status !== 'running';

async function allPoints(sweepId: string): Promise<SweepRow[]> {
  return (await call<SweepPointsPage>('points', { sweepId, limit: 10_000 })).rows;
}

beforeAll(async () => {
  runtime = await testRuntime({ sweepChunkSize: 2 });
  folder = await temporaryFolder();
  runtime.hub.subscribe((name, payload) => {
    if (name === 'sweeps.onProgress') progress.push(payload as SweepProgress);
  });
  const preset = (
    JSON.parse(await readFile(join(libraryRoot, 'presets', 'nvidia-h100-sxm.json'), 'utf8')) as {
      design: DesignDocument;
    }
  ).design;
  expect(
    (await dispatch(runtime.backend, 'projects', 'create', [{ path: folder.file('sweeps.tessera') }])).ok,
  ).toBe(true);
  const created = (await dispatch(runtime.backend, 'designs', 'create', [
    { name: 'H100', document: preset, workload },
  ])) as Result<StoredDesign>;
  if (!created.ok) throw new Error(created.error.message);
  designId = created.value.id;
}, 60_000);

afterAll(async () => {
  await runtime.close();
  await folder.remove();
});

describe('a grid sweep through dispatch', () => {
  let sweep: SweepSummary;
  let rows: SweepRow[];

  beforeAll(async () => {
    sweep = await call<SweepSummary>('start', { designId, spec: gridSpec('Bandwidth by batch'), workload });
    await progressUntil(sweep.id, finished);
    rows = await allPoints(sweep.id);
  }, 120_000);

  it('starts on the design’s revision, sends progress and ends done with every point kept', async () => {
    expect(sweep).toMatchObject({ name: 'Bandwidth by batch', designId, designRevision: 1, total: 6 });
    const events = progress.filter((event) => event.id === sweep.id);
    expect(events.at(-1)).toMatchObject({ status: 'done', evaluated: 6, total: 6, etaSeconds: null });
    // Counts only grow, and every event belongs to a sweep that was running until the last.
    const counts = events.map((event) => event.evaluated);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(await call<SweepSummary[]>('list', { designId })).toEqual([
      expect.objectContaining({ id: sweep.id, status: 'done', evaluated: 6, failed: 0 }),
    ]);
    const stored = await call<StoredSweep>('get', { sweepId: sweep.id });
    expect(stored.spec.parameters.map((parameter) => parameter.path)).toEqual([
      'hbm.bandwidthBytesPerSecond',
      'workload.batch',
    ]);
    expect(stored.workload).toEqual(workload);
  });

  it('keeps each point of the grid once, with its values and figures', () => {
    expect(rows.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const expected = bandwidths.flatMap((bandwidth) => batches.map((batch) => ({ bandwidth, batch })));
    expect(rows.map((row) => row.values)).toEqual(
      expected.map(({ bandwidth, batch }) => ({
        'hbm.bandwidthBytesPerSecond': bandwidth,
        'workload.batch': batch,
      })),
    );
    for (const row of rows) {
      expect(row.ok).toBe(true);
      expect(row.figures?.decodeTokensPerSecond).toBeGreaterThan(0);
    }
    // More bandwidth never slows decode at the same batch.
    for (const batch of batches) {
      const speeds = rows
        .filter((row) => row.values['workload.batch'] === batch)
        .map((row) => row.figures?.decodeTokensPerSecond ?? 0);
      expect(speeds).toEqual([...speeds].sort((a, b) => a - b));
    }
  });

  it('answers the front as a query: exactly the feasible points no other point dominates', async () => {
    const front = (await call<SweepPointsPage>('points', { sweepId: sweep.id, limit: 100, only: 'front' }))
      .rows;
    const costs = (row: SweepRow): number[] => [
      -(row.figures?.decodeTokensPerSecond ?? 0),
      row.figures?.energyJoulesPerToken ?? 0,
    ];
    const dominated = (row: SweepRow): boolean =>
      rows.some((other) => {
        const [a, b] = [costs(other), costs(row)];
        return a.every((value, i) => value <= (b[i] ?? 0)) && a.some((value, i) => value < (b[i] ?? 0));
      });
    expect(front.map((row) => row.index)).toEqual(
      rows.filter((row) => !dominated(row)).map((row) => row.index),
    );
    expect(front.length).toBeGreaterThan(0);
  });

  it('sorts and filters by figures and parameters, pages, and samples evenly', async () => {
    const sorted = (
      await call<SweepPointsPage>('points', {
        sweepId: sweep.id,
        limit: 10,
        sort: { key: 'decodeTokensPerSecond', direction: 'desc' },
      })
    ).rows.map((row) => row.figures?.decodeTokensPerSecond ?? 0);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));
    const filtered = await call<SweepPointsPage>('points', {
      sweepId: sweep.id,
      limit: 10,
      filters: [{ key: 'workload.batch', min: 8 }],
    });
    expect(filtered.total).toBe(3);
    expect(filtered.rows.every((row) => row.values['workload.batch'] === 8)).toBe(true);
    const page = await call<SweepPointsPage>('points', { sweepId: sweep.id, limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 6 });
    expect(page.rows.map((row) => row.index)).toEqual([2, 3]);
    const sample = await call<SweepPointsPage>('points', { sweepId: sweep.id, limit: 3, sample: true });
    expect(sample.rows.map((row) => row.index)).toEqual([0, 2, 4]);
    const unknown = await dispatch(runtime.backend, 'sweeps', 'points', [
      { sweepId: sweep.id, limit: 10, sort: { key: 'sm.nope', direction: 'asc' } },
    ]);
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining('"sm.nope"') as string },
    });
  });

  it('opens a point as a new design whose history names the sweep, the point and its values', async () => {
    const opened = await call<StoredDesign>('openPoint', { sweepId: sweep.id, index: 5 });
    expect(opened.name).toBe('H100 — Bandwidth by batch #5');
    expect(opened.document.blocks.find((block) => block.id === 'hbm')?.params).toMatchObject({
      bandwidthBytesPerSecond: 4e12,
    });
    expect(opened.workload?.batch).toBe(8);
    const versions = (await dispatch(runtime.backend, 'designs', 'versions', [{ id: opened.id }])) as Result<
      VersionSummary[]
    >;
    expect(versions).toMatchObject({
      ok: true,
      value: [
        {
          kind: 'sweep',
          summary:
            "From sweep 'Bandwidth by batch', point 5: hbm.bandwidthBytesPerSecond = 4 TB/s, workload.batch = 8",
        },
      ],
    });
  });

  it('varies every parameter ±10 % around a point', async () => {
    const bars = await call<SweepSensitivity[]>('sensitivity', { sweepId: sweep.id, index: 3 });
    expect(bars.map((bar) => [bar.parameter, bar.base, bar.low, bar.high])).toEqual([
      // A quantity typed with its unit moves in that unit.
      ['hbm.bandwidthBytesPerSecond', '3 TB/s', '2.7 TB/s', '3.3 TB/s'],
      ['workload.batch', 8, 7, 9],
    ]);
    const point = rows[3];
    const batch = bars[1]?.figures.decodeTokensPerSecond;
    expect(batch?.base).toBe(point?.figures?.decodeTokensPerSecond);
    expect(batch?.low).toBeLessThan(batch?.high ?? 0);
  }, 60_000);

  it('exports every point as CSV and JSON Lines, and the report as HTML', async () => {
    const csv = await call<ExportedFile>('export', { sweepId: sweep.id, format: 'csv' });
    const lines = csv.content.trimEnd().split('\r\n');
    expect(lines).toHaveLength(7);
    expect(lines[0]?.startsWith('index,hbm.bandwidthBytesPerSecond,workload.batch,ok,feasible,')).toBe(true);
    expect(lines[6]?.startsWith('5,4 TB/s,8,true,true,')).toBe(true);
    const jsonl = await call<ExportedFile>('export', { sweepId: sweep.id, format: 'jsonl' });
    const parsed = jsonl.content
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as SweepRow);
    expect(parsed.map((row) => row.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(parsed[2]?.figures?.decodeTokensPerSecond).toBe(rows[2]?.figures?.decodeTokensPerSecond);
    const html = await call<ExportedFile>('export', { sweepId: sweep.id, format: 'html' });
    expect(html.fileName).toBe('Bandwidth-by-batch.sweep.html');
    expect(html.content).toContain('<svg');
    expect(html.content).toContain('revision 1');
    const front = (await call<SweepPointsPage>('points', { sweepId: sweep.id, limit: 100, only: 'front' }))
      .rows;
    for (const row of front) {
      expect(html.content).toContain(`id="point-${row.index}"`);
      expect(html.content).toContain(`H100 — Bandwidth by batch #${row.index}`);
    }
  });
});

describe('a heat map through dispatch', () => {
  let sweep: SweepSummary;
  let rows: SweepRow[];
  const spec = gridSpec('Heat', [1, 2, 4, 8]);

  beforeAll(async () => {
    sweep = await call<SweepSummary>('start', { designId, spec, workload });
    await progressUntil(sweep.id, finished);
    rows = await allPoints(sweep.id);
  }, 120_000);

  /** The best value per (bandwidth, batch) pair and the lowest index that has it, by looking at every row. */
  function bruteForce(goal: 'min' | 'max', figure: 'energyJoulesPerToken' | 'decodeTokensPerSecond') {
    const best = new Map<string, { value: number; index: number }>();
    // In index order, only a strictly better value replaces the one seen: ties keep the lowest index.
    for (const row of [...rows].sort((a, b) => a.index - b.index)) {
      const value = row.figures?.[figure];
      if (!row.ok || value === undefined || !Number.isFinite(value)) continue;
      const key = `${String(row.values['hbm.bandwidthBytesPerSecond'])}|${String(row.values['workload.batch'])}`;
      const seen = best.get(key);
      if (!seen || (goal === 'min' ? value < seen.value : value > seen.value))
        best.set(key, { value, index: row.index });
    }
    return best;
  }

  it('holds the best figure of each pair of values over every point, and the point that has it', async () => {
    for (const [figure, goal] of [
      ['energyJoulesPerToken', 'min'],
      ['decodeTokensPerSecond', 'max'],
    ] as const) {
      const map = await call<SweepHeatmap>('heatmap', {
        sweepId: sweep.id,
        x: 'workload.batch',
        y: 'hbm.bandwidthBytesPerSecond',
        figure,
        goal,
      });
      expect(map.xValues).toEqual([1, 2, 4, 8]);
      // Text values, alphabetically.
      expect(map.yValues).toEqual([...bandwidths].sort());
      const expected = bruteForce(goal, figure);
      expect(map.cells).toHaveLength(expected.size);
      for (const cell of map.cells) {
        const key = `${String(map.yValues[cell.y])}|${String(map.xValues[cell.x])}`;
        expect(cell).toMatchObject({ value: expected.get(key)?.value, index: expected.get(key)?.index });
      }
    }
  });

  it('over one parameter, takes the best over the other', async () => {
    const map = await call<SweepHeatmap>('heatmap', {
      sweepId: sweep.id,
      x: 'workload.batch',
      figure: 'energyJoulesPerToken',
      goal: 'min',
      only: 'feasible',
    });
    expect(map.yValues).toEqual(['']);
    const energies = (batch: number) =>
      rows
        .filter((row) => row.feasible && row.values['workload.batch'] === batch)
        .map((row) => row.figures?.energyJoulesPerToken ?? Number.NaN);
    expect(map.cells.map((cell) => cell.value)).toEqual(
      map.xValues.map((batch) => Math.min(...energies(batch as number))),
    );
  });

  it('refuses an axis that is not a swept parameter, and a figure that is not one, naming them', async () => {
    const axis = await dispatch(runtime.backend, 'sweeps', 'heatmap', [
      { sweepId: sweep.id, x: 'hbm.capacityBytes', figure: 'ttftSeconds', goal: 'min' },
    ]);
    expect(axis).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(JSON.stringify(axis)).toContain('hbm.capacityBytes');
    const figure = await dispatch(runtime.backend, 'sweeps', 'heatmap', [
      { sweepId: sweep.id, x: 'workload.batch', figure: 'speed', goal: 'min' },
    ]);
    expect(figure).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(JSON.stringify(figure)).toContain('figure');
  });
});

describe('stopping and going on', () => {
  it('pauses and resumes to exactly the grid’s points, none twice', async () => {
    const spec = gridSpec('Pause and resume', [1, 2, 4, 8]);
    const sweep = await call<SweepSummary>('start', { designId, spec, workload });
    const paused = await call<SweepSummary>('pause', { sweepId: sweep.id });
    expect(paused.status).toBe('paused');
    expect(paused.evaluated).toBeLessThan(12);
    expect((await allPoints(sweep.id)).length).toBe(paused.evaluated);
    const resumed = await call<SweepSummary>('resume', { sweepId: sweep.id });
    expect(resumed.status).toBe('running');
    const last = await progressUntil(sweep.id, finished);
    expect(last).toMatchObject({ status: 'done', evaluated: 12, failed: 0 });
    expect((await allPoints(sweep.id)).map((row) => row.index)).toEqual([...Array(12).keys()]);
  }, 120_000);

  it('runs an NSGA-II search on the pool, and resumes it from its seed keeping each point once', async () => {
    const spec: SweepSpec = {
      ...gridSpec('Search'),
      parameters: [
        { path: 'hbm.bandwidthBytesPerSecond', range: { from: 2e12, to: 4e12, scale: 'linear' } },
        { path: 'workload.batch', range: { from: 1, to: 16, scale: 'linear', integer: true } },
      ],
      strategy: {
        kind: 'nsga2',
        population: 4,
        generations: 3,
        seed: 7,
        crossoverProbability: 0.9,
      },
    };
    const sweep = await call<SweepSummary>('start', { designId, spec, workload });
    expect(sweep.total).toBe(12);
    const paused = await call<SweepSummary>('pause', { sweepId: sweep.id });
    const kept = await allPoints(sweep.id);
    expect(kept).toHaveLength(paused.evaluated);
    await call<SweepSummary>('resume', { sweepId: sweep.id });
    expect(await progressUntil(sweep.id, finished)).toMatchObject({ status: 'done', evaluated: 12 });
    const rows = await allPoints(sweep.id);
    expect(rows.map((row) => row.index)).toEqual([...Array(12).keys()]);
    // The points kept before the pause are those the search made again.
    expect(rows.slice(0, kept.length)).toEqual(kept);
  }, 120_000);

  it('stays running for this window when another program opens the project meanwhile', async () => {
    const sweep = await call<SweepSummary>('start', {
      designId,
      spec: gridSpec('Watched', [1, 2, 4, 8]),
      workload,
    });
    const ended = progressUntil(sweep.id, finished);
    // Another program (a second window, the command line) opens the file: it pauses sweeps it finds running.
    const other = await ProjectStore.open(folder.file('sweeps.tessera'));
    const seen = await other.getSweepSummary(sweep.id);
    await other.close();
    const here = await call<SweepSummary>('get', { sweepId: sweep.id });
    // Unless it has ended since, this window still calls it running.
    if (seen.status === 'paused') expect(['running', 'done']).toContain(here.status);
    expect(await ended).toMatchObject({ status: 'done', evaluated: 12 });
    expect(await call<SweepSummary>('get', { sweepId: sweep.id })).toMatchObject({ status: 'done' });
  }, 60_000);

  it('cancels: the sweep ends with the points it has', async () => {
    const sweep = await call<SweepSummary>('start', {
      designId,
      spec: gridSpec('Cancelled', [1, 2, 4, 8]),
      workload,
    });
    const cancelled = await call<SweepSummary>('cancel', { sweepId: sweep.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.evaluated).toBeLessThan(12);
    expect((await allPoints(sweep.id)).length).toBe(cancelled.evaluated);
  }, 60_000);

  it('cancels and resumes to exactly the grid’s points, none twice; a done sweep does not resume', async () => {
    const sweep = await call<SweepSummary>('start', {
      designId,
      spec: gridSpec('Cancel and resume', [1, 2, 4, 8]),
      workload,
    });
    const cancelled = await call<SweepSummary>('cancel', { sweepId: sweep.id });
    expect(cancelled.status).toBe('cancelled');
    const kept = await allPoints(sweep.id);
    expect(kept).toHaveLength(cancelled.evaluated);
    const resumed = await call<SweepSummary>('resume', { sweepId: sweep.id });
    expect(resumed.status).toBe('running');
    expect(await progressUntil(sweep.id, finished)).toMatchObject({
      status: 'done',
      evaluated: 12,
      failed: 0,
    });
    const rows = await allPoints(sweep.id);
    expect(rows.map((row) => row.index)).toEqual([...Array(12).keys()]);
    // The points kept before the cancel stay as they were.
    expect(rows.filter((row) => kept.some((before) => before.index === row.index))).toEqual(kept);
    const again = await dispatch(runtime.backend, 'sweeps', 'resume', [{ sweepId: sweep.id }]);
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
  }, 120_000);

  it('reopening the project shows its sweeps with their points', async () => {
    const sweeps = await call<SweepSummary[]>('list', {});
    const path = folder.file('sweeps.tessera');
    expect((await dispatch(runtime.backend, 'projects', 'open', [{ path }])).ok).toBe(true);
    expect(await call<SweepSummary[]>('list', {})).toEqual(sweeps);
    const [newest] = sweeps;
    if (!newest) throw new Error('the project has sweeps');
    expect((await allPoints(newest.id)).length).toBe(newest.evaluated);
  });

  it('deletes a sweep with its points', async () => {
    const [newest] = await call<SweepSummary[]>('list', {});
    if (!newest) throw new Error('the project has sweeps');
    await call('delete', { sweepId: newest.id });
    const gone = await dispatch(runtime.backend, 'sweeps', 'get', [{ sweepId: newest.id }]);
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});

describe('bad sweep requests are refused, naming the field', () => {
  it.each([
    ['a page over 10,000 points', 'points', { sweepId: 's-1', limit: 20_000 }, 'request.limit'],
    [
      'more than 32 filters',
      'points',
      { sweepId: 's-1', limit: 1, filters: Array.from({ length: 33 }, () => ({ key: 'index' })) },
      'request.filters',
    ],
    [
      'a key over 200 characters',
      'points',
      { sweepId: 's-1', limit: 1, sort: { key: 'x'.repeat(201), direction: 'asc' } },
      'request.sort.key',
    ],
    [
      'a spec without a name',
      'start',
      { designId: 'd-1', spec: { ...gridSpec('x'), name: undefined }, workload },
      'request.spec.name',
    ],
    [
      'linked parameters of different lengths',
      'start',
      {
        designId: 'd-1',
        spec: {
          ...gridSpec('x'),
          parameters: [
            { path: 'hbm.bandwidthBytesPerSecond', values: bandwidths, link: 'together' },
            { path: 'workload.batch', values: batches, link: 'together' },
          ],
        },
        workload,
      },
      'request.spec',
    ],
    ['an unknown export format', 'export', { sweepId: 's-1', format: 'pdf' }, 'request.format'],
    ['a negative point', 'openPoint', { sweepId: 's-1', index: -1 }, 'request.index'],
  ])('refuses %s', async (_case, method, request, field) => {
    const result = await dispatch(runtime.backend, 'sweeps', method, [request]);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining(field) as string },
    });
  });

  it('refuses a parameter the design does not have, with its path, and keeps nothing', async () => {
    const before = await call<SweepSummary[]>('list', {});
    const spec: SweepSpec = {
      ...gridSpec('Bad path'),
      parameters: [{ path: 'hbmx.bandwidthBytesPerSecond', values: [1e12] }],
    };
    const result = await dispatch(runtime.backend, 'sweeps', 'start', [{ designId, spec, workload }]);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-payload',
        message: expect.stringContaining('"hbmx.bandwidthBytesPerSecond"') as string,
      },
    });
    expect(await call<SweepSummary[]>('list', {})).toEqual(before);
  });
});
