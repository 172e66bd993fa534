/**
 * What a large sweep costs the project file: writes N points (default 1,000,000) in chunks of 1,000 the way a
 * running sweep does, then marks the front and runs the queries the app makes (a sorted page, a filtered count,
 * an even sample). Prints times, peak memory and the file's size. A measurement, not a test:
 * `npx tsx main/testing/sweep-store-volume.ts [points]` (docs/performance.md has the numbers).
 */
import { stat } from 'node:fs/promises';
import { emptyDesign } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import { ProjectStore } from '../store/project-store';
import { temporaryFolder } from './temp';

const total = Number(process.argv[2] ?? 1_000_000);
const chunk = 1000;
const folder = await temporaryFolder();
const path = folder.file('volume.tessera');
const store = await ProjectStore.create(path);
const design = await store.createDesign('Chip', emptyDesign('Chip'), null);
const sweep = await store.createSweep(
  design.id,
  {
    format: 'tessera.sweep',
    version: 1,
    name: 'Volume',
    parameters: [{ path: 'workload.batch', range: { from: 1, to: total, steps: total, scale: 'linear' } }],
    strategy: { kind: 'grid' },
    constraints: [],
  },
  defaultWorkload('llama-3-8b'),
  total,
);

const time = async <T>(label: string, body: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const result = await body();
  console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
};

await time(`write ${total} points in chunks of ${chunk}`, async () => {
  for (let start = 0; start < total; start += chunk) {
    const rows: SweepRow[] = [];
    for (let index = start; index < Math.min(total, start + chunk); index += 1) {
      const figures = {} as Record<SweepFigureId, number>;
      sweepFigureIds.forEach((figure, position) => {
        figures[figure] = Math.sin(index * (position + 1)) * 1000 + 1000;
      });
      rows.push({
        index,
        values: { 'workload.batch': index + 1 },
        ok: true,
        figures,
        feasible: index % 3 !== 0,
      });
    }
    await store.addSweepPoints(sweep.id, rows);
  }
});
console.log(`heap after writing: ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
await time('mark the front (2 objectives, SQL)', () =>
  store.markSweepFrontInSql(sweep.id, [
    { figure: 'decodeTokensPerSecond', goal: 'max' },
    { figure: 'energyJoulesPerToken', goal: 'min' },
  ]),
);
const front = await time('front page (only: front, 100)', () =>
  store.sweepPoints({ sweepId: sweep.id, limit: 100, only: 'front' }),
);
console.log(`points on the front: ${front.total}`);
await time('sorted page (decode tokens/s desc, 100 rows)', () =>
  store.sweepPoints({
    sweepId: sweep.id,
    limit: 100,
    sort: { key: 'decodeTokensPerSecond', direction: 'desc' },
  }),
);
await time('page 5,000 deep sorted by a parameter (workload.batch desc)', () =>
  store.sweepPoints({
    sweepId: sweep.id,
    limit: 100,
    offset: 5000,
    sort: { key: 'workload.batch', direction: 'desc' },
  }),
);
await time('filtered count (TPOT ≤ 1000, feasible)', () =>
  store.sweepPoints({
    sweepId: sweep.id,
    limit: 1,
    only: 'feasible',
    filters: [{ key: 'tpotSeconds', max: 1000 }],
  }),
);
await time('even sample of 2,000 feasible points', () =>
  store.sweepPoints({ sweepId: sweep.id, limit: 2000, only: 'feasible', sample: true }),
);
await store.close();
console.log(`file: ${((await stat(path)).size / 1e6).toFixed(0)} MB`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
await folder.remove();
