/**
 * Accessibility: axe-core (WCAG 2.x A and AA rules) on every main view and dialog — the start view, the main window
 * with a design, each results tab (Clocks and Area & cost included: the H100 has a DVFS domain and a die; Serving after a
 * serving run), the Inspector for a block, a group and a link, the Workload (and its serving fields), Spec (text view)
 * and History panels, and every dialog. No serious or critical violation is allowed; each scan prints its counts.
 */
import { writeFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  console.log(
    `axe ${view}: ${results.passes.length} rules passed, ${results.violations.length} violated (${serious.length} serious or critical)`,
  );
  const described = serious.map(
    (violation) =>
      `${violation.impact ?? ''} ${violation.id}: ${violation.help} — ${violation.nodes
        .slice(0, 5)
        .map(
          (node) =>
            `${node.target.join(' ')} (${node.failureSummary?.split('\n').slice(1).join(' ').trim() ?? ''})`,
        )
        .join(', ')}`,
  );
  // Soft: one run lists the violations of every view, not only the first view's.
  expect.soft(described, `serious or critical axe violations in ${view}`).toEqual([]);
}

test('every main view and dialog has no serious or critical accessibility violation', async ({
  tessera,
  page,
}) => {
  test.setTimeout(180_000);
  await tessera.toStartView();
  await expectAccessible(page, 'start view');

  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText(/\d/);
  await expectAccessible(page, 'main window with a design');

  const results = page.getByRole('tablist', { name: 'Results views' });
  for (const tab of [
    'Operators',
    'Roofline',
    'Power',
    'Clocks',
    'Memory',
    'Batch',
    'Area & cost',
    'Summary',
  ]) {
    await results.getByRole('tab', { name: tab, exact: true }).click();
    await expect(results.getByRole('tab', { name: tab, exact: true })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await expectAccessible(page, `results: ${tab}`);
  }

  await tessera.block('SM').click();
  await tessera.panel('Inspector');
  await expectAccessible(page, 'Inspector: block');
  await tessera.frame('H100 SXM').click({ position: { x: 12, y: 8 } });
  await expectAccessible(page, 'Inspector: group');
  const link = tessera.canvas.getByRole('group', { name: 'Link from l2 to hbm' });
  // The link's line is thin; the click lands on the link's element itself, as a click on its line would.
  await link.dispatchEvent('click');
  await expect(page.getByRole('complementary', { name: 'Inspector' })).toContainText('Bandwidth');
  await expectAccessible(page, 'Inspector: link');

  await tessera.panel('Workload');
  await expectAccessible(page, 'Workload panel');
  await page.getByRole('button', { name: /^Model:/ }).click();
  await expect(page.getByRole('listbox', { name: 'Models' })).toBeVisible();
  await expectAccessible(page, 'model picker');
  await page.keyboard.press('Escape');

  // Serving: its fields in the Workload panel (with two models and a refused value), and the Serving tab's results.
  await page.getByRole('checkbox', { name: 'Simulate serving' }).check();
  await page.getByRole('button', { name: 'Serve several models' }).click();
  const attainment = page.getByRole('textbox', { name: 'SLO attainment (%)', exact: true });
  await attainment.fill('30');
  await attainment.press('Enter');
  await expect(attainment).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'Workload panel: serving');
  await page.getByRole('button', { name: 'Remove model 2' }).click();
  await page.getByRole('button', { name: 'Remove model 1' }).click();
  const requests = page.getByRole('textbox', { name: 'Requests', exact: true });
  await requests.fill('200');
  await requests.press('Enter');
  await results.getByRole('tab', { name: 'Serving', exact: true }).click();
  const servingResults = page.getByRole('region', { name: 'Serving results' });
  await servingResults.getByRole('textbox', { name: 'Rate sweep (req/s)' }).fill('1..4');
  await servingResults.getByRole('button', { name: 'Run serving simulation' }).click();
  await expect(servingResults.getByRole('list', { name: 'Serving figures' })).toBeVisible({
    timeout: 60_000,
  });
  await expectAccessible(page, 'results: Serving');
  await results.getByRole('tab', { name: 'Summary', exact: true }).click();

  await tessera.panel('Spec');
  await expect(tessera.specEditor()).toBeVisible();
  await expectAccessible(page, 'text view (Spec panel)');
  await tessera.panel('History');
  await expectAccessible(page, 'History panel (Save Checkpoint)');

  const dialogs: [menu: string, item: string, title: string | RegExp][] = [
    ['File', 'Export', 'Export'],
    ['File', 'Designs', 'Designs in this project'],
    ['File', 'New Design', 'New design'],
    ['File', 'Save Project As', 'Save project as'],
    ['Edit', 'Preferences', 'Preferences'],
    ['Edit', 'Add Block', 'Add block'],
    ['Help', 'Keyboard Shortcuts', 'Keyboard shortcuts'],
    ['Help', 'About Tessera', 'About Tessera'],
  ];
  for (const [menu, item, title] of dialogs) {
    await tessera.menu(menu, item);
    const dialog = page.getByRole('dialog', { name: title });
    await expect(dialog).toBeVisible();
    await expectAccessible(page, `dialog: ${String(title)}`);
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }

  await tessera.block('SM').click();
  await tessera.menu('Edit', 'Connect');
  const connect = page.getByRole('dialog', { name: /^Connect/ });
  await expect(connect).toBeVisible();
  await expectAccessible(page, 'dialog: Connect');
  await page.keyboard.press('Escape');

  const bad = test.info().outputPath('broken.json');
  await writeFile(bad, '{"format": "tessera.design", "version": 1, "blocks": [');
  await tessera.importFile(bad);
  await expect(page.getByRole('dialog', { name: 'Import refused' })).toBeVisible();
  await expectAccessible(page, 'dialog: Import refused');
  await page.keyboard.press('Escape');
});
