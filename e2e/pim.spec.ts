import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

test('a processing-in-memory block from the palette runs decode in the memory, and the report says so', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 220, y: 140 });
  await tessera.dropBlock('PIM memory', { x: 220, y: 380 });
  await tessera.connect(
    { block: 'Systolic-array tile', port: 'Memory' },
    { block: 'PIM memory', port: 'Port' },
  );
  // GPT-2 XL (3.1 GB in BF16) fits the default cube's 6 GB.
  await tessera.pickModel('gpt-2 xl', 'GPT-2 XL');
  await expect(tessera.headline('Memory')).toHaveText('Fits');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  const inMemory = await tessera.headlineNumber('Decode throughput');

  // The inspector shows the block's own parameters; with its banks no faster inside than through its pins, the
  // GEMVs go back to the tile and decode slows to what the pins allow (307 GB/s against 1.23 TB/s inside).
  await tessera.block('PIM memory').click();
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Internal bandwidth', { exact: true })).toBeVisible();
  await tessera.setParameter('Internal bandwidth', '100 GB/s');
  await tessera.nextHeadline('Decode throughput', before);
  expect(await tessera.headlineNumber('Decode throughput')).toBeLessThan(inMemory * 0.6);

  await tessera.page.locator('body').click({ position: { x: 5, y: 300 } });
  await tessera.page.keyboard.press('Control+z');
  await expect(tessera.headline('Decode throughput')).toHaveText(before);
  const report = await readFile(await tessera.exportAs('Report (HTML)'), 'utf8');
  expect(report).toContain('PIM memory');
  await tessera.screenshot('pim-design');
});
