import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** axe-core (WCAG 2.x A and AA): no serious or critical violation in the view. */
async function expectAccessible(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help}`);
  expect(serious, `serious or critical axe violations in ${view}`).toEqual([]);
}

test('an FPGA with two bitstreams: the Reconfiguration tab answers when switching pays, and the Inspector edits the bitstreams', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'FPGA prefill/decode bitstreams');
  // GPT-2 XL (3.1 GB in BF16) fits the card's 8 GB of HBM.
  await tessera.pickModel('gpt-2 xl', 'GPT-2 XL');
  await expect(tessera.headline('Memory')).toHaveText('Fits');

  const tab = page.getByRole('tab', { name: 'Reconfiguration' });
  await tab.click();
  const answer = page.getByLabel('Reconfiguration answer');
  await expect(answer).toContainText(
    /Reconfiguring to 'decode-gemv' pays off above \d+ output tokens per request/,
  );
  await expect(answer).toContainText("runs prefill in 'prefill-gemm' and decode in 'decode-gemv'");
  const table = page.getByRole('table', { name: /^Configurations of / });
  await expect(table.getByRole('row', { name: /decode-gemv/ })).toContainText('decode');
  const breakEven = Number(/above (\d+) output tokens/.exec((await answer.textContent()) ?? '')?.[1]);
  await tessera.screenshot('reconfiguration-tab');
  await expectAccessible(page, 'the Reconfiguration tab');

  // A smaller decode bitstream (a partial region a tenth the size) loads ten times faster: the break-even falls.
  await tessera.block('FPGA fabric (prefill and decode bitstreams)').click();
  await tessera.panel('Inspector');
  const decode = tessera.inspector.getByRole('group', { name: 'decode-gemv' });
  const bitstream = decode.getByLabel('Bitstream', { exact: true });
  await bitstream.fill('4 MB');
  await bitstream.press('Enter');
  await expect(answer).not.toContainText(`above ${breakEven} output tokens`);
  const smaller = Number(/above (\d+) output tokens/.exec((await answer.textContent()) ?? '')?.[1]);
  expect(smaller).toBeLessThan(breakEven);
  await tessera.screenshot('reconfiguration-inspector');
  await expectAccessible(page, 'the Inspector with configurations');

  // More DSP slices than the fabric has: the configuration is refused with an error naming it.
  const dsp = decode.getByLabel('DSP slices', { exact: true });
  await dsp.fill('20000');
  await dsp.press('Enter');
  await page.getByRole('tab', { name: 'Summary' }).click();
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toContainText(
    "configuration 'decode-gemv' uses 20,000 DSP slices of 9,024",
  );
  await tessera.screenshot('reconfiguration-refused');
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');

  // The workload's policy: never reconfigure keeps one bitstream for both phases.
  await tessera.panel('Workload');
  await page.getByRole('combobox', { name: 'FPGA reconfiguration' }).selectOption('never');
  await tab.click();
  await expect(answer).toContainText("the policy keeps 'prefill-gemm' for both phases");
});
