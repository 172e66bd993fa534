import { describe, expect, it } from 'vitest';
import type { BlockType } from '../schema/block-type';
import { resolve } from '../stages/resolve';
import { readingOf } from '../testing/block-readings';
import { testBlockTypes, testCatalog, testDesign } from '../testing/fixtures';
import { dvfsDomain, operatingPoints } from './dvfs-domain';

const dvfsType = testBlockTypes.find((type) => type.id === 'test.dvfs') as BlockType;

describe('dvfs-domain: operating points', () => {
  it('sorts the points highest clock first, whatever order the table lists them in', () => {
    const points = operatingPoints([
      { name: 'low', clockHertz: 0.5e9, voltageVolts: 0.7 },
      { name: 'top', clockHertz: 1.4e9, voltageVolts: 1.0 },
      { name: 'mid', clockHertz: 1e9, voltageVolts: 0.85 },
    ]);
    expect(points.map((point) => point.name)).toEqual(['top', 'mid', 'low']);
  });

  it('leaves out rows without a positive clock or voltage', () => {
    const points = operatingPoints([
      { name: 'top', clockHertz: 1e9, voltageVolts: 1.0 },
      { name: 'stopped', clockHertz: 0, voltageVolts: 0.5 },
      { name: 'no voltage', clockHertz: 0.8e9 },
      { name: 'unpowered', clockHertz: 0.6e9, voltageVolts: 0 },
      { name: 'words', clockHertz: 'fast', voltageVolts: 0.9 },
    ]);
    expect(points.map((point) => point.name)).toEqual(['top']);
  });

  it('takes the full memory clock, no cap of its own and a generic name where a row states none', () => {
    expect(operatingPoints([{ clockHertz: 1e9, voltageVolts: 1 }])).toEqual([
      { name: 'point', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 1, capWatts: 0 },
    ]);
    expect(
      operatingPoints([
        { name: 'eco', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 0.6, capWatts: 15 },
      ]),
    ).toEqual([{ name: 'eco', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 0.6, capWatts: 15 }]);
  });
});

describe('dvfs-domain: the block', () => {
  it('defines its group’s domain from its table and policy', () => {
    const domain = dvfsDomain.domain?.(readingOf(dvfsType, { policy: 'adaptive' }));
    // The fixture's table: 1 GHz at 1 V and 250 MHz at 0.5 V.
    expect(domain).toEqual({
      operatingPoints: [
        { name: 'top', clockHertz: 1e9, voltageVolts: 1, memoryBandwidthScale: 1, capWatts: 0 },
        { name: 'low', clockHertz: 0.25e9, voltageVolts: 0.5, memoryBandwidthScale: 1, capWatts: 0 },
      ],
      policy: 'adaptive',
      // A block type without the newer parameters: a compute domain with no leakage, idle power, battery or targets.
      kind: 'compute',
      leakageWatts: 0,
      idlePowerWatts: 0,
      batteryJoules: 0,
      ttftTargetSeconds: 0,
      tpotTargetSeconds: 0,
    });
    expect(dvfsDomain.domain?.(readingOf(dvfsType)).policy).toBe('fixed');
  });

  it('gives the chip its operating points, and takes no part in the data path', () => {
    const { chip } = resolve(
      testDesign(
        {
          tile: { type: 'test.array' },
          dram: { type: 'test.dram' },
          dvfs: { type: 'test.dvfs', params: { policy: 'adaptive' } },
        },
        [['tile', 'dram']],
      ),
      testCatalog(),
    );
    expect(chip.power).toMatchObject({ policy: 'adaptive', domainBlockId: 'dvfs' });
    expect(chip.power.operatingPoints.map((point) => point.name)).toEqual(['top', 'low']);
    expect(chip.units.map((unit) => unit.id)).toEqual(['tile']);
    expect(Object.keys(chip.blockStaticWatts)).not.toContain('dvfs');
    expect(dvfsDomain.power).toBe('domain');
  });
});
