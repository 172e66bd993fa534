/**
 * Reconfigurable fabric: load time from the bitstream and the configuration port, the break-even of switching,
 * the choice per phase under each policy, and configurations that over-subscribe the fabric refused. Expected
 * numbers are derived here from the formulas (UG909: bitstream bytes ÷ (width ÷ 8 × clock)).
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics';
import {
  breakEvenOutputTokens,
  checkConfigurations,
  chooseConfigurations,
  configurationLoadSeconds,
  configurationPortBytesPerSecond,
  type Candidate,
  type FabricConfiguration,
  type FabricResources,
  type ReconfigurableFabric,
} from './reconfiguration';

const resources: FabricResources = {
  dspSlices: 9024,
  luts: 1_303_680,
  bramBlocks: 2016,
  uramBlocks: 960,
  configurationPortBits: 32,
  configurationPortClockHertz: 125e6,
  staticPowerWatts: 10,
};

function configuration(name: string, accelerates: string, dspSlices: number): FabricConfiguration {
  return {
    name,
    accelerates: accelerates.split(' ') as FabricConfiguration['accelerates'],
    unknownOperators: [],
    dspSlices,
    luts: 100_000,
    bramBlocks: 100,
    uramBlocks: 10,
    clockHertz: 300e6,
    memoryBandwidthBytesPerSecond: 100e9,
    energyJoulesPerMacBf16: 1e-12,
    bitstreamBytes: 40e6,
  };
}

function candidate(
  name: string,
  prefillSeconds: number | undefined,
  decodeSecondsPerStep: number | undefined,
  loadSeconds: number,
): Candidate {
  return {
    configuration: configuration(name, 'gemm gemv attention', 1024),
    times: { prefillSeconds, decodeSecondsPerStep },
    loadSeconds,
  };
}

describe('configuration load time', () => {
  it('is bitstream bytes over the port: 32 bits × 125 MHz = 500 MB/s, so 40 MB load in 80 ms', () => {
    const port = configurationPortBytesPerSecond(resources);
    expect(port).toBe((32 / 8) * 125e6);
    expect(configurationLoadSeconds(40e6, port)).toBeCloseTo(40e6 / ((32 / 8) * 125e6), 12);
  });

  it('is shorter for a partial region than for the full device, in proportion to the bytes', () => {
    const port = configurationPortBytesPerSecond(resources);
    expect(configurationLoadSeconds(10e6, port) / configurationLoadSeconds(40e6, port)).toBeCloseTo(0.25, 12);
  });
});

describe('break-even', () => {
  it('is 1 + switch seconds ÷ seconds saved per decode token', () => {
    const switchSeconds = 0.16;
    const saved = 0.004;
    expect(breakEvenOutputTokens(switchSeconds, saved)).toBeCloseTo(1 + switchSeconds / saved, 9);
  });

  it('does not exist when decode saves nothing', () => {
    expect(breakEvenOutputTokens(0.16, 0)).toBeUndefined();
    expect(breakEvenOutputTokens(0.16, -1)).toBeUndefined();
  });

  it('is where the auto policy starts to switch', () => {
    const gemm = candidate('gemm', 1.0, 0.02, 0.08);
    const gemv = candidate('gemv', undefined, 0.01, 0.08);
    const breakEven = 1 + (0.08 + 0.08) / (0.02 - 0.01); // 17 output tokens
    const below = chooseConfigurations([gemm, gemv], 'auto', Math.floor(breakEven) - 1);
    const above = chooseConfigurations([gemm, gemv], 'auto', Math.ceil(breakEven) + 1);
    expect(below?.breakEvenOutputTokens).toBeCloseTo(breakEven, 9);
    expect(below?.decode.configuration.name).toBe('gemm');
    expect(below?.loadsPerRequest).toBe(0);
    expect(above?.decode.configuration.name).toBe('gemv');
    expect(above?.loadsPerRequest).toBe(2);
    expect(above?.switchSeconds).toBeCloseTo(0.16, 12);
  });
});

describe('the choice per phase', () => {
  const gemm = candidate('prefill-gemm', 1.0, 0.02, 0);
  const balanced = candidate('balanced', 1.5, 0.015, 0);
  const gemv = candidate('decode-gemv', undefined, 0.01, 0);

  it('with zero reconfiguration cost always takes the fastest configuration of each phase', () => {
    for (const policy of ['auto', 'per-phase'] as const) {
      const choice = chooseConfigurations([balanced, gemv, gemm], policy, 2);
      expect(choice?.prefill.configuration.name).toBe('prefill-gemm');
      expect(choice?.decode.configuration.name).toBe('decode-gemv');
    }
  });

  it('with a huge reconfiguration cost keeps one configuration for both phases', () => {
    const huge = [candidate('prefill-gemm', 1.0, 0.02, 1e6), candidate('balanced', 1.5, 0.015, 1e6)];
    const decodeOnly = candidate('decode-gemv', undefined, 0.01, 1e6);
    const choice = chooseConfigurations([...huge, decodeOnly], 'auto', 128);
    expect(choice?.prefill).toBe(choice?.decode);
    // One configuration: the shorter request, prefill + 127 decode steps: 1.0 + 127 × 0.02 = 3.54 s against
    // 1.5 + 127 × 0.015 = 3.405 s.
    expect(choice?.prefill.configuration.name).toBe('balanced');
    expect(choice?.loadsPerRequest).toBe(0);
  });

  it('never reconfigures under `never`, even when it would pay', () => {
    const choice = chooseConfigurations([gemm, gemv], 'never', 10_000);
    expect(choice?.prefill.configuration.name).toBe('prefill-gemm');
    expect(choice?.decode.configuration.name).toBe('prefill-gemm');
  });

  it('has no choice when no configuration serves prefill', () => {
    expect(chooseConfigurations([gemv], 'auto', 128)).toBeUndefined();
  });
});

describe('resources', () => {
  function fabric(configurations: FabricConfiguration[]): ReconfigurableFabric {
    return {
      block: {
        id: 'fabric',
        type: 'compute.fpga',
        name: 'FPGA fabric',
        params: {},
        position: { x: 0, y: 0 },
      },
      resources,
      configurations,
    };
  }

  it('refuses a configuration that uses more DSP slices than the fabric has, naming block and configuration', () => {
    const diagnostics: Diagnostic[] = [];
    const usable = checkConfigurations(
      fabric([
        configuration('too-big', 'gemm gemv attention', resources.dspSlices + 1),
        configuration('fits', 'gemm gemv attention', resources.dspSlices),
      ]),
      diagnostics,
    );
    expect(usable.map((entry) => entry.name)).toEqual(['fits']);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      severity: 'error',
      code: 'fpga-configuration-over-resources',
      blockId: 'fabric',
    });
    expect(diagnostics[0]?.message).toContain('FPGA fabric');
    expect(diagnostics[0]?.message).toContain("'too-big'");
    expect(diagnostics[0]?.message).toContain('9,025 DSP slices of 9,024');
  });

  it('warns about a configuration that serves no phase (no attention)', () => {
    const diagnostics: Diagnostic[] = [];
    checkConfigurations(fabric([configuration('gemm-only', 'gemm', 1024)]), diagnostics);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['fpga-configuration-serves-no-phase']);
  });
});
