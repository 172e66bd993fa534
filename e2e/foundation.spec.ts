import { writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

test('a two-block design survives a reload', async ({ tessera }) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 300, y: 200 });
  await tessera.dropBlock('SRAM scratchpad', { x: 320, y: 420 });
  await expect(tessera.block('Systolic-array tile')).toBeVisible();
  await expect(tessera.block('SRAM scratchpad')).toBeVisible();

  await tessera.connect(
    { block: 'Systolic-array tile', port: 'Memory' },
    { block: 'SRAM scratchpad', port: 'Port' },
  );
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(1);

  const before = await tessera.blockPosition('SRAM scratchpad');
  await tessera.moveBlock('SRAM scratchpad', { x: 160, y: 40 });
  await tessera.expectSaved();
  const movedTo = await tessera.blockPosition('SRAM scratchpad');
  expect(movedTo.x).toBeGreaterThan(before.x + 100);

  await tessera.page.reload();
  await expect(tessera.block('Systolic-array tile')).toBeVisible();
  await expect(tessera.block('SRAM scratchpad')).toBeVisible();
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(1);
  expect(await tessera.blockPosition('SRAM scratchpad')).toEqual(movedTo);
  await tessera.screenshot('two-block-design');
});

test('a deleted block stays deleted after a reload, and its link goes with it', async ({ tessera }) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 300, y: 200 });
  await tessera.dropBlock('HBM', { x: 320, y: 420 });
  await tessera.connect({ block: 'Systolic-array tile', port: 'Memory' }, { block: 'HBM', port: 'Port' });
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(1);

  await tessera.block('HBM').click();
  await tessera.page.keyboard.press('Delete');
  await expect(tessera.block('HBM')).toHaveCount(0);
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(0);
  await tessera.expectSaved();

  await tessera.page.reload();
  await expect(tessera.block('Systolic-array tile')).toBeVisible();
  await expect(tessera.block('HBM')).toHaveCount(0);
});

test('opening a damaged project file shows what is wrong and leaves the file untouched', async ({
  tessera,
}) => {
  const path = tessera.projectPath('damaged.tessera');
  // A real SQLite header followed by garbage: the file claims to be a database but its pages are nonsense.
  const bytes = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4080, 0xa5)]);
  await writeFile(path, bytes);
  const before = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

  await tessera.openProject(path);
  await expect(tessera.alert).toContainText('damaged.tessera');
  await expect(tessera.alert).toContainText('The file was not changed');
  await expect(tessera.page.getByRole('button', { name: 'Create project' })).toBeVisible();
  expect(
    createHash('sha256')
      .update(await readFile(path))
      .digest('hex'),
  ).toBe(before);
});

test('a file that is not a project at all is refused in plain words', async ({ tessera }) => {
  const path = tessera.projectPath('notes.tessera');
  await writeFile(path, 'These are my meeting notes, not a Tessera project.\n'.repeat(10));
  await tessera.openProject(path);
  await expect(tessera.alert).toContainText('not an SQLite database');
});
