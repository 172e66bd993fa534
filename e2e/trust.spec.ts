import { expect, test } from './fixtures';

test('each headline figure shows its error band, and a model that does not fit is a red alert above the figures', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await tessera.pickModel('llama 3 8b', 'Llama 3 8B');
  const cards = tessera.page.getByRole('list', { name: 'Headline results' });
  const decode = cards.getByRole('listitem').filter({ hasText: 'Decode throughput' });
  await expect(decode).toContainText(/±\d+(\.\d)? % on \d+ published H100 rows/);
  await expect(cards.getByRole('listitem').filter({ hasText: 'Time per output token' })).toContainText(
    /published H100 rows/,
  );
  await expect(tessera.page.getByRole('alert', { name: 'Does not fit' })).toHaveCount(0);
  await tessera.screenshot('results-fits');

  // Llama 3 70B in BF16 is about 141 GB of weights: more than the H100's 80 GB.
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  await tessera.pickModel('llama 3 70b', 'Llama 3 70B');
  await tessera.nextHeadline('Decode throughput', before);
  const alert = tessera.page.getByRole('alert', { name: 'Does not fit' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('Does not fit');
  await expect(alert.locator('svg')).toBeVisible();
  const alertBox = await alert.boundingBox();
  const cardsBox = await cards.boundingBox();
  expect(alertBox && cardsBox && alertBox.y + alertBox.height <= cardsBox.y).toBe(true);
  await expect(tessera.headline('Memory')).toHaveText('Does not fit');
  await tessera.page.getByRole('region', { name: 'Results' }).screenshot({
    path: test.info().outputPath('results-does-not-fit.png'),
  });
  await tessera.screenshot('results-does-not-fit-window');
});
