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
import { heatmap } from './sweeps';

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

describe('the heat map computed by a query', () => {
  const heatSpec: SweepSpec = {
    ...spec,
    name: 'Heat',
    parameters: [
      { path: 'chip.clock', values: [4, 1, 3, 2] },
      { path: 'chip.format', values: ['int4', 'fp8', 'bf16'] },
      { path: 'workload.batch', values: [8, 16, 32] },
    ],
  };
  const clocks = [4, 1, 3, 2];
  const formats = ['int4', 'fp8', 'bf16'];
  const batches = [8, 16, 32];

  /** Every point of the grid, with few distinct figure values (ties), some failed, infeasible or unknown. */
  function heatRows(): SweepRow[] {
    let state = 11;
    const next = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const rows: SweepRow[] = [];
    for (const clock of clocks)
      for (const format of formats)
        for (const batch of batches) {
          const index = rows.length;
          const values = { 'chip.clock': clock, 'chip.format': format, 'workload.batch': batch };
          const speed = index % 11 === 5 ? Number.NaN : Math.floor(next() * 4);
          const base = row(index, { decodeTokensPerSecond: speed }, next() > 0.3);
          rows.push(
            index % 13 === 7
              ? { index, values, ok: false, feasible: false, error: 'did not fit' }
              : { ...base, values },
          );
        }
    return rows;
  }

  it.each<['min' | 'max', 'all' | 'feasible']>([
    ['max', 'all'],
    ['min', 'all'],
    ['max', 'feasible'],
  ])(
    'holds per pair the best figure over the other parameters and its point, as brute force finds (%s, %s)',
    async (goal, only) => {
      const { store, designId } = await projectWithDesign();
      const sweep = await store.createSweep(designId, heatSpec, defaultWorkload('llama-3-8b'), 36);
      await store.addSweepPoints(sweep.id, heatRows());
      const map = await store.sweepHeatmap({
        sweepId: sweep.id,
        x: 'chip.clock',
        y: 'chip.format',
        figure: 'decodeTokensPerSecond',
        goal,
        only,
      });
      // Brute force over the kept rows, in index order: a strictly better value wins, so ties keep the lowest index.
      const kept = (await store.sweepPoints({ sweepId: sweep.id, limit: 100 })).rows;
      const best = new Map<string, { value: number; index: number }>();
      for (const point of kept) {
        const value = point.figures?.decodeTokensPerSecond;
        if (!point.ok || (only === 'feasible' && !point.feasible)) continue;
        if (value === undefined || !Number.isFinite(value)) continue;
        const key = `${String(point.values['chip.clock'])}|${String(point.values['chip.format'])}`;
        const seen = best.get(key);
        if (!seen || (goal === 'min' ? value < seen.value : value > seen.value))
          best.set(key, { value, index: point.index });
      }
      expect(map.xValues).toEqual([...clocks].sort((a, b) => a - b));
      expect(map.yValues).toEqual([...formats].sort());
      const cells = map.cells.map((cell) => ({
        key: `${String(map.xValues[cell.x])}|${String(map.yValues[cell.y])}`,
        value: cell.value,
        index: cell.index,
      }));
      expect(cells.map((cell) => cell.key).sort()).toEqual([...best.keys()].sort());
      for (const cell of cells) expect(cell).toMatchObject(best.get(cell.key) ?? {});
      // By row, then column.
      expect(map.cells).toEqual([...map.cells].sort((a, b) => a.y - b.y || a.x - b.x));
      await store.close();
    },
  );

  it('refuses more cells than its bound with a message, and axes that are not swept', async () => {
    const { store, designId, path } = await projectWithDesign();
    const sweep = await store.createSweep(designId, heatSpec, defaultWorkload('llama-3-8b'), 36);
    await store.addSweepPoints(
      sweep.id,
      heatRows().map((point) => ({ ...point, ok: true, figures: row(0).figures })),
    );
    const query = {
      sweepId: sweep.id,
      x: 'chip.clock',
      y: 'chip.format',
      figure: 'ttftSeconds',
      goal: 'min',
    } as const;
    const reader = await Connection.open(path, { readOnly: true });
    // 4 × 3 cells.
    expect((await heatmap(reader, query, 12)).cells).toHaveLength(12);
    await expect(heatmap(reader, query, 11)).rejects.toThrow(/more than 11 cells/);
    await reader.close();
    await expect(store.sweepHeatmap({ ...query, y: 'chip.area' })).rejects.toThrow(
      /"chip.area" is not a parameter of sweep "Heat"/,
    );
    await store.close();
  });
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
