/**
 * The app's sweep end to end: `sweeps.start` through `dispatch` on a real project and a pool of 2 engine worker
 * processes (TypeScript sources through tsx), Llama-3-70B TP8 on the DGX H100 preset, N batch points (default
 * 50,000) evaluated, written to the project chunk by chunk and the front marked. A measurement, not a test:
 * `npx tsx main/testing/sweep-app-rate.ts [points]` (docs/performance.md has the numbers).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import type { Result, StoredDesign, SweepProgress, SweepSummary } from '../contract/api';
import { dispatch } from '../app/dispatch';
import { libraryRoot, testRuntime } from './fake-backend';
import { temporaryFolder } from './temp';

const points = Number(process.argv[2] ?? 50_000);
const runtime = await testRuntime({ poolSize: 2 });
const folder = await temporaryFolder();
await dispatch(runtime.backend, 'projects', 'create', [{ path: folder.file('rate.tessera') }]);
const preset = (
  JSON.parse(await readFile(join(libraryRoot, 'presets', 'nvidia-dgx-h100.json'), 'utf8')) as {
    design: DesignDocument;
  }
).design;
const workload = {
  ...defaultWorkload('llama-3-70b'),
  parallelism: { mode: 'manual' as const, tensor: 8, pipeline: 1, expert: 1 },
};
const created = (await dispatch(runtime.backend, 'designs', 'create', [
  { name: 'DGX H100', document: preset, workload },
])) as Result<StoredDesign>;
if (!created.ok) throw new Error(created.error.message);
let last: SweepProgress | undefined;
const finished = new Promise<void>((resolve) => {
  runtime.hub.subscribe((name, payload) => {
    if (name !== 'sweeps.onProgress') return;
    last = payload as SweepProgress;
    if (last.status !== 'running') resolve();
  });
});
const started = performance.now();
const sweep = (await dispatch(runtime.backend, 'sweeps', 'start', [
  {
    designId: created.value.id,
    workload,
    spec: {
      format: 'tessera.sweep',
      version: 1,
      name: 'Rate',
      parameters: [
        {
          path: 'workload.batch',
          range: { from: 1, to: points, steps: points, scale: 'linear', integer: true },
        },
      ],
      strategy: { kind: 'grid' },
      constraints: [],
    },
  },
])) as Result<SweepSummary>;
if (!sweep.ok) throw new Error(sweep.error.message);
await finished;
const seconds = (performance.now() - started) / 1000;
const evaluated = last?.evaluated ?? 0;
console.log(
  `${last?.status} ${evaluated} points (${last?.failed} failed) in ${seconds.toFixed(2)} s: ` +
    `${(evaluated / seconds).toFixed(0)} points/s end to end; main process peak RSS ` +
    `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
await runtime.close();
await folder.remove();
