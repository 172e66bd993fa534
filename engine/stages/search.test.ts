import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics';
import { evaluate } from '../evaluate';
import { countParameters } from '../models/parameters';
import type { Parallelism } from '../models/parallelism';
import type { Report } from '../report';
import type { DesignDocument } from '../schema/design';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign, toyArchitecture } from '../testing/fixtures';
import { checkWorkload } from './check';
import { candidateSplits } from './plan';
import { resolve } from './resolve';
import { rankSplits, splitFit, THROUGHPUT_TIE_FRACTION } from './search';

const catalog = testCatalog();

/** Bytes of the toy model's weights in BF16, from its parameter count. */
const toyWeightBytes = countParameters(toyArchitecture).total * 2;

/**
 * `count` chips, each a tile and a DRAM of `dramBytes`, linked through a switch to a host memory of `hostBytes`
 * outside the chip group (shared: `hostBytes / count` per chip).
 */
function withHost(count: number, dramBytes: number, hostBytes: number): DesignDocument {
  return testDesign(
    {
      tile: { type: 'test.array' },
      dram: { type: 'test.dram', params: { capacityBytes: dramBytes } },
      link: { type: 'test.link' },
      switch: { type: 'test.fabric' },
      host: { type: 'test.dram', params: { capacityBytes: hostBytes } },
    },
    [
      ['tile', 'dram'],
      ['tile', 'link'],
      ['link', 'switch'],
      ['switch', 'host'],
    ],
    [{ id: 'chip', name: 'Chip', kind: 'chip', count, blocks: ['tile', 'dram', 'link'] }],
  );
}

const workloadOf = (overrides: Partial<Workload> = {}): Workload => ({
  ...defaultWorkload('toy'),
  batch: 4,
  inputTokens: 64,
  outputTokens: 64,
  ...overrides,
});

function run(design: DesignDocument, workload: Workload, detail?: 'summary' | 'full'): Report {
  const result = evaluate({ design, workload }, catalog, { detail });
  if (!result.ok) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.report;
}

const codes = (diagnostics: readonly Diagnostic[]) => diagnostics.map((diagnostic) => diagnostic.code);

function fitOf(design: DesignDocument, tensor: number) {
  const workload = workloadOf();
  const diagnostics: Diagnostic[] = [];
  const checked = checkWorkload(workload, catalog, undefined, diagnostics);
  if (!checked) throw new Error('the toy workload is valid');
  const machine = resolve(design, catalog);
  const split = candidateSplits(machine, checked).find(
    (candidate) => candidate.tensor === tensor && candidate.pipeline === 1,
  );
  if (!split) throw new Error(`no tensor-${tensor} candidate`);
  return splitFit(machine, checked, workload, split);
}

describe('search: where a split fits', () => {
  // Each chip has 0.75 × the weights of its own and 2 × the weights of host memory (8 × over 4 chips).
  const design = withHost(4, 0.75 * toyWeightBytes, 8 * toyWeightBytes);

  it('is the device when one chip’s share fits its own memory', () => {
    // Tensor 2: half of every matrix (and of the embeddings), a few hundred KiB of KV cache and activations.
    expect(fitOf(design, 2)).toBe('device');
  });

  it('is the host when only host memory adds the room', () => {
    // Tensor 1: all the weights, above the 0.75 × of device memory, below 0.75 × + 2 × with host memory.
    expect(fitOf(design, 1)).toBe('host');
  });

  it('is nowhere when even host memory is too small', () => {
    expect(fitOf(withHost(4, 0.75 * toyWeightBytes, 0.4 * toyWeightBytes), 1)).toBe('none');
  });
});

describe('search: the automatic plan', () => {
  const design = withHost(4, 0.75 * toyWeightBytes, 8 * toyWeightBytes);
  const workload = workloadOf();

  /** Every candidate split evaluated as a manual one. */
  function explicitRuns(): { split: Parallelism; report: Report }[] {
    const diagnostics: Diagnostic[] = [];
    const checked = checkWorkload(workload, catalog, undefined, diagnostics);
    if (!checked) throw new Error('the toy workload is valid');
    return candidateSplits(resolve(design, catalog), checked).map((split) => ({
      split,
      report: run(design, {
        ...workload,
        parallelism: { mode: 'manual', tensor: split.tensor, pipeline: split.pipeline, expert: split.expert },
      }),
    }));
  }

  it('is the best explicit split that fits in device memory, with the same figures', () => {
    const automatic = run(design, workload);
    const device = explicitRuns().filter((entry) => entry.split.tensor * entry.split.pipeline > 1);
    // Tensor 1 needs host memory; every split over two or more chips fits the device.
    expect(device.length).toBeGreaterThan(0);
    const best = Math.max(...device.map((entry) => entry.report.decode.tokensPerSecond));
    expect(automatic.decode.tokensPerSecond).toBeGreaterThanOrEqual(best * (1 - THROUGHPUT_TIE_FRACTION));
    const same = device.find(
      (entry) =>
        entry.split.tensor === automatic.parallelism.tensor &&
        entry.split.pipeline === automatic.parallelism.pipeline &&
        entry.split.expert === automatic.parallelism.expert,
    );
    expect(same?.report.decode).toEqual(automatic.decode);
    expect(automatic.parallelism.automatic).toBe(true);
    expect(automatic.plan?.chosen).toMatchObject({
      tensor: automatic.parallelism.tensor,
      pipeline: automatic.parallelism.pipeline,
      dataReplicas: automatic.parallelism.dataReplicas,
      decodeTokensPerSecond: automatic.decode.tokensPerSecond,
      tpotSeconds: automatic.request.tpotSeconds,
      ttftSeconds: automatic.request.ttftSeconds,
      energyJoulesPerToken: automatic.decode.energyJoulesPerToken,
      fits: 'device',
    });
  });

  it('searches host memory only when no split fits the device, and lists the device splits best first', () => {
    const automatic = run(design, workload);
    const plan = automatic.plan;
    expect(plan?.evaluated).toBe(explicitRuns().length - 1);
    const listed = [plan?.chosen, ...(plan?.candidates ?? [])];
    expect(listed.every((candidate) => candidate?.fits === 'device')).toBe(true);
    expect(plan?.candidates.length).toBe(Math.min(4, (plan?.evaluated ?? 0) - 1));
    const rates = listed.map((candidate) => candidate?.decodeTokensPerSecond ?? 0);
    for (let index = 1; index < rates.length; index += 1)
      expect(rates[index]).toBeLessThanOrEqual((rates[index - 1] ?? 0) / (1 - THROUGHPUT_TIE_FRACTION));
    expect(codes(automatic.diagnostics)).not.toContain('plan-host-memory');
  });

  it('says so with a warning when only host memory holds the model', () => {
    // 0.1 × the weights per chip: even tensor 4 leaves a quarter of every matrix per chip, above it.
    const report = run(withHost(4, 0.1 * toyWeightBytes, 8 * toyWeightBytes), workload);
    expect(report.plan?.chosen.fits).toBe('host');
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', code: 'plan-host-memory' }),
    );
    // With the weights filling (and overflowing) the chip, the KV cache lives in host memory too: the model runs,
    // but it does not fit the chip's own memory, and the memory report says so.
    expect(report.memory.fits).toBe(false);
    expect(codes(report.diagnostics)).toContain('kv-in-host-memory');
  });

  it('gives the same plan at summary and full detail', () => {
    const full = run(design, workload, 'full');
    const summary = run(design, workload, 'summary');
    expect(summary.plan).toEqual(full.plan);
    expect(summary.decode.tokensPerSecond).toBe(full.decode.tokensPerSecond);
  });

  it('warns, naming the quickest split, when no split meets the TPOT target', () => {
    const report = run(design, { ...workload, tpotTargetSeconds: 1e-9 });
    expect(report.plan?.chosen.meetsTpotTarget).toBe(false);
    expect(report.plan?.tpotTargetSeconds).toBe(1e-9);
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', code: 'plan-tpot-target' }),
    );
  });

  it('is absent for a manual split', () => {
    const report = run(design, {
      ...workload,
      parallelism: { mode: 'manual', tensor: 2, pipeline: 1, expert: 1 },
    });
    expect(report.plan).toBeUndefined();
    expect(report.parallelism.automatic).toBe(false);
  });
});

describe('search: the ranking', () => {
  /** A report with only the figures the ranking reads. */
  const entry = (name: string, tokensPerSecond: number, energyJoulesPerToken: number, batch = 64) => ({
    name,
    report: {
      decode: { tokensPerSecond, energyJoulesPerToken },
      request: { tpotSeconds: batch / tokensPerSecond },
    } as unknown as Report,
  });
  const names = (ranked: { name: string }[]) => ranked.map((ranked) => ranked.name);

  it('puts the highest decode throughput first', () => {
    expect(
      names(rankSplits([entry('a', 1000, 1), entry('b', 2000, 1), entry('c', 1500, 1)], undefined)),
    ).toEqual(['b', 'c', 'a']);
  });

  it('ranks throughputs within 0.5 % of the best by energy per token', () => {
    // b is 0.4 % slower than a but uses less energy: a tie, won by b. c is 1 % slower: not a tie.
    const ranked = rankSplits([entry('a', 1000, 1.0), entry('b', 996, 0.9), entry('c', 990, 0.5)], undefined);
    expect(names(ranked)).toEqual(['b', 'a', 'c']);
  });

  it('puts the splits within the TPOT target first, which changes the choice', () => {
    // TPOTs at batch 64: a 64 ms, b 64.26 ms. A target of 64.1 ms leaves only a within it.
    const entries = [entry('a', 1000, 1.0), entry('b', 996, 0.9)];
    expect(names(rankSplits(entries, undefined))[0]).toBe('b');
    expect(names(rankSplits(entries, 0.0641))).toEqual(['a', 'b']);
  });

  it('ranks by throughput among splits that all miss the target', () => {
    expect(names(rankSplits([entry('a', 1000, 1), entry('b', 2000, 1)], 1e-6))).toEqual(['b', 'a']);
  });
});
