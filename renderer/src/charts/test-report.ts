/**
 * A real report for the chart tests, produced by the engine from its test catalog (the renderer cannot load
 * the library). A chip of 16 systolic tiles with a small, fast SRAM (8 MiB at 10 TB/s) and a large DRAM
 * (1 TB/s), running the toy model at batch 4: the 31 MiB of weights do not fit the SRAM, so it holds only
 * activations and the weights stream from DRAM — the case where the roofline must not take the faster level.
 */
import { evaluate } from '../../../engine/evaluate';
import type { Report } from '../../../engine/report';
import { defaultWorkload } from '../../../engine/schema/workload';
import { testCatalog, testDesign } from '../../../engine/testing/fixtures';

export function simulateTestReport(): Report {
  const design = testDesign(
    {
      tile: { type: 'test.array' },
      sram: { type: 'test.sram', params: { capacityBytes: 8 * 2 ** 20 } },
      dram: { type: 'test.dram', params: { bandwidthBytesPerSecond: 1e12 } },
    },
    [
      ['tile', 'sram'],
      ['tile', 'dram'],
    ],
    [{ id: 'tiles', name: 'Tiles', kind: 'cluster', count: 16, blocks: ['tile'] }],
  );
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), batch: 4 } }, testCatalog());
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}
