/**
 * The design inside a PNG picture: an `iTXt` text chunk with the keyword `tessera-design` holds the design
 * document's JSON, so a screenshot of the canvas can be opened again as a design. Reading validates the PNG
 * signature, every chunk's length, type and CRC-32, and never throws on garbage.
 *
 * Format: PNG (ISO/IEC 15948, W3C PNG 2nd/3rd edition): chunks are length (4 bytes, big-endian, at most
 * 2^31 − 1), type (4 ASCII letters), data, CRC-32 of type and data. `iTXt`: keyword, NUL, compression flag,
 * compression method, language tag, NUL, translated keyword, NUL, UTF-8 text.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/** The keyword of the text chunk that carries the design. */
export const PNG_SPEC_KEYWORD = 'tessera-design';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
/** PNG limits a chunk's length to 2^31 − 1 bytes. */
const MAX_CHUNK_LENGTH = 0x7fffffff;
/** A compressed design larger than this is refused rather than inflated (a zip bomb guard). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;
/** Above this size the text is stored deflated; small designs stay readable with any text viewer. */
const COMPRESS_ABOVE_BYTES = 4096;

/** The CRC-32 table of PNG (and zlib, Ethernet): reflected polynomial 0xEDB88320. */
const crcTable: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let value = index;
    for (let bit = 0; bit < 8; bit += 1) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
    table[index] = value >>> 0;
  }
  return table;
})();

/** CRC-32 of `bytes[start, end)` as PNG defines it (ISO 3309 / ITU-T V.42). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let index = start; index < end; index += 1)
    crc = (crcTable[(crc ^ (bytes[index] ?? 0)) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  offset: number;
  dataStart: number;
  length: number;
}

type ChunksResult = { ok: true; chunks: Chunk[] } | { ok: false; message: string };

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) * 0x1000000 +
      ((bytes[offset + 1] ?? 0) << 16) +
      ((bytes[offset + 2] ?? 0) << 8) +
      (bytes[offset + 3] ?? 0)) >>>
    0
  );
}

function writeUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = (value >>> 24) & 0xff;
  bytes[offset + 1] = (value >>> 16) & 0xff;
  bytes[offset + 2] = (value >>> 8) & 0xff;
  bytes[offset + 3] = value & 0xff;
}

function isLetter(byte: number): boolean {
  return (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a);
}

/** Reads and checks every chunk up to IEND; the message says what is wrong and where. */
function readChunks(png: Uint8Array): ChunksResult {
  if (png.length < SIGNATURE.length || SIGNATURE.some((byte, index) => png[index] !== byte))
    return { ok: false, message: 'This is not a PNG image (it does not start with the PNG signature).' };
  const chunks: Chunk[] = [];
  let offset = SIGNATURE.length;
  for (;;) {
    if (offset + 12 > png.length)
      return { ok: false, message: 'This PNG is truncated: it ends before its IEND chunk.' };
    const length = readUint32(png, offset);
    const typeBytes = png.subarray(offset + 4, offset + 8);
    if (!typeBytes.every(isLetter))
      return { ok: false, message: `This PNG is damaged: the chunk at byte ${offset} has no valid type.` };
    const type = String.fromCharCode(...typeBytes);
    if (length > MAX_CHUNK_LENGTH)
      return {
        ok: false,
        message: `This PNG is damaged: chunk ${type} claims ${length} bytes, above PNG's limit.`,
      };
    const dataStart = offset + 8;
    if (dataStart + length + 4 > png.length)
      return {
        ok: false,
        message: `This PNG is truncated: chunk ${type} claims ${length} bytes but only ${Math.max(0, png.length - dataStart - 4)} remain.`,
      };
    const stored = readUint32(png, dataStart + length);
    if (crc32(png, offset + 4, dataStart + length) !== stored)
      return {
        ok: false,
        message: `This PNG is damaged: the CRC of chunk ${type} at byte ${offset} does not match.`,
      };
    if (chunks.length === 0 && (type !== 'IHDR' || length !== 13))
      return { ok: false, message: 'This PNG is damaged: it does not begin with an IHDR chunk.' };
    chunks.push({ type, offset, dataStart, length });
    offset = dataStart + length + 4;
    if (type === 'IEND') return { ok: true, chunks };
  }
}

function isTesseraChunk(png: Uint8Array, chunk: Chunk): boolean {
  if (chunk.type !== 'iTXt' && chunk.type !== 'tEXt' && chunk.type !== 'zTXt') return false;
  const keyword = PNG_SPEC_KEYWORD.length;
  if (chunk.length <= keyword || png[chunk.dataStart + keyword] !== 0) return false;
  for (let index = 0; index < keyword; index += 1)
    if (png[chunk.dataStart + index] !== PNG_SPEC_KEYWORD.charCodeAt(index)) return false;
  return true;
}

/** A complete chunk (length, type, data, CRC). */
function makeChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  writeUint32(chunk, 0, data.length);
  for (let index = 0; index < 4; index += 1) chunk[4 + index] = type.charCodeAt(index);
  chunk.set(data, 8);
  writeUint32(chunk, 8 + data.length, crc32(chunk, 4, 8 + data.length));
  return chunk;
}

/** The `iTXt` data: keyword, NUL, compression flag and method, empty language tag and translated keyword. */
function iTxtData(text: string): Uint8Array {
  const utf8 = new TextEncoder().encode(text);
  const compressed = utf8.length > COMPRESS_ABOVE_BYTES;
  const body = compressed ? new Uint8Array(deflateSync(utf8)) : utf8;
  const header = new Uint8Array(PNG_SPEC_KEYWORD.length + 5);
  for (let index = 0; index < PNG_SPEC_KEYWORD.length; index += 1)
    header[index] = PNG_SPEC_KEYWORD.charCodeAt(index);
  // After the keyword: NUL, compression flag, compression method (0 = zlib), two NULs for the empty tags.
  header.set([0, compressed ? 1 : 0, 0, 0, 0], PNG_SPEC_KEYWORD.length);
  const data = new Uint8Array(header.length + body.length);
  data.set(header, 0);
  data.set(body, header.length);
  return data;
}

/**
 * Returns a copy of `png` with the design's JSON in an `iTXt` chunk (keyword `tessera-design`, UTF-8,
 * deflated when larger than 4 KiB) placed just before IEND. An older Tessera design chunk is replaced, not
 * repeated. Throws when `png` is not a valid PNG: the caller produced it, so that is a programming error.
 */
export function embedSpecInPng(png: Uint8Array, designJson: string): Uint8Array {
  const read = readChunks(png);
  if (!read.ok) throw new Error(read.message);
  const kept = read.chunks.filter((chunk) => !isTesseraChunk(png, chunk));
  const spec = makeChunk('iTXt', iTxtData(designJson));
  const pieces: Uint8Array[] = [png.subarray(0, SIGNATURE.length)];
  for (const chunk of kept) {
    if (chunk.type === 'IEND') pieces.push(spec);
    pieces.push(png.subarray(chunk.offset, chunk.dataStart + chunk.length + 4));
  }
  const total = pieces.reduce((sum, piece) => sum + piece.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const piece of pieces) {
    result.set(piece, offset);
    offset += piece.length;
  }
  return result;
}

/** What `readSpecFromPng` found: the design's JSON text, or why there is none. */
export type PngSpecResult = { ok: true; json: string } | { ok: false; message: string };

function inflate(bytes: Uint8Array): { ok: true; bytes: Uint8Array } | { ok: false; message: string } {
  try {
    return { ok: true, bytes: new Uint8Array(inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES })) };
  } catch (error) {
    return {
      ok: false,
      message: `The design in this PNG cannot be decompressed (${(error as Error).message}).`,
    };
  }
}

function decodeUtf8(bytes: Uint8Array): PngSpecResult {
  try {
    return { ok: true, json: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: 'The design in this PNG is damaged (its text is not valid UTF-8).' };
  }
}

/** Decodes the text of a tessera-design chunk of any of the three text chunk types. */
function chunkText(png: Uint8Array, chunk: Chunk): PngSpecResult {
  const data = png.subarray(chunk.dataStart, chunk.dataStart + chunk.length);
  let position = PNG_SPEC_KEYWORD.length + 1;
  if (chunk.type === 'tEXt')
    return { ok: true, json: new TextDecoder('latin1').decode(data.subarray(position)) };
  if (chunk.type === 'zTXt') {
    if (data[position] !== 0)
      return { ok: false, message: 'The design in this PNG uses an unknown compression method.' };
    const inflated = inflate(data.subarray(position + 1));
    return inflated.ok ? { ok: true, json: new TextDecoder('latin1').decode(inflated.bytes) } : inflated;
  }
  const flag = data[position];
  const method = data[position + 1];
  position += 2;
  if (flag === undefined || method === undefined || flag > 1)
    return { ok: false, message: 'The design chunk in this PNG is damaged (bad compression flag).' };
  if (flag === 1 && method !== 0)
    return { ok: false, message: 'The design in this PNG uses an unknown compression method.' };
  // Skip the language tag and the translated keyword, each ended by a NUL.
  for (let field = 0; field < 2; field += 1) {
    const end = data.indexOf(0, position);
    if (end < 0)
      return { ok: false, message: 'The design chunk in this PNG is damaged (a text field is not ended).' };
    position = end + 1;
  }
  const body = data.subarray(position);
  if (flag === 0) return decodeUtf8(body);
  const inflated = inflate(body);
  return inflated.ok ? decodeUtf8(inflated.bytes) : inflated;
}

/**
 * Reads the design JSON that `embedSpecInPng` stored (also from a `tEXt` or `zTXt` chunk with the same
 * keyword, as other tools may rewrite it). Validates the signature and every chunk's length and CRC; never
 * throws, whatever the bytes. The JSON is returned as text, not parsed or validated.
 */
export function readSpecFromPng(png: Uint8Array): PngSpecResult {
  if (!(png instanceof Uint8Array)) return { ok: false, message: 'The PNG must be given as bytes.' };
  const read = readChunks(png);
  if (!read.ok) return read;
  const chunk = read.chunks.find((candidate) => isTesseraChunk(png, candidate));
  if (!chunk) return { ok: false, message: 'This PNG has no Tessera design embedded.' };
  return chunkText(png, chunk);
}
