/** The build plugin gives the shebang chunk (the CLI) its run bits and leaves the other chunks as written. */
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executableOutput } from './executable-output';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tessera-bin-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function written(name: string, code: string): Promise<void> {
  await writeFile(join(dir, name), code);
  await chmod(join(dir, name), 0o644);
}

describe('executableOutput', () => {
  it('sets the run bits of a chunk that starts with a shebang, and of no other file', async () => {
    const cli = '#!/usr/bin/env node\nconsole.log(1);\n';
    const chunk = 'export const x = 1;\n';
    await written('cli.js', cli);
    await written('index.js', chunk);
    await written('style.css', '#!not-code');
    await executableOutput().writeBundle(
      { dir },
      {
        'cli.js': { type: 'chunk', fileName: 'cli.js', code: cli },
        'index.js': { type: 'chunk', fileName: 'index.js', code: chunk },
        'style.css': { type: 'asset', fileName: 'style.css' },
      },
    );
    // 0644 with the three run bits added (owner, group, others) is 0755.
    expect((await stat(join(dir, 'cli.js'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(dir, 'index.js'))).mode & 0o777).toBe(0o644);
    expect((await stat(join(dir, 'style.css'))).mode & 0o777).toBe(0o644);
  });

  it('is part of the main build in electron.vite.config.ts', async () => {
    const { readFile } = await import('node:fs/promises');
    const config = await readFile(join(import.meta.dirname, '../../electron.vite.config.ts'), 'utf8');
    expect(config).toMatch(/main:\s*{\s*plugins:\s*\[executableOutput\(\)\]/);
  });
});
