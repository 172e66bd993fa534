// Where the Electron binary is, without triggering its download (requiring `electron` would try to fetch it).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const electronFolder = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'electron');

/** The path of the Electron executable when it has been downloaded, else undefined. */
export function electronBinary() {
  const pathFile = join(electronFolder, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(electronFolder, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}
