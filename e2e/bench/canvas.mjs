#!/usr/bin/env node
// Canvas responsiveness with a large design (1,000 blocks, 1,500 links), measured in Debian's Chromium against
// the test host: frames per second while dragging a block, and the time from a parameter edit to new results.
// Prints a table (and `--json`); never asserts. Run by `npm run bench` after the engine benchmark.
// The functions passed to page.evaluate run in the page.
/* global document, window, requestAnimationFrame, cancelAnimationFrame, KeyboardEvent */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const json = process.argv.includes('--json');
const root = join(import.meta.dirname, '..', '..');
const folder = mkdtempSync(join(tmpdir(), 'tessera-canvas-bench-'));
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A design of `blocks` blocks and `links` links on a grid: tiles, SRAMs, NoC routers and HBM stacks. */
function bigDesign(blocks, links) {
  const kinds = [
    ['compute.systolic', 'tile', 'mem'],
    ['memory.sram', 'sram', 'port'],
    ['interconnect.noc', 'noc', 'port'],
    ['memory.hbm', 'hbm', 'port'],
  ];
  const list = [];
  for (let index = 0; index < blocks; index += 1) {
    const [type, stem, port] = kinds[index % 4 === 3 && index % 40 !== 39 ? 1 : index % 4];
    list.push({
      id: `${stem}-${index}`,
      type,
      name: `${stem} ${index}`,
      params: {},
      position: { x: (index % 40) * 240, y: Math.floor(index / 40) * 130 },
      port,
    });
  }
  const linkList = [];
  // Each tile to the SRAM and the NoC router next to it, and routers to each other and to HBM.
  for (let index = 0; linkList.length < links && index < list.length; index += 1) {
    const block = list[index];
    const right = list[index + 1];
    const below = list[index + 40];
    for (const other of [right, below]) {
      if (!other || linkList.length >= links) continue;
      const a = block.type;
      const b = other.type;
      if (a === 'compute.systolic' && b === 'compute.systolic') continue;
      linkList.push({
        id: `l-${linkList.length}`,
        from: { block: block.id, port: block.port },
        to: { block: other.id, port: other.port },
        params: {},
      });
    }
  }
  return {
    format: 'tessera.design',
    version: 1,
    name: `Large design (${blocks} blocks)`,
    blocks: list.map(({ port: _port, ...block }) => block),
    links: linkList,
    groups: [],
  };
}

async function api(url, domain, method, request) {
  const address = new URL(url);
  const response = await fetch(`${address.origin}/api/${domain}/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${address.searchParams.get('token')}`,
    },
    body: JSON.stringify([request]),
  });
  const result = await response.json();
  if (!result.ok) throw new Error(`${domain}.${method}: ${result.error.message}`);
  return result.value;
}

/** The canvas's zoom, read from the transform Svelte Flow puts on its viewport. */
async function zoomOf(page) {
  return page.evaluate(() => {
    const transform = document.querySelector('.svelte-flow__viewport')?.style.transform ?? '';
    return Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 1);
  });
}

/** The viewport's transform: a flow point p is on screen at p × zoom + (x, y) from the pane's corner. */
async function viewportOf(page) {
  const pane = await page.locator('.svelte-flow__pane').boundingBox();
  const transform = await page.evaluate(
    () => document.querySelector('.svelte-flow__viewport')?.style.transform ?? '',
  );
  const [, x, y] = /translate\(([-\d.]+)px, ([-\d.]+)px\)/.exec(transform) ?? [];
  return {
    left: pane.x + Number(x),
    top: pane.y + Number(y),
    zoom: Number(/scale\(([\d.]+)\)/.exec(transform)?.[1] ?? 1),
  };
}

/** Where the middle of a block of the design is on screen. */
async function screenPointOf(page, block) {
  const viewport = await viewportOf(page);
  return {
    x: viewport.left + (block.position.x + BLOCK_SIZE.width / 2) * viewport.zoom,
    y: viewport.top + (block.position.y + BLOCK_SIZE.height / 2) * viewport.zoom,
  };
}

/** Far out the canvas draws the design on one element (a focusable widget named "Overview of …") instead of DOM nodes. */
async function overviewShown(page) {
  return (await page.getByRole('application', { name: /^Overview of/ }).count()) > 0;
}

/** What the canvas draws at its current zoom, and the time from a parameter edit to new results. */
async function measureEdits(page, field) {
  const measured = { zoom: await zoomOf(page) };
  measured.overview = await overviewShown(page);
  measured.drawnBlocks = measured.overview
    ? results.blocks
    : await page.locator('.svelte-flow__node-block:visible').count();
  measured.drawnLinks = measured.overview
    ? results.links
    : await page.locator('.svelte-flow__edge:visible').count();
  // Edit a parameter and time until the results of the new simulation are on screen. The editor records a User
  // Timing measure when a report arrives; wait for the first one after the edit, then for the next frame, so
  // the figure includes applying the edit, simulating on a worker and painting the results.
  const timings = [];
  // Nine edits: this machine's timings vary by a third from run to run, and a median of five moved too much.
  for (const value of [
    '1 TB/s',
    '2 TB/s',
    '1.5 TB/s',
    '3 TB/s',
    '2.5 TB/s',
    '1.2 TB/s',
    '2.2 TB/s',
    '1.8 TB/s',
    '2.8 TB/s',
  ]) {
    await field.fill(value);
    await page.waitForTimeout(300);
    const elapsed = await page.evaluate(async () => {
      const input = document.activeElement;
      const begin = performance.now();
      const done = new Promise((resolve) => {
        const observer = new PerformanceObserver((list) => {
          if (list.getEntriesByName('tessera:edit-to-report').some((entry) => entry.startTime >= begin)) {
            observer.disconnect();
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - begin)));
          }
        });
        observer.observe({ type: 'measure' });
        setTimeout(() => resolve(NaN), 10_000);
      });
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      return done;
    });
    timings.push(elapsed);
    await page.waitForTimeout(1200);
  }
  const finite = timings.filter(Number.isFinite).sort((a, b) => a - b);
  measured.editToResults = {
    median: finite[Math.floor(finite.length / 2)],
    worst: finite.at(-1),
    failed: timings.length - finite.length,
  };
  return measured;
}

/**
 * Where to press to drag the block nearest the middle of the canvas (`block`), or the empty canvas to pan it
 * (`canvas`): a point whose topmost element is that block (not a link drawn over it) or the bare pane.
 */
async function gripFor(page, target) {
  const pane = await page.locator('.svelte-flow__pane').boundingBox();
  if (target === 'block' && (await overviewShown(page))) {
    // Drawn on the overview: press the middle of the block nearest the middle of the canvas.
    const middle = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 };
    let best = null;
    for (const block of design.blocks) {
      const point = await screenPointOf(page, block);
      const distance = Math.hypot(point.x - middle.x, point.y - middle.y);
      if (!best || distance < best.distance) best = { ...point, distance };
      if (distance < 20) break;
    }
    return best;
  }
  return page.evaluate(
    ({ pane, target }) => {
      const hits = (x, y) => {
        const element = document.elementFromPoint(x, y);
        if (target === 'canvas') return element?.classList.contains('svelte-flow__pane');
        return Boolean(element?.closest('.svelte-flow__node-block'));
      };
      if (target === 'canvas') {
        for (let y = pane.y + 8; y < pane.y + pane.height; y += 8)
          for (let x = pane.x + 8; x < pane.x + pane.width / 2; x += 8) if (hits(x, y)) return { x, y };
        return null;
      }
      const middle = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 };
      const distance = (rect) =>
        Math.hypot(rect.x + rect.width / 2 - middle.x, rect.y + rect.height / 2 - middle.y);
      const rects = [...document.querySelectorAll('.svelte-flow__node-block')]
        .map((node) => node.getBoundingClientRect())
        .sort((a, b) => distance(a) - distance(b));
      for (const rect of rects)
        for (const [fx, fy] of [
          [0.5, 0.5],
          [0.3, 0.3],
          [0.7, 0.7],
          [0.3, 0.7],
          [0.7, 0.3],
        ]) {
          const point = { x: rect.x + rect.width * fx, y: rect.y + rect.height * fy };
          if (hits(point.x, point.y)) return point;
        }
      return null;
    },
    { pane, target },
  );
}

/** Frames per second while dragging the block nearest the middle of the canvas, or panning the canvas. */
async function measureDrag(page, target) {
  const grip = await gripFor(page, target);
  if (!grip) return { framesPerSecond: NaN, worstFrameMilliseconds: NaN };

  // Drag the block for about a second and count the frames the page paints meanwhile.
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (time) => {
      window.__frames.push(time);
      if (window.__frames.length < 100_000) window.__raf = requestAnimationFrame(tick);
    };
    window.__raf = requestAnimationFrame(tick);
  });
  const before = await viewportOf(page);
  await page.mouse.move(grip.x, grip.y);
  await page.mouse.down();
  const start = await page.evaluate(() => performance.now());
  for (let step = 1; step <= 60; step += 1) {
    await page.mouse.move(grip.x + step * 4, grip.y + step * 2);
    await page.waitForTimeout(16);
  }
  const end = await page.evaluate(() => performance.now());
  await page.mouse.up();
  const frames = await page.evaluate(
    ({ start, end }) => {
      cancelAnimationFrame(window.__raf);
      return window.__frames.filter((time) => time >= start && time <= end);
    },
    { start, end },
  );
  const gaps = frames.slice(1).map((time, index) => time - frames[index]);
  await page.waitForTimeout(1500);
  // A block drag that panned the canvas instead measured the wrong thing: say so rather than report it.
  const after = await viewportOf(page);
  const panned = before.left !== after.left || before.top !== after.top;
  if (panned !== (target === 'canvas')) return { framesPerSecond: NaN, worstFrameMilliseconds: NaN };
  return {
    framesPerSecond: (frames.length - 1) / ((frames.at(-1) - frames[0]) / 1000),
    worstFrameMilliseconds: Math.max(...gaps),
  };
}

/** Dragging a block, then panning the canvas. */
async function measureDrags(page) {
  return { drag: await measureDrag(page, 'block'), pan: await measureDrag(page, 'canvas') };
}

const host = spawn(
  process.execPath,
  [join(root, 'out/main/host.js'), '--port', '0', '--project', join(folder, 'bench.tessera')],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  host.stdout.on('data', (chunk) => {
    const match = /listening on (\S+)/.exec(String(chunk));
    if (match) resolve(match[1]);
  });
  host.on('exit', (code) => reject(new Error(`the host exited (${code})`)));
});

const results = {};
/** Blocks are drawn this size (flow units; BlockNode.svelte). */
const BLOCK_SIZE = { width: 200, height: 76 };
const design = bigDesign(1000, 1500);
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
try {
  const created = await api(url, 'designs', 'create', { name: design.name, document: design });
  results.blocks = design.blocks.length;
  results.links = design.links.length;
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const opened = performance.now();
  await page.goto(url);
  await page.getByRole('application', { name: /^Overview of/ }).waitFor();
  results.openSeconds = (performance.now() - opened) / 1000;

  // Select an HBM stack for the parameter edits (the inspector keeps it while the view zooms); the whole design
  // is in view, drawn on the overview, so click where the block is drawn.
  await page.getByRole('tab', { name: 'Summary' }).click();
  await page.getByRole('list', { name: 'Headline results' }).waitFor();
  const hbm = design.blocks.find((block) => block.type === 'memory.hbm');
  const hbmPoint = await screenPointOf(page, hbm);
  await page.mouse.click(hbmPoint.x, hbmPoint.y);
  await page.getByRole('tab', { name: 'Inspector' }).click();
  const field = page
    .getByRole('complementary', { name: 'Inspector' })
    .getByLabel('Bandwidth', { exact: true });

  // Two views: the whole design on screen (every block and link drawn, tiny), and the view an architect edits
  // in, zoomed until blocks are drawn at about their real size. Edits first: a drag selects the dragged block.
  const whole = { view: 'whole design in view', ...(await measureEdits(page, field)) };
  for (let step = 0; step < 20 && (await zoomOf(page)) < 0.9; step += 1) {
    await page.getByRole('button', { name: 'Zoom In' }).click();
    await page.waitForTimeout(200);
  }
  const working = { view: 'working zoom', ...(await measureEdits(page, field)) };
  Object.assign(working, await measureDrags(page));
  await page.getByRole('button', { name: 'Fit View' }).click();
  await page.waitForTimeout(1000);
  Object.assign(whole, await measureDrags(page));
  results.views = [whole, working];

  // A library preset, for the ≤ 50 ms target of the editor issue: the H100 on its own.
  const preset = JSON.parse(readFileSync(join(root, 'library', 'presets', 'nvidia-h100-sxm.json'), 'utf8'));
  await api(url, 'designs', 'delete', { id: created.id });
  await api(url, 'designs', 'create', { name: preset.name, document: preset.design });
  await page.reload();
  await page.locator('.svelte-flow__node-block').filter({ hasText: 'HBM' }).first().click();
  await page.getByRole('tab', { name: 'Inspector' }).click();
  const small = { view: `preset ${preset.id}`, ...(await measureEdits(page, field)) };
  Object.assign(small, await measureDrags(page));
  results.views.push(small);
} finally {
  await browser.close();
  host.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}

if (json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const format = (value, digits, unit = '') =>
    Number.isFinite(value) ? `${value.toFixed(digits)}${unit}` : 'n/a';
  console.log(
    `\ncanvas (Chromium ${executablePath}, software rendering, test host): ${results.blocks} blocks, ${results.links} links`,
  );
  console.log(`open and first paint: ${format(results.openSeconds, 2, ' s')}`);
  const header = [
    'view',
    'zoom',
    'blocks/links drawn',
    'block drag fps (≥ 30)',
    'worst frame',
    'pan fps',
    'edit→results median (≤ 100 ms; preset ≤ 50 ms)',
    'worst',
  ];
  const rows = results.views.map((view) => [
    view.view,
    format(view.zoom, 2),
    `${view.drawnBlocks} / ${view.drawnLinks} ${view.overview ? 'on the overview' : 'as elements'}`,
    format(view.drag.framesPerSecond, 1),
    format(view.drag.worstFrameMilliseconds, 0, ' ms'),
    format(view.pan.framesPerSecond, 1),
    format(view.editToResults.median, 0, ' ms'),
    format(view.editToResults.worst, 0, ' ms') +
      (view.editToResults.failed ? ` (${view.editToResults.failed} timed out)` : ''),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row));
}
