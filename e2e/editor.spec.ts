import { expect, test } from './fixtures';

test('build a small accelerator from scratch, pick Llama-3-8B, and read its tokens/s', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 200, y: 120 });
  await tessera.dropBlock('SRAM scratchpad', { x: 480, y: 120 });
  await tessera.dropBlock('Network-on-chip', { x: 340, y: 280 });
  await tessera.dropBlock('HBM', { x: 340, y: 420 });
  await tessera.connect(
    { block: 'Systolic-array tile', port: 'Memory' },
    { block: 'Network-on-chip', port: 'Port' },
  );
  await tessera.connect(
    { block: 'SRAM scratchpad', port: 'Port' },
    { block: 'Network-on-chip', port: 'Port' },
  );
  await tessera.connect({ block: 'Network-on-chip', port: 'Port' }, { block: 'HBM', port: 'Port' });
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(3);

  await tessera.pickModel('llama 3 8b', 'Llama 3 8B');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  expect(await tessera.headlineNumber('Decode throughput')).toBeGreaterThan(0);
  await expect(tessera.headline('Memory')).toHaveText('Fits');
  await tessera.expectSaved();
});

test('halving HBM bandwidth on the H100 preset slows decode, and undo brings the number back exactly', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const before = (await tessera.headline('Decode throughput').textContent()) ?? '';
  const tokensBefore = await tessera.headlineNumber('Decode throughput');

  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '1.675 TB/s');
  const after = await tessera.nextHeadline('Decode throughput', before);
  const tokensAfter = await tessera.headlineNumber('Decode throughput');
  // Batch-1 decode reads every weight once per step: with most of the step spent on HBM, halving its bandwidth
  // must cut throughput by a lot, but not below half (the fixed per-operator overhead does not change).
  expect(tokensAfter).toBeLessThan(tokensBefore * 0.75);
  expect(tokensAfter).toBeGreaterThan(tokensBefore * 0.5);
  expect(after).not.toBe(before);

  await tessera.page.locator('body').click({ position: { x: 5, y: 300 } });
  await tessera.page.keyboard.press('Control+z');
  await expect(tessera.headline('Decode throughput')).toHaveText(before);
});

test('the batch chart follows an edit: less HBM bandwidth lowers the best throughput', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await tessera.page.getByRole('tab', { name: 'Batch' }).click();
  const chart = tessera.page.getByRole('figure', {
    name: 'Throughput and time per output token by batch size',
  });
  await expect(chart).toHaveAccessibleDescription(/^Throughput peaks at /);
  const description = chart.locator('figcaption .summary');
  /** The best throughput the chart reports, in tokens per second. */
  const peak = async (): Promise<number> => {
    const match = /peaks at ([\d.,]+) (k|M)?tok\/s/.exec((await description.textContent()) ?? '');
    const scale = match?.[2] === 'M' ? 1e6 : match?.[2] === 'k' ? 1e3 : 1;
    return Number((match?.[1] ?? 'NaN').replace(/,/g, '')) * scale;
  };
  const before = await peak();
  expect(before).toBeGreaterThan(0);
  // Decode reads the weights (and, at large batch, the KV cache) from HBM every step, so with half the
  // bandwidth no batch size decodes faster than before, and the memory-bound ones decode slower.
  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '1.675 TB/s');
  await expect.poll(peak).toBeLessThan(before);
});

test('each block shows what it did in the last run; the overlay switches to power and off', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  const hbm = tessera.block('HBM3');
  await expect(hbm).toContainText('% of bandwidth');
  const busy = async (): Promise<number> =>
    Number(/([\d.]+) % of bandwidth/.exec((await hbm.textContent()) ?? '')?.[1] ?? NaN);
  const before = await busy();
  // Decode waits on HBM for most of each step. Halving its bandwidth doubles that wait while the fixed
  // overheads stay, so HBM is busy for a larger share of the (longer) step.
  await hbm.click();
  await tessera.setParameter('Bandwidth', '1.675 TB/s');
  await expect.poll(busy).toBeGreaterThan(before);

  await tessera.page.getByRole('menuitem', { name: 'View' }).click();
  await tessera.page.getByRole('menuitem', { name: /^Overlay: Utilization \/ Power/ }).click();
  await expect(hbm).toContainText(/\d W\s*$/);
  await expect(hbm).not.toContainText('% of bandwidth');
  await tessera.page.getByRole('menuitem', { name: 'View' }).click();
  await tessera.page.getByRole('menuitem', { name: /^Overlay: Utilization \/ Power/ }).click();
  await expect(hbm).not.toContainText(/\d W\s*$|% of bandwidth/);
});

test('group four tiles, set ×32, enter and leave the group', async ({ tessera }) => {
  await tessera.createProject(tessera.projectPath());
  for (const [index, x] of [140, 360, 580, 800].entries()) {
    await tessera.dropBlock('Systolic-array tile', { x, y: 160 + (index % 2) * 10 });
  }
  await tessera.page.keyboard.press('Control+a');
  await tessera.page.keyboard.press('Control+g');
  const frame = tessera.frame('Group 1');
  await expect(frame).toBeVisible();

  await tessera.panel('Inspector');
  const count = tessera.inspector.getByLabel('Count', { exact: true });
  await count.fill('32');
  await count.press('Enter');
  await expect(frame).toContainText('×32');
  await expect(tessera.block('Systolic-array tile')).toContainText('×32');

  await frame.dblclick({ position: { x: 30, y: 10 } });
  const breadcrumb = tessera.canvas.getByRole('navigation', { name: 'Group path' });
  await expect(breadcrumb).toContainText('Group 1 ×32');
  await tessera.page.keyboard.press('Escape');
  await expect(breadcrumb).toHaveCount(0);
  await expect(frame).toBeVisible();
});

test('copy and paste with and without links; delete and undo', async ({ tessera }) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 200, y: 120 });
  await tessera.dropBlock('HBM', { x: 200, y: 360 });
  await tessera.connect({ block: 'Systolic-array tile', port: 'Memory' }, { block: 'HBM', port: 'Port' });
  const edges = tessera.canvas.locator('.svelte-flow__edge');
  await expect(edges).toHaveCount(1);

  await tessera.block('Systolic-array tile').click();
  await tessera.page.keyboard.press('Control+c');
  await tessera.page.keyboard.press('Control+v');
  await expect(tessera.canvas.locator('.svelte-flow__node-block')).toHaveCount(3);
  await expect(edges).toHaveCount(1);

  await tessera.page.keyboard.press('Control+Shift+v');
  await expect(tessera.canvas.locator('.svelte-flow__node-block')).toHaveCount(4);
  await expect(edges).toHaveCount(2);

  await tessera.block('HBM').click();
  await tessera.page.keyboard.press('Delete');
  await expect(tessera.block('HBM')).toHaveCount(0);
  await expect(edges).toHaveCount(0);
  await tessera.page.keyboard.press('Control+z');
  await expect(tessera.block('HBM')).toBeVisible();
  await expect(edges).toHaveCount(2);
});

test('keyboard only: add a block with Ctrl+K, connect with the keyboard, change a parameter, undo', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  const page = tessera.page;
  await page.keyboard.press('Control+k');
  await page.keyboard.type('systolic');
  await page.keyboard.press('Enter');
  await expect(tessera.block('Systolic-array tile')).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('hbm');
  await page.keyboard.press('Enter');
  await expect(tessera.block('HBM')).toBeVisible();

  // The new HBM block is selected; connect it to the tile's memory port from the keyboard.
  await page.keyboard.press('l');
  const dialog = page.getByRole('dialog', { name: /^Connect/ });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('combobox', { name: 'To' }).selectOption({ label: 'Systolic-array tile — Memory' });
  await dialog.getByRole('button', { name: 'Connect', exact: true }).press('Enter');
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(1);

  await tessera.panel('Inspector');
  const capacity = tessera.inspector.getByLabel('Capacity', { exact: true });
  await capacity.focus();
  await capacity.fill('24 GiB');
  await capacity.press('Enter');
  await expect(tessera.block('HBM')).toContainText('24 GiB');
  await capacity.press('Tab');
  await page.keyboard.press('Escape');
  await page.locator('body').press('Control+z');
  await expect(tessera.block('HBM')).toContainText('80 GiB');

  // The side panel is resized from the keyboard too (its divider is a focusable separator).
  const divider = page.getByRole('separator', { name: 'Resize the side panel' });
  const width = Number(await divider.getAttribute('aria-valuenow'));
  const sidePanel = page.getByRole('tabpanel', { name: 'Inspector' });
  const before = (await sidePanel.boundingBox())?.width ?? 0;
  await divider.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(divider).toHaveAttribute('aria-valuenow', String(width + 32));
  expect(Math.round(((await sidePanel.boundingBox())?.width ?? 0) - before)).toBe(32);
});

test('the main window in light and dark themes', async ({ tessera }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA DGX H100');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  await tessera.page.getByRole('combobox', { name: 'Theme' }).selectOption('light');
  await tessera.screenshot('main-window-light');
  await tessera.page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await expect(tessera.page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await tessera.screenshot('main-window-dark');
});

test('edit the YAML: a count changes the canvas and the results; invalid YAML shows its line until fixed', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Time to first token')).toContainText('ms');
  const ttftBefore = await tessera.headlineNumber('Time to first token');
  const before = (await tessera.headline('Time to first token').textContent()) ?? '';
  await tessera.panel('Spec');
  const editor = tessera.specEditor();
  await expect(editor).toContainText('format: tessera.design');

  // Half the SMs. Prefill is compute-bound on the H100 (about 85 % of it is arithmetic) and runs throttled to
  // 1.56 GHz by the 700 W cap. With half the SMs drawing power the clock may rise, at most to the 1.98 GHz
  // maximum, so the arithmetic takes between 2 × 1.56 / 1.98 ≈ 1.58× and 2× as long: the time to first token
  // grows by more than 0.85 × 1.58 + 0.15 ≈ 1.49× and by less than 2×.
  await tessera.editSpecLine('count: 132', 'count: 66');
  await expect(tessera.frame('SMs')).toContainText('×66');
  await tessera.nextHeadline('Time to first token', before);
  const ttftAfter = await tessera.headlineNumber('Time to first token');
  expect(ttftAfter).toBeGreaterThan(ttftBefore * 1.45);
  expect(ttftAfter).toBeLessThan(ttftBefore * 2);

  // Break it: an unclosed bracket. The problem names the line it is on (found in the text the Copy button
  // gives); the canvas keeps the last valid design.
  await tessera.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await tessera.page.getByRole('region', { name: 'Text spec' }).getByRole('button', { name: 'Copy' }).click();
  const copied = await tessera.page.evaluate(() => navigator.clipboard.readText());
  const countLine = copied.split('\n').findIndex((text) => text.trim() === 'count: 66') + 1;
  expect(countLine).toBeGreaterThan(1);
  await tessera.editSpecLine('count: 66', 'count: [66');
  const problems = tessera.page.getByRole('list', { name: 'Spec problems' });
  await expect(problems.getByRole('button').first()).toContainText(`Line ${countLine},`);
  await expect(tessera.page.getByRole('status').filter({ hasText: 'not applied' })).toBeVisible();
  await expect(tessera.frame('SMs')).toContainText('×66');

  // Fix it: the problems go away and the design follows the text again.
  await tessera.editSpecLine('count: [66', 'count: 64');
  await expect(problems).toHaveCount(0);
  await expect(tessera.frame('SMs')).toContainText('×64');

  // And the other way: a canvas edit shows in the text.
  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '2 TB/s');
  await tessera.panel('Spec');
  await expect(editor).toContainText('bandwidthBytesPerSecond: 2 TB/s');
  await tessera.expectSaved();
});

test('far out, the overview shows the design and still selects, drags and undoes', async ({ tessera }) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 200, y: 120 });
  await tessera.dropBlock('HBM', { x: 200, y: 360 });
  await tessera.connect({ block: 'Systolic-array tile', port: 'Memory' }, { block: 'HBM', port: 'Port' });
  const start = await tessera.blockPosition('HBM');
  const size = (await tessera.block('HBM').boundingBox()) ?? { width: 0, height: 0 };
  const nearZoom = (await tessera.viewport()).zoom;
  // The middle of the HBM block, in design coordinates.
  const middle = { x: start.x + size.width / nearZoom / 2, y: start.y + size.height / nearZoom / 2 };

  await tessera.zoomOutToOverview();
  await expect(tessera.overview).toHaveAccessibleName(/^Overview of 2 blocks and 1 link\b/);
  await expect(tessera.canvas.locator('.svelte-flow__node-block').first()).toBeHidden();
  const { zoom } = await tessera.viewport();
  expect(zoom).toBeLessThan(0.35);
  const at = await tessera.screenPoint(middle);
  // Drawn where the block is, and nothing beside it (the tile is above it, the canvas is empty to its right).
  expect(await tessera.overviewPaintedAt(at)).toBe(true);
  const blockWidth = (size.width / nearZoom) * zoom;
  expect(await tessera.overviewPaintedAt({ x: at.x + blockWidth, y: at.y })).toBe(false);

  // Pointing at it names it; clicking selects it; double-clicking it is not a double-click on the bare canvas.
  await page.mouse.move(at.x, at.y);
  await expect(page.getByRole('tooltip')).toContainText('HBM');
  await page.mouse.click(at.x, at.y);
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Name', { exact: true })).toHaveValue('HBM');
  await page.mouse.dblclick(at.x, at.y);
  await expect(page.getByRole('dialog', { name: 'Add block' })).toHaveCount(0);
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(HBM\)/);
  // Shift+click adds a block to the selection, and Shift+click again takes it out.
  const tileAt = await tessera.screenPoint({ x: middle.x, y: middle.y - 240 });
  await page.keyboard.down('Shift');
  await page.mouse.click(tileAt.x, tileAt.y);
  await page.keyboard.up('Shift');
  await expect(tessera.inspector).toContainText('2 blocks, 0 links and 0 groups selected.');
  await page.keyboard.down('Shift');
  await page.mouse.click(tileAt.x, tileAt.y);
  await page.keyboard.up('Shift');
  await expect(tessera.inspector.getByLabel('Name', { exact: true })).toHaveValue('HBM');

  // A drag moves the block by the pointer's travel divided by the zoom, and the view does not pan.
  const before = await tessera.viewport();
  const travel = { x: 60, y: 30 };
  await page.mouse.move(at.x, at.y);
  await page.mouse.down();
  await page.mouse.move(at.x + travel.x, at.y + travel.y, { steps: 6 });
  await page.mouse.up();
  expect(await tessera.viewport()).toEqual(before);
  await expect.poll(() => tessera.overviewPaintedAt({ x: at.x + travel.x, y: at.y + travel.y })).toBe(true);
  expect(await tessera.overviewPaintedAt(at)).toBe(false);
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toHaveAttribute(
    'title',
    'Undo Move block (Ctrl+Z)',
  );

  await tessera.canvas.getByRole('button', { name: 'Fit View' }).click();
  await expect(tessera.overview).toHaveCount(0);
  // Where the pointer took it, snapped to the canvas's 8-unit grid as a drag close up is.
  const moved = await tessera.blockPosition('HBM');
  expect(Math.abs(moved.x - (start.x + travel.x / zoom))).toBeLessThanOrEqual(4);
  expect(Math.abs(moved.y - (start.y + travel.y / zoom))).toBeLessThanOrEqual(4);
  expect([moved.x % 8, moved.y % 8]).toEqual([0, 0]);
  await page.locator('body').press('Control+z');
  await expect.poll(() => tessera.blockPosition('HBM')).toEqual(start);

  // Zoomed out on one design, a new design opens close up: its first block is drawn as a block, with ports.
  await tessera.zoomOutToOverview();
  await page.getByRole('button', { name: 'New design' }).click();
  await tessera.dropBlock('Vector unit', { x: 300, y: 200 });
  await expect(tessera.block('Vector unit')).toBeVisible();
  await expect(tessera.overview).toHaveCount(0);
});

test('far out, a box selection, a group frame dragged as one step and entered, with a block added there', async ({
  tessera,
}) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 120 });
  await tessera.dropBlock('Systolic-array tile', { x: 420, y: 120 });
  await tessera.dropBlock('HBM', { x: 290, y: 400 });
  await page.keyboard.press('Control+a');
  await tessera.block('HBM').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+g');
  const frame = tessera.frame('Group 1');
  await expect(frame).toBeVisible();
  const frameStyle = (await frame.locator('xpath=..').getAttribute('style')) ?? '';
  const [, frameX = '0', frameY = '0'] = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(frameStyle) ?? [];
  const frameAt = { x: Number(frameX), y: Number(frameY) };
  const hbm = await tessera.blockPosition('HBM');
  const tilesBefore = await tessera.blockPositionsById('Systolic-array tile');

  await tessera.zoomOutToOverview();
  // A block added far out (quick add, at the middle of the view) is not laid out, yet a box selection around the
  // HBM block alone selects only it.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('vector');
  await page.keyboard.press('Enter');
  await expect(tessera.overview).toHaveAccessibleName(/^Overview of 4 blocks/);
  const boxFrom = await tessera.screenPoint({ x: hbm.x - 20, y: hbm.y - 20 });
  const boxTo = await tessera.screenPoint({ x: hbm.x + 220, y: hbm.y + 96 });
  await page.keyboard.down('Shift');
  await page.mouse.move(boxFrom.x, boxFrom.y);
  await page.mouse.down();
  await page.mouse.move(boxTo.x, boxTo.y, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await tessera.panel('Inspector');
  await expect(tessera.inspector.getByLabel('Name', { exact: true })).toHaveValue('HBM');

  // Dragging the frame by its header moves both tiles by the same step, as one command.
  const { zoom } = await tessera.viewport();
  const grip = await tessera.screenPoint({ x: frameAt.x + 12, y: frameAt.y + 12 });
  await page.mouse.click(grip.x, grip.y);
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Group 1\)/);
  await page.mouse.move(grip.x, grip.y);
  await page.mouse.down();
  await page.mouse.move(grip.x + 40, grip.y + 80, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toHaveAttribute(
    'title',
    'Undo Move 2 blocks (Ctrl+Z)',
  );
  // Double-clicking the frame enters its group.
  const movedGrip = { x: grip.x + 40, y: grip.y + 80 };
  await page.mouse.dblclick(movedGrip.x, movedGrip.y);
  await expect(tessera.canvas.getByRole('navigation', { name: 'Group path' })).toContainText('Group 1 ×1');
  // Both tiles moved by the same step: the frame's travel, snapped to the grid.
  const tilesAfter = await tessera.blockPositionsById('Systolic-array tile');
  const steps = [...tilesBefore].map(([id, before]) => {
    const after = tilesAfter.get(id);
    return { x: (after?.x ?? NaN) - before.x, y: (after?.y ?? NaN) - before.y };
  });
  expect(steps).toHaveLength(2);
  expect(steps[1]).toEqual(steps[0]);
  expect(Math.abs((steps[0]?.x ?? NaN) - 40 / zoom)).toBeLessThanOrEqual(4);
  expect(Math.abs((steps[0]?.y ?? NaN) - 80 / zoom)).toBeLessThanOrEqual(4);
});

test('far out, the keyboard walks the design with Tab, brings each block into view and edits it', async ({
  tessera,
}) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 120 });
  await tessera.dropBlock('HBM', { x: 160, y: 360 });
  await tessera.dropBlock('Vector unit', { x: 480, y: 120 });
  const vector = await tessera.blockPosition('Vector unit');
  const size = (await tessera.block('Vector unit').boundingBox()) ?? { width: 0, height: 0 };
  const nearZoom = (await tessera.viewport()).zoom;
  const vectorMiddle = { x: vector.x + size.width / nearZoom / 2, y: vector.y + size.height / nearZoom / 2 };

  // A block has the focus (as after tabbing to it) when the view zooms out from the keyboard: the blocks leave the
  // page and the overview takes the focus.
  await tessera.block('Systolic-array tile').focus();
  for (let step = 0; step < 20 && !(await tessera.overview.isVisible()); step += 1)
    await page.keyboard.press('Control+-');
  await expect(tessera.overview).toBeFocused();
  const announced = tessera.canvas.getByRole('status');

  // F6 moves between the panes (past a canvas of any size in one key) and comes back to the overview.
  await page.keyboard.press('F6');
  await expect(
    page.getByRole('tablist', { name: 'Results views' }).getByRole('tab', { selected: true }),
  ).toBeFocused();
  await page.keyboard.press('F6');
  await expect(
    page.getByRole('tablist', { name: 'Side panel' }).getByRole('tab', { selected: true }),
  ).toBeFocused();
  await page.keyboard.press('F6');
  await expect(page.getByRole('searchbox', { name: 'Search blocks' })).toBeFocused();
  await page.keyboard.press('F6');
  await expect(tessera.overview).toBeFocused();
  await page.keyboard.press('Shift+F6');
  await expect(page.getByRole('searchbox', { name: 'Search blocks' })).toBeFocused();
  await page.keyboard.press('F6');
  await expect(tessera.overview).toBeFocused();

  // Shift+Tab and Tab select the blocks in their order from the one selected (the last dropped); each is named
  // for a screen reader.
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Vector unit\)/);
  await page.keyboard.press('Shift+Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(HBM\)/);
  await expect(announced).toHaveText(/^HBM, 80 GiB · 3\.35 TB\/s, 2 of 3$/);
  await page.keyboard.press('Shift+Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Systolic-array tile\)/);
  await expect(announced).toHaveText(/^Systolic-array tile, .*, 1 of 3$/);
  await page.keyboard.press('Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(HBM\)/);

  // Pan the design off to the right with the pointer: pressing the bare canvas keeps the keyboard on the overview.
  const pane = (await tessera.canvas.locator('.svelte-flow__pane').boundingBox()) ?? { x: 0, y: 0, width: 0 };
  const grab = { x: pane.x + 12, y: pane.y + 12 };
  expect(await tessera.overviewPaintedAt(grab)).toBe(false);
  await page.mouse.move(grab.x, grab.y);
  await page.mouse.down();
  await page.mouse.move(grab.x + pane.width - 40, grab.y + 20, { steps: 8 });
  await page.mouse.up();
  const offScreen = await tessera.screenPoint(vectorMiddle);
  expect(offScreen.x).toBeGreaterThan(pane.x + pane.width);
  await expect(tessera.overview).toBeFocused();

  // Tab on to the vector unit, off screen: the view pans (at the same zoom) to show it.
  const { zoom } = await tessera.viewport();
  await page.keyboard.press('Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Vector unit\)/);
  await expect
    .poll(async () => {
      const point = await tessera.screenPoint(vectorMiddle);
      return point.x > pane.x && point.x < pane.x + pane.width && (await tessera.overviewPaintedAt(point));
    })
    .toBe(true);
  expect((await tessera.viewport()).zoom).toBeCloseTo(zoom);

  // The window's shortcuts act on what Tab selected: Delete, then undo. The status line no longer names it.
  await page.keyboard.press('Delete');
  await expect(announced).toHaveText('');
  await expect(tessera.overview).toHaveAccessibleName(/^Overview of 2 blocks and 0 links; /);
  await page.keyboard.press('Control+z');
  await expect(tessera.overview).toHaveAccessibleName(/^Overview of 3 blocks/);

  // With nothing selected Shift+Tab starts from the last block; past it, Tab leaves the canvas as it does close up.
  await expect(tessera.overview).not.toHaveAccessibleName(/selected/);
  await page.keyboard.press('Shift+Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Vector unit\)/);
  await expect(tessera.overview).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(tessera.overview).toHaveAccessibleName(/, 1 selected \(Vector unit\)/);
  await expect(tessera.overview).not.toBeFocused();

  // Shift+Tab comes back to the overview. Zooming back in from the keyboard draws the blocks as elements again,
  // the selected one among them, and the keyboard stays on the canvas.
  await page.keyboard.press('Shift+Tab');
  await expect(tessera.overview).toBeFocused();
  for (let step = 0; step < 20 && (await tessera.overview.isVisible()); step += 1)
    await page.keyboard.press('Control+=');
  await expect(tessera.overview).toHaveCount(0);
  await expect(tessera.block('Vector unit')).toHaveClass(/selected/);
  await expect(tessera.canvas).toBeFocused();

  // Entering and leaving a group from the keyboard keeps the keyboard on the canvas (the flow is made again).
  const keyboardOnCanvas = () =>
    page.evaluate(() => document.activeElement?.closest('[aria-label="Design canvas"]') !== null);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+g');
  await page.keyboard.press('Enter');
  const groupPath = tessera.canvas.getByRole('navigation', { name: 'Group path' });
  await expect(groupPath).toContainText('Group 1');
  expect(await keyboardOnCanvas()).toBe(true);
  await page.keyboard.press('Escape');
  await expect(groupPath).toHaveCount(0);
  expect(await keyboardOnCanvas()).toBe(true);
  // The group just left is selected; Enter on a button still presses the button rather than entering it.
  await expect(tessera.frame('Group 1')).toHaveClass(/selected/);
  await tessera.paletteEntry('Cache').focus();
  await page.keyboard.press('Enter');
  await expect(tessera.block('Cache')).toBeVisible();
  await expect(groupPath).toHaveCount(0);
});

test('every command of the Arrange, View and Help menus does what it says', async ({ tessera }) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 120 });
  await tessera.dropBlock('HBM', { x: 160, y: 360 });
  await tessera.dropBlock('Vector unit', { x: 480, y: 120 });
  const undoButton = page.getByRole('button', { name: 'Undo', exact: true });

  // Zoom In and Zoom Out step by Svelte Flow's factor, 1.2, about the middle of the view.
  const { zoom } = await tessera.viewport();
  await tessera.menu('View', 'Zoom In');
  await expect.poll(async () => (await tessera.viewport()).zoom).toBeCloseTo(zoom * 1.2, 3);
  await tessera.menu('View', 'Zoom Out');
  await expect.poll(async () => (await tessera.viewport()).zoom).toBeCloseTo(zoom, 3);

  // Fit to Window brings back blocks panned out of view.
  const pane = (await tessera.canvas.locator('.svelte-flow__pane').boundingBox()) ?? {
    x: 0,
    y: 0,
    width: 0,
    height: 0,
  };
  await page.mouse.move(pane.x + 620, pane.y + 300);
  await page.mouse.down();
  await page.mouse.move(pane.x + 620 + 500, pane.y + 300 + 300, { steps: 6 });
  await page.mouse.up();
  await expect(tessera.block('Vector unit')).not.toBeInViewport();
  await tessera.menu('View', 'Fit to Window');
  // The view animates there (200 ms): every block ends wholly inside the pane.
  const allInside = async () => {
    for (const name of ['Systolic-array tile', 'HBM', 'Vector unit']) {
      const box = (await tessera.block(name).boundingBox()) ?? { x: -1, y: -1, width: 0, height: 0 };
      const inside =
        box.x >= pane.x &&
        box.x + box.width <= pane.x + pane.width &&
        box.y >= pane.y &&
        box.y + box.height <= pane.y + pane.height;
      if (!inside) return `${name} at ${JSON.stringify(box)}`;
    }
    return 'all inside';
  };
  await expect.poll(allInside).toBe('all inside');

  // Auto Layout moves the blocks as one undoable step.
  const names = ['Systolic-array tile', 'HBM', 'Vector unit'];
  const positions = () => Promise.all(names.map((name) => tessera.blockPosition(name)));
  const before = await positions();
  await tessera.menu('Arrange', 'Auto Layout');
  await expect(undoButton).toHaveAttribute('title', 'Undo Auto layout (Ctrl+Z)');
  expect(await positions()).not.toEqual(before);
  await page.locator('body').press('Control+z');
  await expect.poll(positions).toEqual(before);

  // Group, Enter Group, Leave Group, Ungroup.
  await tessera.block('Systolic-array tile').click();
  await tessera.block('HBM').click({ modifiers: ['Shift'] });
  await tessera.menu('Arrange', 'Group');
  await expect(tessera.frame('Group 1')).toBeVisible();
  await tessera.menu('Arrange', 'Enter Group');
  const groupPath = tessera.canvas.getByRole('navigation', { name: 'Group path' });
  await expect(groupPath).toContainText('Group 1 ×1');
  await expect(tessera.block('Vector unit')).toHaveCount(0);
  await tessera.menu('Arrange', 'Leave Group');
  await expect(groupPath).toHaveCount(0);
  // The group just left is selected, so it can be entered again or ungrouped at once.
  await expect(tessera.frame('Group 1')).toHaveClass(/selected/);
  // Grouped again on its own, it is one group inside another, counted in the singular.
  await tessera.menu('Arrange', 'Group');
  await tessera.panel('Inspector');
  await expect(tessera.inspector).toContainText('0 blocks · 1 group');
  await expect(tessera.inspector).not.toContainText('1 groups');
  await page.locator('body').press('Control+z');
  await expect(tessera.frame('Group 2')).toHaveCount(0);
  await tessera.frame('Group 1').click({ position: { x: 12, y: 12 } });
  await tessera.menu('Arrange', 'Ungroup');
  await expect(tessera.frame('Group 1')).toHaveCount(0);
  await expect(tessera.block('HBM')).toBeVisible();

  // The text spec opens and closes; the theme toggles and comes back.
  await tessera.menu('View', 'Text Spec Panel');
  await expect(page.getByRole('tab', { name: 'Spec', exact: true })).toHaveAttribute('aria-selected', 'true');
  await tessera.menu('View', 'Text Spec Panel');
  await expect(page.getByRole('tab', { name: 'Inspector' })).toHaveAttribute('aria-selected', 'true');
  const theme = await page.locator('html').getAttribute('data-theme');
  await tessera.menu('View', 'Toggle Theme');
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme === 'dark' ? 'light' : 'dark');
  await tessera.menu('View', 'Toggle Theme');
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme ?? 'light');

  // Help: the shortcuts (every menu command with its keys) and About.
  await tessera.menu('Help', 'Keyboard Shortcuts');
  const shortcuts = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(shortcuts).toContainText('Zoom Out');
  await expect(shortcuts).toContainText('Ctrl+-');
  await page.keyboard.press('Escape');
  await expect(shortcuts).toHaveCount(0);
  await tessera.menu('Help', 'About Tessera');
  await expect(page.getByRole('dialog', { name: 'About Tessera' })).toBeVisible();
});

test('on every design and group opened, a block lands under the pointer and a refused link says why', async ({
  tessera,
}) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  const canvasBox = (await tessera.canvas.boundingBox()) ?? { x: 0, y: 0 };
  /** The block is dropped centred on the pointer. */
  const expectUnderPointer = async (name: string, at: { x: number; y: number }) => {
    const box = (await tessera.block(name).boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 };
    expect(Math.abs(box.x + box.width / 2 - (canvasBox.x + at.x))).toBeLessThanOrEqual(8);
    expect(Math.abs(box.y + box.height / 2 - (canvasBox.y + at.y))).toBeLessThanOrEqual(8);
  };
  const dragLink = async (from: { block: string; port: string }, to: { block: string; port: string }) => {
    const start = (await tessera.port(from.block, from.port).boundingBox()) ?? {
      x: 0,
      y: 0,
      width: 0,
      height: 0,
    };
    const end = (await tessera.port(to.block, to.port).boundingBox()) ?? { x: 0, y: 0, width: 0, height: 0 };
    await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
    await page.mouse.down();
    await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 8 });
  };

  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 120 });
  await expectUnderPointer('Systolic-array tile', { x: 160, y: 120 });

  // A second design: the flow is made again, and drops and link hints use the new one.
  await page.getByRole('button', { name: 'New design' }).click();
  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 120 });
  await expectUnderPointer('Systolic-array tile', { x: 160, y: 120 });
  await tessera.dropBlock('Vector unit', { x: 480, y: 320 });
  await expectUnderPointer('Vector unit', { x: 480, y: 320 });
  await dragLink({ block: 'Systolic-array tile', port: 'Memory' }, { block: 'Vector unit', port: 'Memory' });
  await expect(tessera.canvas.getByRole('status').filter({ hasText: 'Cannot connect' })).toContainText(
    'a compute port connects only to memory',
  );
  await page.mouse.up();
  await expect(tessera.canvas.locator('.svelte-flow__edge')).toHaveCount(0);
  await expect(tessera.canvas.getByRole('status').filter({ hasText: 'Cannot connect' })).toHaveCount(0);

  // Inside a group, too.
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+g');
  await tessera.menu('Arrange', 'Enter Group');
  await expect(tessera.canvas.getByRole('navigation', { name: 'Group path' })).toContainText('Group 1');
  await tessera.dropBlock('HBM', { x: 300, y: 260 });
  await expectUnderPointer('HBM', { x: 300, y: 260 });
});
