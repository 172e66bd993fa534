import { expect, test } from './fixtures';

test('a GPU + PIM design places FFN on the PIM module from the workload panel, and the Placement tab shows each group’s share; the Summary’s headline is the placement’s', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'GPU + PIM module');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');

  // The Placement tab exists only because the design has two chip groups with compute.
  const placementTab = page.getByRole('tab', { name: 'Placement', exact: true });
  await placementTab.click();
  await expect(page.getByLabel('Placement', { exact: true })).toContainText('TPOT');

  await tessera.panel('Workload');
  const field = page.getByRole('textbox', { name: 'Placement across chip groups' });
  await expect(field).toHaveValue('fastest');
  // A range backwards is refused with the syntax, and nothing changes.
  await field.fill('by-layers:15-0=gpu');
  await field.press('Enter');
  await expect(page.getByText('"15-0=gpu" must be <first>-<last>=<chip group id>')).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');

  await field.fill('by-class:attention=gpu,ffn=pim-module');
  await field.press('Enter');
  const sentence = page.getByLabel('Placement', { exact: true });
  await expect(sentence).toContainText('FFN on PIM module: TPOT');
  await expect(sentence).toContainText('less energy per token');

  const groups = page.getByRole('table', { name: 'Chip groups: decode step' });
  await expect(groups.getByRole('rowheader', { name: 'PIM module', exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: 'FFN: layers 0–31 on PIM module' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Attention: layers 0–31 on H100 SXM' })).toBeVisible();

  // Keyboard: the phase switch is reachable and its choice shows prefill's figures.
  await page.getByRole('radio', { name: 'Prefill' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('table', { name: 'Chip groups: prefill' })).toBeVisible();

  await page.getByRole('combobox', { name: 'Transfers between chip groups' }).selectOption('serial');
  await expect(page.getByRole('rowheader', { name: 'Transfers (serial)' })).toBeVisible();
  await tessera.screenshot('placement-view');

  // Never mislead by default: the Summary's TPOT card is the placement's TPOT, not the H100's alone.
  const placedTpot = /TPOT ([^,]+),/.exec((await sentence.textContent()) ?? '')?.[1] ?? 'missing';
  await page.getByRole('tab', { name: 'Summary', exact: true }).click();
  await expect(tessera.headline('Time per output token')).toHaveText(placedTpot);
  await expect(page.getByLabel('Bottleneck')).toContainText('Decode runs across chip groups: H100 SXM');
  await expect(page.getByLabel('Headline across chip groups', { exact: true })).toContainText(
    "the clock is H100 SXM's (primary group)",
  );
  // Whether it fits is the placement's: each group with what it holds of its share.
  await expect(tessera.headline('Memory')).toHaveText('Fits');
  await expect(
    page.getByRole('list', { name: 'Headline results' }).getByRole('listitem').filter({ hasText: 'Memory' }),
  ).toContainText('PIM module');
  await tessera.screenshot('placement-summary');
  // The per-operator view says whose operators it lists.
  await page.getByRole('tab', { name: 'Operators', exact: true }).click();
  await expect(page.getByLabel('Breakdown group', { exact: true })).toContainText(
    'Operators on H100 SXM (primary group)',
  );
  await tessera.screenshot('placement-operators');
});
