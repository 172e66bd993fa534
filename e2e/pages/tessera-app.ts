/**
 * Page object of the Tessera window. Everything is found by role and accessible name, as a person using a
 * screen reader would find it.
 */
import { expect, type ElectronApplication, type Locator, type Page, type TestInfo } from '@playwright/test';

export class TesseraApp {
  constructor(
    readonly page: Page,
    private readonly testInfo: TestInfo,
    readonly shell: 'browser' | 'electron',
    private readonly electronApp?: ElectronApplication,
  ) {}

  /**
   * Names the project file: typed into the start view's field in the browser; in the app, where project files
   * are chosen in the system file dialog only, the dialog is made to answer `path`.
   */
  private async chooseProjectFile(path: string, field: 'first' | 'second'): Promise<void> {
    if (this.electronApp === undefined) {
      const textbox = this.page.getByRole('textbox', { name: 'Project file' });
      await (field === 'first' ? textbox.first() : textbox.nth(1)).fill(path);
      return;
    }
    await this.electronApp.evaluate(({ dialog }, chosen) => {
      Object.assign(dialog, {
        showOpenDialog: () => Promise.resolve({ canceled: false, filePaths: [chosen] }),
        showSaveDialog: () => Promise.resolve({ canceled: false, filePath: chosen }),
      });
    }, path);
  }

  get palette(): Locator {
    return this.page.getByRole('navigation', { name: 'Block palette' });
  }

  get canvas(): Locator {
    return this.page.getByRole('application', { name: 'Design canvas' });
  }

  get inspector(): Locator {
    return this.page.getByRole('complementary', { name: 'Inspector' });
  }

  get saveStatus(): Locator {
    return this.page.getByRole('contentinfo', { name: 'Status bar' }).getByRole('status');
  }

  get alert(): Locator {
    return this.page.getByRole('alert');
  }

  /** A path for a project file inside this test's output folder. */
  projectPath(name = 'project.tessera'): string {
    return this.testInfo.outputPath(name);
  }

  /** Goes to the start view (if a project is open) and creates a new project at `path`. */
  async createProject(path: string): Promise<void> {
    await this.toStartView();
    await this.chooseProjectFile(path, 'first');
    await this.page.getByRole('button', { name: 'Create project' }).click();
    await this.page.getByRole('button', { name: /^Empty design/ }).click();
    await expect(this.canvas).toBeVisible();
  }

  /** Goes to the start view, creates a project and starts its first design from a preset or template. */
  async createProjectFromPreset(path: string, presetName: string): Promise<void> {
    await this.toStartView();
    await this.chooseProjectFile(path, 'first');
    await this.page.getByRole('button', { name: 'Create project' }).click();
    await this.page
      .getByRole('button', { name: new RegExp(`^${presetName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
      .first()
      .click();
    await expect(this.canvas).toBeVisible();
  }

  /** Goes to the start view and opens the project at `path` (which may fail: check `alert`). */
  async openProject(path: string): Promise<void> {
    await this.toStartView();
    await this.chooseProjectFile(path, 'second');
    await this.page.getByRole('button', { name: 'Open project' }).click();
  }

  async toStartView(): Promise<void> {
    const projects = this.page.getByRole('button', { name: 'Projects' });
    await expect(this.page.getByRole('button', { name: 'Create project' }).or(projects)).toBeVisible();
    if (await projects.isVisible()) await projects.click();
    await expect(this.page.getByRole('button', { name: 'Create project' })).toBeVisible();
  }

  paletteEntry(name: string): Locator {
    return this.palette.getByRole('button', { name, exact: true });
  }

  /** A block on the canvas, by its accessible name "<name> (<type name>)". */
  block(name: string): Locator {
    return this.canvas
      .locator('.svelte-flow__node')
      .filter({ has: this.page.locator(`.name:text-is("${name}")`) });
  }

  /** Drags a block type from the palette and drops it at a point of the canvas. */
  async dropBlock(typeName: string, at: { x: number; y: number }): Promise<void> {
    await this.paletteEntry(typeName).dragTo(this.canvas, { targetPosition: at });
  }

  /** The handle of a block's port, by its accessible name "<port> port of <block>". */
  port(blockName: string, portName: string): Locator {
    return this.canvas.getByLabel(`${portName} port of ${blockName}`, { exact: true });
  }

  async connect(from: { block: string; port: string }, to: { block: string; port: string }): Promise<void> {
    await this.port(from.block, from.port).dragTo(this.port(to.block, to.port));
  }

  /** Drags a block on the canvas by an offset, in several steps as a hand would. */
  async moveBlock(name: string, by: { x: number; y: number }): Promise<void> {
    const box = await this.block(name).boundingBox();
    if (!box) throw new Error(`block ${name} is not visible`);
    const start = { x: box.x + 20, y: box.y + 12 };
    await this.page.mouse.move(start.x, start.y);
    await this.page.mouse.down();
    await this.page.mouse.move(start.x + by.x, start.y + by.y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Where a block sits in design coordinates (independent of zoom and pan). */
  async blockPosition(name: string): Promise<{ x: number; y: number }> {
    const style = (await this.block(name).getAttribute('style')) ?? '';
    const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(style);
    if (!match) throw new Error(`block ${name} has no position in its style: ${style}`);
    return { x: Number(match[1]), y: Number(match[2]) };
  }

  /** Where every block of a type sits in design coordinates, by block id (for blocks that share a name). */
  async blockPositionsById(typeName: string): Promise<Map<string, { x: number; y: number }>> {
    const nodes = this.canvas.getByRole('group', { name: new RegExp(`\\(${typeName}\\)`) });
    const positions = new Map<string, { x: number; y: number }>();
    for (const node of await nodes.all()) {
      const style = (await node.getAttribute('style')) ?? '';
      const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(style);
      const id = await node.getAttribute('data-id');
      if (match && id) positions.set(id, { x: Number(match[1]), y: Number(match[2]) });
    }
    return positions;
  }

  /** A headline result card by its label, e.g. "Decode throughput". */
  headline(label: string): Locator {
    return this.page
      .getByRole('list', { name: 'Headline results' })
      .getByRole('listitem')
      .filter({ hasText: label })
      .locator('strong');
  }

  /** The number shown on a headline card (the text before its unit). */
  async headlineNumber(label: string): Promise<number> {
    const text = (await this.headline(label).textContent()) ?? '';
    const match = /([\d.,]+)\s*(k?)/.exec(text);
    if (!match) throw new Error(`headline "${label}" shows "${text}"`);
    return Number((match[1] ?? '').replace(/,/g, '')) * (match[2] === 'k' ? 1000 : 1);
  }

  /** Waits until the headline differs from `previous` (a new simulation arrived) and returns it. */
  async nextHeadline(label: string, previous: string): Promise<string> {
    await expect(this.headline(label)).not.toHaveText(previous);
    return (await this.headline(label).textContent()) ?? '';
  }

  /** Opens a side panel tab: Inspector, Workload or Spec. */
  async panel(name: 'Inspector' | 'Workload' | 'Spec' | 'History'): Promise<void> {
    await this.page.getByRole('tab', { name, exact: true }).click();
  }

  /** The text spec editor (a CodeMirror text box) in the Spec panel. */
  specEditor(format: 'YAML' | 'JSON' = 'YAML'): Locator {
    return this.page.getByRole('textbox', { name: `Design spec (${format})` });
  }

  /**
   * Replaces one line of the text spec the way a person would: click the line, go to its end, select back to
   * the start of its text and type. `line` is the line's text without its indentation.
   */
  async editSpecLine(line: string, replacement: string): Promise<void> {
    const editor = this.specEditor();
    await editor.click();
    // Lines far down are drawn only once scrolled to; start from the end, where groups and links are.
    await this.page.keyboard.press('Control+End');
    const target = editor.getByText(line, { exact: true });
    await target.click();
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Shift+Home');
    await this.page.keyboard.type(replacement);
  }

  /** Types a value into a parameter of the inspector (by its label) and commits it with Enter. */
  async setParameter(label: string, value: string): Promise<void> {
    await this.panel('Inspector');
    const field = this.inspector.getByLabel(label, { exact: true });
    await field.fill(value);
    await field.press('Enter');
  }

  /** Picks a model in the workload panel through its search. */
  async pickModel(search: string, name: string): Promise<void> {
    await this.panel('Workload');
    await this.page.getByRole('button', { name: /^Model:/ }).click();
    await this.page.getByRole('combobox', { name: 'Search models' }).fill(search);
    await this.page
      .getByRole('listbox', { name: 'Models' })
      .getByRole('option', { name: new RegExp(`^${name}`) })
      .click();
  }

  /** Runs an entry of the in-page menu bar, e.g. menu("Arrange", "Group"). */
  async menu(menu: string, item: string): Promise<void> {
    await this.page
      .getByRole('menubar', { name: 'Main menu' })
      .getByRole('menuitem', { name: menu, exact: true })
      .click();
    await this.page
      .getByRole('menu', { name: menu })
      .getByRole('menuitem', { name: new RegExp(`^${item}`) })
      .click();
  }

  /** The canvas far out: the design drawn as one picture instead of blocks (below 35 % zoom). */
  get overview(): Locator {
    return this.canvas.getByRole('application', { name: /^Overview of/ });
  }

  /** Zooms out with the zoom controls until the canvas draws the overview. */
  async zoomOutToOverview(): Promise<void> {
    const zoomOut = this.canvas.getByRole('button', { name: 'Zoom Out' });
    for (let step = 0; step < 20 && !(await this.overview.isVisible()); step += 1) await zoomOut.click();
    await expect(this.overview).toBeVisible();
  }

  /** The canvas's pan and zoom: a design point p is on screen at p × zoom + (left, top). */
  async viewport(): Promise<{ left: number; top: number; zoom: number }> {
    const pane = await this.canvas.locator('.svelte-flow__pane').boundingBox();
    const transform = (await this.canvas.locator('.svelte-flow__viewport').getAttribute('style')) ?? '';
    const match = /translate\((-?[\d.]+)px, (-?[\d.]+)px\) scale\(([\d.]+)\)/.exec(transform);
    if (!pane || !match) throw new Error(`the canvas has no viewport transform: ${transform}`);
    return { left: pane.x + Number(match[1]), top: pane.y + Number(match[2]), zoom: Number(match[3]) };
  }

  /** Where a point of the design is on screen. */
  async screenPoint(point: { x: number; y: number }): Promise<{ x: number; y: number }> {
    const { left, top, zoom } = await this.viewport();
    return { x: left + point.x * zoom, y: top + point.y * zoom };
  }

  /** Whether the overview has painted anything at a point of the screen. */
  async overviewPaintedAt(point: { x: number; y: number }): Promise<boolean> {
    return this.overview.evaluate((element, { x, y }) => {
      return [...element.querySelectorAll('canvas')].some((layer) => {
        const box = layer.getBoundingClientRect();
        const scale = layer.width / box.width;
        const pixel = layer
          .getContext('2d')
          ?.getImageData(Math.round((x - box.left) * scale), Math.round((y - box.top) * scale), 1, 1).data;
        return (pixel?.[3] ?? 0) > 0;
      });
    }, point);
  }

  /** A group frame on the canvas by its name. */
  frame(name: string): Locator {
    return this.canvas.getByRole('group', { name: new RegExp(`^${name} \\(`) });
  }

  /** The History side panel's list of versions. */
  get versions(): Locator {
    return this.page.getByRole('list', { name: 'Versions' });
  }

  /** Saves a named checkpoint from the History panel. */
  async checkpoint(name: string): Promise<void> {
    await this.panel('History');
    await this.page.getByRole('textbox', { name: 'Checkpoint name' }).fill(name);
    await this.page.getByRole('button', { name: 'Save checkpoint' }).click();
    await expect(this.versions.getByRole('listitem').filter({ hasText: name }).first()).toBeVisible();
  }

  /** Exports the open design from File › Export… and returns the downloaded file's path. */
  async exportAs(formatLabel: string): Promise<string> {
    await this.menu('File', 'Export');
    const dialog = this.page.getByRole('dialog', { name: 'Export' });
    await dialog
      .getByRole('radio', { name: new RegExp(`^${formatLabel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
      .check();
    const downloading = this.page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    const download = await downloading;
    const path = this.testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(path);
    return path;
  }

  /** Imports a file through File › Import… (the system file chooser). */
  async importFile(path: string): Promise<void> {
    const choosing = this.page.waitForEvent('filechooser');
    await this.menu('File', 'Import');
    const chooser = await choosing;
    await chooser.setFiles(path);
  }

  async expectSaved(): Promise<void> {
    await expect(this.saveStatus).toHaveText('Saved');
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: this.testInfo.outputPath(`${name}.png`) });
  }
}
