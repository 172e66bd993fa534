/**
 * What a heat map costs over a large sweep: writes a grid of 200 × 150 × Z points (Z default 34: 1,020,000) the way
 * a running sweep does, then asks `sweeps.heatmap` for the best decode tokens/s per (x, y) pair three times. A
 * measurement, not a test: `npx tsx main/testing/sweep-heatmap-volume.ts [Z]` (docs/performance.md has the numbers).
 */
import { emptyDesign } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import { sweepFigureIds, type SweepFigureId } from '../../engine/sweep/figures';
import type { SweepRow } from '../../engine/sweep/row';
import type { SweepSpec } from '../../engine/sweep/spec';
import { ProjectStore } from '../store/project-store';
import { temporaryFolder } from './temp';

const [columns, rows, depth] = [200, 150, Math.max(2, Number(process.argv[2] ?? 34))];
const folder = await temporaryFolder();
const store = await ProjectStore.create(folder.file('heatmap.tessera'));
const design = await store.createDesign('Chip', emptyDesign('Chip'), null);
const steps = (path: string, count: number): SweepSpec['parameters'][number] => ({
  path,
  range: { from: 0, to: count - 1, steps: count, scale: 'linear', integer: true },
});
const spec: SweepSpec = {
  format: 'tessera.sweep',
  version: 1,
  name: 'Heat',
  parameters: [steps('a.x', columns), steps('a.y', rows), steps('a.z', depth)],
  strategy: { kind: 'grid' },
  constraints: [],
};
const total = columns * rows * depth;
const sweep = await store.createSweep(design.id, spec, defaultWorkload('llama-3-8b'), total);
let chunk: SweepRow[] = [];
let index = 0;
for (let x = 0; x < columns; x += 1)
  for (let y = 0; y < rows; y += 1)
    for (let z = 0; z < depth; z += 1) {
      const figures = Object.fromEntries(
        sweepFigureIds.map((figure) => [figure, (x * 7 + y * 3 + z * 13) % 101]),
      ) as Record<SweepFigureId, number>;
      chunk.push({ index, values: { 'a.x': x, 'a.y': y, 'a.z': z }, ok: true, feasible: true, figures });
      index += 1;
      if (chunk.length === 1000) {
        await store.addSweepPoints(sweep.id, chunk);
        chunk = [];
      }
    }
if (chunk.length > 0) await store.addSweepPoints(sweep.id, chunk);
for (let round = 0; round < 3; round += 1) {
  const started = performance.now();
  const map = await store.sweepHeatmap({
    sweepId: sweep.id,
    x: 'a.x',
    y: 'a.y',
    figure: 'decodeTokensPerSecond',
    goal: 'max',
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`heat map of ${total} points, ${map.cells.length} cells: ${seconds.toFixed(2)} s`);
}
await store.close();
await folder.remove();
