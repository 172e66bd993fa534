import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures';

/** The name of a block node from its accessible name "<name> (<type name>)". */
async function blockName(node: Locator): Promise<string> {
  const label = (await node.getAttribute('aria-label')) ?? '';
  return label.replace(/ \([^)]*\)(, ×\d+)?$/, '');
}

test('Tab to a block and Enter selects it: the Inspector shows it and the arrow keys move it', async ({
  tessera,
}) => {
  const page = tessera.page;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await tessera.panel('Inspector');
  // The block's own name is the Inspector's first Name field; a table parameter's rows (a domain's operating
  // points, an FPGA's configurations) have Name cells of their own below it.
  const name = tessera.inspector.getByRole('textbox', { name: 'Name', exact: true }).first();

  // The mouse selects HBM3 first; then the keyboard moves the focus on to another block and selects it.
  await tessera.block('HBM3').click();
  await expect(name).toHaveValue('HBM3');
  const hbmAt = await tessera.blockPosition('HBM3');
  await page.keyboard.press('Tab');
  const focused = tessera.canvas.locator('.svelte-flow__node-block:focus');
  await expect(focused).toHaveCount(1);
  const other = await blockName(focused);
  expect(other).not.toBe('HBM3');
  await page.keyboard.press('Enter');
  await expect(name).toHaveValue(other);
  await expect(tessera.block(other)).toHaveClass(/selected/);
  await expect(tessera.block('HBM3')).not.toHaveClass(/selected/);

  // The arrow keys move the block the Inspector shows (8 px, Shift: 32 px), and HBM3 stays where it was.
  const otherAt = await tessera.blockPosition(other);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => tessera.blockPosition(other)).toEqual({ x: otherAt.x + 8, y: otherAt.y });
  await page.keyboard.press('Shift+ArrowDown');
  await expect.poll(() => tessera.blockPosition(other)).toEqual({ x: otherAt.x + 8, y: otherAt.y + 32 });
  expect(await tessera.blockPosition('HBM3')).toEqual(hbmAt);
  await expect(name).toHaveValue(other);

  // A block that has the focus but is not selected yet is selected by the first arrow key, and moved.
  await page.keyboard.press('Tab');
  await expect(focused).toHaveCount(1);
  const third = await blockName(focused);
  const thirdAt = await tessera.blockPosition(third);
  await page.keyboard.press('ArrowLeft');
  await expect(name).toHaveValue(third);
  await expect.poll(() => tessera.blockPosition(third)).toEqual({ x: thirdAt.x - 8, y: thirdAt.y });
  expect(await tessera.blockPosition(other)).toEqual({ x: otherAt.x + 8, y: otherAt.y + 32 });

  // Each nudge is one undo step.
  await page.keyboard.press('Control+z');
  await expect.poll(() => tessera.blockPosition(third)).toEqual(thirdAt);
  await tessera.screenshot('keyboard-selection');
});

test('blocks added by click and by Ctrl+K land on free spots near the middle of the view', async ({
  tessera,
}) => {
  const page = tessera.page;
  await tessera.createProject(tessera.projectPath());
  await tessera.paletteEntry('Systolic-array tile').click();
  await tessera.paletteEntry('Systolic-array tile').click();
  await tessera.paletteEntry('HBM').click();
  await tessera.canvas.focus();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('sram');
  await page.keyboard.press('Enter');
  const blocks = tessera.canvas.locator('.svelte-flow__node-block');
  await expect(blocks).toHaveCount(4);
  await tessera.screenshot('added-blocks');

  const boxes = await Promise.all((await blocks.all()).map((block) => block.boundingBox()));
  const canvasBox = await tessera.canvas.boundingBox();
  if (!canvasBox) throw new Error('the canvas is not visible');
  for (const [index, box] of boxes.entries()) {
    if (!box) throw new Error(`block ${index} is not visible`);
    // Every block is on screen…
    expect(box.x).toBeGreaterThanOrEqual(canvasBox.x);
    expect(box.y).toBeGreaterThanOrEqual(canvasBox.y);
    expect(box.x + box.width).toBeLessThanOrEqual(canvasBox.x + canvasBox.width);
    expect(box.y + box.height).toBeLessThanOrEqual(canvasBox.y + canvasBox.height);
    // …and no two overlap (their ports stay clear).
    for (const other of boxes.slice(index + 1)) {
      if (!other) continue;
      const apart =
        box.x + box.width <= other.x ||
        other.x + other.width <= box.x ||
        box.y + box.height <= other.y ||
        other.y + other.height <= box.y;
      expect(apart, `blocks overlap: ${JSON.stringify(box)} and ${JSON.stringify(other)}`).toBe(true);
    }
  }
});

test('a design made from a preset is fitted to the window', async ({ tessera }) => {
  const blocks = tessera.canvas.locator('.svelte-flow__node');
  const fitted = async (): Promise<boolean> => {
    const canvasBox = await tessera.canvas.boundingBox();
    const boxes = await Promise.all((await blocks.all()).map((block) => block.boundingBox()));
    return (
      canvasBox !== null &&
      boxes.length > 0 &&
      boxes.every(
        (box) =>
          box !== null &&
          box.x >= canvasBox.x &&
          box.y >= canvasBox.y &&
          box.x + box.width <= canvasBox.x + canvasBox.width &&
          box.y + box.height <= canvasBox.y + canvasBox.height,
      )
    );
  };
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA DGX H100');
  await expect.poll(fitted).toBe(true);
  await tessera.screenshot('preset-fitted');

  // File › New Design… with a template, while a design is open.
  for (const name of ['Tile mesh', 'Edge SoC', 'NVIDIA H200']) {
    await tessera.menu('File', 'New Design');
    await tessera.page
      .getByRole('dialog', { name: 'New design' })
      .getByRole('button', { name: new RegExp(`^${name}`) })
      .first()
      .click();
    await expect(tessera.page.getByRole('combobox', { name: 'Design' })).toHaveValue(/.+/);
    await expect.poll(fitted).toBe(true);
    await tessera.screenshot(`new-design-${name}`);
  }
});

test('Enter in a group’s Count applies the count and keeps the group selected', async ({ tessera }) => {
  const page = tessera.page;
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 160, y: 160 });
  await tessera.dropBlock('SRAM scratchpad', { x: 480, y: 160 });
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+g');
  await tessera.panel('Inspector');
  const count = tessera.inspector.getByRole('textbox', { name: 'Count', exact: true });
  await count.fill('4');
  await count.press('Enter');
  await expect(tessera.block('Systolic-array tile')).toContainText('×4');
  await expect(tessera.inspector.getByRole('textbox', { name: 'Group name' })).toHaveValue('Group 1');
  await expect(count).toHaveValue('4');
  await expect(count).toBeFocused();
  // Another Enter, and a change of kind, keep it selected too.
  await count.fill('8');
  await count.press('Enter');
  await expect(tessera.block('Systolic-array tile')).toContainText('×8');
  await tessera.inspector.getByRole('combobox', { name: 'Kind' }).selectOption('Cluster');
  await expect(count).toHaveValue('8');
  await tessera.screenshot('group-count');
  expect(errors).toEqual([]);
});
