/**
 * Progress events of a running sweep are throttled by the clock (at most one per 250 ms, four a second), and a
 * change of status always gets one: with a clock that stands still, a sweep sends only its start and its end;
 * with one that moves 300 ms per reading, every chunk is reported.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import type { DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import type { SweepSpec } from '../../engine/sweep/spec';
import type { SweepProgress } from '../contract/api';
import { ProjectStore } from '../store/project-store';
import { libraryRoot, testRuntime } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import type { Runtime } from './runtime';
import { SweepService } from './sweeps';

let runtime: Runtime;
let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let store: ProjectStore;
let designId: string;
const workload = defaultWorkload(DEFAULT_MODEL_ID);
const spec: SweepSpec = {
  format: 'tessera.sweep',
  version: 1,
  name: 'Batches',
  parameters: [{ path: 'workload.batch', values: [1, 2, 3, 4, 5, 6] }],
  strategy: { kind: 'grid' },
  constraints: [],
};

beforeAll(async () => {
  runtime = await testRuntime();
  folder = await temporaryFolder();
  store = await ProjectStore.create(folder.file('progress.tessera'));
  const preset = (
    JSON.parse(await readFile(join(libraryRoot, 'presets', 'nvidia-h100-sxm.json'), 'utf8')) as {
      design: DesignDocument;
    }
  ).design;
  designId = (await store.createDesign('H100', preset, workload)).id;
}, 60_000);

afterAll(async () => {
  await store.close();
  await runtime.close();
  await folder.remove();
});

async function run(clock: () => number): Promise<SweepProgress[]> {
  const events: SweepProgress[] = [];
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const service = new SweepService({
    pool: runtime.pool,
    project: () => store,
    catalog: () => Promise.resolve(indexCatalog(runtime.catalog)),
    projectModel: () => Promise.resolve(undefined),
    author: () => 'test',
    chunkSize: 1,
    now: clock,
    emit: (progress) => {
      events.push(progress);
      if (progress.status !== 'running') finish();
    },
  });
  await service.start(designId, spec, workload);
  await finished;
  return events;
}

describe('sweep progress events', () => {
  it('sends only the start and the end while the clock stands still', async () => {
    const events = await run(() => 1000);
    expect(events.map((event) => [event.status, event.evaluated])).toEqual([
      ['running', 0],
      ['done', 6],
    ]);
  }, 60_000);

  it('reports every chunk when each reading is 300 ms after the last', async () => {
    let now = 0;
    const events = await run(() => (now += 300));
    expect(events.map((event) => [event.status, event.evaluated])).toEqual([
      ['running', 0],
      ...[1, 2, 3, 4, 5, 6].map((evaluated) => ['running', evaluated]),
      ['done', 6],
    ]);
  }, 60_000);
});
