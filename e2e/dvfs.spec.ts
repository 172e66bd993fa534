import { expect, test } from './fixtures';

test('a battery edge SoC: the Clocks tab answers what the DVFS policy saves and how long the battery lasts', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'Battery edge SoC (DVFS)');
  await tessera.pickModel('phi-3', 'Phi-3 mini');
  // The weights' number format, not the memory policy's "Weights live in".
  await page.getByRole('combobox', { name: /^Weights(?! live)/ }).selectOption('int4');
  const input = page.getByRole('spinbutton', { name: 'Input tokens' });
  await input.fill('128');
  await input.blur();
  const rate = page.getByRole('spinbutton', { name: 'Requests per hour' });
  await rate.fill('30');
  await rate.press('Enter');

  // The Clocks tab, reached from the keyboard: the answer, the day of requests and the battery, the timeline.
  const clocksTab = page.getByRole('tab', { name: 'Clocks', exact: true });
  await clocksTab.focus();
  await page.keyboard.press('Enter');
  const clocks = page.getByRole('region', { name: 'Clocks and battery' });
  await expect(clocks).toContainText(/Decode at .+ instead of 1 GHz saves .+ % energy per token/);
  await expect(clocks).toContainText(/At 30 requests per hour .+ the 12\.7 Wh battery lasts [\d.]+ h/);
  const points = clocks.getByRole('list', { name: 'Clock per phase and domain' });
  await expect(points.getByRole('listitem')).toHaveCount(4);
  await expect(points).toContainText('Decode · memory 3.2 GHz');
  const chart = clocks.getByRole('figure', { name: 'Power and clocks over one request' });
  await expect(chart).toBeVisible();
  await expect(chart.locator('svg text').filter({ hasText: /^Idle$/ })).toBeVisible();
  await tessera.screenshot('dvfs-clocks');

  // Race to idle keeps the top clock: the answer says so, and the battery figure moves with the policy.
  const before = (await clocks.locator('.dvfs-duty').textContent()) ?? '';
  await tessera.panel('Workload');
  await page.getByRole('combobox', { name: 'Power policy' }).selectOption('race-to-idle');
  await expect(clocks).toContainText('Decode runs at the top clock (1 GHz)');
  await expect(clocks.locator('.dvfs-duty')).not.toHaveText(before);

  // Without a request rate there is no day of requests; the timeline stays.
  await rate.fill('');
  await rate.press('Enter');
  await expect(clocks).not.toContainText('battery lasts');
  await expect(chart).toBeVisible();
});
