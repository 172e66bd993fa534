/**
 * The technology tables (library/tech/) checked for what physics says they must satisfy, not for their numbers:
 * energies are positive, narrower arithmetic costs less, smaller nodes cost less, bigger arrays and longer
 * channels cost more per bit, and every derived row agrees with the rows it is derived from.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TechRow, TechTable } from '../../engine/schema';
import { loadLibrary } from './library-loader';

const { catalog, problems } = await loadLibrary(join(import.meta.dirname, '../../library'));

function table(id: string): TechTable {
  const found = catalog.tech.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`the library has no tech table "${id}"`);
  return found;
}

/** The rows of a table whose conditions include every given condition. */
function rowsWhere(id: string, conditions: Record<string, string | number>): TechRow[] {
  return table(id).rows.filter((row) =>
    Object.entries(conditions).every(([key, wanted]) => row.conditions[key] === wanted),
  );
}

/** The value of the one row that matches; fails the test when none or several match. */
function valueWhere(id: string, conditions: Record<string, string | number>): number {
  const matches = rowsWhere(id, conditions);
  expect(matches, `${id} ${JSON.stringify(conditions)}`).toHaveLength(1);
  return matches[0]?.value ?? Number.NaN;
}

/** "7nm" → 7. */
function nanometres(node: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)nm$/.exec(String(node));
  if (!match) throw new Error(`not a process node: ${String(node)}`);
  return Number(match[1]);
}

function relativeDifference(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

const tableIds = [
  'mac-energy-45nm',
  'mac-energy-relative',
  'node-scaling',
  'sram-energy',
  'dram-energy',
  'link-energy',
  'leakage',
  'vf-curve-voltages',
  'vf-curve-shape',
];

describe('the technology tables', () => {
  it('load without problems', () => {
    expect(problems.filter((problem) => problem.file.startsWith('tech/'))).toEqual([]);
    for (const id of tableIds) expect(() => table(id), id).not.toThrow();
  });

  it('hold only positive, finite values: energies, factors and powers have no sign to lose', () => {
    for (const tech of catalog.tech)
      for (const row of tech.rows) {
        expect(Number.isFinite(row.value), `${tech.id}/${row.id}`).toBe(true);
        expect(row.value, `${tech.id}/${row.id}`).toBeGreaterThan(0);
      }
  });

  it('show their working wherever a row is derived or estimated', () => {
    for (const tech of catalog.tech)
      for (const row of tech.rows)
        if (/estimate|derived/i.test(row.source.citation))
          expect(row.note?.length ?? 0, `${tech.id}/${row.id}`).toBeGreaterThan(20);
  });
});

describe('mac-energy-45nm', () => {
  const id = 'mac-energy-45nm';
  const precisions = [...new Set(table(id).rows.map((row) => String(row.conditions.precision)))];
  const energy = (precision: string, operation: string) =>
    valueWhere(id, { node: '45nm', precision, operation });

  it('has an add, a multiply and a MAC for every precision', () => {
    for (const precision of precisions)
      for (const operation of ['add', 'multiply', 'mac'])
        expect(energy(precision, operation)).toBeGreaterThan(0);
  });

  it('makes every MAC the multiply plus the add of the same precision (the derivation, recomputed)', () => {
    for (const precision of precisions) {
      const sum = energy(precision, 'multiply') + energy(precision, 'add');
      expect(relativeDifference(energy(precision, 'mac'), sum), precision).toBeLessThan(1e-9);
    }
  });

  it('costs more to multiply than to add: n² partial products against one carry chain', () => {
    for (const precision of precisions)
      expect(energy(precision, 'multiply'), precision).toBeGreaterThan(energy(precision, 'add'));
  });

  it('costs more for wider operands of the same kind', () => {
    for (const operation of ['add', 'multiply', 'mac']) {
      expect(energy('int16', operation)).toBeGreaterThan(energy('int8', operation));
      expect(energy('int32', operation)).toBeGreaterThan(energy('int16', operation));
      expect(energy('fp32', operation)).toBeGreaterThan(energy('fp16', operation));
    }
  });
});

describe('mac-energy-relative', () => {
  const id = 'mac-energy-relative';
  const factor = (computeClass: string) => valueWhere(id, { class: computeClass });

  it('is exactly 1 for BF16, the reference', () => {
    expect(factor('bf16')).toBe(1);
  });

  it('covers every compute class the engine asks for', () => {
    for (const computeClass of ['fp32', 'tf32', 'bf16', 'fp8', 'int8', 'int4', 'fp4'])
      expect(factor(computeClass), computeClass).toBeGreaterThan(0);
  });

  // Floats: fp32 > tf32 > bf16 > fp8 > fp4. Each step narrows the significand (24, 11, 8, 4, 2 bits with the
  // hidden bit); the multiplier array shrinks with its square and the adder with its width.
  it('falls as the float significand narrows: fp32 > tf32 > bf16 > fp8 > fp4', () => {
    expect(factor('fp32')).toBeGreaterThan(factor('tf32'));
    expect(factor('tf32')).toBeGreaterThan(factor('bf16'));
    expect(factor('bf16')).toBeGreaterThan(factor('fp8'));
    expect(factor('fp8')).toBeGreaterThan(factor('fp4'));
  });

  // Integers: bf16 > int8 > int4. An int8 MAC has no exponent logic and an 8×8 array, less than a BF16 unit with
  // its alignment and normalisation; int4 quarters the array again.
  it('falls for integers too: bf16 > int8 > int4, and fp8 ≥ int4', () => {
    expect(factor('bf16')).toBeGreaterThan(factor('int8'));
    expect(factor('int8')).toBeGreaterThan(factor('int4'));
    expect(factor('fp8')).toBeGreaterThanOrEqual(factor('int4'));
  });

  it('agrees with mac-energy-45nm wherever both rest on printed figures', () => {
    // FP32 and INT8 factors are Horowitz's printed MACs over the same BF16 estimate, and TF32 is taken as the
    // FP16 MAC; so their ratios must equal the ratios of the 45 nm MACs, whatever the BF16 estimate is.
    const mac = (precision: string) => valueWhere('mac-energy-45nm', { precision, operation: 'mac' });
    expect(relativeDifference(factor('fp32') / factor('tf32'), mac('fp32') / mac('fp16'))).toBeLessThan(1e-3);
    expect(relativeDifference(factor('int8') / factor('tf32'), mac('int8') / mac('fp16'))).toBeLessThan(1e-3);
  });
});

describe('node-scaling', () => {
  const id = 'node-scaling';

  for (const quantity of ['energy', 'area']) {
    it(`is 1 at 45 nm and falls monotonically with the node for ${quantity}`, () => {
      const rows = rowsWhere(id, { from: '45nm', quantity }).sort(
        (a, b) => nanometres(b.conditions.to) - nanometres(a.conditions.to),
      );
      expect(rows.length).toBeGreaterThan(5);
      expect(nanometres(rows[0]?.conditions.to)).toBe(45);
      expect(rows[0]?.value).toBe(1);
      for (let index = 1; index < rows.length; index++) {
        const larger = rows[index - 1];
        const smaller = rows[index];
        expect(
          smaller?.value,
          `${String(larger?.conditions.to)} → ${String(smaller?.conditions.to)}`,
        ).toBeLessThan(larger?.value ?? 0);
      }
    });
  }

  it('scales from 45 nm only, so every factor below 45 nm is a reduction', () => {
    for (const row of table(id).rows) {
      expect(row.conditions.from).toBe('45nm');
      if (nanometres(row.conditions.to) < 45) expect(row.value, row.id).toBeLessThan(1);
    }
  });
});

describe('sram-energy', () => {
  it('costs more per bit in larger arrays: longer word lines, bit lines and wires', () => {
    const nodes = new Set(table('sram-energy').rows.map((row) => String(row.conditions.node)));
    for (const node of nodes) {
      const rows = rowsWhere('sram-energy', { node }).sort(
        (a, b) => Number(a.conditions.arrayBytes) - Number(b.conditions.arrayBytes),
      );
      expect(rows.length, node).toBeGreaterThan(1);
      for (let index = 1; index < rows.length; index++)
        expect(rows[index]?.value, `${node}: ${rows[index]?.id}`).toBeGreaterThan(
          rows[index - 1]?.value ?? 0,
        );
    }
  });

  it('costs less per bit than any DRAM: an on-die read never leaves the chip', () => {
    const largestSram = Math.max(...table('sram-energy').rows.map((row) => row.value));
    const cheapestDram = Math.min(...table('dram-energy').rows.map((row) => row.value));
    expect(largestSram).toBeLessThan(cheapestDram);
  });
});

describe('dram-energy', () => {
  // HBM sits next to the processor on an interposer: millimetres of wire and wide, slow, unterminated I/O. GDDR
  // drives centimetres of terminated board trace at high pin rates; DDR modules add a longer, multi-drop channel
  // through a connector. Energy per bit follows the wire length and the I/O it needs.
  it('orders memory kinds HBM < GDDR6 < DDR4 per bit', () => {
    const hbm = table('dram-energy').rows.filter((row) => String(row.conditions.memory).startsWith('hbm'));
    expect(hbm.length).toBeGreaterThan(0);
    const gddr6 = valueWhere('dram-energy', { memory: 'gddr6' });
    const ddr4 = valueWhere('dram-energy', { memory: 'ddr4' });
    for (const row of hbm) expect(row.value, row.id).toBeLessThan(gddr6);
    expect(gddr6).toBeLessThan(ddr4);
  });
});

describe('link-energy', () => {
  // Energy per bit grows with the channel: a millimetre of on-chip wire, then die-to-die links on a silicon
  // interposer or bridge (UCIe advanced), then on an organic substrate (UCIe standard), then between packages.
  it('orders links by reach: 1 mm of wire < UCIe advanced < UCIe standard < NVLink-C2C', () => {
    const wire = valueWhere('link-energy', { link: 'on-chip-wire', lengthMetres: 0.001 });
    const advanced = valueWhere('link-energy', { link: 'ucie', package: 'advanced' });
    const standard = valueWhere('link-energy', { link: 'ucie', package: 'standard' });
    const c2c = valueWhere('link-energy', { link: 'nvlink-c2c' });
    expect(wire).toBeLessThan(advanced);
    expect(advanced).toBeLessThan(standard);
    expect(standard).toBeLessThan(c2c);
  });
});

describe('the V/f curve tables', () => {
  it('order the voltages as the alpha-power law needs: 0 ≤ Vt < Vmin ≤ nominal, α in [1, 2], floor in (0, 1]', () => {
    const threshold = valueWhere('vf-curve-voltages', { role: 'threshold' });
    const minimum = valueWhere('vf-curve-voltages', { role: 'minimum' });
    const nominal = valueWhere('vf-curve-voltages', { role: 'nominal' });
    expect(threshold).toBeGreaterThanOrEqual(0);
    expect(minimum).toBeGreaterThan(threshold);
    expect(nominal).toBeGreaterThanOrEqual(minimum);
    const alpha = valueWhere('vf-curve-shape', { role: 'alpha' });
    expect(alpha).toBeGreaterThanOrEqual(1);
    expect(alpha).toBeLessThanOrEqual(2);
    const floor = valueWhere('vf-curve-shape', { role: 'floor-clock-fraction' });
    expect(floor).toBeGreaterThan(0);
    expect(floor).toBeLessThanOrEqual(1);
  });
});
