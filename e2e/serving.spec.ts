/**
 * Serving (issue 18): a traffic and an SLO set in the Workload panel, a rate sweep run from the Serving tab — the
 * latency–rate curves and the largest rate within the SLO —, a long run cancelled, and the tab in both themes.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Types a value into a Workload panel field and commits it, as a person would (Enter). */
async function setField(page: Page, name: string, value: string): Promise<void> {
  const field = page.getByRole('textbox', { name, exact: true });
  await field.fill(value);
  await field.press('Enter');
}

test('serving: Poisson traffic and an SLO, a rate sweep shows the curve and the max rate within SLO; a long run is cancelled', async ({
  tessera,
}) => {
  test.setTimeout(120_000);
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText(/\d/);

  // No serving scenario: no Serving tab.
  const tabs = page.getByRole('tablist', { name: 'Results views' });
  await expect(tabs.getByRole('tab', { name: 'Serving' })).toHaveCount(0);

  await tessera.panel('Workload');
  await page.getByRole('checkbox', { name: 'Simulate serving' }).check();
  const serving = page.getByRole('region', { name: 'Serving', exact: true });
  await expect(page.getByRole('combobox', { name: 'Arrivals' })).toHaveValue('poisson');
  await setField(page, 'Rate (req/s)', '2');
  await setField(page, 'Requests', '400');
  await setField(page, 'SLO TTFT (ms)', '500');
  await setField(page, 'SLO TPOT (ms)', '50');

  // An invalid value is refused with a message beside it, in the field's unit.
  await setField(page, 'SLO attainment (%)', '30');
  const attainment = page.getByRole('textbox', { name: 'SLO attainment (%)' });
  await expect(attainment).toHaveAttribute('aria-invalid', 'true');
  await expect(attainment).toHaveAccessibleDescription('must be at least 50');
  await setField(page, 'SLO attainment (%)', '99');
  await expect(attainment).toHaveAttribute('aria-invalid', 'false');
  await serving.getByRole('group', { name: 'Service-level objective' }).scrollIntoViewIfNeeded();
  await tessera.screenshot('serving-fields');

  // The Serving tab: a rate sweep, run on demand.
  await tabs.getByRole('tab', { name: 'Serving' }).click();
  const tab = page.getByRole('region', { name: 'Serving results' });
  await tab.getByRole('textbox', { name: 'Rate sweep (req/s)' }).fill('1..16');
  await expect(tab.getByText('5 rates: 1, 2, 4, 8, 16')).toBeVisible();
  await tab.getByRole('button', { name: 'Run serving simulation' }).click();
  const figures = tab.getByRole('list', { name: 'Serving figures' });
  await expect(figures).toBeVisible({ timeout: 60_000 });
  await expect(figures.getByRole('listitem').filter({ hasText: 'Max rate within SLO' })).toContainText(
    /[\d.]+ req\/s/,
  );
  await expect(figures.getByRole('listitem').filter({ hasText: 'TTFT p50 / p99' })).toContainText(/s \/ .*s/);
  const curve = tab.getByRole('figure', { name: 'Time to first token against request rate' });
  await expect(curve).toBeVisible();
  await expect(curve).toHaveAccessibleDescription(/TTFT p50 goes from .+ at 1 req\/s to .+ at 16 req\/s/);
  await expect(tab.getByRole('figure', { name: 'Time per output token against request rate' })).toBeVisible();
  await expect(tab.getByRole('figure', { name: 'Goodput against request rate' })).toBeVisible();
  await expect(tab.getByRole('figure', { name: 'KV cache occupancy over time' })).toBeVisible();
  await expect(tab.getByRole('figure', { name: 'Batch timeline' })).toBeVisible();
  await expect(tab.getByLabel('Serving in a sentence')).not.toBeEmpty();

  // The tab in both themes, the results panel at its tallest: its top, then scrolled to its end.
  await page.getByRole('separator', { name: 'Resize the results panel' }).press('End');
  const view = page.locator('#results-view');
  for (const theme of ['light', 'dark'] as const) {
    await page.getByRole('combobox', { name: 'Theme' }).selectOption(theme);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await view.evaluate((element) => (element.scrollTop = 0));
    await tessera.screenshot(`serving-${theme}-top`);
    await view.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await tessera.screenshot(`serving-${theme}-end`);
  }
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('light');

  // A long run (many requests, many rates) shows its progress and stops on Cancel.
  await setField(page, 'Requests', '1000000');
  await tab.getByRole('textbox', { name: 'Rate sweep (req/s)' }).fill('1..64');
  await tab.getByRole('button', { name: 'Run serving simulation' }).click();
  const progress = tab.getByRole('progressbar', { name: 'Serving simulation' });
  await expect(progress).toBeVisible();
  await tab.getByRole('button', { name: 'Cancel' }).click();
  await expect(tab.getByRole('status').filter({ hasText: 'Serving simulation cancelled.' })).toBeVisible();
  await expect(progress).toHaveCount(0);
  // The last finished report stays on show, marked as from before the edit.
  await expect(figures).toBeVisible();

  // A trace file replaces the Poisson arrivals; its lengths come with it. A damaged one is refused with its line.
  const load = async (path: string): Promise<void> => {
    const choosing = page.waitForEvent('filechooser');
    await serving.getByRole('button', { name: 'Load trace…' }).click();
    await (await choosing).setFiles(path);
  };
  const bad = test.info().outputPath('bad-trace.csv');
  await writeFile(bad, 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-12 09:00:00.1,12,x\n');
  await load(bad);
  await expect(serving.getByRole('alert')).toContainText('line 2');
  await expect(page.getByRole('combobox', { name: 'Arrivals' })).toHaveValue('poisson');
  await load(fileURLToPath(new URL('../docs/examples/traces/azure-llm-sample.csv', import.meta.url)));
  await expect(serving.getByRole('status')).toContainText('requests read (Azure LLM inference trace)');
  await expect(page.getByRole('combobox', { name: 'Arrivals' })).toHaveValue('trace');
  await expect(page.getByRole('combobox', { name: 'Input lengths' })).toHaveValue('trace');
  await expect(serving).toContainText(/Trace azure-llm-sample\.csv: \d+ requests/);
});

test('serving: two models share the design, static and dynamic side by side, one timeline lane each', async ({
  tessera,
}) => {
  test.setTimeout(120_000);
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA DGX H100');
  await expect(tessera.headline('Decode throughput')).toContainText(/\d/);
  await tessera.panel('Workload');
  await page.getByRole('checkbox', { name: 'Simulate serving' }).check();
  await setField(page, 'Requests', '300');
  await page.getByRole('button', { name: 'Serve several models' }).click();
  const second = page.getByRole('group', { name: /^Model 2:/ });
  await expect(second).toBeVisible();
  await setField(page, 'Rate of model 2 (req/s)', '4');
  await page.getByRole('combobox', { name: 'Sharing' }).selectOption('dynamic');
  await expect(page.getByRole('textbox', { name: 'Reallocation cost (ms)' })).toBeVisible();

  await page.getByRole('tablist', { name: 'Results views' }).getByRole('tab', { name: 'Serving' }).click();
  const tab = page.getByRole('region', { name: 'Serving results' });
  await tab.getByRole('button', { name: 'Run serving simulation' }).click();
  const table = tab.getByRole('table', { name: 'Models sharing the design' });
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table.getByRole('columnheader', { name: 'Static' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Dynamic' })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /^model-1/ })).toBeVisible();
  await expect(table.getByRole('rowheader', { name: /^model-2/ })).toBeVisible();
  await expect(tab.getByRole('figure', { name: 'Batch timeline' })).toHaveAccessibleDescription(
    /model-1: the .+ model-2: the/,
  );

  await page.getByRole('separator', { name: 'Resize the results panel' }).press('End');
  const view = page.locator('#results-view');
  await view.evaluate((element) => (element.scrollTop = element.scrollHeight));
  await tessera.screenshot('serving-two-models');
});
