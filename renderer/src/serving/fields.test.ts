import { describe, expect, it } from 'vitest';
import { defaultServing, type Serving } from '../../../engine/schema/serving';
import {
  changeTraffic,
  loadTrace,
  newTenant,
  parseRates,
  setNumber,
  switchLengths,
  switchTraffic,
} from './fields';

const base = defaultServing();

function ok(edit: ReturnType<typeof setNumber>): Serving {
  if (!edit.ok) throw new Error(edit.message);
  return edit.serving;
}

describe('serving fields', () => {
  it('reads a target typed in milliseconds as seconds, and a share typed in % as a fraction', () => {
    const serving = ok(setNumber(base, ['slo', 'ttftSeconds'], '250', { scale: 'milliseconds' }));
    expect(serving.slo?.ttftSeconds).toBe(0.25);
    expect(
      ok(setNumber(base, ['slo', 'tpotSeconds'], '0.1 ms', { scale: 'milliseconds' })).slo?.tpotSeconds,
    ).toBe(0.0001);
    expect(ok(setNumber(base, ['slo', 'attainment'], '95', { scale: 'percent' })).slo?.attainment).toBe(0.95);
  });

  it('clears an optional target when emptied, and refuses to empty a required field', () => {
    const serving = ok(
      setNumber(base, ['slo', 'ttftSeconds'], '', { scale: 'milliseconds', optional: true }),
    );
    expect(serving.slo).toEqual({ tpotSeconds: 0.1, attainment: 0.99 });
    expect(setNumber(base, ['requests'], '')).toEqual({ ok: false, message: 'enter a number' });
  });

  it("says what is wrong in the field's own unit", () => {
    expect(setNumber(base, ['slo', 'attainment'], '40', { scale: 'percent' })).toEqual({
      ok: false,
      message: 'must be at least 50',
    });
    expect(setNumber(base, ['traffic', 'ratePerSecond'], '-2')).toEqual({
      ok: false,
      message: 'must be greater than zero',
    });
    expect(setNumber(base, ['requests'], '1.5')).toMatchObject({
      ok: false,
      message: 'must be a whole number',
    });
    expect(setNumber(base, ['seed'], 'abc')).toEqual({ ok: false, message: '"abc" is not a number' });
  });

  it('refuses a uniform range whose smallest length is above its largest', () => {
    const serving = { ...base, input: { kind: 'uniform' as const, min: 100, max: 200 } };
    expect(setNumber(serving, ['input', 'min'], '300')).toEqual({
      ok: false,
      message: 'must be at most the largest length',
    });
  });

  it('refuses shares of the hardware that add up to more than the whole', () => {
    const tenant = newTenant(base, 'llama-3-8b');
    const serving: Serving = {
      ...base,
      tenants: [
        { ...tenant, partition: { kind: 'share', compute: 0.6, memory: 0.5 } },
        { ...tenant, id: 'model-2', partition: { kind: 'share', compute: 0.3, memory: 0.5 } },
      ],
    };
    const edit = setNumber(serving, ['tenants', 1, 'partition', 'compute'], '50', { scale: 'percent' });
    expect(edit).toMatchObject({ ok: false, message: expect.stringContaining('110 %') as string });
  });

  it('carries the rate over between Poisson and gamma traffic', () => {
    const poisson = { kind: 'poisson' as const, ratePerSecond: 7 };
    expect(switchTraffic(poisson, 'gamma')).toEqual({ kind: 'gamma', ratePerSecond: 7, cv: 2 });
    expect(switchTraffic({ kind: 'gamma', ratePerSecond: 3, cv: 4 }, 'poisson')).toEqual({
      kind: 'poisson',
      ratePerSecond: 3,
    });
  });

  it('centres a new length distribution on the workload length', () => {
    expect(switchLengths('uniform', 1000)).toEqual({ kind: 'uniform', min: 500, max: 1500 });
    expect(switchLengths('workload', 1000)).toBeUndefined();
  });

  it('names a new model after the ones there', () => {
    const first = newTenant(base, 'a');
    const second = newTenant({ ...base, tenants: [first] }, 'b');
    expect([first.id, second.id]).toEqual(['model-1', 'model-2']);
  });

  it('reads a rate sweep as a list or a doubling range', () => {
    expect(parseRates('1..16')).toEqual({ ok: true, rates: [1, 2, 4, 8, 16] });
    expect(parseRates('1..10')).toEqual({ ok: true, rates: [1, 2, 4, 8, 10] });
    expect(parseRates('4, 1 2')).toEqual({ ok: true, rates: [1, 2, 4] });
    expect(parseRates('')).toEqual({ ok: true, rates: [] });
    expect(parseRates('1, x')).toEqual({ ok: false, message: '"x" is not a rate above zero' });
    expect(parseRates('8..1')).toMatchObject({ ok: false });
    expect(parseRates('1e-30..1')).toEqual({ ok: false, message: 'a rate sweep has at most 64 rates' });
  });
});

describe('trace traffic', () => {
  const trace = {
    kind: 'trace' as const,
    name: 'sample.csv',
    arrivalsSeconds: [0, 0.5, 1],
    inputTokens: [100, 200, 300],
    outputTokens: [10, 20, 30],
  };

  it('takes its lengths and its request count from the trace', () => {
    const edit = loadTrace(base, ['traffic'], trace);
    expect(edit).toMatchObject({
      ok: true,
      serving: { traffic: trace, input: { kind: 'trace' }, output: { kind: 'trace' }, requests: 3 },
    });
  });

  it('gives a model its trace without changing the request count', () => {
    const withModel: Serving = { ...base, tenants: [newTenant(base, 'a')] };
    const edit = loadTrace(withModel, ['tenants', 0, 'traffic'], trace);
    if (!edit.ok) throw new Error(edit.message);
    expect(edit.serving.tenants?.[0]).toMatchObject({ traffic: trace, input: { kind: 'trace' } });
    expect(edit.serving.requests).toBe(base.requests);
  });

  it('leaving a trace, lengths go back to the workload', () => {
    const loaded = loadTrace(base, ['traffic'], trace);
    if (!loaded.ok) throw new Error(loaded.message);
    const edit = changeTraffic(loaded.serving, ['traffic'], { kind: 'poisson', ratePerSecond: 2 });
    if (!edit.ok) throw new Error(edit.message);
    expect(edit.serving.input).toBeUndefined();
    expect(edit.serving.output).toBeUndefined();
  });
});
