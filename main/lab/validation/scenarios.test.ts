import { describe, expect, it } from 'vitest';
import { defaultWorkload, type Workload } from '../../../engine/schema/workload';
import { resolve } from '../../../engine/stages/resolve';
import { loadCatalog } from '../../app/command-line';
import { firstTokenSeconds, maxLoad, onlineServing, scaleOut } from './scenarios';

describe('serving: the first token under in-flight batching', () => {
  const prefill = 0.02;
  const step = 0.01;

  it('starts the prefill at once on an idle engine', () => {
    expect(firstTokenSeconds(prefill, step, 0, 0)).toBe(prefill);
  });

  it('waits half a running step, then prefills in an iteration that also decodes the others', () => {
    // No queue of prefills (λ = 0): residual half step + a step's worth of the others' decode + the prefill.
    expect(firstTokenSeconds(prefill, step, 5, 0)).toBeCloseTo(step / 2 + step + prefill, 15);
  });

  it('queues behind earlier arrivals’ prefills as an M/D/1 queue', () => {
    const rate = 25; // ρ = 25 × 0.02 = 0.5: wait ρ · prefill / (2 (1 − ρ)) = 0.5 × 0.02 / 1 = 0.01.
    expect(firstTokenSeconds(prefill, step, 0, rate)).toBeCloseTo(prefill + 0.01, 15);
  });
});

describe('serving: online serving beyond capacity', () => {
  it('runs the max-load schedule: TPOT = (prefill(B) + output · step(B)) / output, not an unbounded batch', async () => {
    const catalog = await loadCatalog();
    const design = catalog.presets.get('nvidia-h100-sxm')?.design;
    if (!design) throw new Error('no H100 preset');
    const base: Workload = {
      ...defaultWorkload('llama-3-1-8b'),
      weights: 'bf16',
      activations: 'bf16',
      kv: 'bf16',
      inputTokens: 467,
      outputTokens: 256,
    };
    const load = maxLoad(design, base, catalog);
    const serving = onlineServing(design, base, 1e6, catalog);
    const { prefill, decode } = load.report;
    // At capacity λ = B / (prefill(B) + output · step(B)); the prefill share of time is λ · prefill(B) / B, and
    // each decode step stretches by 1 / (1 − share).
    const expected = (prefill.seconds + base.outputTokens * decode.secondsPerStep) / base.outputTokens;
    expect(serving.saturated).toBe(true);
    expect(serving.tpotSeconds).toBeCloseTo(expected, 9);
  });
});

describe('serving: chips joined over PCIe', () => {
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
