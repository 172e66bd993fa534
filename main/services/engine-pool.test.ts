import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyDesign } from '../../engine/schema/design';
import { libraryRoot, sourceWorker } from '../testing/fake-backend';
import { EnginePool } from './engine-pool';
import { loadLibrary } from './library-loader';

const scripted = (): Worker => new Worker(join(import.meta.dirname, '../testing/scripted-worker.mjs'));

let pool: EnginePool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('EnginePool', () => {
  it('runs jobs on worker threads and queues them when every worker is busy', async () => {
    pool = new EnginePool({ createWorker: scripted, size: 2 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) => pool!.run('slow', { milliseconds: 20, value: index })),
    );
    expect(results).toEqual([0, 1, 2, 3, 4, 5].map((value) => ({ ok: true, value })));
  });

  it('cancels a queued job when a newer one with the same key arrives', async () => {
    pool = new EnginePool({ createWorker: scripted, size: 1 });
    const busy = pool.run('slow', { milliseconds: 100, value: 'busy' });
    const stale = pool.run('echo', 'old edit', { supersedes: 'simulate' });
    const fresh = pool.run('echo', 'new edit', { supersedes: 'simulate' });
    expect(await stale).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await fresh).toEqual({ ok: true, value: 'new edit' });
    expect(await busy).toEqual({ ok: true, value: 'busy' });
  });

  it('discards the result of a running job that a newer one superseded', async () => {
    pool = new EnginePool({ createWorker: scripted, size: 2 });
    const running = pool.run('slow', { milliseconds: 80, value: 'stale' }, { supersedes: 'simulate' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const newer = pool.run('echo', 'newer', { supersedes: 'simulate' });
    expect(await newer).toEqual({ ok: true, value: 'newer' });
    expect(await running).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });

  it.each(['crash', 'exit'])(
    'reports a job as failed when its worker %ss, and replaces the worker',
    async (kind) => {
      pool = new EnginePool({ createWorker: scripted, size: 1 });
      const failed = await pool.run(kind, null);
      expect(failed).toMatchObject({
        ok: false,
        error: { code: 'worker-failed', message: expect.stringContaining('worker was replaced') as string },
      });
      expect(pool.replacedWorkers).toBe(1);
      expect(await pool.run('echo', 'still working')).toEqual({ ok: true, value: 'still working' });
    },
  );

  it('stops a job that runs past the time limit instead of hanging', async () => {
    pool = new EnginePool({ createWorker: scripted, size: 1, jobTimeoutMs: 200 });
    const result = await pool.run('hang', null);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'worker-failed', message: expect.stringContaining('longer than 0.2 s') as string },
    });
    expect(await pool.run('echo', 'after the hang')).toEqual({ ok: true, value: 'after the hang' });
  });

  it('answers queued jobs when it is closed', async () => {
    const closing = new EnginePool({ createWorker: scripted, size: 1 });
    const busy = closing.run('slow', { milliseconds: 50, value: 1 });
    const queued = closing.run('echo', 2);
    await closing.close();
    expect(await queued).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(await busy).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('checks a design on a real engine worker', async () => {
    const { catalog } = await loadLibrary(libraryRoot);
    pool = new EnginePool({ createWorker: () => sourceWorker(catalog), size: 1 });
    const design = {
      ...emptyDesign('broken'),
      blocks: [{ id: 'x', type: 'compute.unobtainium', name: 'X', params: {}, position: { x: 0, y: 0 } }],
    };
    const result = await pool.run('check', { design });
    expect(result).toMatchObject({ ok: true, value: [{ code: 'unknown-block-type', blockId: 'x' }] });
  });
});
