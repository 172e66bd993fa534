/**
 * The validated library, cached so a command-line run does not validate every library file with zod again when
 * nothing changed (validation is most of the CLI's start-up). The cache is one file: a header line (its format,
 * the key it was made for, the SHA-256 of the body) and a body line (the catalog and its problems as JSON).
 *
 * The key is a hash of the code that validates (a rebuilt app may validate differently) and of the name and
 * content of every library file the loader reads. A cache is used only when its header parses, its key equals
 * the library's key now and its body hashes to the header's digest; anything else (missing, damaged, stale,
 * written by another version) is ignored, the library is loaded and validated as usual, and the cache rewritten.
 * Writing is best effort (a read-only folder just means no cache) and atomic (a temporary file renamed over).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../engine/catalog';
import type { LoadedLibrary } from './library-loader';
import { libraryFolders } from './library-locate';

const cacheFormat = 'tessera.library-cache';
const cacheVersion = 1;

/** Where caches go: `TESSERA_CACHE_DIR`, else `$XDG_CACHE_HOME/tessera`, else `~/.cache/tessera`; `off` disables. */
export function defaultCacheDir(): string | undefined {
  const configured = process.env.TESSERA_CACHE_DIR;
  if (configured === 'off') return undefined;
  if (configured !== undefined && configured !== '') return configured;
  const base = process.env.XDG_CACHE_HOME;
  return join(base !== undefined && base !== '' ? base : join(homedir(), '.cache'), 'tessera');
}

const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/**
 * What identifies the code that validates: every file beside this module (in the build, the chunks, whose names
 * carry their content's hash) and, running from the sources, the engine's schema files, by name, size and time.
 */
async function codeIdentity(): Promise<string> {
  const here = import.meta.dirname;
  const lines: string[] = [];
  for (const folder of [here, join(here, '..', '..', 'engine', 'schema')]) {
    let names: string[];
    try {
      names = (await readdir(folder)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const info = statSync(join(folder, name), { throwIfNoEntry: false });
      lines.push(`code ${folder}/${name} ${info?.size ?? '-'} ${info?.mtimeMs ?? '-'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The key of the library under `root` now: the loader's code and every library file's name and content. */
export async function libraryKey(root: string): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${cacheFormat}/${cacheVersion}\n`);
  hash.update(await codeIdentity());
  const files: string[] = [];
  for (const folder of libraryFolders) {
    let names: string[];
    try {
      names = (await readdir(join(root, folder))).filter((name) => name.endsWith('.json')).sort();
    } catch {
      continue;
    }
    files.push(...names.map((name) => `${folder}/${name}`));
  }
  files.push('validation/error-bands.json');
  // Read synchronously: ~100 small files, where a promise per open, stat, read and close costs more than the reads.
  for (const file of files) {
    let content: Buffer | undefined;
    try {
      content = readFileSync(join(root, file));
    } catch {
      content = undefined;
    }
    hash.update(`${file} ${content === undefined ? 'absent' : sha256(content)}\n`);
  }
  return hash.digest('hex');
}

interface CacheHeader {
  format: string;
  version: number;
  key: string;
  root: string;
  digest: string;
}

function isLoadedLibrary(value: unknown): value is LoadedLibrary {
  if (typeof value !== 'object' || value === null) return false;
  const { catalog, problems } = value as {
    catalog?: Partial<Record<keyof Catalog, unknown>>;
    problems?: unknown;
  };
  if (typeof catalog !== 'object' || catalog === null || !Array.isArray(problems)) return false;
  return (['blockTypes', 'presets', 'models', 'formats', 'tech', 'runtimes'] as const).every((field) =>
    Array.isArray(catalog[field]),
  );
}

/** The cached library when the cache file is whole and made for `key`, else undefined. */
async function readCache(file: string, key: string): Promise<LoadedLibrary | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  const body = text.slice(newline + 1);
  try {
    const header = JSON.parse(text.slice(0, newline)) as Partial<CacheHeader>;
    if (header.format !== cacheFormat || header.version !== cacheVersion || header.key !== key)
      return undefined;
    if (header.digest !== sha256(body)) return undefined;
    const loaded = JSON.parse(body) as unknown;
    return isLoadedLibrary(loaded) ? loaded : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, dir: string, header: CacheHeader, body: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(header)}\n${body}`, 'utf8');
    await rename(temporary, file);
  } catch {
    // No cache this time; the next run validates again.
  }
}

export interface CachedLoad extends LoadedLibrary {
  /** Whether the catalog came from the cache (else it was loaded, validated and the cache rewritten). */
  fromCache: boolean;
}

/**
 * `loadLibrary(root)` through the cache in `cacheDir` (one cache file per library folder); without a cache
 * folder it is `loadLibrary` itself.
 */
export async function loadLibraryCached(root: string, cacheDir = defaultCacheDir()): Promise<CachedLoad> {
  if (cacheDir === undefined) {
    const { loadLibrary } = await import('./library-loader');
    return { ...(await loadLibrary(root)), fromCache: false };
  }
  const key = await libraryKey(root);
  const file = join(cacheDir, `library-${sha256(root).slice(0, 16)}.json`);
  const cached = await readCache(file, key);
  if (cached) return { ...cached, fromCache: true };
  // The loader (its schemas) is loaded only when the cache cannot be used.
  const { loadLibrary } = await import('./library-loader');
  const loaded = await loadLibrary(root);
  const body = JSON.stringify(loaded);
  await writeCache(
    file,
    cacheDir,
    { format: cacheFormat, version: cacheVersion, key, root, digest: sha256(body) },
    body,
  );
  return { ...loaded, fromCache: false };
}
