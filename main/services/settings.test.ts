// Settings on a real file in a temporary folder: writes are atomic and queued, and one failed write neither
// hides its error nor blocks the writes after it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../testing/temp';
import { SettingsStore } from './settings';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
beforeEach(async () => {
  folder = await temporaryFolder();
});
afterEach(async () => {
  await folder.remove();
});

async function onDisk(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

describe('settings', () => {
  it('keeps what was written across a reload', async () => {
    const file = folder.file('config/settings.json');
    const store = await SettingsStore.load(file);
    await store.update({ theme: 'dark', authorName: 'Ada' });
    await store.addRecentProject('/projects/a.tessera');
    const again = await SettingsStore.load(file);
    expect(again.settings).toEqual({ theme: 'dark', authorName: 'Ada' });
    expect(again.recentProjects).toEqual(['/projects/a.tessera']);
  });

  it('reports a failed write with its own error, and the next write succeeds once the folder is writable', async () => {
    // The settings folder's place is taken by a plain file, so the write cannot create it.
    const blocker = folder.file('config');
    await writeFile(blocker, 'not a folder');
    const file = folder.file('config/settings.json');
    const store = await SettingsStore.load(file);
    await expect(store.update({ theme: 'dark' })).rejects.toThrow(/config/);

    await rm(blocker);
    await expect(store.update({ authorName: 'Grace' })).resolves.toEqual({
      theme: 'dark',
      authorName: 'Grace',
    });
    expect(await onDisk(file)).toMatchObject({ theme: 'dark', authorName: 'Grace' });
    await store.addRecentProject('/projects/b.tessera');
    expect(await onDisk(file)).toMatchObject({ recentProjects: ['/projects/b.tessera'] });
  });

  it('writes queued behind a failed one still run, and each reports its own outcome', async () => {
    const blocker = folder.file('config');
    await writeFile(blocker, 'not a folder');
    const file = folder.file('config/settings.json');
    const store = await SettingsStore.load(file);
    const first = store.update({ theme: 'light' });
    const second = store.update({ authorName: 'Lin' });
    await expect(first).rejects.toThrow();
    await expect(second).rejects.toThrow();
    await rm(blocker);
    await store.update({ theme: 'dark' });
    expect(await onDisk(file)).toMatchObject({ theme: 'dark', authorName: 'Lin' });
  });
});
