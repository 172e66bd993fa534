import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

test('the compression template, made 2:4-sparse, shows what each compression unit changes in its own tab', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'Tile mesh with compression units');
  await expect(tessera.headline('Memory')).toHaveText('Fits');

  // Sparse weights: the workload's choice.
  await tessera.panel('Workload');
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  await page.getByRole('combobox', { name: 'Sparsity' }).selectOption({ label: '2:4 sparse' });
  await tessera.nextHeadline('Decode throughput', before);

  // The Compression tab appears because the design has compression units; reach it from the keyboard.
  const tab = page.getByRole('tab', { name: 'Compression' });
  await page.getByRole('tab', { name: 'Summary' }).focus();
  await tab.focus();
  await page.keyboard.press('Enter');
  await expect(tab).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Compression answer')).toContainText(
    /Sparsity engine \(2:4\) cuts decode TPOT \d+ %/,
  );
  const units = page.getByRole('table', { name: 'Compression units' });
  for (const name of ['Sparsity engine', 'Weight decompressor', 'KV compressor'])
    await expect(units.getByRole('button', { name: `Select ${name} on the canvas` })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'index bits per weight' })).toContainText(
    '2:4',
  );
  await tessera.screenshot('compression-tab');

  // A unit's row selects it, and its parameters (throughput, area) are in the Inspector.
  await units.getByRole('button', { name: 'Select Weight decompressor on the canvas' }).click();
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Throughput', { exact: true })).toBeVisible();
  // Slowing the decompressor below what HBM feeds it makes it the bound, and the tab says so.
  await tessera.setParameter('Throughput', '100 GB/s');
  await expect(page.getByLabel('Compression answer')).toContainText('Weight decompressor raises decode TPOT');
  await expect(units.getByRole('row').filter({ hasText: 'Weight decompressor' })).toContainText(
    'bounds decode',
  );

  const report = await readFile(await tessera.exportAs('Report (HTML)'), 'utf8');
  expect(report).toContain('<h2>Compression</h2>');
  expect(report).toContain('bounds decode');
});
