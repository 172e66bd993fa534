/**
 * Sweeps in the app, against the real backend: define a sweep in the form (and see it as YAML, with a problem
 * placed on its line), run it and watch its progress, pause, resume, cancel and resume it again, look at its results, open a
 * point of its Pareto front as a design (whose history says where it came from), and scan the view with axe.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
    );
}

test('define a sweep, watch it, pause, resume, cancel and resume it, and open a front point as a design', async ({
  tessera,
  page,
}) => {
  test.setTimeout(180_000);
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText(/\d/);

  // The keyboard path to the view, and back; then the toolbar's button.
  await tessera.canvas.focus();
  await page.keyboard.press('Control+Shift+E');
  const view = page.getByRole('main', { name: 'Sweeps' });
  await expect(view).toBeVisible();
  await view.getByRole('button', { name: 'Back to the design' }).click();
  await expect(tessera.canvas).toBeVisible();
  await page.getByRole('button', { name: 'Sweeps', exact: true }).click();
  await expect(view.getByText('No sweeps of this design yet.')).toBeVisible();

  // Two parameters, 200 × 150 steps: a grid of 30,000 points.
  const first = view.getByRole('group', { name: 'Parameter 1' });
  await first.getByRole('spinbutton', { name: 'Steps' }).fill('200');
  await first.getByRole('spinbutton', { name: 'Steps' }).press('Tab');
  await view.getByRole('button', { name: 'Add parameter' }).click();
  const second = view.getByRole('group', { name: 'Parameter 2' });
  await second.getByRole('spinbutton', { name: 'Steps' }).fill('150');
  await second.getByRole('spinbutton', { name: 'Steps' }).press('Tab');
  await view.getByRole('textbox', { name: 'TPOT ≤ (ms)' }).fill('100');
  await view.getByRole('textbox', { name: 'TPOT ≤ (ms)' }).press('Tab');
  await expect(view.getByText('30,000 points')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('1-definition.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe: the definition form').toEqual([]);

  // The same definition as YAML; a mistake is shown on its line and not applied.
  await view.getByRole('tab', { name: 'YAML' }).click();
  const yaml = view.getByRole('textbox', { name: 'Sweep definition (YAML)' });
  await expect(yaml).toHaveValue(/steps: 150/);
  await expect(yaml).toHaveValue(/max: 0\.1/);
  const text = await yaml.inputValue();
  const line = text.split('\n').findIndex((candidate) => candidate.includes('kind: grid')) + 1;
  await yaml.fill(text.replace('kind: grid', 'kind: everything'));
  await expect(view.getByText(`Line ${line}:`, { exact: false })).toBeVisible();
  await expect(view.getByText('Not applied: 1 problem')).toBeVisible();
  await yaml.fill(text);
  await expect(view.getByText('In sync with the form')).toBeVisible();
  await view.getByRole('tab', { name: 'Form' }).click();

  // Run: the progress says how far, how fast and how long.
  await view.getByRole('button', { name: 'Run sweep' }).click();
  const progress = view.getByRole('status').filter({ hasText: /of 30,000 points/ });
  await expect(progress).toHaveText(/^Running: [\d,]+ of 30,000 points · [\d,.]+ points\/s · .+ left/);
  await page.screenshot({ path: test.info().outputPath('2-running.png'), fullPage: true });
  await expect(view.getByRole('list', { name: 'Sweeps of this design' })).toContainText('Revision');

  // Pause keeps the points and stops; Resume goes on from there; Cancel stops it too, keeping its points, and
  // Resume goes on from there as well.
  await expect(progress).toHaveText(/^Running: [1-9][\d,]* of/, { timeout: 30_000 });
  await view.getByRole('button', { name: 'Pause' }).click();
  // The chunks in flight are finished and kept before the sweep stops.
  await expect(progress).toHaveText(/^Paused: /, { timeout: 30_000 });
  const paused = await progress.textContent();
  await page.waitForTimeout(1000);
  await expect(progress).toHaveText(paused ?? '');
  await view.getByRole('button', { name: 'Resume' }).click();
  await expect(progress).toHaveText(/^Running: /);
  await view.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress).toHaveText(/^Cancelled: [\d,]+ of 30,000 points/, { timeout: 30_000 });
  const cancelled = Number(
    (await progress.textContent())?.match(/^Cancelled: ([\d,]+)/)?.[1]?.replace(/,/g, ''),
  );
  await view.getByRole('button', { name: 'Resume' }).click();
  await expect(progress).toHaveText(/^Running: /);
  // It goes on from the points it kept.
  await expect
    .poll(async () => Number((await progress.textContent())?.match(/: ([\d,]+) of/)?.[1]?.replace(/,/g, '')))
    .toBeGreaterThan(cancelled);
  await view.getByRole('button', { name: 'Pause' }).click();
  await expect(progress).toHaveText(/^Paused: [\d,]+ of 30,000 points/, { timeout: 30_000 });

  // The table: the Pareto front of what was evaluated, sorted; Enter opens the selected point.
  const table = view.getByRole('grid', { name: /^Points of / });
  await expect(table.getByRole('row')).not.toHaveCount(1);
  await view.getByRole('combobox', { name: 'Show' }).selectOption('Pareto front');
  await expect(table.getByRole('gridcell').first()).toHaveText(/^#\d+$/);
  await page.screenshot({ path: test.info().outputPath('3-table-front.png'), fullPage: true });
  expect(await seriousViolations(page), 'axe: progress and table').toEqual([]);

  for (const tab of ['Pareto', 'Heat map', 'Parallel coordinates', 'Sensitivity']) {
    await view.getByRole('tab', { name: tab }).click();
    await expect(view.getByRole('figure')).toBeVisible();
    await expect(view.getByText('Loading points…')).toHaveCount(0);
    if (tab === 'Heat map') {
      // Over every point kept, not a sample: the grid runs tile rows fastest, so each MACs value reached has all
      // 150 tile-row cells, except perhaps the last one, which the pause may have cut.
      const summary = await view.getByRole('figure').getAttribute('aria-describedby');
      const text = (await page.locator(`[id="${summary}"]`).textContent()) ?? '';
      const [, columns, cells, all] =
        /over ([\d,]+) values of SM · BF16 MACs per cycle and 150 of SM · Tile rows \(M\).* ([\d,]+) of ([\d,]+) cells have a point\.$/
          .exec(text)
          ?.map((part) => Number(part.replace(/,/g, ''))) ?? [];
      expect(all).toBe((columns ?? 0) * 150);
      expect(cells).toBeGreaterThan((all ?? 0) - 150);
      await page.screenshot({
        path: test.info().outputPath('4-Heat map (two parameters).png'),
        fullPage: true,
      });
      // Over one parameter: the best over the other.
      await view.getByRole('combobox', { name: 'Vertical parameter' }).selectOption('None');
      await expect(view.getByRole('figure')).toHaveAccessibleDescription(
        new RegExp(
          `over ${columns?.toLocaleString('en')} values of SM · BF16 MACs per cycle: .* ${columns?.toLocaleString('en')} of ${columns?.toLocaleString('en')} cells`,
        ),
      );
    }
    await page.screenshot({ path: test.info().outputPath(`4-${tab}.png`), fullPage: true });
  }
  expect(await seriousViolations(page), 'axe: a chart').toEqual([]);
  // Back on the table, it still shows the front.
  await view.getByRole('tab', { name: 'Table' }).click();
  await expect(view.getByRole('combobox', { name: 'Show' })).toHaveValue('front');
  await table.focus();
  await page.keyboard.press('ArrowDown');
  const chosen =
    (await table.getByRole('row', { selected: true }).getByRole('gridcell').first().textContent()) ?? '';
  await page.keyboard.press('Enter');
  await expect(view).toBeHidden();
  await expect(tessera.canvas).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Design' })).toHaveValue(/.+/);
  const picker = page.getByRole('combobox', { name: 'Design' });
  await expect(picker.locator('option:checked')).toHaveText(new RegExp(`${chosen}$`));
  await tessera.panel('History');
  await expect(tessera.versions.getByRole('listitem').first()).toContainText(
    `point ${chosen.slice(1)}: sm.bf16MacsPerCycle`,
  );
  await page.screenshot({ path: test.info().outputPath('5-opened.png'), fullPage: true });
});
