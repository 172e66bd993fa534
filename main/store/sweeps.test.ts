/**
 * Sweeps in the project file: points written in chunks, each chunk with the sweep's counts in one transaction; a
 * point kept once; the front and pages as queries; and a writer killed mid-sweep leaves a file whose counts
 * match its points, with the sweep paused when the project is opened again.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyDesign } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import { paretoFront } from '../../engine/sweep/pareto';
import type { SweepObjective, SweepSpec } from '../../engine/sweep/spec';
import { repositoryRoot, tsxExecArgv } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { ProjectStore } from './project-store';
import { Connection } from './sqlite';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

const spec: SweepSpec = {
  format: 'tessera.sweep',
  version: 1,
  name: 'Batch',
  parameters: [{ path: 'workload.batch', values: [1, 2, 3, 4, 5, 6] }],
  strategy: { kind: 'grid' },
  constraints: [],
};

function row(index: number, figures: Partial<Record<SweepFigureId, number>> = {}, feasible = true): SweepRow {
  const all = Object.fromEntries(sweepFigureIds.map((figure) => [figure, figures[figure] ?? 1])) as Record<
    SweepFigureId,
    number
  >;
  return { index, values: { 'workload.batch': index + 1 }, ok: true, figures: all, feasible };
}

async function projectWithDesign(): Promise<{ store: ProjectStore; designId: string; path: string }> {
  const path = folder.file('sweeps.tessera');
  const store = await ProjectStore.create(path);
  const design = await store.createDesign('Chip', emptyDesign('Chip'), null);
  return { store, designId: design.id, path };
}

describe('a sweep kept in the project', () => {
  it('counts each point once, however often a chunk is written', async () => {
    const { store, designId } = await projectWithDesign();
    const sweep = await store.createSweep(designId, spec, defaultWorkload('llama-3-8b'), 6);
    await store.addSweepPoints(sweep.id, [row(0), row(1, {}, false), row(1)]);
    const again = await store.addSweepPoints(sweep.id, [
      row(1),
      row(2),
      { ...row(3), ok: false, error: 'no', feasible: false },
    ]);
    expect(again).toMatchObject({ evaluated: 4, failed: 1, feasible: 2 });
    expect([...(await store.sweepDoneIndices(sweep.id))]).toEqual([0, 1, 2, 3]);
    // The first row written for an index is the one kept.
    expect((await store.sweepPoint(sweep.id, 1)).feasible).toBe(false);
    await store.close();
  });

  it('keeps a figure that is not finite as unknown, and reads it back as NaN', async () => {
    const { store, designId } = await projectWithDesign();
    const sweep = await store.createSweep(designId, spec, defaultWorkload('llama-3-8b'), 6);
    await store.addSweepPoints(sweep.id, [row(0, { systemDollars: Number.NaN, ttftSeconds: 0.25 })]);
    const point = await store.sweepPoint(sweep.id, 0);
    expect(point.figures?.systemDollars).toBeNaN();
    expect(point.figures?.ttftSeconds).toBe(0.25);
    await store.close();
  });

  it('marks the front so that only: "front" and sorting are queries', async () => {
    const { store, designId } = await projectWithDesign();
    const sweep = await store.createSweep(designId, spec, defaultWorkload('llama-3-8b'), 6);
    await store.addSweepPoints(
      sweep.id,
      [5, 3, 8, 1, 7].map((speed, index) => row(index, { decodeTokensPerSecond: speed })),
    );
    await store.markSweepFront(sweep.id, [2, 4]);
    await store.markSweepFront(sweep.id, [2]);
    const front = await store.sweepPoints({ sweepId: sweep.id, limit: 10, only: 'front' });
    expect(front.rows.map((point) => point.index)).toEqual([2]);
    const fastest = await store.sweepPoints({
      sweepId: sweep.id,
      limit: 2,
      sort: { key: 'decodeTokensPerSecond', direction: 'desc' },
    });
    expect(fastest).toMatchObject({ total: 5 });
    expect(fastest.rows.map((point) => point.index)).toEqual([2, 4]);
    await store.close();
  });

  it('deletes a sweep with its points', async () => {
    const { store, designId } = await projectWithDesign();
    const sweep = await store.createSweep(designId, spec, defaultWorkload('llama-3-8b'), 6);
    await store.addSweepPoints(sweep.id, [row(0)]);
    await store.deleteSweep(sweep.id);
    expect(await store.listSweeps()).toEqual([]);
    await expect(store.sweepPoints({ sweepId: sweep.id, limit: 1 })).rejects.toMatchObject({
      code: 'not-found',
    });
    await store.close();
  });
});

describe('the front marked by a query', () => {
  /** A small linear congruential generator: the same points on every run. */
  function generator(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }

  it.each<[string, SweepObjective[]]>([
    [
      'two objectives, one up and one down',
      [
        { figure: 'decodeTokensPerSecond', goal: 'max' },
        { figure: 'energyJoulesPerToken', goal: 'min' },
      ],
    ],
    [
      'two objectives, both down',
      [
        { figure: 'tpotSeconds', goal: 'min' },
        { figure: 'energyJoulesPerToken', goal: 'min' },
      ],
    ],
    ['one objective', [{ figure: 'decodeTokensPerSecond', goal: 'max' }]],
  ])(
    'equals core’s front on generated points with ties, unknown figures and infeasible ones (%s)',
    async (_case, objectives) => {
      const { store, designId } = await projectWithDesign();
      const sweep = await store.createSweep(designId, spec, defaultWorkload('llama-3-8b'), 6);
      const random = generator(objectives.length * 7 + 1);
      // Few distinct values, so that ties (on one objective, and exact duplicates) are common.
      const rows = Array.from({ length: 400 }, (_, index) => {
        const figures: Partial<Record<SweepFigureId, number>> = {};
        // The objectives pull against each other (a faster point costs more energy), with a little noise.
        const [first, second] = objectives;
        const t = Math.floor(random() * 12);
        if (first) figures[first.figure] = t;
        if (second)
          figures[second.figure] = (first?.goal === second.goal ? 11 - t : t) + Math.floor(random() * 3);
        if (index % 37 === 0) figures[objectives[0]?.figure ?? 'fits'] = Number.NaN;
        return row(index, figures, random() > 0.1);
      });
      await store.addSweepPoints(sweep.id, rows);
      await store.markSweepFrontInSql(sweep.id, objectives);
      const marked = await store.sweepPoints({ sweepId: sweep.id, limit: 1000, only: 'front' });
      const expected = paretoFront(rows, objectives).map((point) => point.index);
      expect(expected.length).toBeGreaterThan(1);
      expect(marked.rows.map((point) => point.index)).toEqual(expected);
      await store.close();
    },
  );
});

describe('a writer killed mid-sweep', () => {
  it('leaves whole chunks, counts that match them, and a paused sweep that resumes after them', async () => {
    const { store, designId, path } = await projectWithDesign();
    await store.close();
    const chunk = 250;
    const writer = fork(
      join(repositoryRoot, 'main/testing/sweep-writer.ts'),
      [path, designId, String(chunk)],
      {
        execArgv: tsxExecArgv,
        stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      },
    );
    const sweepId = await new Promise<string>((resolve, reject) => {
      writer.stdout?.once('data', (data: Buffer) => resolve(data.toString().trim()));
      writer.once('exit', (code) => reject(new Error(`the writer ended first (${code})`)));
    });
    // Let it write a few chunks, then kill it as a crash would: no chance to finish a transaction or close.
    const watcher = await Connection.open(path, { readOnly: true });
    for (;;) {
      const counts = await watcher.get<{ evaluated: number; status: string }>(
        'SELECT evaluated, status FROM sweeps WHERE id = ?',
        [sweepId],
      );
      expect(counts?.status).toBe('running');
      if ((counts?.evaluated ?? 0) >= chunk * 3) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await watcher.close();
    const ended = new Promise((resolve) => writer.once('exit', resolve));
    writer.kill('SIGKILL');
    await ended;

    const reopened = await ProjectStore.open(path);
    const summary = await reopened.getSweepSummary(sweepId);
    expect(summary.status).toBe('paused');
    const done = await reopened.sweepDoneIndices(sweepId);
    expect(done.size).toBe(summary.evaluated);
    expect(summary.evaluated % chunk).toBe(0);
    expect([...done]).toEqual([...Array(summary.evaluated).keys()]);
    expect(summary.feasible).toBe(summary.evaluated / 2);
    await reopened.close();
  }, 60_000);
});
