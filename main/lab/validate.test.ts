/** The accuracy suite's error groups by what was measured and on which software. */
import { describe, expect, it } from 'vitest';
import { summariseBySetting } from './validate';
import type { Comparison } from './validation/mapping';

function comparison(setting: string, metric: string, errorPercent: number): Comparison {
  return {
    rowId: 1,
    group: 'F5. serving',
    setting,
    hardware: 'H100',
    model: 'Llama',
    metric,
    kind: 'performance',
    unit: 'ms',
    measured: 100,
    predicted: 100 + errorPercent,
    errorPercent,
    note: undefined,
  };
}

describe('validate: errors by setting', () => {
  it('groups by measurement × software, and splits served settings by figure', () => {
    const online = 'online serving, TensorRT-LLM (Triton)';
    const summaries = summariseBySetting([
      comparison(online, 'mean TTFT', -30),
      comparison(online, 'request throughput', 4),
      comparison(online, 'mean ITL (TPOT)', 10),
      comparison('static batch, vLLM', 'output throughput', -8),
    ]);
    const of = (group: string) => summaries.find((entry) => entry.group === group);
    expect(of(online)?.count).toBe(3);
    // Median of |−30|, |4|, |10| is 10; of the signed errors −30, 4, 10 it is 4.
    expect(of(online)?.medianAbsoluteErrorPercent).toBe(10);
    expect(of(online)?.medianSignedErrorPercent).toBe(4);
    expect(of(`${online} · TTFT`)?.medianSignedErrorPercent).toBe(-30);
    expect(of(`${online} · TPOT`)?.count).toBe(1);
    expect(of(`${online} · throughput`)?.count).toBe(1);
    // A served setting that measured one figure only is not split.
    const offline = 'offline max-load, TensorRT-LLM';
    const single = summariseBySetting([comparison(offline, 'total output throughput', 9)]);
    expect(single.map((entry) => entry.group)).toEqual([offline]);
    // A static batch has no scheduler: one group, no split.
    expect(summaries.filter((entry) => entry.group.startsWith('static batch'))).toHaveLength(1);
    // Each setting's own row comes before its figures.
    expect(summaries.findIndex((entry) => entry.group === online)).toBeLessThan(
      summaries.findIndex((entry) => entry.group === `${online} · TPOT`),
    );
  });
});
