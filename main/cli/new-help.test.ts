/**
 * `tessera new` makes a project file with the app's project store (empty, or with a preset's design), never
 * over an existing file; `tessera --help` and `tessera <command> --help` answer with usage and exit 0.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTestCatalog } from '../files/test-support';
import { ProjectStore } from '../store/project-store';
import { sha256, temporaryFolder } from '../testing/temp';
import { tessera } from './test-support';

const catalog = await loadTestCatalog();
let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

async function designsIn(path: string): Promise<{ name: string; blocks: number }[]> {
  const store = await ProjectStore.open(path);
  try {
    const summaries = await store.listDesigns();
    return await Promise.all(
      summaries.map(async (summary) => {
        const design = await store.getDesign(summary.id);
        return { name: design.name, blocks: design.document.blocks.length };
      }),
    );
  } finally {
    await store.close();
  }
}

describe('tessera new', () => {
  it('creates an empty project the store opens', async () => {
    const path = folder.file('empty.tessera');
    const { code, out, err } = await tessera('new', path);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(path);
    expect(await designsIn(path)).toEqual([]);
  });

  it('with --preset holds that preset as its one design, which simulate-ready commands can export', async () => {
    const preset = catalog.presets.get('nvidia-h100-sxm');
    if (!preset) throw new Error('no H100 preset');
    const path = folder.file('h100.tessera');
    const { code } = await tessera('new', path, '--preset', 'nvidia-h100-sxm');
    expect(code).toBe(0);
    expect(await designsIn(path)).toEqual([
      { name: preset.design.name, blocks: preset.design.blocks.length },
    ]);
    const exported = await tessera(
      'export',
      '--project',
      path,
      '--design',
      preset.design.name,
      '--format',
      'json',
      '--out',
      folder.file('h100.json'),
    );
    expect(exported.code).toBe(0);
    expect(existsSync(folder.file('h100.json'))).toBe(true);
  });

  it('refuses to overwrite an existing file, leaving it as it was', async () => {
    const path = folder.file('taken.tessera');
    await writeFile(path, 'not a project');
    const before = await sha256(path);
    const { code, err } = await tessera('new', path);
    expect(code).toBe(2);
    expect(err).not.toBe('');
    expect(await sha256(path)).toBe(before);
  });

  it('refuses an unknown preset, a missing path or another extension without making a file', async () => {
    const path = folder.file('x.tessera');
    const unknown = await tessera('new', path, '--preset', 'no-such-chip');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no-such-chip');
    expect(existsSync(path)).toBe(false);
    expect((await tessera('new')).code).toBe(2);
    const other = await tessera('new', folder.file('x.db'));
    expect(other.code).toBe(2);
    expect(existsSync(folder.file('x.db'))).toBe(false);
  });
});

describe('tessera --help', () => {
  it('prints the whole usage and exits 0, naming every command', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const { code, out } = await tessera(flag);
      expect(code).toBe(0);
      expect(out).toMatch(/^usage: tessera <command>/);
      for (const command of [
        'new',
        'presets',
        'simulate',
        'import-model',
        'export',
        'import',
        'validate',
        'bench',
      ])
        expect(out).toContain(`\n  ${command} `);
    }
  });

  it.each(['new', 'presets', 'models', 'formats', 'simulate', 'import-model', 'validate', 'bench'])(
    '%s --help prints that command’s usage and exits 0 without running it',
    async (command) => {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await tessera(command, flag);
        expect(err).toBe('');
        expect(code).toBe(0);
        expect(out).toMatch(new RegExp(`^usage: tessera ${command}\\b`));
        // One command's usage, not the list of all of them.
        expect(out).not.toContain('usage: tessera <command>');
      }
    },
  );

  it('simulate --help lists its flags', async () => {
    const { out } = await tessera('simulate', '--help');
    for (const flag of ['--design', '--model', '--batch', '--input', '--output', '--context', '--runtime'])
      expect(out).toContain(flag);
  });
});
