import { describe, expect, it } from 'vitest';
import { evaluate } from '../evaluate';
import type { Operator } from '../operators';
import type { Runtime } from '../schema/runtime';
import { defaultWorkload, type Workload } from '../schema/workload';
import { testCatalog, testDesign } from '../testing/fixtures';
import { hostLaunchWaitSeconds, kernelsOf } from './kernels';

const source = { citation: 'test' };

function runtime(kernels: Omit<NonNullable<Runtime['kernels']>, 'source'> | undefined): Runtime {
  return {
    format: 'tessera.runtime',
    version: 1,
    id: 'test-runtime',
    name: 'Test runtime',
    description: 'A runtime profile for tests.',
    stepOverheadSeconds: 0,
    operatorOverheadSeconds: 0,
    ...(kernels ? { kernels: { ...kernels, source } } : {}),
    source,
  };
}

function operator(id: string, kind: Operator['kind'], repeat = 1, batch = 1): Operator {
  return {
    id,
    name: id,
    kind,
    part: 'ffn',
    repeat,
    gemm: kind === 'matmul' ? { m: 1, k: 64, n: 64, batch } : undefined,
    macs: 0,
    vectorOps: 0,
    bytes: { weights: 0, kv: 0, activations: 0 },
    computeClass: 'bf16',
    elementBytes: 2,
    sparse: false,
    collective: undefined,
  };
}

describe('kernels: how many kernels an operator runs as', () => {
  it('runs each operator as one fused kernel, the attention as two (cache write with rotary, attention)', () => {
    expect(kernelsOf(operator('ffn.up', 'matmul'), 'fused')).toBe(1);
    expect(kernelsOf(operator('attention.norm', 'elementwise'), 'fused')).toBe(1);
    expect(kernelsOf(operator('attention.scores', 'attention'), 'fused')).toBe(2);
  });

  it('counts the eager ops of the reference implementation, per expert for expert GEMMs', () => {
    // RMSNorm: cast, square, mean, add ε, rsqrt, multiply, cast back, gain.
    expect(kernelsOf(operator('attention.norm', 'elementwise'), 'unfused')).toBe(8);
    // Three projections, rotary embedding of q and k (5 ops each) and the cos/sin tables (4).
    expect(kernelsOf(operator('attention.qkv', 'matmul'), 'unfused')).toBe(3 + 2 * 5 + 4);
    // Index, gather and two GEMMs per expert touched.
    expect(kernelsOf(operator('moe.up', 'matmul', 1, 6), 'unfused')).toBe(4 * 6);
  });
});

describe('kernels: the host launching kernels outside a CUDA graph', () => {
  const eager = runtime({ fusion: 'fused', launchSeconds: 5e-6, graphs: ['decode'] });
  const operators = [operator('ffn.up', 'matmul', 10), operator('attention.scores', 'attention', 10)];
  // 10 × 1 + 10 × 2 = 30 kernels, 150 µs of launches.
  const launches = 30 * 5e-6;

  it('makes the device wait for what the launches exceed its own time by', () => {
    expect(hostLaunchWaitSeconds(operators, 100e-6, eager, 'prefill', 1)).toBeCloseTo(launches - 100e-6, 15);
    // Each of the pipeline stages a pass crosses launches its own kernels.
    expect(hostLaunchWaitSeconds(operators, 100e-6, eager, 'prefill', 2)).toBeCloseTo(
      2 * (launches - 100e-6),
      15,
    );
  });

  it('costs nothing when the device is the slower stream, in a graph-captured phase, or without a profile', () => {
    expect(hostLaunchWaitSeconds(operators, 1e-3, eager, 'prefill', 1)).toBe(0);
    expect(hostLaunchWaitSeconds(operators, 0, eager, 'decode', 1)).toBe(0);
    expect(hostLaunchWaitSeconds(operators, 0, runtime(undefined), 'prefill', 1)).toBe(0);
  });
});

describe('kernels: in the cost stage', () => {
  const dispatch = 4e-6;
  const design = testDesign(
    {
      sm: { type: 'test.sm', params: { dispatchOverheadSeconds: dispatch } },
      dram: { type: 'test.dram' },
    },
    [['sm', 'dram']],
    [{ id: 'sms', name: 'SMs', kind: 'cluster', count: 8, blocks: ['sm'] }],
  );
  const workload: Workload = {
    ...defaultWorkload('toy'),
    batch: 1,
    inputTokens: 16,
    outputTokens: 4,
    runtime: 'test-runtime',
  };

  function decodeOperators(profile: Runtime) {
    const result = evaluate({ design, workload }, testCatalog({ runtimes: [profile] }));
    if (!result.ok) throw new Error(result.diagnostics.map((entry) => entry.message).join(' '));
    return result.report.decode;
  }

  it('charges the unit’s dispatch gap once per kernel the runtime runs an operator as', () => {
    const decode = decodeOperators(runtime({ fusion: 'unfused', launchSeconds: 0, graphs: [] }));
    const norm = decode.operators.find((entry) => entry.id === 'attention.norm');
    const scores = decode.operators.find((entry) => entry.id === 'attention.scores');
    // Totals over the layers: 8 eager kernels per RMSNorm and 5 per attention, each paying the 4 µs gap.
    expect(norm?.overheadSeconds).toBeCloseTo(8 * dispatch * (norm?.repeat ?? 0), 15);
    expect(scores?.overheadSeconds).toBeCloseTo(5 * dispatch * (scores?.repeat ?? 0), 15);
  });

  it('waits for slow eager launches and not for graph-captured ones', () => {
    const slow = 1e-3;
    const captured = decodeOperators(runtime({ fusion: 'fused', launchSeconds: slow, graphs: ['decode'] }));
    const eager = decodeOperators(runtime({ fusion: 'fused', launchSeconds: slow, graphs: [] }));
    // With 1 ms per launch the host is far slower than the toy model's device time: the step takes the
    // launches, kernels × 1 ms (one per operator, two per attention, over the layers).
    const kernels = eager.operators.reduce(
      (sum, entry) => sum + (entry.kind === 'attention' ? 2 : 1) * entry.repeat,
      0,
    );
    expect(eager.secondsPerStep).toBeCloseTo(kernels * slow, 9);
    expect(captured.secondsPerStep).toBeLessThan(eager.secondsPerStep / 10);
  });
});
