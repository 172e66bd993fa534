import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../engine/report';
import { csvField, operatorCsvColumns, operatorsToCsv, resultCsvColumns, resultsToCsv, toCsv } from './csv';
import { scenarios } from './test-support';

const { h100, dgx } = await scenarios();

/** An RFC 4180 reader: records end with CRLF; a quoted field may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let index = 0;
  let quoted = false;
  while (index < text.length) {
    const character = text.charAt(index);
    if (quoted) {
      if (character === '"' && text.charAt(index + 1) === '"') {
        field += '"';
        index += 2;
      } else if (character === '"') {
        quoted = false;
        index += 1;
      } else {
        field += character;
        index += 1;
      }
    } else if (character === '"' && field === '') {
      quoted = true;
      index += 1;
    } else if (character === ',') {
      record.push(field);
      field = '';
      index += 1;
    } else if (character === '\r' && text.charAt(index + 1) === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      index += 2;
    } else {
      if (character === '"' || character === '\r' || character === '\n')
        throw new Error(`unquoted ${JSON.stringify(character)} at ${index}`);
      field += character;
      index += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('the last record does not end with CRLF');
  return records;
}

/** The value at a dotted path of an object. */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((current, key) => (current as Record<string, unknown> | undefined)?.[key], value);
}

/** A cell read back as the type of the value it should equal. */
function typed(cell: string, expected: unknown): unknown {
  if (typeof expected === 'number') return Number(cell);
  if (typeof expected === 'boolean') return cell === 'true';
  if (expected === undefined) return cell === '' ? undefined : cell;
  return cell;
}

describe('resultsToCsv', () => {
  it('writes one row per run whose values read back equal to the reports', () => {
    const rows = [
      { designName: 'NVIDIA H100 SXM', report: h100.report },
      { designName: 'DGX, "eight" GPUs\r\nsecond line', report: dgx.report },
    ];
    const csv = resultsToCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const records = parseCsv(csv);
    expect(records).toHaveLength(3);
    expect(records[0]).toEqual([...resultCsvColumns]);
    for (const record of records) expect(record).toHaveLength(resultCsvColumns.length);
    for (const key of [
      'prefill.seconds',
      'prefill.tokensPerSecond',
      'prefill.averagePowerWatts',
      'prefill.energyJoules',
      'prefill.bound',
      'decode.secondsPerStep',
      'decode.tokensPerSecond',
      'decode.averagePowerWatts',
      'decode.energyJoulesPerToken',
      'decode.context',
      'decode.bound',
      'memory.fits',
      'memory.maxBatch',
      'clockHertz',
    ])
      expect(resultCsvColumns).toContain(key);
    rows.forEach((row, index) => {
      const record = records[index + 1] ?? [];
      resultCsvColumns.forEach((key, column) => {
        const cell = record[column] ?? '';
        if (key === 'design') expect(cell).toBe(row.designName);
        else if (key === 'model') expect(cell).toBe(row.report.model.id);
        else {
          const expected = at(row.report, key);
          expect(typed(cell, expected), key).toEqual(expected);
        }
      });
    });
  });

  it("adds each headline figure's error band as ranges.* columns", () => {
    for (const figure of ['decodeTokensPerSecond', 'ttftSeconds', 'tpotSeconds'])
      for (const part of ['low', 'high', 'basis'])
        expect(resultCsvColumns).toContain(`ranges.${figure}.${part}`);
    const records = parseCsv(resultsToCsv([{ designName: 'H100', report: h100.report }]));
    const cell = (key: string) => records[1]?.[resultCsvColumns.indexOf(key)];
    const range = h100.report.ranges?.decodeTokensPerSecond;
    expect(cell('ranges.decodeTokensPerSecond.basis')).toMatch(
      /^±\d+(\.\d)? % on \d+ published H100 rows( \(all runtimes\))?$/,
    );
    // The band is the figure ± its median |error|.
    const error = (range?.errorPercent ?? Number.NaN) / 100;
    expect(Number(cell('ranges.decodeTokensPerSecond.low'))).toBeCloseTo(
      h100.report.decode.tokensPerSecond * (1 - error),
      6,
    );
    expect(Number(cell('ranges.decodeTokensPerSecond.high'))).toBeCloseTo(
      h100.report.decode.tokensPerSecond * (1 + error),
      6,
    );
  });

  it('writes only the header for no runs', () => {
    expect(parseCsv(resultsToCsv([]))).toEqual([[...resultCsvColumns]]);
  });
});

describe('operatorsToCsv', () => {
  it.each([h100, dgx])('writes every operator of both phases of $name', ({ report }: { report: Report }) => {
    const records = parseCsv(operatorsToCsv(report));
    const operators = [
      ...report.prefill.operators.map((operator) => ({ phase: 'prefill', operator })),
      ...report.decode.operators.map((operator) => ({ phase: 'decode', operator })),
    ];
    expect(records).toHaveLength(operators.length + 1);
    expect(records[0]).toEqual([...operatorCsvColumns]);
    operators.forEach(({ phase, operator }, index) => {
      const record = records[index + 1] ?? [];
      expect(record).toHaveLength(operatorCsvColumns.length);
      operatorCsvColumns.forEach((key, column) => {
        const expected = key === 'phase' ? phase : at(operator, key);
        expect(typed(record[column] ?? '', expected), key).toEqual(expected);
      });
    });
  });
});

describe('RFC 4180 quoting', () => {
  it('quotes only where needed and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe('');
    expect(csvField(1e-7)).toBe('1e-7');
    expect(csvField(true)).toBe('true');
  });

  it('reads back any text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 20 }), { minLength: 2, maxLength: 4 }), { maxLength: 5 }),
        (rows) => {
          const header = ['a', 'b', 'c', 'd'].slice(0, rows[0]?.length ?? 2);
          const width = header.length;
          const fitted = rows.map((row) => Array.from({ length: width }, (_, index) => row[index] ?? ''));
          expect(parseCsv(toCsv(header, fitted))).toEqual([header, ...fitted]);
        },
      ),
    );
  });
});
