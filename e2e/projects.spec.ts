import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, test } from './fixtures';
import { TesseraApp } from './pages/tessera-app';

const root = join(import.meta.dirname, '..');

test('make a checkpoint, edit, restore it, and undo the restore', async ({ tessera }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const original = (await tessera.headline('Decode throughput').textContent()) ?? '';
  // The author name in the history comes from the preferences.
  await tessera.page.getByRole('menuitem', { name: 'Edit' }).click();
  await tessera.page.getByRole('menuitem', { name: /^Preferences…/ }).click();
  const preferences = tessera.page.getByRole('dialog', { name: 'Preferences' });
  await preferences.getByRole('textbox', { name: 'Your name' }).fill('Ada Lovelace');
  await preferences.getByRole('button', { name: 'Save' }).click();
  await expect(preferences).toBeHidden();
  await tessera.checkpoint('Datasheet H100');

  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '1 TB/s');
  await expect(tessera.block('HBM3')).toContainText('1 TB/s');
  const slower = await tessera.nextHeadline('Decode throughput', original);
  await tessera.expectSaved();

  // The history lists the automatic version with what changed, and the checkpoint by name.
  await tessera.panel('History');
  await expect(tessera.versions.getByRole('listitem').first()).toContainText('1 TB/s');
  await expect(tessera.versions.getByRole('listitem').first()).toContainText('Ada Lovelace');
  await tessera.versions.getByRole('button', { name: 'Restore “Datasheet H100”' }).click();
  await expect(tessera.block('HBM3')).toContainText('3.35 TB/s');
  await expect(tessera.headline('Decode throughput')).toHaveText(original);
  await tessera.expectSaved();
  await expect(tessera.versions.getByRole('listitem').first()).toContainText('Restore');

  // Restoring is itself undoable.
  await tessera.page.locator('body').click({ position: { x: 5, y: 300 } });
  await tessera.page.keyboard.press('Control+z');
  await expect(tessera.block('HBM3')).toContainText('1 TB/s');
  await expect(tessera.headline('Decode throughput')).toHaveText(slower);
});

test('rename, duplicate, delete a design, and bring it back with Undo', async ({ tessera }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  const page = tessera.page;
  await page.getByRole('button', { name: 'Designs…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Designs in this project' });
  await dialog.getByRole('button', { name: /^Rename / }).click();
  await dialog.getByRole('textbox', { name: /^New name for / }).fill('Baseline');
  await dialog.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(dialog.getByRole('cell', { name: 'Baseline open' })).toBeVisible();

  await dialog.getByRole('button', { name: 'Duplicate Baseline' }).click();
  await expect(dialog.getByRole('cell', { name: 'Baseline copy open' })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Design' })).toHaveValue(/.+/);

  await dialog.getByRole('button', { name: 'Delete Baseline copy' }).click();
  await expect(dialog.getByRole('row')).toHaveCount(2);
  await expect(dialog.getByRole('status')).toContainText('Deleted “Baseline copy”');
  await dialog.getByRole('button', { name: 'Undo' }).click();
  await expect(dialog.getByRole('cell', { name: 'Baseline copy open' })).toBeVisible();
  await expect(dialog.getByRole('row')).toHaveCount(3);
});

test('save the project as a copy and go on editing the copy; the original stays as it was', async ({
  tessera,
}) => {
  const original = tessera.projectPath('original.tessera');
  await tessera.createProjectFromPreset(original, 'NVIDIA H100 SXM 80GB');
  await tessera.expectSaved();
  const page = tessera.page;
  await page.getByRole('menuitem', { name: 'File' }).click();
  await page.getByRole('menuitem', { name: /^Save Project As…/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Save project as' });
  const copy = tessera.projectPath('copy.tessera');
  await dialog.getByRole('textbox', { name: 'New project file' }).fill(copy);
  await dialog.getByRole('button', { name: 'Save copy' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('contentinfo', { name: 'Status bar' })).toContainText(copy);

  // An edit now goes to the copy only.
  const before = createHash('sha256')
    .update(await readFile(original))
    .digest('hex');
  await tessera.block('HBM3').click();
  await tessera.setParameter('Bandwidth', '2 TB/s');
  await tessera.expectSaved();
  await page.reload();
  await expect(tessera.block('HBM3')).toContainText('2 TB/s');
  expect(
    createHash('sha256')
      .update(await readFile(original))
      .digest('hex'),
  ).toBe(before);
  await tessera.openProject(original);
  await expect(tessera.block('HBM3')).toContainText('3.35 TB/s');
});

test('keys pressed in the export dialog stay in the dialog: Delete does not delete the selected block', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await tessera.block('HBM3').click();
  await tessera.page.keyboard.press('Control+e');
  const dialog = tessera.page.getByRole('dialog', { name: 'Export' });
  await dialog.getByRole('button', { name: 'Cancel' }).focus();
  await tessera.page.keyboard.press('Delete');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(tessera.block('HBM3')).toBeVisible();
  await expect(tessera.page.getByRole('button', { name: 'Undo' })).toBeDisabled();
});

test('export the spec as YAML and as a PNG, and import both back as the same design', async ({ tessera }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const throughput = (await tessera.headline('Decode throughput').textContent()) ?? '';

  const yamlPath = await tessera.exportAs('Design spec (YAML)');
  expect(await readFile(yamlPath, 'utf8')).toContain('type: memory.hbm');
  const pngPath = await tessera.exportAs('Picture (PNG)');
  const png = await readFile(pngPath);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  const designs = tessera.page.getByRole('combobox', { name: 'Design' }).getByRole('option');
  await expect(designs).toHaveCount(1);
  for (const [path, count] of [
    [yamlPath, 2],
    [pngPath, 3],
  ] as const) {
    await tessera.importFile(path);
    await expect(designs).toHaveCount(count);
    // The imported design opens: same blocks, same result.
    await expect(tessera.block('HBM3')).toContainText('3.35 TB/s');
    await expect(tessera.headline('Decode throughput')).toHaveText(throughput);
  }
});

test('a malformed spec is refused with its problems, and the project does not change', async ({
  tessera,
}) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await tessera.expectSaved();
  const broken = tessera.projectPath('broken.tessera.yaml');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(
    broken,
    'format: tessera.design\nversion: 1\nname: Broken\nblocks:\n  hbm: { type: memory.hbm\n',
  );
  await tessera.importFile(broken);
  const dialog = tessera.page.getByRole('dialog', { name: 'Import refused' });
  await expect(dialog).toContainText('broken.tessera.yaml');
  await expect(dialog.getByRole('list', { name: 'Import problems' })).toContainText('Line 5');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(tessera.page.getByRole('combobox', { name: 'Design' }).getByRole('option')).toHaveCount(1);
});

test('the HTML report opens in Chromium and prints to PDF', async ({ tessera, browser }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  const htmlPath = await tessera.exportAs('Report (HTML)');
  const html = await readFile(htmlPath, 'utf8');

  // A separate page, offline: the report must be self-contained.
  const context = await browser.newContext({ offline: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith('data:')) requests.push(request.url());
  });
  await page.setContent(html, { waitUntil: 'load' });
  await expect(page.getByRole('heading', { level: 1 })).toContainText('NVIDIA H100 SXM 80GB');
  await expect(page.locator('svg').first()).toBeVisible();
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  // Several pages: the report is more than a headline.
  expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThan(1);
  expect(requests).toEqual([]);
  await context.close();
});

test('the app and the HTML report draw the same roofs for the H100 preset', async ({ tessera }) => {
  await tessera.createProjectFromPreset(tessera.projectPath(), 'NVIDIA H100 SXM 80GB');
  await expect(tessera.headline('Decode throughput')).toContainText('tok/s');
  await tessera.page
    .getByRole('tablist', { name: 'Results views' })
    .getByRole('tab', { name: 'Roofline' })
    .click();
  // The sentence that describes the app's roofline names its ridge: the compute roof over the main memory roof.
  const roofline = tessera.page.getByRole('figure', { name: /^Roofline/ });
  await expect(roofline).toHaveAccessibleDescription(/^The ridge is at /);
  const description = await roofline.evaluate(
    (figure) => document.getElementById(figure.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
  );
  const ridge = /\((\S+ [PT]FLOP\/s) over (\S+ [TG]B\/s) from ([^)]+)\)/.exec(description);
  if (!ridge) throw new Error(`no ridge in "${description}"`);
  const [, peak, bandwidth, level] = ridge;
  const html = await readFile(await tessera.exportAs('Report (HTML)'), 'utf8');
  expect(html).toContain(`BF16 peak: ${peak}`);
  expect(html).toContain(`Memory roof: ${bandwidth} (${level})`);
});

test('an older project is upgraded after a backup copy is kept', async ({ tessera }) => {
  const path = tessera.projectPath('old.tessera');
  await copyFile(join(root, 'main', 'store', 'fixtures', 'project-v1.tessera'), path);
  const original = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
  await tessera.openProject(path);
  const notice = tessera.page.getByRole('status').filter({ hasText: 'has been upgraded' });
  await expect(notice).toContainText('old.schema-1.backup.tessera');
  const backup = tessera.projectPath('old.schema-1.backup.tessera');
  expect(
    createHash('sha256')
      .update(await readFile(backup))
      .digest('hex'),
  ).toBe(original);
  await expect(tessera.page.getByRole('combobox', { name: 'Design' }).getByRole('option')).toHaveText([
    'H100 baseline',
    'Single tile',
  ]);
  await expect(tessera.block('HBM3')).toContainText('4 TB/s');
});

/** Starts a test host of its own on a project file, so the test can kill it. */
async function startHost(project: string): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [join(root, 'out/main/host.js'), '--port', '0', '--project', project],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the host exited with ${code}`)));
  });
  return { url, process: child };
}

test('killing the host during a burst of edits loses nothing that was shown as saved', async ({
  browser,
}, testInfo) => {
  const project = testInfo.outputPath('crash.tessera');
  const first = await startHost(project);
  const page = await browser.newPage();
  await page.goto(first.url);
  const app = new TesseraApp(page, testInfo, 'browser');
  await page
    .getByRole('button', { name: /^NVIDIA H100 SXM 80GB/ })
    .first()
    .click();
  await app.block('HBM3').click();

  // Edits the app reports as saved…
  for (const value of ['1 TB/s', '1.5 TB/s', '2 TB/s']) {
    await app.setParameter('Bandwidth', value);
    await app.expectSaved();
  }
  // …then a burst it may not have finished writing when the process dies.
  const burst = ['2.25 TB/s', '2.5 TB/s', '2.75 TB/s', '3 TB/s', '3.25 TB/s'];
  for (const value of burst) await app.setParameter('Bandwidth', value);
  first.process.kill('SIGKILL');
  await new Promise((resolve) => first.process.once('exit', resolve));
  await page.close();

  const second = await startHost(project);
  try {
    const reopened = await browser.newPage();
    await reopened.goto(second.url);
    const again = new TesseraApp(reopened, testInfo, 'browser');
    await expect(again.alert).toHaveCount(0);
    await expect(again.block('HBM3')).toBeVisible();
    const shown = (await again.block('HBM3').textContent()) ?? '';
    const bandwidth = /([\d.]+) TB\/s/.exec(shown)?.[1];
    // The last value shown as saved, or a later one from the burst — never an older one, never a broken file.
    expect(['2', ...burst.map((value) => value.split(' ')[0])]).toContain(bandwidth);
    await expect(again.headline('Decode throughput')).toContainText('tok/s');
    await reopened.close();
  } finally {
    second.process.kill('SIGTERM');
  }
});

test('an edit made while another program writes to the project file is kept, and saved once it lets go', async ({
  tessera,
}) => {
  const project = tessera.projectPath('shared.tessera');
  await tessera.createProjectFromPreset(project, 'NVIDIA H100 SXM 80GB');
  await tessera.block('HBM3').click();
  await tessera.expectSaved();

  // A second program takes the file's write lock (node with sqlite3, as any SQLite tool would).
  const sqlite3 = createRequire(import.meta.url).resolve('sqlite3');
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require(${JSON.stringify(sqlite3)}).Database)(${JSON.stringify(project)});
       db.exec('BEGIN EXCLUSIVE', (error) => {
         console.log(error ? 'failed ' + error.message : 'locked');
         process.stdin.once('data', () => db.exec('COMMIT', () => db.close(() => process.exit(0))));
       });`,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  try {
    const first = await new Promise<string>((resolve) =>
      holder.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
    );
    expect(first).toBe('locked');

    await tessera.setParameter('Bandwidth', '2 TB/s');
    await expect(tessera.saveStatus).toContainText('Not saved yet', { timeout: 20_000 });
    await expect(tessera.saveStatus).toContainText(`another program (node, pid ${holder.pid})`);
    await tessera.screenshot('file-busy');
  } finally {
    holder.stdin.write('release\n');
    await new Promise((resolve) => holder.once('exit', resolve));
  }
  await expect(tessera.saveStatus).toHaveText('Saved', { timeout: 20_000 });
  await tessera.page.reload();
  await expect(tessera.block('HBM3')).toContainText('2 TB/s');
});
