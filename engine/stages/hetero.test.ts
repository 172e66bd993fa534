import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { HeterogeneousReport, Report } from '../report';
import type { DesignDocument } from '../schema/design';
import type { Placement } from '../schema/placement';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign, toyArchitecture } from '../testing/fixtures';
import { formatPercent } from '../figures/format';
import { operatorClasses } from './hetero';

const catalog = testCatalog();

/** The bridge between the two chip groups: 100 GB/s, 1 µs, 5 pJ/bit (the link block's own figures). */
const BRIDGE = { bandwidthBytesPerSecond: 1e11, latencySeconds: 1e-6, energyJoulesPerBit: 5e-12 };

/**
 * A fast chip group ("gpu": 8 SMs and DRAM) and a slower one ("npu": vector lanes and DRAM), joined by a bridge
 * link outside both.
 */
function twoGroupDesign(
  npuDramBytes = 64 * 2 ** 30,
  linked = true,
  gpuDramBytes = 64 * 2 ** 30,
): DesignDocument {
  return testDesign(
    {
      sm: { type: 'test.sm' },
      gpuDram: { type: 'test.dram', params: { capacityBytes: gpuDramBytes } },
      lanes: { type: 'test.vector' },
      npuDram: { type: 'test.dram', params: { capacityBytes: npuDramBytes, bandwidthBytesPerSecond: 4e12 } },
      bridge: { type: 'test.link', params: { ...BRIDGE } },
    },
    [
      ['sm', 'gpuDram'],
      ['lanes', 'npuDram'],
      ...(linked
        ? ([
            ['gpuDram', 'bridge'],
            ['bridge', 'npuDram'],
          ] as [string, string][])
        : []),
    ],
    [
      { id: 'sms', name: 'SMs', kind: 'cluster', count: 8, blocks: ['sm'] },
      { id: 'gpu', name: 'GPU', kind: 'chip', count: 1, blocks: ['gpuDram'], groups: ['sms'] },
      { id: 'npu', name: 'NPU', kind: 'chip', count: 1, blocks: ['lanes', 'npuDram'] },
    ],
  );
}

function run(
  placement: Placement | undefined,
  design = twoGroupDesign(),
  workload: Partial<Workload> = {},
): Report {
  const base: Workload = { ...defaultWorkload('toy'), ...workload };
  if (placement) base.placement = placement;
  const result = evaluate({ design, workload: base }, catalog);
  if (!result.ok) throw new Error(result.diagnostics.map((item) => item.message).join('\n'));
  return result.report;
}

/** The same evaluation at summary detail, which skips the placement: the primary group alone. */
function primaryAlone(placement: Placement, design = twoGroupDesign()): Report {
  const result = evaluate({ design, workload: { ...defaultWorkload('toy'), placement } }, catalog, {
    detail: 'summary',
  });
  if (!result.ok) throw new Error(result.diagnostics.map((item) => item.message).join('\n'));
  return result.report;
}

function section(report: Report): HeterogeneousReport {
  if (!report.heterogeneous) throw new Error('no heterogeneous section');
  return report.heterogeneous;
}

const L = toyArchitecture.layers;
const H = toyArchitecture.hiddenSize;
/** BF16 residual stream: 2 bytes per element. */
const RESIDUAL_BYTES = 2;

describe('placement across chip groups', () => {
  it('keeps a design with one chip group as it was: no section', () => {
    const design = twoGroupDesign();
    const oneGroup: DesignDocument = {
      ...design,
      blocks: design.blocks.filter((block) => !['lanes', 'npuDram', 'bridge'].includes(block.id)),
      links: design.links.filter((link) => link.from.block === 'sm'),
      groups: design.groups.filter((group) => group.id !== 'npu'),
    };
    expect(run(undefined, oneGroup).heterogeneous).toBeUndefined();
  });

  it('pinned by layers with every layer on one group equals that group alone', () => {
    const placement: Placement = { policy: 'by-layers', layers: [{ first: 0, last: L - 1, group: 'gpu' }] };
    const placed = section(run(placement));
    // Summary detail skips the placement: its headline is the primary group (GPU) evaluated alone.
    const report = primaryAlone(placement);
    expect(placed.tpotSeconds).toBeCloseTo(report.decode.seconds, 15);
    expect(placed.ttftSeconds).toBeCloseTo(report.prefill.seconds, 15);
    expect(placed.transfer.crossingsPerStep).toBe(0);
    const [gpu, npu] = placed.groups;
    expect(npu?.decodeBusySeconds).toBe(0);
    // Energy adds: the GPU's step as evaluated alone, plus the idle NPU's static power over the same time.
    expect(placed.decodeEnergyJoulesPerToken).toBeCloseTo(
      report.decode.energyJoules + (npu?.decodeEnergyJoules ?? NaN),
      12,
    );
    expect(gpu?.decodeEnergyJoules).toBeCloseTo(report.decode.energyJoules, 12);
  });

  it('costs each crossing bytes ÷ link bandwidth + latency, two per layer when attention and FFN alternate', () => {
    const placed = section(
      run({ policy: 'by-class', classes: { attention: 'gpu', ffn: 'npu' }, overlap: 'serial' }),
    );
    // Embedding (GPU) → attention (GPU) → FFN (NPU) → attention (GPU) … → last FFN (NPU) → head (GPU).
    const crossings = 2 * L;
    const decodeBytes = 1 * H * RESIDUAL_BYTES;
    const prefillBytes = 1 * 512 * H * RESIDUAL_BYTES;
    const perCrossing = (bytes: number) => bytes / BRIDGE.bandwidthBytesPerSecond + BRIDGE.latencySeconds;
    expect(placed.transfer.crossingsPerStep).toBe(crossings);
    expect(placed.transfer.decodeBytesPerCrossing).toBe(decodeBytes);
    expect(placed.transfer.decodeSeconds).toBeCloseTo(crossings * perCrossing(decodeBytes), 15);
    expect(placed.transfer.prefillSeconds).toBeCloseTo(crossings * perCrossing(prefillBytes), 15);
    expect(placed.transfer.decodeEnergyJoules).toBeCloseTo(
      crossings * decodeBytes * 8 * BRIDGE.energyJoulesPerBit,
      18,
    );
    // Serial: every transfer adds to the step; the groups' busy times and the transfers are the whole step.
    expect(placed.transfer.decodeExposedSeconds).toBeCloseTo(placed.transfer.decodeSeconds, 15);
    const busy = placed.groups.reduce((sum, group) => sum + group.decodeBusySeconds, 0);
    expect(placed.tpotSeconds).toBeCloseTo(busy + placed.transfer.decodeSeconds, 15);
    expect(placed.assignment).toContainEqual({
      operatorClass: 'ffn',
      firstLayer: 0,
      lastLayer: L - 1,
      groupId: 'npu',
    });
  });

  it('hides transfers under the next operator when double-buffered, never costing more than serial', () => {
    const classes = { attention: 'gpu', ffn: 'npu' };
    const serial = section(run({ policy: 'by-class', classes, overlap: 'serial' }));
    const buffered = section(run({ policy: 'by-class', classes }));
    expect(buffered.overlap).toBe('double-buffered');
    expect(buffered.transfer.decodeExposedSeconds).toBeLessThanOrEqual(buffered.transfer.decodeSeconds);
    expect(buffered.tpotSeconds).toBeLessThanOrEqual(serial.tpotSeconds);
    expect(serial.tpotSeconds - buffered.tpotSeconds).toBeCloseTo(
      serial.transfer.decodeExposedSeconds - buffered.transfer.decodeExposedSeconds,
      15,
    );
  });

  it('adds energy: the groups (static included), the transfers and nothing else', () => {
    const report = run({ policy: 'by-class', classes: { attention: 'gpu', ffn: 'npu' } });
    const placed = section(report);
    expect(report.power.systemStaticWatts).toBe(0);
    const groups = placed.groups.reduce((sum, group) => sum + group.decodeEnergyJoules, 0);
    expect(placed.decodeEnergyJoulesPerToken).toBeCloseTo(groups + placed.transfer.decodeEnergyJoules, 15);
    const shares = placed.groups.reduce((sum, group) => sum + group.decodeEnergyShare, 0);
    expect(shares + placed.transfer.decodeEnergyJoules / placed.decodeEnergyJoulesPerToken).toBeCloseTo(
      1,
      12,
    );
  });

  it('fastest is never slower end to end than any group alone; least-energy never uses more energy', () => {
    for (const workload of [{}, { batch: 8 }, { inputTokens: 64, outputTokens: 512 }]) {
      const fastest = section(run({ policy: 'fastest' }, twoGroupDesign(), workload));
      const frugal = section(run({ policy: 'least-energy' }, twoGroupDesign(), workload));
      const steps = (workload.outputTokens ?? 128) - 1;
      for (const alone of fastest.alone) {
        expect(fastest.endToEndSeconds).toBeLessThanOrEqual(alone.ttftSeconds + steps * alone.tpotSeconds);
        expect(frugal.requestEnergyJoules).toBeLessThanOrEqual(alone.requestEnergyJoules);
      }
    }
  });

  it('splits the layers between the groups when neither holds the model alone', () => {
    const weights = run(undefined).memory.weightsBytesPerChip;
    const small = Math.round(0.7 * weights);
    const report = run({ policy: 'fastest' }, twoGroupDesign(small, true, small));
    const placed = section(report);
    expect(placed.fits).toBe(true);
    expect(placed.alone.every((alone) => !alone.fits)).toBe(true);
    const attention = placed.assignment.filter((item) => item.operatorClass === 'attention');
    expect(attention.map((item) => item.groupId).sort()).toEqual(['gpu', 'npu']);
    expect(placed.transfer.crossingsPerStep).toBe(1);
    expect(report.diagnostics.some((item) => item.code === 'does-not-fit')).toBe(false);
    // The headline fits, as the placement does; the GPU's own complaint becomes a note naming each group's share.
    expect(report.memory.fits).toBe(true);
    const note = report.diagnostics.find((item) => item.code === 'placement-holds-model');
    expect(note?.severity).toBe('info');
    expect(note?.message).toMatch(
      /^GPU alone cannot hold .+ but the placement across the chip groups does: GPU holds /,
    );
    expect(primaryAlone({ policy: 'fastest' }, twoGroupDesign(small, true, small)).memory.fits).toBe(false);
  });

  it('names a group that cannot hold its share (does-not-fit) and a group the placement does not know', () => {
    const report = run(
      { policy: 'by-layers', layers: [{ first: 0, last: L - 1, group: 'npu' }] },
      twoGroupDesign(1 << 20),
    );
    const problem = report.diagnostics.find((item) => item.code === 'does-not-fit' && item.groupId === 'npu');
    expect(problem?.message).toMatch(/Chip group "NPU" cannot hold its share/);
    expect(section(report).fits).toBe(false);
    expect(report.memory.fits).toBe(false);
    const unknown = run({ policy: 'by-class', classes: { ffn: 'tpu' } });
    expect(unknown.diagnostics.map((item) => item.code)).toContain('placement-unknown-group');
    expect(section(unknown).groups[1]?.classes).toEqual([]);
  });

  it('keeps everything on the primary group when the pinned groups are not linked', () => {
    const placement: Placement = { policy: 'by-class', classes: { ffn: 'npu' } };
    const report = run(placement, twoGroupDesign(undefined, false));
    expect(report.diagnostics.map((item) => item.code)).toContain('placement-no-link');
    expect(section(report).tpotSeconds).toBeCloseTo(
      primaryAlone(placement, twoGroupDesign(undefined, false)).decode.seconds,
      15,
    );
  });

  it('says where each class runs and how it compares with the primary group alone', () => {
    const placed = section(run({ policy: 'by-class', classes: { attention: 'gpu', ffn: 'npu' } }));
    expect(placed.sentence).toMatch(
      /^Embedding, attention and head on GPU, FFN on NPU: TPOT .+ than all on GPU\.$/,
    );
  });
});

describe('the headline of a design across chip groups', () => {
  const classes = { attention: 'gpu', ffn: 'npu' };

  it('is the placement: TTFT, TPOT, tokens/s, energy and power derived from the section', () => {
    const workload = { batch: 4, inputTokens: 256, outputTokens: 64 };
    const report = run({ policy: 'by-class', classes, overlap: 'serial' }, twoGroupDesign(), workload);
    const placed = section(report);
    // The report stage's definitions: tokens/s = tokens of the phase ÷ its time (decode: the whole batch per
    // step), energy per token = phase energy ÷ those tokens, average power = phase energy ÷ phase time.
    expect(report.prefill.seconds).toBe(placed.ttftSeconds);
    expect(report.prefill.tokensPerSecond).toBeCloseTo((4 * 256) / placed.ttftSeconds, 9);
    expect(report.prefill.energyJoules).toBe(placed.prefillEnergyJoules);
    expect(report.prefill.energyJoulesPerToken).toBeCloseTo(placed.prefillEnergyJoules / (4 * 256), 15);
    expect(report.prefill.averagePowerWatts).toBeCloseTo(placed.prefillEnergyJoules / placed.ttftSeconds, 9);
    expect(report.decode.seconds).toBe(placed.tpotSeconds);
    expect(report.decode.secondsPerStep).toBe(placed.tpotSeconds);
    expect(report.decode.tokensPerSecond).toBeCloseTo(4 / placed.tpotSeconds, 9);
    expect(report.decode.energyJoulesPerToken).toBeCloseTo(placed.decodeEnergyJoulesPerToken, 15);
    expect(report.decode.energyJoules).toBeCloseTo(4 * placed.decodeEnergyJoulesPerToken, 15);
    expect(report.decode.averagePowerWatts).toBeCloseTo(
      (4 * placed.decodeEnergyJoulesPerToken) / placed.tpotSeconds,
      9,
    );
    expect(report.request).toEqual({
      ttftSeconds: placed.ttftSeconds,
      tpotSeconds: placed.tpotSeconds,
      endToEndSeconds: placed.endToEndSeconds,
      outputTokensPerSecond: 1 / placed.tpotSeconds,
    });
    expect(report.request.endToEndSeconds).toBeCloseTo(placed.ttftSeconds + 63 * placed.tpotSeconds, 12);
    // The error bands follow the figures they describe.
    expect(report.ranges?.tpotSeconds.value).toBe(placed.tpotSeconds);
    expect(report.ranges?.decodeTokensPerSecond.value).toBe(report.decode.tokensPerSecond);
  });

  it('differs from the primary group alone when operators run elsewhere (the figure a user was misled by)', () => {
    const placement: Placement = { policy: 'by-class', classes };
    const report = run(placement);
    const alone = primaryAlone(placement);
    expect(report.decode.seconds).not.toBe(alone.decode.seconds);
    expect(section(report).alone[0]?.tpotSeconds).toBeCloseTo(alone.decode.seconds, 15);
  });

  it("labels the breakdowns as the primary group's and says the design runs across groups", () => {
    const report = run({ policy: 'by-class', classes, overlap: 'serial' });
    const placed = section(report);
    expect(placed.breakdowns).toEqual({ groupId: 'gpu', name: 'GPU' });
    // The per-operator list is the primary group's, whatever the placement.
    expect(report.decode.operators.map((operator) => operator.seconds)).toEqual(
      run(undefined, twoGroupDesign()).decode.operators.map((operator) => operator.seconds),
    );
    const [gpu, npu] = placed.groups;
    const share = (part: number) => formatPercent(part / placed.tpotSeconds);
    expect(report.bottleneck.decode).toContain(
      `Decode runs across chip groups: GPU ${share(gpu?.decodeBusySeconds ?? NaN)} of each step (embedding, attention and head) and NPU ${share(npu?.decodeBusySeconds ?? NaN)} (FFN)`,
    );
    // Serial transfers add to the step: the sentence names their share when it is 1 % or more.
    const transfer = placed.transfer.decodeExposedSeconds / placed.tpotSeconds;
    expect(transfer).toBeGreaterThanOrEqual(0.01);
    expect(report.bottleneck.decode).toContain(
      `activations crossing between them ${formatPercent(transfer)}`,
    );
    expect(report.bottleneck.decode).toMatch(/ On GPU \(primary group\) alone, decode is /);
    expect(report.bottleneck.prefill).toMatch(/^Prefill runs across chip groups: /);
  });

  it('drops the warning that the other group is not in the headline, which the summary detail keeps', () => {
    const placement: Placement = { policy: 'by-class', classes };
    const codes = (report: Report) => report.diagnostics.map((item) => item.code);
    expect(codes(run(placement))).not.toContain('unused-chip-group');
    expect(codes(primaryAlone(placement))).toContain('unused-chip-group');
  });

  it('says the other group idles when everything runs on the primary group', () => {
    const report = run({ policy: 'by-layers', layers: [{ first: 0, last: L - 1, group: 'gpu' }] });
    expect(report.bottleneck.decode).toMatch(
      /^Decode runs on GPU alone; the other group idles \(its static power counted\)\. Decode is /,
    );
  });
});

describe('placement invariants', () => {
  it('any placement on any workload gives a finite, non-negative section whose time is its parts', () => {
    const group = fc.constantFrom('gpu', 'npu', 'ghost');
    const layer = fc.nat({ max: 2 * L });
    fc.assert(
      fc.property(
        fc.record(
          {
            policy: fc.constantFrom('fastest', 'least-energy', 'by-class', 'by-layers'),
            classes: fc.record({ attention: group, ffn: group, head: group }, { requiredKeys: [] }),
            layers: fc.array(fc.record({ first: layer, last: layer, group }), { maxLength: 3 }),
            overlap: fc.constantFrom('double-buffered', 'serial'),
          },
          { requiredKeys: ['policy'] },
        ),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 4096 }),
        (placement, batch, inputTokens) => {
          const placed = section(run(placement, twoGroupDesign(), { batch, inputTokens }));
          const busy = placed.groups.reduce((sum, item) => sum + item.decodeBusySeconds, 0);
          expect(placed.tpotSeconds).toBeCloseTo(busy + placed.transfer.decodeExposedSeconds, 12);
          expect(placed.transfer.decodeExposedSeconds).toBeLessThanOrEqual(
            placed.transfer.decodeSeconds * (1 + 1e-12),
          );
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });
});

describe('operatorClasses', () => {
  it('counts MoE as FFN and a collective with the operator before it', () => {
    expect(
      operatorClasses([
        { part: 'embedding' },
        { part: 'attention' },
        { part: 'communication' },
        { part: 'moe' },
        { part: 'communication' },
        { part: 'head' },
      ]),
    ).toEqual(['embedding', 'attention', 'attention', 'ffn', 'ffn', 'head']);
  });
});
