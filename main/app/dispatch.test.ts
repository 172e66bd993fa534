import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designDelta } from '../../engine/design-delta';
import type { EvaluationResult } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload } from '../../engine/schema/workload';
import type { Runtime } from './runtime';
import { temporaryFolder } from '../testing/temp';
import { libraryRoot, testRuntime } from '../testing/fake-backend';
import { dispatch } from './dispatch';

let runtime: Runtime;
let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeAll(async () => {
  runtime = await testRuntime();
  folder = await temporaryFolder();
});
afterAll(async () => {
  await runtime.close();
  await folder.remove();
});

describe('dispatch validates every payload before the backend sees it', () => {
  it('passes a valid call through to the backend', async () => {
    const result = await dispatch(runtime.backend, 'app', 'info', []);
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({ name: 'Tessera', shell: 'browser' }) as unknown,
    });
  });

  it.each([
    ['an unknown domain', 'nope', 'list', [], 'Unknown API domain "nope"'],
    ['an unknown method', 'designs', 'drop', [], 'Unknown API method designs."drop"'],
    ['a prototype key as method', 'designs', '__proto__', [], 'Unknown API method'],
    ['a method name that is not a string', 'designs', 42, [], 'Unknown API method'],
  ])('refuses %s', async (_case, domain, method, args, message) => {
    const result = await dispatch(runtime.backend, domain, method, args);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(message);
  });

  it('refuses arguments that are not an array', async () => {
    const result = await dispatch(runtime.backend, 'designs', 'list', { evil: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('names the missing field and the unexpected one', async () => {
    const result = await dispatch(runtime.backend, 'designs', 'rename', [{ identifier: 'd-1', name: 'x' }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-payload');
    expect(result.error.problems).toEqual(
      expect.arrayContaining([
        { path: 'request.id', message: expect.stringContaining('expected string') as string },
        { path: 'request', message: expect.stringContaining('"identifier"') as string },
      ]),
    );
  });

  it('rejects an invalid design document with the path of each problem', async () => {
    const document = {
      format: 'tessera.design',
      version: 1,
      name: 'x',
      blocks: [
        { id: '1bad', type: 'compute.systolic', name: 'T', params: { rows: 'many' }, position: { x: 0 } },
      ],
      links: [],
      groups: [],
    };
    const result = await dispatch(runtime.backend, 'simulation', 'check', [{ design: document }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.problems?.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining(['request.design.blocks[0].id', 'request.design.blocks[0].position.y']),
    );
    expect(result.error.message).toContain('request.design.blocks[0].id');
  });

  it('rejects a path with a NUL character and an empty name', async () => {
    const bad = await dispatch(runtime.backend, 'projects', 'open', [{ path: 'a\0b' }]);
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining('NUL') as string },
    });
    const empty = await dispatch(runtime.backend, 'designs', 'create', [{ name: '   ' }]);
    expect(empty).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining('must not be empty') as string },
    });
  });

  it.each(['open', 'create', 'saveAs'] as const)(
    'refuses to %s a project at a relative or non-.tessera path, before looking at the disk',
    async (method) => {
      for (const [path, words] of [
        ['project.tessera', 'must be an absolute path'],
        [folder.file('copy.bin'), 'must be the path of a .tessera file'],
      ] as const) {
        const result = await dispatch(runtime.backend, 'projects', method, [{ path }]);
        expect(result).toMatchObject({
          ok: false,
          error: { code: 'invalid-payload', message: expect.stringContaining(words) as string },
        });
      }
    },
  );

  it('answers "no project" in words before a project is open', async () => {
    const result = await dispatch(runtime.backend, 'designs', 'list', []);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'no-project', message: expect.stringContaining('No project is open') as string },
    });
  });

  it('creates a project and a design through the same path the renderer uses', async () => {
    const created = await dispatch(runtime.backend, 'projects', 'create', [
      { path: folder.file('dispatch.tessera') },
    ]);
    expect(created.ok).toBe(true);
    const design = await dispatch(runtime.backend, 'designs', 'create', [{ name: 'Made over dispatch' }]);
    expect(design).toMatchObject({ ok: true, value: { name: 'Made over dispatch', revision: 1 } });
    const list = await dispatch(runtime.backend, 'designs', 'list', []);
    expect(list).toMatchObject({ ok: true, value: [{ name: 'Made over dispatch' }] });
  });
});

describe('simulation requests that build on an earlier design (deltas)', () => {
  const workload = defaultWorkload(DEFAULT_MODEL_ID);
  let preset: DesignDocument;
  beforeAll(async () => {
    preset = (
      JSON.parse(await readFile(join(libraryRoot, 'presets', 'nvidia-h100-sxm.json'), 'utf8')) as {
        design: DesignDocument;
      }
    ).design;
  });
  const withHbm = (bandwidth: number): DesignDocument => ({
    ...preset,
    blocks: preset.blocks.map((block) =>
      block.type === 'memory.hbm'
        ? { ...block, params: { ...block.params, bandwidthBytesPerSecond: bandwidth } }
        : block,
    ),
  });
  const run = (request: Record<string, unknown>) =>
    dispatch(runtime.backend, 'simulation', 'run', [{ workload, channel: 'delta-test', ...request }]);

  it('runs a delta against the design an earlier request left under its token, as if sent whole', async () => {
    const token = `t-${Math.random()}`;
    expect((await run({ design: preset, token })).ok).toBe(true);
    const halved = withHbm(1.675e12);
    const viaDelta = await run({ base: token, delta: designDelta(preset, halved), token: `${token}-2` });
    const whole = await run({ design: halved });
    expect(viaDelta.ok).toBe(true);
    expect(JSON.stringify(viaDelta)).toBe(JSON.stringify(whole));
    // And the sweep after it names the design by its token alone.
    const sweep = await dispatch(runtime.backend, 'simulation', 'sweep', [
      { base: `${token}-2`, workload, variants: [{ workload: { batch: 1 } }] },
    ]);
    const report = viaDelta.ok ? (viaDelta.value as EvaluationResult) : undefined;
    const decode = report?.ok ? report.report.decode.tokensPerSecond : NaN;
    expect(sweep).toMatchObject({ ok: true, value: [{ ok: true, decodeTokensPerSecond: decode }] });
  });

  it('answers "unknown-base" for a base it does not hold, so the window sends the design whole', async () => {
    const result = await run({ base: 'never-sent', delta: designDelta(preset, withHbm(1e12)) });
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'unknown-base', message: expect.stringContaining('send the design whole') as string },
    });
  });

  it('refuses a delta that does not fit its base, and one that is malformed, saying where', async () => {
    const token = `t-${Math.random()}`;
    await run({ design: preset, token });
    const delta = designDelta(preset, withHbm(1e12));
    const misfit = await run({ base: token, delta: { ...delta, blocks: { ids: ['nope'], changed: [] } } });
    expect(misfit).toMatchObject({
      ok: false,
      error: { code: 'invalid-payload', message: expect.stringContaining('"nope"') as string },
    });
    const malformed = await run({
      base: token,
      delta: { ...delta, blocks: { ids: ['1bad'], changed: [] } },
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(!malformed.ok && malformed.error.message).toContain('request.delta.blocks');
  });

  it('refuses a request with both a design and a base, or neither', async () => {
    const both = await run({ design: preset, base: 'x' });
    expect(both).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-payload',
        message: expect.stringContaining('either a design or the base') as string,
      },
    });
    const neither = await run({});
    expect(neither).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const orphan = await run({ design: preset, delta: designDelta(preset, preset) });
    expect(!orphan.ok && orphan.error.message).toContain('a delta needs the base it applies to');
  });
});
