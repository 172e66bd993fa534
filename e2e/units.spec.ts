import { expect, test } from './fixtures';

/** Seconds from a headline such as "448 ms" or "3.4 s". */
function seconds(text: string): number {
  const match = /([\d.,]+)\s*(µs|ms|s)\b/.exec(text);
  if (!match) throw new Error(`not a time: "${text}"`);
  const value = Number((match[1] ?? '').replace(/,/g, ''));
  return match[2] === 'ms' ? value / 1000 : match[2] === 'µs' ? value / 1e6 : value;
}

test('the workload chooses the runtime and the compute units; llama.cpp keeps an M2 Ultra’s prefill off the Neural Engine', async ({
  tessera,
}) => {
  const { page } = tessera;
  await tessera.createProjectFromPreset(tessera.projectPath(), 'Apple M2 Ultra');
  const ttft = tessera.headline('Time to first token');
  await expect(ttft).toContainText('s');
  const hardware = (await ttft.textContent()) ?? '';

  await tessera.panel('Workload');
  const runtime = page.getByRole('combobox', { name: 'Runtime' });
  const options = runtime.getByRole('option');
  for (const name of ['Hardware only', 'llama.cpp', 'TensorRT-LLM', 'vLLM', 'PyTorch eager'])
    await expect(options.filter({ hasText: name })).toHaveCount(1);

  // The hardware alone runs the prefill GEMMs on the Neural Engine; llama.cpp cannot, so its prefill is slower.
  await runtime.selectOption({ label: 'llama.cpp' });
  const llamaCpp = await tessera.nextHeadline('Time to first token', hardware);
  expect(seconds(llamaCpp)).toBeGreaterThan(seconds(hardware));

  const units = page.getByRole('combobox', { name: 'Compute units' });
  await expect(units).toHaveValue('fastest');
  await expect(units.getByRole('option', { name: 'Least energy for each operator' })).toHaveCount(1);
  await expect(
    units.getByRole('option', { name: 'Pinned to Neural Engine core (llama.cpp cannot use it)' }),
  ).toHaveCount(1);

  // Pinning a unit the runtime cannot use warns and changes nothing.
  await units.selectOption({ label: 'Pinned to Neural Engine core (llama.cpp cannot use it)' });
  await expect(page.getByRole('list', { name: 'Diagnostics' })).toContainText(
    'llama.cpp cannot run on the pinned unit Neural Engine core',
  );
  await expect(ttft).toHaveText(llamaCpp);

  // Pinned to the CPU's performance cores, the prefill takes seconds.
  await units.selectOption({ label: 'Pinned to Performance cores' });
  const onCpu = await tessera.nextHeadline('Time to first token', llamaCpp);
  expect(seconds(onCpu)).toBeGreaterThan(3 * seconds(llamaCpp));

  // One undo step per choice: back to the warning, then to "fastest".
  await page.locator('body').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+z');
  await expect(ttft).toHaveText(llamaCpp);
  await tessera.panel('Workload');
  await expect(page.getByRole('combobox', { name: 'Compute units' })).toHaveValue('fastest');
  await tessera.screenshot('compute-units');
});
