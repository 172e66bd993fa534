/**
 * Where `tessera simulate` takes its design and workload from: a preset, a design file in JSON or YAML, a design
 * in a project (`lab.tessera#Design name`, read only, bringing its saved workload), and a `tessera.workload`
 * document in YAML or JSON that the flags override.
 */
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { designToJson, designToYaml } from '../../engine/spec/spec-text';
import { loadTestCatalog } from '../files/test-support';
import { ProjectStore } from '../store/project-store';
import { sha256, temporaryFolder } from '../testing/temp';
import { tessera } from './test-support';

const catalog = await loadTestCatalog();
const h100 = catalog.presets.get('nvidia-h100-sxm');
if (!h100) throw new Error('the library has no nvidia-h100-sxm preset');
let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

async function report(...args: string[]): Promise<Report> {
  const { code, out, err } = await tessera('simulate', ...args, '--json');
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Report;
}

describe('simulate --design', () => {
  it('reads a design spec in YAML as the preset it was written from', async () => {
    const path = folder.file('h100.yaml');
    await writeFile(path, designToYaml(h100.design), 'utf8');
    const fromYaml = await report('--design', path, '--model', 'llama-3-8b');
    const fromPreset = await report('--design', 'preset:nvidia-h100-sxm', '--model', 'llama-3-8b');
    expect(fromYaml).toEqual(fromPreset);
  });

  it('uses the workload a design file carries (issue 18), the flags overriding it', async () => {
    const carried: Workload = { ...defaultWorkload('llama-3-8b'), batch: 4, inputTokens: 1000 };
    for (const [name, text] of [
      ['served.yaml', designToYaml(h100.design, carried)],
      ['served.json', designToJson(h100.design, carried)],
    ] as const) {
      const path = folder.file(name);
      await writeFile(path, text, 'utf8');
      const fromFile = await report('--design', path);
      expect(fromFile.workload).toMatchObject({ model: 'llama-3-8b', batch: 4, inputTokens: 1000 });
      const overridden = await report('--design', path, '--batch', '2');
      expect(overridden.workload).toMatchObject({ batch: 2, inputTokens: 1000 });
    }
  });

  it('says where a YAML design is wrong, by line', async () => {
    const path = folder.file('broken.yaml');
    await writeFile(path, designToYaml(h100.design).replace(/^format: .*$/m, 'format: not-a-design'), 'utf8');
    const { code, out, err } = await tessera('simulate', '--design', path, '--model', 'llama-3-8b');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/line \d+: format/);
  });

  it('takes a design from a project by name, with its saved workload, and leaves the file as it was', async () => {
    const project = folder.file('lab.tessera');
    const saved: Workload = { ...defaultWorkload('llama-3-8b'), batch: 4, inputTokens: 1000 };
    const store = await ProjectStore.create(project);
    await store.createDesign('Lab H100', h100.design, saved);
    await store.createDesign('Other', h100.design, null);
    await store.close();
    const before = await sha256(project);

    const fromProject = await report('--design', `${project}#Lab H100`);
    expect(fromProject.workload.batch).toBe(4);
    expect(fromProject.workload.inputTokens).toBe(1000);
    // The same design and workload from the preset give the same report.
    const fromPreset = await report(
      '--design',
      'preset:nvidia-h100-sxm',
      '--model',
      'llama-3-8b',
      '--batch',
      '4',
      '--input',
      '1000',
    );
    expect(fromProject).toEqual(fromPreset);
    // Flags override the saved workload.
    expect((await report('--design', `${project}#Lab H100`, '--batch', '2')).workload.batch).toBe(2);
    expect(await sha256(project)).toBe(before);
  });

  it('lists the project designs when the name is unknown, and exits 2', async () => {
    const project = folder.file('lab.tessera');
    const store = await ProjectStore.create(project);
    await store.createDesign('Lab H100', h100.design, null);
    await store.createDesign('Lab M2', h100.design, null);
    await store.close();
    const { code, out, err } = await tessera(
      'simulate',
      '--design',
      `${project}#Lab H200`,
      '--model',
      'llama-3-8b',
    );
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('no design "Lab H200"');
    expect(err).toContain('Lab H100');
    expect(err).toContain('Lab M2');
  });
});

describe('simulate --workload', () => {
  it('reads a workload document in YAML or JSON, and the flags override it', async () => {
    const workload: Workload = { ...defaultWorkload('llama-3-8b'), batch: 8, outputTokens: 256 };
    const yamlPath = folder.file('w.yaml');
    const jsonPath = folder.file('w.json');
    await writeFile(
      yamlPath,
      Object.entries(workload)
        .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
        .join('\n'),
      'utf8',
    );
    await writeFile(jsonPath, JSON.stringify(workload), 'utf8');
    const fromYaml = await report('--design', 'preset:nvidia-h100-sxm', '--workload', yamlPath);
    const fromJson = await report('--design', 'preset:nvidia-h100-sxm', '--workload', jsonPath);
    expect(fromYaml.workload.batch).toBe(8);
    expect(fromYaml.workload.outputTokens).toBe(256);
    expect(fromJson).toEqual(fromYaml);
    const overridden = await report(
      '--design',
      'preset:nvidia-h100-sxm',
      '--workload',
      yamlPath,
      '--batch',
      '3',
    );
    expect(overridden.workload.batch).toBe(3);
    expect(overridden.workload.outputTokens).toBe(256);
  });

  it('names the field and line of an invalid workload, exits 2 and prints no report', async () => {
    const path = folder.file('bad.yaml');
    await writeFile(
      path,
      ['format: tessera.workload', 'version: 1', 'model: llama-3-8b', 'batch: -5'].join('\n'),
      'utf8',
    );
    const { code, out, err } = await tessera(
      'simulate',
      '--design',
      'preset:nvidia-h100-sxm',
      '--workload',
      path,
    );
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('line 4: batch');
  });
});
