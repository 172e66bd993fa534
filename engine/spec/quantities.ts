/**
 * Parameters as quantities with units in the design text: `bandwidthBytesPerSecond: 3.35 TB/s`,
 * `capacityBytes: 80 GiB`. A parameter's key names its SI unit (`unitOfKey`), so the text needs no catalog to
 * read "4 TB/s" the way the Inspector and the CLI do (`parseQuantity`, engine/units.ts), and the writer shows a
 * value in its unit only when that text reads back as exactly the same double; otherwise the bare SI number.
 *
 * Pure; used by `spec-text.ts` in both directions.
 */
import { unitOfKey } from '../diff';
import { formatQuantity, parseQuantity, type Unit } from '../units';
import type { ConversionProblem, SourceSpot } from './readable-shape';

/** Units a quantity is written in; counts and ratios stay bare numbers. */
function quantityUnit(key: string): Unit | undefined {
  const unit = unitOfKey(key);
  return unit === 'count' || unit === 'ratio' ? undefined : unit;
}

/**
 * `value` in the unit its key implies ("3.35 TB/s"), with as few significant digits as read back as exactly
 * `value`; the number itself when the key implies no unit or no text reads back exactly.
 */
export function quantityText(key: string, value: number): string | number {
  const unit = quantityUnit(key);
  if (unit === undefined || !Number.isFinite(value)) return value;
  for (let digits = 3; digits <= 17; digits += 1) {
    const text = formatQuantity(value, unit, digits);
    const read = parseQuantity(text, unit);
    if (read.ok && Object.is(read.value, value)) return text;
  }
  return value;
}

/** A parameter (or table cell) value as written: a quantity text is read into its SI number. */
type Reading = { ok: true; value: unknown } | { ok: false; message: string };

function readValue(key: string, value: unknown): Reading {
  const unit = quantityUnit(key);
  if (unit === undefined || typeof value !== 'string') return { ok: true, value };
  const read = parseQuantity(value, unit);
  return read.ok ? { ok: true, value: read.value } : { ok: false, message: `${key}: ${read.message}` };
}

/**
 * Reads the quantity texts in the converted document's block and link parameters (and their table rows) into
 * SI numbers, in place. A text that is not a quantity of its key's unit is a problem on its own line.
 */
export function readQuantities(
  document: unknown,
  spots: ReadonlyMap<string, SourceSpot>,
): ConversionProblem[] {
  const problems: ConversionProblem[] = [];
  if (!isRecord(document)) return problems;
  for (const collection of ['blocks', 'links'] as const) {
    const items = document[collection];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, index) => {
      if (!isRecord(item) || !isRecord(item.params)) return;
      readParams(item.params, `${collection}[${index}].params`);
    });
  }
  return problems;

  function readParams(params: Record<string, unknown>, path: string): void {
    for (const [key, value] of Object.entries(params)) {
      if (Array.isArray(value)) {
        value.forEach((row: unknown, index) => {
          if (isRecord(row)) readParams(row, `${path}.${key}[${index}]`);
        });
        continue;
      }
      const read = readValue(key, value);
      if (read.ok) {
        params[key] = read.value;
        continue;
      }
      const documentPath = `${path}.${key}`;
      const spot = spots.get(documentPath);
      problems.push({
        documentPath,
        path: spot?.path ?? documentPath,
        offset: spot?.offset ?? 0,
        message: read.message,
      });
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
