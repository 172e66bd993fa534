import { expect, test } from './fixtures';

test('the text spec reads "4 TB/s" as the Inspector does, shows units, never says "In sync" while invalid, and widens', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  // The preset's HBM takes its type's defaults; set them in the Inspector so the text lists them.
  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '3.2 TB/s');
  await tessera.setParameter('Capacity', '96 GiB');
  await tessera.expectSaved();
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  await tessera.panel('Spec');
  const editor = tessera.specEditor();
  const spec = page.getByRole('region', { name: 'Text spec' });
  // Quantities are shown in their units, not as raw byte counts.
  await expect(editor).toContainText('bandwidthBytesPerSecond: 3.2 TB/s');
  await expect(editor).toContainText('capacityBytes: 96 GiB');
  const status = spec.getByRole('status');
  await expect(status).toHaveText('In sync with the canvas');

  await tessera.editSpecLine('bandwidthBytesPerSecond: 3.2 TB/s', 'bandwidthBytesPerSecond: 4 TB/s');
  await tessera.nextHeadline('Decode throughput', before);
  await expect(status).toHaveText('In sync with the canvas');
  await tessera.block('HBM3').click();
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Bandwidth', { exact: true })).toHaveValue('4 TB/s');

  // Two mistakes: the text is not applied, the status says so and the problems point at their lines.
  await tessera.panel('Spec');
  await tessera.editSpecLine('bandwidthBytesPerSecond: 4 TB/s', 'bandwidthBytesPerSecond: 4 TBs');
  await tessera.editSpecLine('capacityBytes: 96 GiB', 'capacityBytes: eighty');
  await expect(status).toHaveText(/^Not applied: 2 errors/);
  await expect(status).not.toContainText('In sync');
  const problems = page.getByRole('list', { name: 'Spec problems' }).getByRole('button');
  await expect(problems).toHaveCount(2);
  await expect(problems.first()).toContainText(/^Line \d+, column \d+/);
  await expect(problems.first()).toContainText('"TBs" is not a unit of bandwidth');
  await tessera.block('HBM3').click();
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Bandwidth', { exact: true })).toHaveValue('4 TB/s');

  // Widen gives the text most of the window, and is kept for the next session.
  await tessera.panel('Spec');
  const narrow = (await spec.boundingBox())?.width ?? 0;
  await spec.getByRole('button', { name: 'Widen' }).click();
  await expect(spec.getByRole('button', { name: 'Widen' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await spec.boundingBox())?.width ?? 0).toBeGreaterThan(narrow + 300);
  await tessera.screenshot('text-spec-wide');
  await page.reload();
  await tessera.openProject(tessera.projectPath());
  await tessera.panel('Spec');
  await expect(spec.getByRole('button', { name: 'Widen' })).toHaveAttribute('aria-pressed', 'true');
  await spec.getByRole('button', { name: 'Widen' }).click();
  await expect.poll(async () => (await spec.boundingBox())?.width ?? 0).toBeLessThan(narrow + 10);
});

test('the text spec carries the workload: editing its batch in the text changes the Workload panel, and edits in the panel come back into the text', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const batch = page.getByRole('spinbutton', { name: 'Batch' });
  await tessera.panel('Workload');
  await expect(batch).toHaveValue('1');
  await tessera.panel('Spec');
  const editor = tessera.specEditor();
  await expect(editor).toContainText('workload:');
  await expect(editor).toContainText('model: llama-3-8b');
  const status = page.getByRole('region', { name: 'Text spec' }).getByRole('status');
  await expect(status).toHaveText('In sync with the canvas');

  await tessera.editSpecLine('batch: 1', 'batch: 8');
  await expect(status).toHaveText('In sync with the canvas');
  await tessera.panel('Workload');
  await expect(batch).toHaveValue('8');
  // A change in the Workload panel is written back into the text.
  await batch.fill('4');
  await batch.blur();
  await tessera.panel('Spec');
  await expect(editor).toContainText('batch: 4');
});
