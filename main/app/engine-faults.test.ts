/**
 * A fatal error inside the engine — V8 aborting on an out-of-memory heap, an invalid size or a failed CHECK —
 * costs only the job that caused it: the backend keeps answering, that job is answered with an error, and jobs
 * of other callers, running or after it, complete. The faults are real (`process.abort()`, a heap filled past
 * its limit), reached through a test-only job the engine answers only with `TESSERA_ENGINE_TEST_FAULTS=1`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import { libraryRoot, testRuntime } from '../testing/fake-backend';
import { dispatch } from './dispatch';
import type { Runtime } from './runtime';

let runtime: Runtime;
let design: DesignDocument;
beforeAll(async () => {
  runtime = await testRuntime({
    poolSize: 2,
    engine: { env: { ...process.env, TESSERA_ENGINE_TEST_FAULTS: '1' }, echoStderr: false },
  });
  design = (
    JSON.parse(await readFile(join(libraryRoot, 'presets', 'nvidia-h100-sxm.json'), 'utf8')) as {
      design: DesignDocument;
    }
  ).design;
});
afterAll(async () => {
  await runtime.close();
});

const simulate = () =>
  dispatch(runtime.backend, 'simulation', 'run', [
    { design, workload: defaultWorkload(DEFAULT_MODEL_ID), channel: 'other-caller' },
  ]);

describe('a fatal error in the engine', () => {
  it('costs only its own job: another caller’s simulation and the next one complete', async () => {
    const [aborted, concurrent] = await Promise.all([runtime.pool.run('test:v8-abort', null), simulate()]);
    expect(aborted).toMatchObject({
      ok: false,
      error: {
        code: 'worker-failed',
        message: expect.stringMatching(
          /^The engine stopped while evaluating this design \(.*abort: an engine test fault.*\); other work is not affected\./,
        ) as string,
      },
    });
    expect(concurrent).toMatchObject({ ok: true, value: { ok: true } });
    expect(await simulate()).toMatchObject({ ok: true, value: { ok: true } });
  });
});
