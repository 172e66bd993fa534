import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibraryCached } from './library-cache';
import { libraryFolders, loadLibrary, locateLibrary } from './library-loader';

let work: string;
let library: string;
let cacheDir: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'tessera-library-cache-'));
  library = join(work, 'library');
  cacheDir = join(work, 'cache');
  await cp(locateLibrary(import.meta.dirname), library, { recursive: true });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function cacheFile(): Promise<string> {
  const [name] = await readdir(cacheDir);
  if (name === undefined) throw new Error('no cache file');
  return join(cacheDir, name);
}

describe('the validated-library cache', () => {
  it('keys on every folder of the library the loader reads', async () => {
    const root = locateLibrary(import.meta.dirname);
    const folders = (await readdir(root, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory() && entry.name !== 'validation')
      .map((entry) => entry.name);
    expect([...folders].sort()).toEqual([...libraryFolders].sort());
  });

  it('gives the same catalog as validating, from the cache on the second load', async () => {
    const validated = await loadLibrary(library);
    const first = await loadLibraryCached(library, cacheDir);
    const second = await loadLibraryCached(library, cacheDir);
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.catalog).toEqual(validated.catalog);
    expect(second.problems).toEqual(validated.problems);
  });

  it('is stale once a library file changes: the change is seen and validated', async () => {
    await loadLibraryCached(library, cacheDir);
    const file = join(library, 'models', 'llama-3-8b.json');
    const model = JSON.parse(await readFile(file, 'utf8')) as { name: string };
    await writeFile(file, JSON.stringify({ ...model, name: 'Llama 3 8B (edited)' }), 'utf8');
    const edited = await loadLibraryCached(library, cacheDir);
    expect(edited.fromCache).toBe(false);
    expect(edited.catalog.models.find((entry) => entry.id === 'llama-3-8b')?.name).toBe(
      'Llama 3 8B (edited)',
    );
    // An invalid edit is reported as validation reports it, never hidden by an older cache.
    await writeFile(file, JSON.stringify({ ...model, layers: -1 }), 'utf8');
    const invalid = await loadLibraryCached(library, cacheDir);
    expect(invalid.fromCache).toBe(false);
    expect(invalid.problems.some((problem) => problem.file === 'models/llama-3-8b.json')).toBe(true);
    await writeFile(file, JSON.stringify(model), 'utf8');
  });

  it('ignores a damaged cache (truncated, altered, not JSON) and rebuilds it', async () => {
    const validated = await loadLibrary(library);
    await loadLibraryCached(library, cacheDir);
    const file = await cacheFile();
    const whole = await readFile(file, 'utf8');
    const damages = [
      whole.slice(0, Math.floor(whole.length / 2)),
      // A value changed in the body, the header left as it was: the digest no longer matches.
      whole.replace('"Llama 3 8B"', '"Llama 3 9B"'),
      'not a cache at all',
      '',
    ];
    expect(damages[1]).not.toBe(whole);
    for (const damaged of damages) {
      await writeFile(file, damaged, 'utf8');
      const loaded = await loadLibraryCached(library, cacheDir);
      expect(loaded.fromCache).toBe(false);
      expect(loaded.catalog).toEqual(validated.catalog);
      expect((await loadLibraryCached(library, cacheDir)).fromCache).toBe(true);
    }
  });

  it('still loads when the cache folder cannot be written', async () => {
    const blocked = join(work, 'a-file');
    await writeFile(blocked, 'in the way', 'utf8');
    const loaded = await loadLibraryCached(library, join(blocked, 'cache'));
    expect(loaded.fromCache).toBe(false);
    expect(loaded.catalog.models.length).toBeGreaterThan(0);
  });
});
