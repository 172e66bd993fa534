/**
 * Physical units: the SI unit each parameter is stored in, and how numbers are shown to and read from a
 * person ("3.35 TB/s", "80 GiB", "1.98 GHz", "700 W"). Pure; used by the engine, the CLI and the renderer.
 *
 * Bytes use binary prefixes (KiB, MiB, GiB — how memory capacity is sold and reasoned about); rates use
 * decimal prefixes (GB/s, TB/s — how bandwidth is quoted on datasheets). Both prefix families are accepted
 * when reading, so "80 GB" and "80 GiB" both parse, to different values, as they should.
 */

/** The SI quantity a number is stored in. */
export type Unit =
  | 'count'
  | 'ratio'
  | 'bytes'
  | 'bits'
  | 'bytesPerSecond'
  | 'hertz'
  | 'seconds'
  | 'watts'
  | 'joules'
  | 'joulesPerBit'
  | 'joulesPerOperation'
  | 'volts'
  | 'squareMetres'
  | 'wattsPerSquareMetre'
  | 'metres'
  | 'operationsPerSecond'
  | 'tokensPerSecond'
  | 'joulesPerToken'
  | 'dollars'
  | 'dollarsPerByte'
  | 'dollarsPerSquareMetre'
  | 'perSquareMetre';

export const units: readonly Unit[] = [
  'count',
  'ratio',
  'bytes',
  'bits',
  'bytesPerSecond',
  'hertz',
  'seconds',
  'watts',
  'joules',
  'joulesPerBit',
  'joulesPerOperation',
  'volts',
  'squareMetres',
  'wattsPerSquareMetre',
  'metres',
  'operationsPerSecond',
  'tokensPerSecond',
  'joulesPerToken',
  'dollars',
  'dollarsPerByte',
  'dollarsPerSquareMetre',
  'perSquareMetre',
];

interface Prefix {
  symbol: string;
  factor: number;
}

const decimalUp: Prefix[] = [
  { symbol: '', factor: 1 },
  { symbol: 'k', factor: 1e3 },
  { symbol: 'M', factor: 1e6 },
  { symbol: 'G', factor: 1e9 },
  { symbol: 'T', factor: 1e12 },
  { symbol: 'P', factor: 1e15 },
  { symbol: 'E', factor: 1e18 },
];
const decimalDown: Prefix[] = [
  { symbol: 'f', factor: 1e-15 },
  { symbol: 'p', factor: 1e-12 },
  { symbol: 'n', factor: 1e-9 },
  { symbol: 'µ', factor: 1e-6 },
  { symbol: 'm', factor: 1e-3 },
  { symbol: '', factor: 1 },
];
const binary: Prefix[] = [
  { symbol: '', factor: 1 },
  { symbol: 'Ki', factor: 2 ** 10 },
  { symbol: 'Mi', factor: 2 ** 20 },
  { symbol: 'Gi', factor: 2 ** 30 },
  { symbol: 'Ti', factor: 2 ** 40 },
  { symbol: 'Pi', factor: 2 ** 50 },
];

interface UnitStyle {
  /** Symbol shown after the prefix, e.g. "B/s". Empty for dimensionless numbers. */
  symbol: string;
  /** Prefixes used when showing a value. */
  prefixes: Prefix[];
  /** Other spellings accepted when reading, each mapped to its factor in SI. */
  aliases?: Record<string, number>;
}

const styles: Record<Unit, UnitStyle> = {
  count: { symbol: '', prefixes: [{ symbol: '', factor: 1 }] },
  ratio: { symbol: '', prefixes: [{ symbol: '', factor: 1 }], aliases: { '%': 0.01, '×': 1, x: 1 } },
  bytes: { symbol: 'B', prefixes: binary },
  bits: { symbol: 'bit', prefixes: [{ symbol: '', factor: 1 }], aliases: { b: 1, bits: 1 } },
  bytesPerSecond: {
    symbol: 'B/s',
    prefixes: decimalUp,
    aliases: { Gbps: 1e9 / 8, Gbit: 1e9 / 8, 'Gb/s': 1e9 / 8 },
  },
  hertz: { symbol: 'Hz', prefixes: decimalUp },
  seconds: { symbol: 's', prefixes: decimalDown, aliases: { us: 1e-6, sec: 1 } },
  watts: { symbol: 'W', prefixes: [...decimalDown.slice(3), ...decimalUp.slice(1, 4)] },
  joules: { symbol: 'J', prefixes: [...decimalDown, ...decimalUp.slice(1, 3)] },
  joulesPerBit: { symbol: 'J/bit', prefixes: decimalDown, aliases: { 'pJ/b': 1e-12 } },
  joulesPerOperation: {
    symbol: 'J/op',
    prefixes: decimalDown,
    aliases: { 'pJ/MAC': 1e-12, 'pJ/FLOP': 1e-12 },
  },
  volts: { symbol: 'V', prefixes: decimalDown.slice(3) },
  squareMetres: {
    symbol: 'm²',
    prefixes: [{ symbol: '', factor: 1 }],
    aliases: { mm2: 1e-6, 'mm²': 1e-6, m2: 1 },
  },
  wattsPerSquareMetre: {
    symbol: 'W/m²',
    prefixes: [{ symbol: '', factor: 1 }],
    aliases: { 'W/mm2': 1e6, 'W/mm²': 1e6, 'W/m2': 1 },
  },
  metres: { symbol: 'm', prefixes: decimalDown, aliases: { um: 1e-6 } },
  operationsPerSecond: {
    symbol: 'OP/s',
    prefixes: decimalUp,
    aliases: { FLOPS: 1, TFLOPS: 1e12, PFLOPS: 1e15 },
  },
  tokensPerSecond: { symbol: 'tok/s', prefixes: decimalUp.slice(0, 3) },
  joulesPerToken: { symbol: 'J/token', prefixes: decimalDown, aliases: { 'J/tok': 1 } },
  dollars: { symbol: '$', prefixes: [{ symbol: '', factor: 1 }], aliases: { USD: 1, usd: 1 } },
  dollarsPerByte: {
    symbol: '$/B',
    prefixes: [{ symbol: '', factor: 1 }],
    aliases: { '$/GB': 1e-9, '$/GiB': 2 ** -30 },
  },
  dollarsPerSquareMetre: {
    symbol: '$/m²',
    prefixes: [{ symbol: '', factor: 1 }],
    aliases: { '$/mm2': 1e6, '$/mm²': 1e6, '$/m2': 1 },
  },
  perSquareMetre: {
    symbol: '/m²',
    prefixes: [{ symbol: '', factor: 1 }],
    aliases: { '/cm2': 1e4, '/cm²': 1e4, '/m2': 1 },
  },
};

/** Rounds to `digits` significant figures and drops trailing zeros. */
function significant(value: number, digits: number): string {
  if (value === 0) return '0';
  const text = value.toPrecision(digits);
  if (text.includes('e')) return String(Number(text));
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * Shows a value in its unit with a readable prefix: `formatQuantity(3.35e12, 'bytesPerSecond')` → "3.35 TB/s".
 * Square metres are shown in mm², the scale chips are measured in.
 */
export function formatQuantity(value: number, unit: Unit, digits = 3): string {
  if (!Number.isFinite(value)) return '—';
  const style = styles[unit];
  if (unit === 'count')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : significant(value, digits);
  if (unit === 'ratio') return significant(value, digits);
  if (unit === 'squareMetres') return `${significant(value * 1e6, digits)} mm²`;
  if (unit === 'wattsPerSquareMetre') return `${significant(value / 1e6, digits)} W/mm²`;
  if (unit === 'metres' && value < 1e-6 && value > 0) return `${significant(value * 1e9, digits)} nm`;
  if (value === 0) return `0 ${style.symbol}`.trim();
  const magnitude = Math.abs(value);
  let chosen = style.prefixes[0] ?? { symbol: '', factor: 1 };
  for (const prefix of style.prefixes) {
    if (magnitude >= prefix.factor * 0.9995) chosen = prefix;
  }
  const scaled = value / chosen.factor;
  return `${significant(scaled, digits)} ${chosen.symbol}${style.symbol}`.trim();
}

/** The symbol of a unit without prefix, for column headers ("B/s", "W"). */
export function unitSymbol(unit: Unit): string {
  return styles[unit].symbol;
}

export type ParsedQuantity = { ok: true; value: number } | { ok: false; message: string };

/** The longest text `parseQuantity` reads ("1,234,567.89 TiB/s" is 18 characters). */
export const maxQuantityLength = 100;

const numberPattern = /^\s*([-+]?(?:\d+(?:[.,_]\d+)*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$/;

/**
 * Reads what a person typed in a unit: "3.35 TB/s", "80 GiB", "1.98 GHz", "700 W", "2.5e12", "85 %".
 * A bare number is taken in SI units. Returns a message naming the expected unit when the text does not fit.
 */
export function parseQuantity(text: string, unit: Unit): ParsedQuantity {
  // The pattern's lazy suffix before trailing space backtracks over long runs of spaces; no quantity is long.
  if (text.length > maxQuantityLength) {
    return {
      ok: false,
      message: `the text is ${text.length} characters long; a quantity is at most ${maxQuantityLength}${expectedUnits(unit)}`,
    };
  }
  const match = numberPattern.exec(text);
  if (!match) return { ok: false, message: `"${text}" is not a number${expectedUnits(unit)}` };
  const numberText = (match[1] ?? '').replace(/_/g, '').replace(/,(?=\d{3}\b)/g, '');
  const amount = Number(numberText);
  const suffix = match[2] ?? '';
  if (!Number.isFinite(amount)) return { ok: false, message: `"${text}" is not a finite number` };
  if (suffix === '') return { ok: true, value: amount };
  const factor = suffixFactor(suffix, unit);
  if (factor === undefined)
    return { ok: false, message: `"${suffix}" is not a unit of ${describeUnit(unit)}${expectedUnits(unit)}` };
  return { ok: true, value: scaled(numberText, amount, factor) };
}

/**
 * `amount` × `factor`, correctly rounded where the factor is a power of ten: "120 ns" is the double nearest
 * 1.2e-7 (read as the decimal "120e-9"), where 120 × 1e-9 is one bit off it. So a value written with enough
 * digits reads back exactly (the text spec relies on it).
 */
function scaled(numberText: string, amount: number, factor: number): number {
  const exponent = Math.round(Math.log10(factor));
  if (!/[eE]/.test(numberText) && Number(`1e${exponent}`) === factor) {
    const value = Number(`${numberText}e${exponent}`);
    if (Number.isFinite(value)) return value;
  }
  return amount * factor;
}

function suffixFactor(suffix: string, unit: Unit): number | undefined {
  const style = styles[unit];
  const compact = suffix.replace(/\s+/g, '');
  if (style.aliases && compact in style.aliases) return style.aliases[compact];
  const allPrefixes = [
    ...decimalUp,
    ...decimalDown,
    ...binary,
    { symbol: 'u', factor: 1e-6 },
    { symbol: 'K', factor: 1e3 },
  ];
  const symbols = style.symbol === '' ? [] : [style.symbol];
  if (unit === 'bytes') symbols.push('byte', 'bytes');
  if (unit === 'bytesPerSecond') symbols.push('Bps');
  for (const symbol of symbols) {
    if (!compact.endsWith(symbol)) continue;
    const prefix = compact.slice(0, compact.length - symbol.length);
    const found = allPrefixes.find((candidate) => candidate.symbol === prefix);
    if (found) return found.factor;
  }
  return undefined;
}

/** A person's name for a unit, used in messages. */
export function describeUnit(unit: Unit): string {
  const names: Record<Unit, string> = {
    count: 'count',
    ratio: 'ratio',
    bytes: 'bytes',
    bits: 'bits',
    bytesPerSecond: 'bandwidth',
    hertz: 'frequency',
    seconds: 'time',
    watts: 'power',
    joules: 'energy',
    joulesPerBit: 'energy per bit',
    joulesPerOperation: 'energy per operation',
    volts: 'voltage',
    squareMetres: 'area',
    wattsPerSquareMetre: 'power density',
    metres: 'length',
    operationsPerSecond: 'operations per second',
    tokensPerSecond: 'tokens per second',
    joulesPerToken: 'energy per token',
    dollars: 'cost',
    dollarsPerByte: 'cost per byte',
    dollarsPerSquareMetre: 'cost per area',
    perSquareMetre: 'density per area',
  };
  return names[unit];
}

function expectedUnits(unit: Unit): string {
  const examples: Partial<Record<Unit, string>> = {
    bytes: ' (e.g. "80 GiB", "2 MiB")',
    bytesPerSecond: ' (e.g. "3.35 TB/s", "900 GB/s")',
    hertz: ' (e.g. "1.98 GHz")',
    seconds: ' (e.g. "5 µs", "2 ns")',
    watts: ' (e.g. "700 W")',
    joulesPerBit: ' (e.g. "3.9 pJ/bit")',
    joulesPerOperation: ' (e.g. "0.3 pJ/op")',
    volts: ' (e.g. "0.75 V")',
  };
  return examples[unit] ?? '';
}
