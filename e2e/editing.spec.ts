// Editing polish: the clipboard commands of the Edit menu, the canvas's context menus, and a link dropped in empty
// space offering the blocks that can take it.
import { expect, test } from './fixtures';

/** Whether two boxes on screen overlap. */
function overlap(
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test('Edit › Copy then Edit › Paste adds a second block, named anew, beside the first; Ctrl+D duplicates', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('HBM', { x: 300, y: 160 });
  const blocks = tessera.canvas.locator('.svelte-flow__node-block');
  await tessera.block('HBM').click();

  await tessera.menu('Edit', 'Copy');
  await tessera.page.getByRole('menuitem', { name: 'Edit', exact: true }).click();
  await tessera.page
    .getByRole('menu', { name: 'Edit' })
    .getByRole('menuitem', { name: /^Paste(?! with)/ })
    .click();
  await expect(blocks).toHaveCount(2);
  await expect(tessera.block('HBM 2')).toBeVisible();
  const [original, copy] = await Promise.all([
    tessera.block('HBM').boundingBox(),
    tessera.block('HBM 2').boundingBox(),
  ]);
  if (!original || !copy) throw new Error('a block is not on screen');
  expect(overlap(original, copy)).toBe(false);
  await tessera.page.screenshot({ path: test.info().outputPath('pasted.png') });

  // One undo step takes the paste back.
  await tessera.page.keyboard.press('Control+z');
  await expect(blocks).toHaveCount(1);

  // The system clipboard holds the copy as a text spec; such a text pasted (the desktop menu's Paste fires the
  // page's paste event) puts its blocks in.
  await tessera.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const clipboardText = () => tessera.page.evaluate(() => navigator.clipboard.readText());
  await expect.poll(clipboardText).toContain('format: tessera.design');
  const text = await clipboardText();
  expect(text).toContain('name: HBM');
  await tessera.canvas.focus();
  await tessera.page.evaluate(
    (spec) => {
      const data = new DataTransfer();
      data.setData('text/plain', spec);
      document.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    },
    text.replace('name: HBM', 'name: Stack from text'),
  );
  await expect(tessera.block('Stack from text')).toBeVisible();
  await tessera.page.keyboard.press('Control+z');
  await expect(blocks).toHaveCount(1);

  await tessera.block('HBM').click();
  await tessera.page.keyboard.press('Control+d');
  await expect(tessera.block('HBM 2')).toBeVisible();
  await tessera.page.keyboard.press('Control+d');
  await expect(tessera.block('HBM 3')).toBeVisible();

  // In a text field the keys are the field's: copying and pasting its text adds no block.
  await tessera.block('HBM').click();
  await tessera.panel('Inspector');
  // The block's own name is the Inspector's first Name field; a table parameter's rows (a domain's operating
  // points, an FPGA's configurations) have Name cells of their own below it.
  const name = tessera.inspector.getByRole('textbox', { name: 'Name', exact: true }).first();
  await name.selectText();
  await name.press('Control+c');
  await name.press('End');
  await name.press('Control+v');
  await expect(name).toHaveValue('HBMHBM');
  await expect(blocks).toHaveCount(3);
});

test('right-click a block for its menu: Delete removes it; the keyboard opens the same menu', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 200, y: 140 });
  await tessera.dropBlock('HBM', { x: 560, y: 140 });

  await tessera.block('HBM').click({ button: 'right' });
  const menu = tessera.page.getByRole('menu', { name: 'Block actions' });
  await expect(menu).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /^Cut/ })).toBeFocused();
  await tessera.page.screenshot({ path: test.info().outputPath('block-menu.png') });
  await menu.getByRole('menuitem', { name: /^Delete/ }).click();
  await expect(menu).toBeHidden();
  await expect(tessera.block('HBM')).toHaveCount(0);

  // From the keyboard: Shift+F10 on the focused block, arrows to Duplicate, Enter.
  await tessera.block('Systolic-array tile').click();
  await tessera.block('Systolic-array tile').press('Shift+F10');
  await expect(menu).toBeVisible();
  await tessera.page.keyboard.press('ArrowDown');
  await tessera.page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: /^Duplicate/ })).toBeFocused();
  await tessera.page.keyboard.press('Enter');
  await expect(tessera.block('Systolic-array tile 2')).toBeVisible();

  // Escape closes the menu and gives the keyboard back to the block it was opened on.
  const tile = tessera.block('Systolic-array tile');
  await tile.click();
  await tile.press('Shift+F10');
  await expect(menu).toBeVisible();
  await tessera.page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(tile).toBeFocused();

  // The empty canvas has its own menu: Paste puts the copy where it was opened.
  await tile.press('Control+c');
  const pane = tessera.canvas.locator('.svelte-flow__pane');
  await pane.click({ button: 'right', position: { x: 700, y: 420 } });
  const canvasMenu = tessera.page.getByRole('menu', { name: 'Canvas actions' });
  await expect(canvasMenu.getByRole('menuitem', { name: /^Fit to Window/ })).toBeVisible();
  await canvasMenu.getByRole('menuitem', { name: /^Paste/ }).click();
  await expect(tessera.block('Systolic-array tile 3')).toBeVisible();
});

test('drag a link from a port into empty space, pick a block that fits, and it is added there and linked', async ({
  tessera,
}) => {
  await tessera.createProject(tessera.projectPath());
  await tessera.dropBlock('Systolic-array tile', { x: 260, y: 140 });
  const edges = tessera.canvas.locator('.svelte-flow__edge');
  const page = tessera.page;

  const dragIntoSpace = async (): Promise<void> => {
    const handle = await tessera.port('Systolic-array tile', 'Memory').boundingBox();
    if (!handle) throw new Error('the Memory port is not on screen');
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + 40, handle.y + 260, { steps: 10 });
    await page.mouse.up();
  };

  // Escape cancels: nothing is added.
  await dragIntoSpace();
  const picker = page.getByRole('dialog', { name: 'Connect new block to Systolic-array tile' });
  await expect(picker).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(picker).toBeHidden();
  await expect(tessera.canvas.locator('.svelte-flow__node-block')).toHaveCount(1);

  await dragIntoSpace();
  await expect(picker).toBeVisible();
  const list = picker.getByRole('listbox', { name: 'Block types' });
  // A compute port links to memory and fabric: no other compute tile is offered.
  await expect(list.getByRole('option', { name: /^HBM/ }).first()).toBeVisible();
  await expect(list.getByRole('option', { name: /^Systolic-array tile/ })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('connect-picker.png') });
  await picker.getByRole('combobox', { name: 'Search block types' }).fill('hbm');
  await list.getByRole('option', { name: /^HBM/ }).first().click();
  await expect(tessera.block('HBM')).toBeVisible();
  await expect(edges).toHaveCount(1);
  // Below the tile, where the link was dropped.
  const [tile, hbm] = await Promise.all([
    tessera.blockPosition('Systolic-array tile'),
    tessera.blockPosition('HBM'),
  ]);
  expect(hbm.y).toBeGreaterThan(tile.y + 100);
  await page.screenshot({ path: test.info().outputPath('connected.png') });

  // One undo step takes both the block and its link away.
  await page.locator('body').press('Control+z');
  await expect(tessera.block('HBM')).toHaveCount(0);
  await expect(edges).toHaveCount(0);

  // Keyboard users reach the same list from the block's menu.
  await tessera.block('Systolic-array tile').click();
  await tessera.block('Systolic-array tile').press('Shift+F10');
  await page
    .getByRole('menu', { name: 'Block actions' })
    .getByRole('menuitem', { name: /^Connect New Block/ })
    .click();
  await expect(picker).toBeVisible();
  await page.keyboard.type('sram');
  await page.keyboard.press('Enter');
  await expect(edges).toHaveCount(1);
});
