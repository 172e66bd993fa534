import { describe, expect, it } from 'vitest';
import { emptyDesign } from '../../engine/schema/design';
import { designToLlmCompassJson } from './llmcompass';
import { presetDesign, scenarios } from './test-support';

const { catalog, h100, dgx } = await scenarios();

describe('designToLlmCompassJson', () => {
  it('describes the DGX as 8 devices on a switched NVLink network', () => {
    const system = designToLlmCompassJson(dgx.design, catalog);
    expect(JSON.parse(JSON.stringify(system))).toEqual(system);
    expect(system.name).toBe(dgx.design.name);
    expect(system.device_count).toBe(8);
    expect(system.interconnect.topology).toBe('FC');
    expect(system.interconnect.link.name).toBe('NVLink');
    expect(system.interconnect.link.bandwidth_per_direction_byte).toBe(450e9);
    expect(system.interconnect.link.bandwidth_both_directions_byte).toBe(900e9);
    const { device } = system;
    expect(device.frequency_Hz).toBe(1.83e9);
    expect(device.compute_chiplet.core_count).toBe(132);
    const core = device.compute_chiplet.core;
    expect(core.sublane_count * core.systolic_array.array_width * core.systolic_array.array_height).toBe(
      2048,
    );
    expect(device.memory_protocol).toBe('HBM2e');
    expect(device.memory.total_capacity_GB).toBe(80);
    // Channels × pins × bit rate gives back the HBM's 3.35 TB/s.
    const io = device.io;
    const bandwidth =
      (io.memory_channel_active_count * io.pin_count_per_channel * io.bandwidth_per_pin_bit) / 8;
    expect(bandwidth).toBeCloseTo(3.35e12, -3);
    expect(io.global_buffer_MB).toBe(50);
    expect(system._notes.some((note) => note.includes('700 W cap'))).toBe(true);
    expect(system._notes.some((note) => note.startsWith('Placeholders'))).toBe(true);
  });

  it('describes a single H100 as one device', () => {
    const system = designToLlmCompassJson(h100.design, catalog);
    expect(system.device_count).toBe(1);
    expect(system.device.compute_chiplet.core_count).toBe(132);
  });

  it('maps an array unit by its rows and columns and notes the units it leaves out', () => {
    const system = designToLlmCompassJson(presetDesign(catalog, 'template-edge-soc'), catalog);
    expect(system.device.compute_chiplet.core.systolic_array).toMatchObject({
      array_width: 32,
      array_height: 32,
    });
    expect(system.device.memory_protocol).toBe('DDR5');
    expect(system._notes.some((note) => note.includes('CPU cluster'))).toBe(true);
  });

  it('gives placeholders and a note for a design it cannot map', () => {
    const broken = {
      ...emptyDesign('Broken'),
      blocks: [{ id: 'x', type: 'memory.nothing', name: 'X', params: {}, position: { x: 0, y: 0 } }],
    };
    const system = designToLlmCompassJson(broken, catalog);
    expect(system.device_count).toBe(1);
    expect(system._notes[0]).toMatch(/structural errors/);
    for (const value of [
      system.device.io.bandwidth_per_pin_bit,
      system.device.memory.total_capacity_GB,
      system.interconnect.link.latency_second,
    ])
      expect(Number.isFinite(value)).toBe(true);
  });
});
