import { expect, test } from './fixtures';

test('automatic parallelism searches the splits of a DGX H100, and a runner-up becomes the manual split', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA DGX H100');
  await tessera.pickModel('llama 3 70b', 'Llama 3 70B');
  const batch = page.getByRole('spinbutton', { name: 'Batch' });
  await batch.fill('64');
  await batch.blur();

  // Issue 14: "Automatic" used to run TP 1 × 8 replicas from host memory at 57.5 tok/s; TP 8 gives 4.38 ktok/s.
  const search = page.getByRole('table', { name: 'Plan search' });
  const chosen = search.getByRole('row').filter({ hasText: 'chosen' });
  await expect(chosen).toContainText('TP 8 · PP 1');
  await expect(chosen).toContainText('device');
  await expect(tessera.headline('Decode throughput')).toContainText('ktok/s');
  expect(await tessera.headlineNumber('Decode throughput')).toBeGreaterThan(4000);
  await expect(search.getByRole('button', { name: /^Use / })).toHaveCount(4);
  await expect(page.getByRole('combobox', { name: 'Parallelism' })).toContainText('Automatic (TP 8 · PP 1)');
  await tessera.screenshot('plan-search');

  // A TPOT target no split meets: the table says so on every row, and the report warns.
  const target = page.getByRole('spinbutton', { name: 'TPOT target (ms)' });
  await target.fill('1');
  await target.blur();
  await expect(page.getByText(/TPOT target 1 ms/)).toBeVisible();
  await expect(search.getByRole('cell', { name: /\(over\)$/ })).toHaveCount(5);
  await target.fill('');
  await target.blur();
  await expect(search.getByRole('cell', { name: /\(over\)$/ })).toHaveCount(0);

  // The first runner-up: its figures in the table, then the same figures as the manual split.
  const runnerUp = search.getByRole('button', { name: /^Use / }).first();
  const name = (await runnerUp.textContent()) ?? '';
  const match = /TP (\d+) · PP (\d+)/.exec(name);
  if (!match) throw new Error(`a runner-up is named "${name}"`);
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  await runnerUp.click();
  await expect(page.getByRole('combobox', { name: 'Parallelism' })).toHaveValue('manual');
  await expect(page.getByRole('spinbutton', { name: 'TP (tensor parallelism)' })).toHaveValue(match[1] ?? '');
  await expect(page.getByRole('spinbutton', { name: 'PP (pipeline parallelism)' })).toHaveValue(
    match[2] ?? '',
  );
  await tessera.nextHeadline('Decode throughput', before);
  await expect(page.getByRole('table', { name: 'Plan search' })).toHaveCount(0);

  // Undo brings the automatic plan and its table back.
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('combobox', { name: 'Parallelism' })).toHaveValue('auto');
  await expect(tessera.headline('Decode throughput')).toHaveText(before);
  await expect(page.getByRole('table', { name: 'Plan search' })).toBeVisible();
});
