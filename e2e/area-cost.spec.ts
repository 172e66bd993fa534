import { readFile } from 'node:fs/promises';
import { expect, test } from './fixtures';

test('the H100 preset shows its die and cost; a dearer wafer raises the cost, and the report carries the breakdown', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  // The preset states GH100's published die (814 mm², TSMC 4N); the card shows it beside the estimate.
  await expect(tessera.headline('Die area')).toHaveText('814 mm²');
  await expect(tessera.headline('Cost')).toContainText('$');
  const before = (await tessera.headline('Cost').textContent()) ?? '';
  const costBefore = await tessera.headlineNumber('Cost');

  const { page } = tessera;
  // The tab is reachable from the keyboard: focus it and press Enter.
  await page.getByRole('tab', { name: 'Area & cost' }).focus();
  await page.keyboard.press('Enter');
  const blocks = page.getByRole('table', { name: 'Area by block' });
  // GH100 carries 144 SMs on the die, 132 enabled: the area counts the ones fused off for yield too.
  const sm = blocks.getByRole('row', { name: /^SM 144 / });
  await expect(sm).toBeVisible();
  await expect(sm).toContainText('register file');
  await expect(sm).toContainText('132 enabled');
  await expect(page.getByLabel('Area and cost in a sentence')).toContainText('per decode token/s');
  await tessera.screenshot('area-cost-tab');

  // Twice the wafer price doubles the die's share of the cost: the system costs more.
  await tessera.block('Fabrication & cost').click();
  await tessera.setParameter('Wafer cost', '40000');
  await page.getByRole('tab', { name: 'Summary' }).click();
  await tessera.nextHeadline('Cost', before);
  expect(await tessera.headlineNumber('Cost')).toBeGreaterThan(costBefore);

  const markdown = await readFile(await tessera.exportAs('Report (Markdown)'), 'utf8');
  expect(markdown).toContain('## Area and cost');
  expect(markdown).toContain('Cost per good die');
});
