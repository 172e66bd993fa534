/**
 * `tessera export` and `tessera import`, run in-process on real project files in a temporary folder.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload } from '../../engine/schema/workload';
import { designToJson, designToYaml } from '../../engine/spec/spec-text';
import { FileJobRunner, exportDesign, exportFormats, importFile, schemaFileName } from '../files';
import { loadTestCatalog, minimalPng, utf8 } from '../files/test-support';
import { ProjectStore } from '../store/project-store';
import { sha256, temporaryFolder } from '../testing/temp';
import { sourceFileWorker } from '../testing/fake-backend';
import { tessera, tesseraWith } from './test-support';
import { cliExportFormats } from './export';

const catalog = await loadTestCatalog();

function preset(id: string): DesignDocument {
  const found = catalog.presets.get(id);
  if (!found) throw new Error(`no preset ${id}`);
  return found.design;
}

const h100 = preset('nvidia-h100-sxm');
const tile = preset('template-single-tile');
const broken: DesignDocument = {
  ...tile,
  name: 'Broken',
  blocks: [
    ...tile.blocks,
    { id: 'mystery', type: 'compute.mystery', name: 'Mystery', params: {}, position: { x: 0, y: 0 } },
  ],
};

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let project: string;
let ids: Record<string, string>;

beforeEach(async () => {
  folder = await temporaryFolder();
  project = folder.file('lab.tessera');
  const store = await ProjectStore.create(project);
  try {
    const library = catalog.models.get('llama-3-8b');
    if (!library) throw new Error('no llama-3-8b');
    await store.saveModel({
      ...library,
      id: 'team-llama',
      name: 'Team Llama',
      source: { citation: 'Team config.json' },
    });
    ids = {
      h100: (await store.createDesign(h100.name, h100, defaultWorkload('llama-3-8b'))).id,
      tile: (await store.createDesign('Tile', tile, null)).id,
      broken: (await store.createDesign('Broken', broken, defaultWorkload('llama-3-8b'))).id,
      twinA: (await store.createDesign('Twin', tile, null)).id,
      twinB: (await store.createDesign('Twin', tile, null)).id,
      team: (await store.createDesign('Team', tile, defaultWorkload('team-llama'))).id,
    };
  } finally {
    await store.close();
  }
});

afterEach(async () => {
  await folder.remove();
});

/** `tessera export --project <the test's project> --design … --format … --out …`, plus any further arguments. */
function exportTo(
  design: string,
  format: string,
  out: string,
  ...more: string[]
): ReturnType<typeof tessera> {
  return tessera(
    'export',
    '--project',
    project,
    '--design',
    design,
    '--format',
    format,
    '--out',
    out,
    ...more,
  );
}

async function designNames(): Promise<string[]> {
  const store = await ProjectStore.open(project);
  try {
    return (await store.listDesigns()).map((design) => design.name);
  } finally {
    await store.close();
  }
}

describe('tessera export', () => {
  it('offers every format but PNG, and the usage says so', async () => {
    expect([...cliExportFormats].sort()).toEqual(
      exportFormats
        .map((format) => format.id)
        .filter((id) => id !== 'png')
        .sort(),
    );
    const { out } = await tessera('help');
    for (const format of cliExportFormats) expect(out).toMatch(new RegExp(`FORMAT: .*\\b${format}\\b`));
    expect(out).toContain('export --project FILE.tessera --design NAME|ID');
    expect(out).toContain('import --project FILE.tessera <file>');
    for (const command of ['export', 'import']) {
      const help = await tessera(command, '--help');
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^usage: tessera ${command} --project FILE\\.tessera`));
    }
  });

  it('writes every format to a file that parses', async () => {
    const parsed: Record<string, (text: string) => void> = {
      json: (text) =>
        expect(importFile({ fileName: 'x.json', bytes: utf8(text) })).toMatchObject({ design: h100 }),
      yaml: (text) =>
        expect(importFile({ fileName: 'x.yaml', bytes: utf8(text) })).toMatchObject({ design: h100 }),
      svg: (text) =>
        expect(importFile({ fileName: 'x.svg', bytes: utf8(text) })).toMatchObject({ design: h100 }),
      schema: (text) => expect(JSON.parse(text)).toHaveProperty('$schema'),
      md: (text) => expect(text).toContain(`# ${h100.name}`),
      html: (text) => expect(text.startsWith('<!doctype html>')).toBe(true),
      csv: (text) => expect(text.split('\r\n')[1]?.startsWith(`${h100.name},llama-3-8b,`)).toBe(true),
      trace: (text) => expect(JSON.parse(text)).toHaveProperty('traceEvents'),
      timeloop: (text) => expect(parseDocument(text).errors).toEqual([]),
      llmcompass: (text) => expect(JSON.parse(text)).toHaveProperty('device_count', 1),
    };
    for (const format of cliExportFormats) {
      const out = folder.file(`h100.${format}`);
      const result = await exportTo(h100.name, format, out);
      expect(result, format).toMatchObject({ code: 0, err: '' });
      expect(result.out).toMatch(new RegExp(`^wrote ${out.replace(/[.]/g, '\\.')} \\(`));
      parsed[format]?.(await readFile(out, 'utf8'));
    }
    expect(Object.keys(parsed).sort()).toEqual([...cliExportFormats].sort());
  });

  it('finds the design by id, and names the file itself when --out is a folder', async () => {
    const result = await exportTo(ids.h100 ?? '', 'yaml', folder.path);
    expect(result.code).toBe(0);
    const written = folder.file(
      exportDesign({ design: h100, workload: null, report: null, catalog, format: 'yaml' }).fileName,
    );
    // With the workload saved with the design, so that the file opens again with it.
    expect(await readFile(written, 'utf8')).toBe(designToYaml(h100, defaultWorkload('llama-3-8b')));
  });

  it('exports the schema without a project', async () => {
    const result = await tessera('export', '--format', 'schema', '--out', folder.path);
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(folder.file(schemaFileName), 'utf8'))).toHaveProperty(
      'title',
      'Tessera design',
    );
  });

  it('refuses to overwrite a file unless forced', async () => {
    const out = folder.file('tile.json');
    await writeFile(out, 'keep me');
    const args = ['export', '--project', project, '--design', 'Tile', '--format', 'json', '--out', out];
    const refused = await tessera(...args);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('already exists; pass --force to replace it');
    expect(await readFile(out, 'utf8')).toBe('keep me');
    expect((await tessera(...args, '--force')).code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(designToJson({ ...tile, name: 'Tile' }));
  });

  it('says so when it evaluates under the default workload', async () => {
    const result = await exportTo('Tile', 'md', folder.file('tile.md'));
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      'design "Tile" has no workload saved with it; using the default (llama-3-8b',
    );
    // A spec export needs no evaluation, so it says nothing.
    const spec = await exportTo('Tile', 'yaml', folder.file('tile.yaml'));
    expect(spec.err).toBe('');
  });

  it('evaluates with a model imported into the project and cites it', async () => {
    const out = folder.file('team.md');
    const result = await exportTo('Team', 'md', out);
    expect(result.code).toBe(0);
    const markdown = await readFile(out, 'utf8');
    expect(markdown).toContain('Team Llama');
    expect(markdown).toContain('Team config.json');
  });

  it('refuses a report of a design with errors, and writes nothing', async () => {
    const out = folder.file('broken.html');
    const result = await exportTo('Broken', 'html', out);
    expect(result.code).toBe(2);
    expect(result.err).toContain('Design "Broken" has errors, so there are no results to report:');
    expect(result.err).toContain('compute.mystery');
    expect(existsSync(out)).toBe(false);
  });

  it('lists the ids when a name is ambiguous, and the designs when it is unknown', async () => {
    const ambiguous = await exportTo('Twin', 'json', folder.path);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain('2 designs in');
    expect(ambiguous.err).toContain(ids.twinA);
    expect(ambiguous.err).toContain(ids.twinB);
    const unknown = await exportTo('Nope', 'json', folder.path);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('there is no design "Nope"');
    expect(unknown.err).toContain(`${ids.tile}  Tile`);
  });

  it('explains missing, unknown and unsupported options', async () => {
    const base = ['export', '--project', project, '--design', 'Tile'];
    const cases: [string[], string][] = [
      [[...base, '--out', folder.path], 'export needs --format'],
      [[...base, '--format', 'json'], 'export needs --out'],
      [['export', '--project', project, '--format', 'json', '--out', folder.path], 'export needs --design'],
      [['export', '--design', 'Tile', '--format', 'json', '--out', folder.path], 'export needs --project'],
      [[...base, '--format', 'docx', '--out', folder.path], 'there is no export format "docx"'],
      [[...base, '--format', 'png', '--out', folder.path], 'png is exported from the app'],
      [[...base, '--format', 'json', '--out', folder.path, '--colour'], "Unknown option '--colour'"],
      [
        [...base, '--format', 'json', '--out', folder.file('no/such/folder/x.json')],
        'its folder does not exist',
      ],
    ];
    for (const [args, message] of cases) {
      const result = await tessera(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain(message);
    }
  });

  it('passes on the store’s message for a missing project or a file that is not one', async () => {
    const missing = await tessera(
      'export',
      '--project',
      folder.file('none.tessera'),
      '--design',
      'Tile',
      '--format',
      'json',
      '--out',
      folder.path,
    );
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('There is no project file at');
    const foreign = folder.file('notes.tessera');
    await writeFile(
      foreign,
      'just some notes, not a database at all, but long enough to be looked at properly......',
    );
    const before = await sha256(foreign);
    const result = await tessera(
      'export',
      '--project',
      foreign,
      '--design',
      'Tile',
      '--format',
      'json',
      '--out',
      folder.path,
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('is not a Tessera project');
    expect(await sha256(foreign)).toBe(before);
  });
});

describe('tessera import', () => {
  it('adds a design from a YAML spec, named by the document or by --name', async () => {
    const spec = folder.file('h100.tessera.yaml');
    await writeFile(spec, designToYaml({ ...h100, name: 'Imported H100' }));
    const result = await tessera('import', '--project', project, spec);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^imported design "Imported H100" \(id d-[0-9a-f]+, 7 blocks, from YAML\)/);
    const renamed = await tessera('import', spec, '--project', project, '--name', 'Renamed');
    expect(renamed.code).toBe(0);
    expect(await designNames()).toEqual(expect.arrayContaining(['Imported H100', 'Renamed']));
    const store = await ProjectStore.open(project);
    try {
      const summary = (await store.listDesigns()).find((design) => design.name === 'Renamed');
      const stored = await store.getDesign(summary?.id ?? '');
      expect(stored.document).toEqual({ ...h100, name: 'Renamed' });
      expect(stored.workload).toBeNull();
      // The history says where the design came from, as it does for an import in the app.
      expect((await store.listVersions(stored.id)).map((version) => version.kind)).toEqual(['import']);
    } finally {
      await store.close();
    }
  });

  it('adds a design from a PNG exported by Tessera', async () => {
    const png = folder.file('tile.png');
    const file = exportDesign({
      design: tile,
      workload: null,
      report: null,
      catalog,
      format: 'png',
      raster: minimalPng(),
    });
    await writeFile(png, file.data);
    const result = await tessera('import', '--project', project, png);
    expect(result.code).toBe(0);
    expect(result.out).toContain('from PNG');
    expect((await designNames()).filter((name) => name === tile.name)).toHaveLength(1);
  });

  it('stores a Hugging Face config as a project model', async () => {
    const config = folder.file('config.json');
    const llama = catalog.models.get('llama-3-8b')?.hfConfig;
    await writeFile(config, JSON.stringify({ ...llama, _name_or_path: 'meta-llama/Meta-Llama-3-8B' }));
    const result = await tessera(
      'import',
      '--project',
      project,
      config,
      '--model-id',
      'my-llama',
      '--name',
      'My Llama',
    );
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('imported model "My Llama" (id my-llama)');
    const store = await ProjectStore.open(project);
    try {
      const models = await store.listModels();
      expect(models.find((model) => model.id === 'my-llama')).toMatchObject({ name: 'My Llama' });
    } finally {
      await store.close();
    }
  });

  it('lists every problem of a damaged spec with where it is, and leaves the project untouched', async () => {
    const spec = folder.file('damaged.yaml');
    const text = designToYaml(tile)
      .replace('position: { x: 40, y: 220 }', 'position: { x: far, y: 220 }')
      .replace('count: 1', 'count: 0');
    await writeFile(spec, text);
    const before = await sha256(project);
    const result = await tessera('import', '--project', project, spec);
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toContain(
      'tessera: "damaged.yaml" was read as a Tessera design in YAML and cannot be opened:',
    );
    expect(result.err).toMatch(/ {2}blocks\.sram\.position\.x \(line \d+, column \d+\): /);
    expect(result.err).toMatch(/ {2}groups\.chip\.count \(line \d+, column \d+\): /);
    expect(result.err).toContain(`Nothing was written to ${project}.`);
    expect(await sha256(project)).toBe(before);
  });

  it('refuses a file that is not a design or a config, and a bad --name, leaving the project untouched', async () => {
    const before = await sha256(project);
    const binary = folder.file('blob.bin');
    await writeFile(binary, new Uint8Array([0, 1, 2, 255, 254]));
    const refused = await tessera('import', '--project', project, binary);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('"blob.bin" is not text.');
    expect(refused.err).toContain('  (file): ');

    const spec = folder.file('tile.json');
    await writeFile(spec, designToJson(tile));
    const badName = await tessera('import', '--project', project, spec, '--name', '');
    expect(badName.code).toBe(2);
    expect(badName.err).toContain('--name cannot be used');
    expect(await sha256(project)).toBe(before);
  });

  it('stops an import that keeps the parser busy past the time limit, and imports the next file', async () => {
    // 990,000 commas in the block list: the YAML reader works on them for tens of seconds.
    const slow = folder.file('slow.yaml');
    await writeFile(
      slow,
      `format: tessera.design\nversion: 1\nname: Slow\nblocks: [${','.repeat(990_000)}]\n`,
    );
    const spec = folder.file('tile.yaml');
    await writeFile(spec, designToYaml(tile));
    const before = await sha256(project);
    const fileJobs = new FileJobRunner({
      createWorker: (options) => sourceFileWorker(options),
      timeLimitMs: 5000,
    });
    try {
      const stopped = await tesseraWith({ fileJobs }, 'import', '--project', project, slow);
      expect(stopped).toEqual({
        code: 2,
        out: '',
        err: 'tessera: Importing "slow.yaml" took longer than 5 s and was stopped; the file may be malformed. Nothing was changed.\n',
      });
      expect(await sha256(project)).toBe(before);
      const next = await tesseraWith({ fileJobs }, 'import', '--project', project, spec, '--name', 'After');
      expect(next.code).toBe(0);
      expect(await designNames()).toContain('After');
    } finally {
      await fileJobs.close();
    }
  }, 180_000);

  it('passes on the store’s message for a missing project or a file that is not one', async () => {
    const spec = folder.file('tile.json');
    await writeFile(spec, designToJson(tile));
    const missingProject = folder.file('none.tessera');
    const missing = await tessera('import', '--project', missingProject, spec);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('There is no project file at');
    expect(existsSync(missingProject)).toBe(false);

    const foreign = folder.file('foreign.tessera');
    await writeFile(
      foreign,
      'SQLite format 3 — no, just text pretending, padded out to more than one hundred bytes......',
    );
    const before = await sha256(foreign);
    const result = await tessera('import', '--project', foreign, spec);
    expect(result.code).toBe(2);
    expect(result.err).toContain('is not a Tessera project');
    expect(await sha256(foreign)).toBe(before);
  });

  it('explains a missing file and missing options', async () => {
    const cases: [string[], string][] = [
      [['import', '--project', project], 'import needs the file to import'],
      [['import', folder.file('x.json')], 'import needs --project'],
      [['import', '--project', project, folder.file('absent.json')], 'no such file'],
      [['import', '--project', project, 'a.json', 'b.json'], 'import takes one file'],
      [['import', '--project', project, 'a.json', '--id', 'x'], "Unknown option '--id'"],
    ];
    for (const [args, message] of cases) {
      const result = await tessera(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toContain(message);
    }
  });
});

describe('tessera export then import', () => {
  it('round-trips a design through every spec format', async () => {
    for (const format of ['json', 'yaml', 'svg'] as const) {
      const out = folder.file(`h100.${format}`);
      expect((await exportTo(h100.name, format, out)).code).toBe(0);
      expect((await tessera('import', '--project', project, out, '--name', `Copy ${format}`)).code).toBe(0);
    }
    const store = await ProjectStore.open(project);
    try {
      const copies = (await store.listDesigns()).filter((design) => design.name.startsWith('Copy '));
      expect(copies.map((design) => design.name)).toEqual(['Copy json', 'Copy yaml', 'Copy svg']);
      for (const summary of copies) {
        const stored = await store.getDesign(summary.id);
        expect(stored.document).toEqual({ ...h100, name: summary.name });
      }
    } finally {
      await store.close();
    }
  });
});
