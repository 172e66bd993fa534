import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Catalog } from '../../engine/catalog';
import { designDelta } from '../../engine/design-delta';
import { emptyDesign, type DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import { libraryRoot, sourceProcess } from '../testing/fake-backend';
import { EnginePool, HELD_DESIGNS, type EngineProcess, type JobDesign } from './engine-pool';
import { forkEngineProcess } from './fork-engine-process';
import { loadLibrary } from './library-loader';

const emptyCatalog: Catalog = {
  blockTypes: [],
  presets: [],
  models: [],
  formats: [],
  tech: [],
  runtimes: [],
};
const scripted = (): EngineProcess =>
  forkEngineProcess(emptyCatalog, {
    entry: join(import.meta.dirname, '../testing/scripted-process.mjs'),
    echoStderr: false,
  });

let pool: EnginePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

/** The answer to a job whose worker died: `worker-failed`, with the reason in brackets, other work unaffected. */
const workerFailed = () => ({
  ok: false,
  error: {
    code: 'worker-failed',
    message: expect.stringMatching(
      /^The engine stopped while evaluating this design \(.+\); other work is not affected\.$/,
    ) as string,
  },
});

describe('EnginePool', () => {
  it('runs jobs on worker processes and queues them when every worker is busy', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => pool!.run('slow', { milliseconds: 20, value: index })),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5].map((value) => ({ ok: true, value })));
  });

  it('cancels a queued job when a newer one with the same key arrives', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const busy = pool.run('slow', { milliseconds: 100, value: 'busy' });
    const stale = pool.run('echo', 'old edit', { supersedes: 'simulate' });
    const fresh = pool.run('echo', 'new edit', { supersedes: 'simulate' });
    expect(await stale).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await fresh).toEqual({ ok: true, value: 'new edit' });
    expect(await busy).toEqual({ ok: true, value: 'busy' });
  });

  it('discards the result of a running job that a newer one superseded', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 2 });
    const running = pool.run('slow', { milliseconds: 80, value: 'stale' }, { supersedes: 'simulate' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const newer = pool.run('echo', 'newer', { supersedes: 'simulate' });
    expect(await newer).toEqual({ ok: true, value: 'newer' });
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it.each(['crash', 'exit'])(
    'reports a job as failed when its worker is told to %s, and replaces the worker',
    async (kind) => {
      pool = new EnginePool({ createProcess: scripted, size: 1 });
      const failed = await pool.run(kind, null);
      expect(failed).toMatchObject(workerFailed());
      expect(pool.replacedWorkers).toBe(1);
      expect(await pool.run('echo', 'still working')).toEqual({ ok: true, value: 'still working' });
    },
  );

  it('stops a job that runs past the time limit instead of hanging', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1, jobTimeoutMs: 200 });
    const result = await pool.run('hang', null);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'worker-failed',
        message: expect.stringContaining('(it took longer than 0.2 s and was stopped)') as string,
      },
    });
    expect(await pool.run('echo', 'after the hang')).toEqual({ ok: true, value: 'after the hang' });
  });

  it('gives a job its own time limit when it asks for one', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1, jobTimeoutMs: 100 });
    const long = await pool.run('slow', { milliseconds: 300, value: 'long' }, { timeLimitMs: 5000 });
    expect(long).toEqual({ ok: true, value: 'long' });
    expect(await pool.run('hang', null, { timeLimitMs: 200 })).toMatchObject({
      error: { message: expect.stringContaining('(it took longer than 0.2 s and was stopped)') as string },
    });
  });

  it("passes a job's progress on in order, before its answer", async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const seen: unknown[] = [];
    const result = await pool.run(
      'progress',
      { steps: 4, milliseconds: 1, value: 'done' },
      { onProgress: (progress) => seen.push(progress) },
    );
    expect(result).toEqual({ ok: true, value: 'done' });
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
  });

  it('answers a cancelled queued job at once and never runs it', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const busy = pool.run('slow', { milliseconds: 100, value: 'busy' });
    const controller = new AbortController();
    const queued = pool.run('echo', 'never', { signal: controller.signal });
    controller.abort();
    expect(await queued).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await busy).toEqual({ ok: true, value: 'busy' });
    expect(pool.replacedWorkers).toBe(0);
  });

  it('answers a cancelled running job at once, ends its worker if it is still busy after the grace time, and goes on', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const controller = new AbortController();
    const seen: unknown[] = [];
    let started: () => void = () => undefined;
    const running = pool.run(
      'progress',
      { steps: 1000, milliseconds: 20, value: 'never' },
      {
        signal: controller.signal,
        onProgress: (progress) => {
          seen.push(progress);
          started();
        },
      },
    );
    await new Promise<void>((resolve) => (started = resolve));
    controller.abort();
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    const heard = seen.length;
    // The next job waits for the worker to be replaced (a second later), then runs.
    expect(await pool.run('echo', 'next')).toEqual({ ok: true, value: 'next' });
    expect(pool.replacedWorkers).toBe(1);
    expect(seen.length).toBe(heard);
  });

  it('keeps the worker of a cancelled job that ends within the grace time', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const controller = new AbortController();
    expect(await pool.run('echo', 'ready')).toEqual({ ok: true, value: 'ready' });
    const running = pool.run('slow', { milliseconds: 150, value: 'late' }, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await pool.run('echo', 'next')).toEqual({ ok: true, value: 'next' });
    expect(pool.replacedWorkers).toBe(0);
  });

  it('names the error a crashed worker printed', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    expect(await pool.run('crash', null)).toMatchObject({
      error: { message: expect.stringContaining('(Error: scripted crash, exit code 1)') as string },
    });
  });

  it('gives up starting workers that end before they answer, and says why', async () => {
    pool = new EnginePool({
      createProcess: () =>
        forkEngineProcess(emptyCatalog, {
          entry: join(import.meta.dirname, '../testing/no-such-entry.mjs'),
          echoStderr: false,
        }),
      size: 1,
    });
    expect(await pool.run('echo', 'never')).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: expect.stringMatching(/^The engine could not start \(.*Cannot find module/) as string,
      },
    });
  });

  it('answers queued jobs when it is closed', async () => {
    const closing = new EnginePool({ createProcess: scripted, size: 1 });
    const busy = closing.run('slow', { milliseconds: 50, value: 1 });
    const queued = closing.run('echo', 2);
    await closing.close();
    expect(await queued).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await busy).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('sends a session whole to each worker once, then only its key, and whole again to a replaced worker', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const session = { key: 'sweep-1', data: { spec: 'a sweep' } };
    type Shape = { session: string; thread: number };
    const first = await pool.run<Shape>('shape', null, { session });
    const second = await pool.run<Shape>('shape', null, { session });
    expect([first, second]).toMatchObject([
      { ok: true, value: { session: 'whole' } },
      { ok: true, value: { session: 'key' } },
    ]);
    expect(await pool.run('crash', null)).toMatchObject(workerFailed());
    const replaced = await pool.run<Shape>('shape', null, { session });
    expect(replaced).toMatchObject({ ok: true, value: { session: 'whole' } });
    expect(replaced.ok && first.ok && replaced.value.thread).not.toBe(first.ok && first.value.thread);
  });

  it('checks a design on a real engine worker', async () => {
    const { catalog } = await loadLibrary(libraryRoot);
    pool = new EnginePool({ createProcess: () => sourceProcess(catalog), size: 1 });
    const design = {
      ...emptyDesign('broken'),
      blocks: [{ id: 'x', type: 'compute.unobtainium', name: 'X', params: {}, position: { x: 0, y: 0 } }],
    };
    const result = await pool.run('check', { design });
    expect(result).toMatchObject({ ok: true, value: [{ code: 'unknown-block-type', blockId: 'x' }] });
  });
});

describe('EnginePool: designs kept by workers', () => {
  const design = (name: string, bandwidth = 1e12): DesignDocument => ({
    ...emptyDesign(name),
    blocks: [
      {
        id: 'hbm',
        type: 'memory.hbm',
        name: 'HBM',
        params: { bandwidthBytesPerSecond: bandwidth },
        position: { x: 0, y: 0 },
      },
    ],
  });
  const job = (
    key: string,
    next: DesignDocument,
    base?: { key: string; design: DesignDocument },
  ): JobDesign =>
    base
      ? { key, design: next, base: base.key, delta: designDelta(base.design, next) }
      : { key, design: next };

  it('sends a design whole once, then a delta of it, then only its key', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const first = { key: 'a', design: design('first') };
    const second = design('first', 2e12);
    expect(await pool.run('shape', null, { design: job('a', first.design) })).toMatchObject({
      value: { key: 'a', form: 'whole' },
    });
    expect(await pool.run('shape', null, { design: job('b', second, first) })).toMatchObject({
      value: { key: 'b', form: 'delta', base: 'a' },
    });
    expect(await pool.run('shape', null, { design: job('b', second) })).toMatchObject({
      value: { key: 'b', form: 'key' },
    });
  });

  it(`sends a design whole again once the worker has dropped it (it keeps ${HELD_DESIGNS})`, async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const first = { key: 'a', design: design('first') };
    await pool.run('shape', null, { design: job('a', first.design) });
    for (let index = 0; index < HELD_DESIGNS; index += 1)
      await pool.run('shape', null, { design: job(`other-${index}`, design(`other ${index}`)) });
    expect(await pool.run('shape', null, { design: job('b', design('first', 2e12), first) })).toMatchObject({
      value: { key: 'b', form: 'whole' },
    });
  });

  it('gives a job to the free worker that holds its base', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 2 });
    // Keep one worker busy so the first design goes to the other one.
    const busy = pool.run('slow', { milliseconds: 150, value: 'busy' });
    const first = { key: 'a', design: design('first') };
    const placed = await pool.run<{ thread: number }>('shape', null, { design: job('a', first.design) });
    await busy;
    for (let edit = 2; edit <= 4; edit += 1) {
      const next = await pool.run<{ thread: number; form: string }>('shape', null, {
        design: job(`edit-${edit}`, design('first', edit * 1e12), first),
      });
      expect(next.ok && next.value).toMatchObject({
        form: 'delta',
        thread: placed.ok && placed.value.thread,
      });
    }
  });

  it('sends the whole design to a worker that replaced a crashed one', async () => {
    pool = new EnginePool({ createProcess: scripted, size: 1 });
    const first = { key: 'a', design: design('first') };
    await pool.run('shape', null, { design: job('a', first.design) });
    await pool.run('crash', null);
    expect(await pool.run('shape', null, { design: job('b', design('first', 2e12), first) })).toMatchObject({
      value: { key: 'b', form: 'whole' },
    });
  });

  it('simulates a delta on a real engine worker exactly as the whole design', async () => {
    const { catalog } = await loadLibrary(libraryRoot);
    pool = new EnginePool({ createProcess: () => sourceProcess(catalog), size: 1 });
    const preset = JSON.parse(
      await readFile(join(libraryRoot, 'presets', 'nvidia-h100-sxm.json'), 'utf8'),
    ) as { design: DesignDocument };
    const workload = defaultWorkload(DEFAULT_MODEL_ID);
    const first = { key: 'a', design: preset.design };
    const halved: DesignDocument = {
      ...preset.design,
      blocks: preset.design.blocks.map((block) =>
        block.type === 'memory.hbm'
          ? { ...block, params: { ...block.params, bandwidthBytesPerSecond: 1.675e12 } }
          : block,
      ),
    };
    await pool.run('simulate', { workload, validated: true }, { design: job('a', first.design) });
    const viaDelta = await pool.run(
      'simulate',
      { workload, validated: true },
      { design: job('b', halved, first) },
    );
    const whole = await pool.run('simulate', { design: halved, workload });
    expect(viaDelta.ok).toBe(true);
    expect(JSON.stringify(viaDelta)).toBe(JSON.stringify(whole));
    const before = await pool.run('simulate', { design: preset.design, workload });
    // The edit reached the worker: halving HBM bandwidth changes the results.
    expect(JSON.stringify(viaDelta)).not.toBe(JSON.stringify(before));
  });
});

describe('EnginePool: a fatal error in a real engine process', () => {
  const faulty = (catalog: Catalog, heapMegabytes?: number) => () =>
    sourceProcess(catalog, {
      env: { ...process.env, TESSERA_ENGINE_TEST_FAULTS: '1' },
      echoStderr: false,
      heapMegabytes,
    });

  it.each([
    ['V8 aborts (as on an invalid size)', 'test:v8-abort', 'abort: an engine test fault'],
    ['the heap runs out', 'test:exhaust-memory', 'JavaScript heap out of memory'],
  ])('when %s, answers that job with the reason, and the next job runs', async (_case, kind, reason) => {
    const { catalog } = await loadLibrary(libraryRoot);
    pool = new EnginePool({ createProcess: faulty(catalog, 96), size: 1 });
    const failed = await pool.run(kind, null);
    expect(failed).toMatchObject(workerFailed());
    expect(!failed.ok && failed.error.message).toContain(reason);
    expect(pool.replacedWorkers).toBe(1);
    const design = {
      ...emptyDesign('broken'),
      blocks: [{ id: 'x', type: 'compute.unobtainium', name: 'X', params: {}, position: { x: 0, y: 0 } }],
    };
    expect(await pool.run('check', { design })).toMatchObject({
      ok: true,
      value: [{ code: 'unknown-block-type', blockId: 'x' }],
    });
  });

  it('lets a job queued behind the fatal one, and one running beside it, complete', async () => {
    const { catalog } = await loadLibrary(libraryRoot);
    pool = new EnginePool({ createProcess: faulty(catalog), size: 2 });
    const preset = catalog.presets.find((entry) => entry.id === 'nvidia-h100-sxm')!;
    const simulate = () =>
      pool!.run<{ ok: boolean }>('simulate', {
        design: preset.design,
        workload: defaultWorkload(DEFAULT_MODEL_ID),
      });
    const [beside, aborted, queued] = await Promise.all([
      simulate(),
      pool.run('test:v8-abort', null),
      simulate(),
    ]);
    expect(aborted).toMatchObject({ ok: false, error: { code: 'worker-failed' } });
    expect(beside).toMatchObject({ ok: true, value: { ok: true } });
    expect(queued).toMatchObject({ ok: true, value: { ok: true } });
  });
});
