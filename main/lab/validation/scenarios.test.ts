import { describe, expect, it } from 'vitest';
import { resolve } from '../../../engine/stages/resolve';
import { loadCatalog } from '../../app/command-line';
import { scaleOut } from './scenarios';

describe('scale-out: chips joined over PCIe', () => {
  it('all-reduces over an L40S group at half the PCIe link, the host-bound rate NCCL reaches', async () => {
    const catalog = await loadCatalog();
    const preset = catalog.presets.get('nvidia-l40s');
    if (!preset) throw new Error('no L40S preset');
    const design = scaleOut(preset.design, 8, catalog);
    if (!design) throw new Error('cannot scale the L40S');
    const network = resolve(design, catalog).network;
    // PCIe 4.0 x16: 32 GB/s per direction; NCCL over the host reaches about half of it.
    expect(network?.bandwidthBytesPerSecond).toBeCloseTo(32e9 * 0.5, -6);
  });
});
