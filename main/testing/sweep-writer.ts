/**
 * A process that keeps writing a sweep's points into a project, chunk after chunk, until it is killed: the store
 * test kills it mid-sweep (SIGKILL, as a crash would) and checks what the file holds. Arguments: the project's
 * path, the design id, the points per chunk. It prints the sweep's id once the sweep exists.
 */
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import { defaultWorkload } from '../../engine/schema/workload';
import type { SweepRow } from '../../engine/sweep/row';
import { ProjectStore } from '../store/project-store';

const [path = '', designId = '', chunkText = '10'] = process.argv.slice(2);
const chunk = Number(chunkText);
const store = await ProjectStore.open(path);
const sweep = await store.createSweep(
  designId,
  {
    format: 'tessera.sweep',
    version: 1,
    name: 'Interrupted',
    parameters: [
      { path: 'workload.batch', range: { from: 1, to: 1_000_000, steps: 1_000_000, scale: 'linear' } },
    ],
    strategy: { kind: 'grid' },
    constraints: [],
  },
  defaultWorkload('llama-3-8b'),
  1_000_000,
);
process.stdout.write(`${sweep.id}\n`);
const figures = Object.fromEntries(sweepFigureIds.map((figure) => [figure, 1])) as Record<
  SweepFigureId,
  number
>;
for (let start = 0; ; start += chunk) {
  const rows: SweepRow[] = Array.from({ length: chunk }, (_, offset) => ({
    index: start + offset,
    values: { 'workload.batch': start + offset + 1 },
    ok: true,
    figures,
    feasible: (start + offset) % 2 === 0,
  }));
  await store.addSweepPoints(sweep.id, rows);
}
