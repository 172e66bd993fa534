/** Helpers for tests that need real files: a fresh temporary folder per test, and file checksums. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function temporaryFolder(): Promise<{
  path: string;
  file: (name: string) => string;
  remove: () => Promise<void>;
}> {
  const path = await mkdtemp(join(tmpdir(), 'tessera-test-'));
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) };
}

export async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}
