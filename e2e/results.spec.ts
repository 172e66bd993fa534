import { expect, test } from './fixtures';

test('an unlinked block keeps the last results on show, marked stale, under the problem that names it', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 200, y: 120 });
  await tessera.dropBlock('HBM', { x: 200, y: 360 });
  await tessera.connect({ block: 'Systolic-array tile', port: 'Memory' }, { block: 'HBM', port: 'Port' });
  const decode = tessera.headline('Decode throughput');
  await expect(decode).toContainText('tok/s');
  const figure = (await decode.textContent()) ?? '';
  const banner = page.getByRole('status').filter({ hasText: 'Results are from the last valid design' });
  await expect(banner).toHaveCount(0);

  // Deleting the memory leaves the tile linked to nothing: the design cannot run.
  await tessera.block('HBM').click();
  await page.keyboard.press('Delete');
  await expect(banner).toHaveText('Results are from the last valid design — fix the problem below to update');
  await expect(page.getByRole('list', { name: /^Headline results \(stale/ })).toBeVisible();
  await expect(decode).toHaveText(figure);
  const problem = page
    .getByRole('list', { name: 'Diagnostics' })
    .getByRole('button', { name: /^Select Systolic-array tile: / });
  await expect(problem).toBeVisible();
  await tessera.screenshot('stale-results');
  await problem.click();
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByRole('textbox', { name: 'Name' })).toHaveValue('Systolic-array tile');

  // The design runs again: fresh results replace the stale ones and the mark goes.
  await tessera.page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await expect(tessera.block('HBM')).toBeVisible();
  await expect(banner).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Headline results', exact: true })).toBeVisible();
  await expect(decode).toHaveText(figure);
});

for (const size of [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
]) {
  test(`at ${size.width}×${size.height} the window never scrolls, the summary names what ran, and the charts show their axis titles`, async ({
    tessera,
  }) => {
    const { page } = tessera;
    await page.setViewportSize(size);
    await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA DGX H100');
    await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
    const scroll = () =>
      page.evaluate(() => ({
        height: document.scrollingElement?.scrollHeight,
        width: document.scrollingElement?.scrollWidth,
        top: document.scrollingElement?.scrollTop,
      }));
    expect(await scroll()).toEqual({ height: size.height, width: size.width, top: 0 });
    await expect(page.getByLabel('Simulated', { exact: true })).toHaveText(
      'Llama 3 8B · BF16 · batch 1 on NVIDIA DGX H100',
    );
    await tessera.screenshot(`summary-${size.width}x${size.height}`);

    // Each chart, its axis titles included, is drawn whole inside the results panel (the memory chart has a row
    // per level and may scroll; the DGX's two levels fit).
    const view = page.getByRole('region', { name: 'Results' }).getByRole('tabpanel');
    for (const tab of ['Operators', 'Roofline', 'Power', 'Memory', 'Batch']) {
      await page.getByRole('tab', { name: tab, exact: true }).click();
      const figures = view.getByRole('figure');
      await expect(figures.first()).toBeVisible();
      await expect(figures.first().locator('svg text').first()).toBeVisible();
      const panel = await view.boundingBox();
      for (const figure of await figures.all()) {
        const box = await figure.boundingBox();
        expect(box && panel && box.y + box.height).toBeLessThanOrEqual(
          (panel?.y ?? 0) + (panel?.height ?? 0) + 1,
        );
      }
      await tessera.screenshot(`${tab.toLowerCase()}-${size.width}x${size.height}`);
    }
    // Moving the focus through the whole window (the hidden file input, the palette's descriptions) never
    // scrolls the page under the menu bar.
    for (let press = 0; press < 40; press += 1) await page.keyboard.press('Tab');
    expect(await scroll()).toEqual({ height: size.height, width: size.width, top: 0 });
    await expect(page.getByRole('menubar', { name: 'Main menu' })).toBeInViewport();
  });
}
