/**
 * `files.import` and `files.export` through `dispatch`, on a real runtime: the file worker parses and writes,
 * so a file that keeps a parser busy for a long time neither blocks the backend nor touches the project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServing } from '../../engine/schema/serving';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { designToYaml } from '../../engine/spec/spec-text';
import type { DesignSummary, ExportedFile, ImportedFile, StoredDesign } from '../contract/api';
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

describe('a design keeps its workload through its files (issue 18)', () => {
  /** A served 70B workload, far from the default (Llama 3 8B, batch 1) an import used to give. */
  const served: Workload = {
    ...defaultWorkload('llama-3-70b'),
    batch: 16,
    inputTokens: 2048,
    serving: {
      ...defaultServing(),
      traffic: { kind: 'gamma', ratePerSecond: 3, cv: 2 },
      requests: 2000,
      slo: { ttftSeconds: 0.5, tpotSeconds: 0.05, attainment: 0.99 },
    },
  };

  async function importText(fileName: string, text: string): Promise<StoredDesign> {
    const imported = await dispatch(runtime.backend, 'files', 'import', [
      { fileName, content: base64(text) },
    ]);
    if (!imported.ok) throw new Error(imported.error.message);
    return (imported.value as Extract<ImportedFile, { kind: 'design' }>).design;
  }

  async function exported(id: string, format: string): Promise<string> {
    const file = await dispatch(runtime.backend, 'files', 'export', [{ id, format }]);
    if (!file.ok) throw new Error(file.error.message);
    return (file.value as ExportedFile).content;
  }

  it('imports a YAML spec with the workload it carries, and the project keeps it', async () => {
    const h100 = runtime.catalog.presets.find((preset) => preset.id === 'nvidia-h100-sxm');
    if (!h100) throw new Error('no nvidia-h100-sxm');
    const design = { ...h100.design, name: 'Served H100' };
    const created = await importText('served.tessera.yaml', designToYaml(design, served));
    expect(created.workload).toEqual(served);
    const stored = await dispatch(runtime.backend, 'designs', 'get', [{ id: created.id }]);
    expect(stored).toMatchObject({ ok: true, value: { document: design, workload: served } });
  });

  it.each(['yaml', 'json', 'svg'])('exports and imports a %s spec back to the same bytes', async (format) => {
    const h100 = runtime.catalog.presets.find((preset) => preset.id === 'nvidia-h100-sxm');
    if (!h100) throw new Error('no nvidia-h100-sxm');
    const first = await importText(
      'first.tessera.yaml',
      designToYaml({ ...h100.design, name: `Trip ${format}` }, served),
    );
    const text = await exported(first.id, format);
    const second = await importText(`trip.${format}`, text);
    expect(second.workload).toEqual(served);
    expect(await exported(second.id, format)).toBe(text);
  });

  it('refuses a bad workload with its path and line, and writes nothing', async () => {
    const tile = runtime.catalog.presets.find((preset) => preset.id === 'template-single-tile');
    if (!tile) throw new Error('no template-single-tile');
    const text = designToYaml({ ...tile.design, name: 'Bad rate' }, served).replace(
      'ratePerSecond: 3',
      'ratePerSecond: -3',
    );
    const before = await designNames();
    const result = await dispatch(runtime.backend, 'files', 'import', [
      { fileName: 'bad.yaml', content: base64(text) },
    ]);
    const line = text.split('\n').findIndex((candidate) => candidate.includes('ratePerSecond')) + 1;
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-payload',
        problems: [
          { path: 'workload.serving.traffic.ratePerSecond', line, message: 'must be greater than zero' },
        ],
      },
    });
    expect(await designNames()).toEqual(before);
  });
});
