import { crc32 as zlibCrc32, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, embedSpecInPng, PNG_SPEC_KEYWORD, readSpecFromPng } from './png-spec';
import { scenarios } from './test-support';

const { dgx } = await scenarios();

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A chunk built with Node's own CRC-32 (zlib's), independent of the one under test. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  bytes.set(new TextEncoder().encode(type), 4);
  bytes.set(data, 8);
  view.setUint32(8 + data.length, zlibCrc32(bytes.subarray(4, 8 + data.length)));
  return bytes;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** A valid 1×1 8-bit greyscale PNG: signature, IHDR, one IDAT (filter byte 0, one pixel), IEND. */
function minimalPng(pixel = 0x80): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, 1);
  view.setUint32(4, 1);
  header.set([8, 0, 0, 0, 0], 8);
  return concat([
    new Uint8Array(signature),
    chunk('IHDR', header),
    chunk('IDAT', new Uint8Array(deflateSync(new Uint8Array([0, pixel])))),
    chunk('IEND', new Uint8Array()),
  ]);
}

interface ParsedChunk {
  type: string;
  data: Uint8Array;
}

/** Splits a PNG into chunks, checking each CRC with zlib's CRC-32. */
function parseChunks(png: Uint8Array): ParsedChunk[] {
  expect([...png.subarray(0, 8)]).toEqual(signature);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: ParsedChunk[] = [];
  for (let offset = 8; offset < png.length;) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length)).toBe(
      zlibCrc32(png.subarray(offset + 4, offset + 8 + length)),
    );
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

describe('crc32', () => {
  it('matches zlib on known and random data', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }),
    );
  });
});

describe('embedSpecInPng and readSpecFromPng', () => {
  it('round-trips a small design uncompressed, before IEND, leaving the image intact', () => {
    const png = minimalPng();
    const json = JSON.stringify({ name: 'Tiny — ünïcödé 名前 🚀', blocks: [] });
    const embedded = embedSpecInPng(png, json);
    expect(readSpecFromPng(embedded)).toEqual({ ok: true, json });
    const chunks = parseChunks(embedded);
    expect(chunks.map((entry) => entry.type)).toEqual(['IHDR', 'IDAT', 'iTXt', 'IEND']);
    const text = chunks[2]?.data ?? new Uint8Array();
    expect(new TextDecoder().decode(text.subarray(0, PNG_SPEC_KEYWORD.length))).toBe(PNG_SPEC_KEYWORD);
    // Compression flag 0: the JSON is readable as it is.
    expect(text[PNG_SPEC_KEYWORD.length + 1]).toBe(0);
    expect([...inflateSync(chunks[1]?.data ?? new Uint8Array())]).toEqual([0, 0x80]);
    // The input is not modified.
    expect(readSpecFromPng(png).ok).toBe(false);
  });

  it('round-trips a real design (compressed) and replaces an older design chunk', () => {
    const json = JSON.stringify(dgx.design);
    const once = embedSpecInPng(minimalPng(), JSON.stringify({ old: true }));
    const twice = embedSpecInPng(once, json);
    expect(readSpecFromPng(twice)).toEqual({ ok: true, json });
    const chunks = parseChunks(twice);
    expect(chunks.filter((entry) => entry.type === 'iTXt')).toHaveLength(1);
    expect(chunks.at(-1)?.type).toBe('IEND');
    const read = readSpecFromPng(twice);
    expect(read.ok && (JSON.parse(read.json) as unknown)).toEqual(dgx.design);
  });

  it('reads the design from tEXt and zTXt chunks other tools may write', () => {
    const keyword = new TextEncoder().encode(`${PNG_SPEC_KEYWORD}\0`);
    const json = '{"a":1}';
    const text = concat([keyword, new TextEncoder().encode(json)]);
    const ztxt = concat([keyword, new Uint8Array([0]), new Uint8Array(deflateSync(json))]);
    for (const extra of [chunk('tEXt', text), chunk('zTXt', ztxt)]) {
      const png = minimalPng();
      const withText = concat([png.subarray(0, png.length - 12), extra, png.subarray(png.length - 12)]);
      expect(readSpecFromPng(withText)).toEqual({ ok: true, json });
    }
  });

  it('says when a valid PNG has no design', () => {
    const read = readSpecFromPng(minimalPng());
    expect(read).toEqual({ ok: false, message: 'This PNG has no Tessera design embedded.' });
  });

  it('refuses garbage, truncations, bad CRCs and huge lengths with a message', () => {
    const embedded = embedSpecInPng(minimalPng(), '{"design":true}');
    const refusal = (bytes: Uint8Array): string => {
      const read = readSpecFromPng(bytes);
      expect(read.ok).toBe(false);
      return read.ok ? '' : read.message;
    };
    expect(refusal(new Uint8Array())).toMatch(/not a PNG/);
    expect(refusal(new TextEncoder().encode('GIF89a and so on'))).toMatch(/not a PNG/);
    expect(refusal(new Uint8Array(signature))).toMatch(/truncated/);
    for (let length = 0; length < embedded.length; length += 1) refusal(embedded.subarray(0, length));
    const badCrc = embedded.slice();
    badCrc[embedded.length - 20] = (badCrc[embedded.length - 20] ?? 0) ^ 0xff;
    expect(refusal(badCrc)).toMatch(/CRC|damaged/);
    const huge = embedded.slice();
    huge.set([0xff, 0xff, 0xff, 0xff], 8 + 25);
    expect(refusal(huge)).toMatch(/limit|damaged/);
    const largest = embedded.slice();
    largest.set([0x7f, 0xff, 0xff, 0xff], 8 + 25);
    expect(refusal(largest)).toMatch(/truncated/);
    expect(() => embedSpecInPng(new Uint8Array([1, 2, 3]), '{}')).toThrow(/not a PNG/);
  });

  it('never throws on random bytes or on damaged PNGs', () => {
    const embedded = embedSpecInPng(minimalPng(), JSON.stringify(dgx.design));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withSignature) => {
        const input = withSignature ? concat([new Uint8Array(signature), bytes]) : bytes;
        expect(readSpecFromPng(input).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (at, value, cut) => {
        const damaged = embedded.slice(0, embedded.length - (cut % 16));
        damaged[at % damaged.length] = value;
        const read = readSpecFromPng(damaged);
        expect(typeof read.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
