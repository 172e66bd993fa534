import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../services/runtime';
import { temporaryFolder } from '../testing/temp';
import { testRuntime } from '../testing/fake-backend';
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
