/**
 * Export and import from the renderer's side: the backend writes and reads the formats; the renderer hands the
 * result to the user as a download (which Electron turns into a save dialog) and reads the files the user picks.
 * The PNG export needs a picture of the design, which only a browser can draw: the renderer rasterises the SVG
 * export at twice its size and the backend embeds the spec in it.
 */
import type { ExportFormatInfo, ImportedFile } from '../../../main/contract/api';
import { api, call, messageOf } from '../lib/api';
import { app } from './app.svelte';
import { editor } from './editor.svelte';
import { toasts } from './toasts.svelte';
import { view } from './view.svelte';

class Files {
  formats = $state.raw<ExportFormatInfo[]>([]);
  busy = $state(false);

  async openExport(): Promise<void> {
    if (this.formats.length === 0) this.formats = await call(api().files.formats());
    view.openDialog({ kind: 'export' });
  }

  /** Exports the current design (after its pending save) and downloads the file. */
  async exportCurrent(format: ExportFormatInfo): Promise<void> {
    const id = editor.designId;
    if (!id) return;
    this.busy = true;
    try {
      await editor.settled();
      const raster = format.needsRaster ? await this.rasterise(id) : undefined;
      const file = await call(api().files.export({ id, format: format.id, ...(raster ? { raster } : {}) }));
      download(
        file.fileName,
        file.mediaType,
        file.encoding === 'base64' ? fromBase64(file.content) : file.content,
      );
      toasts.show(`Exported ${file.fileName}.`);
      view.closeDialog('export');
    } catch (error) {
      toasts.show(`The export failed: ${messageOf(error)}`);
    } finally {
      this.busy = false;
    }
  }

  /** Reads files the user picked and imports each; the first refusal is shown with its problems. */
  async importFiles(files: FileList | readonly File[]): Promise<void> {
    for (const file of Array.from(files)) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await api().files.import({ fileName: file.name, content: toBase64(bytes) });
      if (!result.ok) {
        view.openDialog({ kind: 'import-problem', fileName: file.name, error: result.error });
        return;
      }
      await this.adopt(result.value, file.name);
    }
  }

  private async adopt(imported: ImportedFile, fileName: string): Promise<void> {
    if (imported.kind === 'design') {
      app.designs = await call(api().designs.list());
      await app.openDesign(imported.design.id);
      toasts.show(`Imported "${imported.design.name}" from ${fileName}.`);
      return;
    }
    await app.refreshCatalog();
    toasts.show(
      `Imported the model "${imported.model.name}" (${imported.model.id}); pick it in the Workload panel.`,
    );
  }

  /** The design as a PNG: the SVG export drawn on a canvas at twice its size, as base64. */
  private async rasterise(id: string): Promise<string> {
    const svg = await call(api().files.export({ id, format: 'svg' }));
    const url = URL.createObjectURL(new Blob([svg.content], { type: 'image/svg+xml' }));
    try {
      const image = new Image();
      image.src = url;
      await image.decode();
      const scale = 2;
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      const context = canvas.getContext('2d');
      if (!context) throw new Error('this window cannot draw pictures');
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
      if (!blob) throw new Error('the picture could not be encoded as PNG');
      return toBase64(new Uint8Array(await blob.arrayBuffer()));
    } finally {
      URL.revokeObjectURL(url);
    }
  }
}

/** Hands a file to the user as a download (Electron turns it into a save dialog). */
export function download(fileName: string, mediaType: string, content: string | Uint8Array): void {
  const blob = new Blob([content as BlobPart], { type: mediaType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  const chunk = 0x8000;
  for (let start = 0; start < bytes.length; start += chunk)
    text += String.fromCharCode(...bytes.subarray(start, start + chunk));
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export const files = new Files();
