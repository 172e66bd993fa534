/**
 * What the tests of main/files and the CLI's export and import share: the real library, a preset design with
 * the report the real engine gives it, and a minimal PNG built independently of the code under test.
 */
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { indexCatalog, type CatalogIndex } from '../../engine/catalog';
import { evaluate } from '../../engine/evaluate';
import type { Report } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { defaultWorkload, type Workload } from '../../engine/schema/workload';
import { crc32 } from '../export';
import { loadLibrary } from '../services/library-loader';

export const libraryRoot = join(import.meta.dirname, '../../library');

let catalogPromise: Promise<CatalogIndex> | undefined;

/** The library's catalog, loaded once per test file; fails on any invalid library entry. */
export function loadTestCatalog(): Promise<CatalogIndex> {
  catalogPromise ??= loadLibrary(libraryRoot).then(({ catalog, problems }) => {
    if (problems.length > 0) throw new Error(`library problems: ${JSON.stringify(problems)}`);
    return indexCatalog(catalog);
  });
  return catalogPromise;
}

/** A preset's design, its default workload (Llama 3 8B, batch 1) and the report of the real engine. */
export interface PresetRun {
  design: DesignDocument;
  workload: Workload;
  report: Report;
}

export function presetRun(catalog: CatalogIndex, presetId: string): PresetRun {
  const preset = catalog.presets.get(presetId);
  if (!preset) throw new Error(`no preset ${presetId}`);
  const workload = defaultWorkload('llama-3-8b');
  const result = evaluate({ design: preset.design, workload }, catalog);
  if (!result.ok) throw new Error(`${presetId}: ${JSON.stringify(result.diagnostics)}`);
  return { design: preset.design, workload, report: result.report };
}

/** One PNG chunk: length, type, data and the CRC-32 of type and data. */
function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, data.length);
  bytes.set(new TextEncoder().encode(type), 4);
  bytes.set(data, 8);
  view.setUint32(8 + data.length, crc32(bytes, 4, 8 + data.length));
  return bytes;
}

/** A valid 1×1 8-bit greyscale PNG: signature, IHDR, one IDAT (filter byte 0, one pixel), IEND. */
export function minimalPng(): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, 1);
  view.setUint32(4, 1);
  header.set([8, 0, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', new Uint8Array(deflateSync(new Uint8Array([0, 0x80])))),
    pngChunk('IEND', new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    png.set(part, offset);
    offset += part.length;
  }
  return png;
}

/** Text as the bytes of a UTF-8 file. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
