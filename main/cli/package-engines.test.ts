/**
 * package.json states the Node the whole project needs: at least what the Electron it installs requires (its
 * installer downloads the binary), kept in the lock file too; and engine-strict stays off so `npm ci` still
 * installs on Node 20, where everything but the Electron download runs.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const json = async (path: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(join(root, path), 'utf8')) as Record<string, unknown>;
const engines = (manifest: Record<string, unknown>): string =>
  ((manifest.engines ?? {}) as { node?: string }).node ?? '';

/** The lowest version a simple `>=X.Y[.Z]` range allows, as [major, minor, patch]. */
function lowest(range: string): number[] {
  const match = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(range.trim());
  if (!match) throw new Error(`not a ">=X.Y" range: ${range}`);
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}
const atLeast = (a: number[], b: number[]): boolean => {
  for (let index = 0; index < 3; index += 1)
    if ((a[index] ?? 0) !== (b[index] ?? 0)) return (a[index] ?? 0) > (b[index] ?? 0);
  return true;
};

describe('package.json engines', () => {
  it('asks for at least the Node that the installed Electron requires', async () => {
    const own = lowest(engines(await json('package.json')));
    const electron = lowest(engines(await json('node_modules/electron/package.json')).replace('>= ', '>='));
    expect(atLeast(own, electron)).toBe(true);
    const lock = (await json('package-lock.json')) as { packages: Record<string, Record<string, unknown>> };
    expect(engines(lock.packages[''] ?? {})).toBe(engines(await json('package.json')));
  });

  it('is not enforced, so npm ci installs on Node 20', async () => {
    const npmrc = existsSync(join(root, '.npmrc')) ? await readFile(join(root, '.npmrc'), 'utf8') : '';
    expect(npmrc).not.toMatch(/engine-strict\s*=\s*true/);
  });
});
