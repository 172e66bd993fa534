import { expect, test } from './fixtures';

/** Seconds from a headline such as "448 ms" or "1.46 s". */
function seconds(text: string): number {
  const match = /([\d.,]+)\s*(µs|ms|s)\b/.exec(text);
  if (!match) throw new Error(`not a time: "${text}"`);
  const value = Number((match[1] ?? '').replace(/,/g, ''));
  return match[2] === 'ms' ? value / 1000 : match[2] === 'µs' ? value / 1e6 : value;
}

test('the workload streams the KV cache from CXL memory; the Memory tab says why and what each level moves', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'H100 + CXL memory (offload)');
  const tpot = tessera.headline('Time per output token');
  await expect(tpot).toContainText('s');

  // 128 sequences of 8k tokens: their KV cache outgrows the 80 GB of HBM3.
  await tessera.panel('Workload');
  for (const [name, value] of [
    ['Batch', '128'],
    ['Input tokens', '7168'],
    ['Output tokens', '1024'],
  ] as const) {
    const field = page.getByRole('spinbutton', { name, exact: true });
    await field.fill(value);
    await field.press('Enter');
  }
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toContainText(
    'where serving engines do not keep it',
  );
  const spilled = (await tpot.textContent()) ?? '';

  // Offload it on purpose: streamed from the CXL expander layer by layer, the next layer prefetched.
  const kv = page.getByRole('combobox', { name: 'KV cache lives in' });
  await expect(kv).toHaveValue('auto');
  await kv.selectOption({ label: 'Streamed from CXL expander' });
  const streamed = await tessera.nextHeadline('Time per output token', spilled);
  // Offloaded on purpose, it fits: no warning about KV in host memory (nor any other diagnostic) is left.
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toHaveCount(0);

  // Prefetch never makes it slower: without it every layer waits for its copy.
  const prefetch = page.getByRole('checkbox', { name: 'Prefetch the next layer while this one computes' });
  await expect(prefetch).toBeChecked();
  await prefetch.press('Space');
  const serial = await tessera.nextHeadline('Time per output token', streamed);
  expect(seconds(serial)).toBeGreaterThanOrEqual(seconds(streamed));
  await prefetch.press('Space');
  await expect(tpot).toHaveText(streamed);

  // The Memory tab: the reason per class, and per level × class what is held and moved.
  await page.getByRole('tab', { name: 'Memory', exact: true }).click();
  const reasons = page.getByRole('list', { name: 'Placement reasons' });
  await expect(reasons).toContainText('KV cache streamed from CXL expander, 2 layers');
  await expect(reasons).toContainText('Weights in HBM3: the fastest level with room.');
  const table = page.getByRole('table', { name: 'Memory occupancy and traffic per level and class' });
  const cxlRow = table.getByRole('row').filter({ hasText: 'CXL expander (shared)' });
  await expect(cxlRow).toContainText('KV cache');
  await expect(cxlRow.getByRole('cell').last()).toContainText('GiB');
  await table.scrollIntoViewIfNeeded();
  await tessera.screenshot('memory-policy');
});
