/**
 * `files.import` and `files.export` through `dispatch`, on a real runtime: the file worker parses and writes,
 * so a file that keeps a parser busy for a long time neither blocks the backend nor touches the project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designToYaml } from '../../engine/spec/spec-text';
import type { DesignSummary, ExportedFile, ImportedFile } from '../contract/api';
import { testRuntime } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { dispatch } from './dispatch';
import type { Runtime } from './runtime';

let runtime: Runtime;
let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeAll(async () => {
  runtime = await testRuntime({ fileTimeLimitMs: 5000 });
  folder = await temporaryFolder();
  const created = await dispatch(runtime.backend, 'projects', 'create', [
    { path: folder.file('files.tessera') },
  ]);
  expect(created.ok).toBe(true);
});
afterAll(async () => {
  await runtime.close();
  await folder.remove();
});

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

async function designNames(): Promise<string[]> {
  const listed = await dispatch(runtime.backend, 'designs', 'list', []);
  if (!listed.ok) throw new Error(listed.error.message);
  return (listed.value as DesignSummary[]).map((design) => design.name).sort();
}

/**
 * A YAML spec whose block list is 990,000 commas (just under the 1 MB limit for YAML text): the YAML reader
 * reports each stray comma and works on it for tens of seconds. On the calling thread that blocked the app's
 * event loop throughout.
 */
const slowSpec = `format: tessera.design\nversion: 1\nname: Slow\nblocks: [${','.repeat(990_000)}]\n`;

describe('files on the file worker', () => {
  it('stops an import that keeps the parser busy, without blocking the caller or touching the project', async () => {
    const before = await designNames();
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    const result = await dispatch(runtime.backend, 'files', 'import', [
      { fileName: 'slow.tessera.yaml', content: base64(slowSpec) },
    ]).finally(() => clearInterval(ticker));
    expect(ticks).toBeGreaterThan(0);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'worker-failed',
        message:
          'Importing "slow.tessera.yaml" took longer than 5 s and was stopped; the file may be malformed. Nothing was changed.',
      },
    });
    expect(await designNames()).toEqual(before);

    const tile = runtime.catalog.presets.find((preset) => preset.id === 'template-single-tile');
    if (!tile) throw new Error('no template-single-tile');
    const next = await dispatch(runtime.backend, 'files', 'import', [
      { fileName: 'tile.tessera.yaml', content: base64(designToYaml({ ...tile.design, name: 'Tile' })) },
    ]);
    expect(next).toMatchObject({ ok: true, value: { kind: 'design', source: 'yaml' } });
    expect(await designNames()).toEqual([...before, 'Tile'].sort());
  }, 180_000);

  it('exports a report and a picture made on the worker', async () => {
    const h100 = runtime.catalog.presets.find((preset) => preset.id === 'nvidia-h100-sxm');
    if (!h100) throw new Error('no nvidia-h100-sxm');
    const imported = await dispatch(runtime.backend, 'files', 'import', [
      { fileName: 'h100.tessera.yaml', content: base64(designToYaml(h100.design)) },
    ]);
    if (!imported.ok) throw new Error(imported.error.message);
    const { id } = (imported.value as Extract<ImportedFile, { kind: 'design' }>).design;

    const html = await dispatch(runtime.backend, 'files', 'export', [{ id, format: 'html' }]);
    if (!html.ok) throw new Error(html.error.message);
    expect(html).toMatchObject({ ok: true, value: { encoding: 'utf8', mediaType: 'text/html' } });
    if (!html.ok) return;
    expect((html.value as ExportedFile).content).toContain(h100.design.name);

    const refused = await dispatch(runtime.backend, 'files', 'export', [{ id, format: 'png' }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
