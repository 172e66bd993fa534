/**
 * The library's own test: every file validates against its schema, ids match file names, references between
 * entries resolve, and every entry cites a source.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indexCatalog } from '../../engine/catalog';
import { checkDesign } from '../../engine/stages/check';
import { libraryRoot } from '../testing/fake-backend';
import { temporaryFolder } from '../testing/temp';
import { loadLibrary } from './library-loader';

const { catalog, problems } = await loadLibrary(libraryRoot);
const index = indexCatalog(catalog);

describe('the library', () => {
  it('has no invalid files', () => {
    expect(problems).toEqual([]);
  });

  it('loads every JSON file it holds', async () => {
    const counted = async (folder: string) =>
      (await readdir(join(libraryRoot, folder)).catch(() => [])).filter((name) => name.endsWith('.json'))
        .length;
    expect(catalog.blockTypes).toHaveLength(await counted('blocks'));
    expect(catalog.presets).toHaveLength(await counted('presets'));
    expect(catalog.models).toHaveLength(await counted('models'));
    expect(catalog.formats).toHaveLength(await counted('formats'));
    expect(catalog.tech).toHaveLength(await counted('tech'));
    expect(catalog.runtimes).toHaveLength(await counted('runtimes'));
  });

  it('has the block types the palette needs at least', () => {
    for (const id of ['compute.systolic', 'memory.sram', 'memory.hbm', 'interconnect.noc'])
      expect(index.blockTypes.has(id), id).toBe(true);
  });

  it('cites a source for every entry', () => {
    const entries = [
      ...catalog.blockTypes,
      ...catalog.presets,
      ...catalog.models,
      ...catalog.formats,
      ...catalog.runtimes,
    ];
    for (const entry of entries) expect(entry.source.citation.length, entry.id).toBeGreaterThan(3);
    for (const table of catalog.tech)
      for (const row of table.rows)
        expect(row.source.citation.length, `${table.id}/${row.id}`).toBeGreaterThan(3);
  });

  it('every preset is a valid design of library block types', () => {
    for (const preset of catalog.presets) {
      const errors = checkDesign(preset.design, index).filter(
        (diagnostic) => diagnostic.severity === 'error',
      );
      expect(errors, preset.id).toEqual([]);
    }
  });
});

describe('a block type the engine cannot cost', () => {
  it('is left out with a problem naming its file, its cost model and the models there are', async () => {
    const folder = await temporaryFolder();
    const root = folder.path;
    await mkdir(join(root, 'blocks'), { recursive: true });
    const source = JSON.parse(
      await readFile(join(libraryRoot, 'blocks', 'memory.sram.json'), 'utf8'),
    ) as Record<string, unknown>;
    const invented = { ...source, id: 'memory.invented', costModel: 'quantum-foam' };
    await writeFile(join(root, 'blocks', 'memory.invented.json'), JSON.stringify(invented));
    await writeFile(join(root, 'blocks', 'memory.sram.json'), JSON.stringify(source));
    const loaded = await loadLibrary(root);
    await folder.remove();
    expect(loaded.catalog.blockTypes.map((type) => type.id)).toEqual(['memory.sram']);
    expect(loaded.problems).toEqual([
      {
        file: 'blocks/memory.invented.json',
        path: 'costModel',
        message: expect.stringMatching(
          /no cost model "quantum-foam" \(it has matrix-array, .*memory.*\)/,
        ) as string,
      },
    ]);
  });
});
