/**
 * Imports and exports on a real worker thread: the same results as on the calling thread, and a job that never
 * ends (or eats memory) is stopped without blocking the caller, which goes on with a fresh worker.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { designToYaml } from '../../engine/spec/spec-text';
import { repositoryRoot, sourceFileWorker } from '../testing/fake-backend';
import { ExportError, exportDesign, type ExportInput } from './export-design';
import { FileJobError, FileJobRunner, type FileJobRunnerOptions } from './file-job-runner';
import { importFile } from './import-file';
import { loadTestCatalog, minimalPng, presetRun, utf8 } from './test-support';

const catalog = await loadTestCatalog();
const h100 = presetRun(catalog, 'nvidia-h100-sxm');
const misbehaving = join(repositoryRoot, 'main/testing/misbehaving-file-worker.ts');

let runner: FileJobRunner | undefined;

afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

function start(options: Partial<FileJobRunnerOptions> = {}, entry?: string): FileJobRunner {
  runner = new FileJobRunner({
    createWorker: (workerOptions) => sourceFileWorker(workerOptions, entry),
    ...options,
  });
  return runner;
}

function exportInput(format: ExportInput['format'], extra: Partial<ExportInput> = {}): ExportInput {
  return {
    design: h100.design,
    workload: h100.workload,
    report: { ok: true, report: h100.report },
    catalog,
    format,
    generatedAt: new Date('2025-01-02T03:04:05Z'),
    appVersion: '1.2.3',
    ...extra,
  };
}

const specFile = { fileName: 'h100.tessera.yaml', bytes: utf8(designToYaml(h100.design)) };

/** Counts timer callbacks on the caller's thread while `work` is pending: proof the event loop stayed free. */
async function whileTicking<T>(
  work: Promise<T>,
): Promise<{ settled: PromiseSettledResult<T>; ticks: number }> {
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 20);
  try {
    const [settled] = await Promise.allSettled([work]);
    return { settled, ticks };
  } finally {
    clearInterval(ticker);
  }
}

describe('imports and exports on the file worker', () => {
  it('give what the same functions give on the calling thread, ExportErrors included', async () => {
    const files = start();
    expect(await files.importFile(specFile)).toEqual(importFile(specFile));
    const png = exportDesign(exportInput('png', { raster: minimalPng() }));
    expect(png.data).toBeInstanceOf(Uint8Array);
    expect(await files.importFile({ fileName: 'h100.png', bytes: png.data as Uint8Array })).toMatchObject({
      ok: true,
      source: 'png',
      design: h100.design,
    });
    for (const format of ['html', 'md', 'svg', 'csv', 'trace', 'yaml'] as const)
      expect(await files.exportDesign(exportInput(format))).toEqual(exportDesign(exportInput(format)));
    const picture = await files.exportDesign(exportInput('png', { raster: minimalPng() }));
    expect(picture.data).toBeInstanceOf(Uint8Array);
    expect(picture).toEqual(png);

    const refused = await files
      .exportDesign(exportInput('html', { report: null }))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ExportError);
    expect(refused).toMatchObject({
      code: 'no-report',
      message: expect.stringContaining('has not been simulated') as string,
    });
    await expect(files.exportDesign(exportInput('bogus' as 'html'))).rejects.toMatchObject({
      code: 'unknown-format',
    });
    expect(files.stoppedWorkers).toBe(0);
  });

  it('stop an import that never ends, keep the caller responsive, then run the job queued behind it on a fresh worker', async () => {
    // keepWarm, as in the app: the worker starts at once, and a fresh one as soon as the endless job is stopped.
    const files = start({ timeLimitMs: 2000, keepWarm: true }, misbehaving);
    const endless = files.importFile({ fileName: 'endless.yaml', bytes: utf8('name: x') });
    const next = files.importFile(specFile);
    const { settled, ticks } = await whileTicking(endless);
    expect(ticks).toBeGreaterThan(0);
    expect(settled.status).toBe('rejected');
    const error = (settled as PromiseRejectedResult).reason as FileJobError;
    expect(error).toBeInstanceOf(FileJobError);
    expect(error.reason).toBe('time');
    expect(error.message).toBe(
      'Importing "endless.yaml" took longer than 2 s and was stopped; the file may be malformed. Nothing was changed.',
    );
    expect(await next).toMatchObject({ ok: true, kind: 'design', design: h100.design });
    expect(await files.exportDesign(exportInput('md'))).toEqual(exportDesign(exportInput('md')));
    expect(files.stoppedWorkers).toBe(1);
  });

  it('stop an import that takes more memory than the limit, and run the next one', async () => {
    const files = start({ memoryLimitMb: 256, timeLimitMs: 60_000 }, misbehaving);
    const error = await files
      .importFile({ fileName: 'greedy.yaml', bytes: utf8('name: x') })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FileJobError);
    expect((error as FileJobError).reason).toBe('memory');
    expect((error as FileJobError).message).toBe(
      'Importing "greedy.yaml" needed more than 256 MB of memory and was stopped; the file may be malformed. Nothing was changed.',
    );
    expect(await files.importFile(specFile)).toMatchObject({ ok: true, kind: 'design' });
  });

  it('cancel what is left when closed, and refuse new jobs', async () => {
    const files = start({ timeLimitMs: 60_000 }, misbehaving);
    const unfinished = Promise.allSettled([
      files.importFile({ fileName: 'endless.yaml', bytes: utf8('name: x') }),
      files.importFile(specFile),
    ]);
    await files.close();
    expect(await unfinished).toMatchObject([
      { status: 'rejected', reason: { reason: 'closed' } },
      { status: 'rejected', reason: { reason: 'closed' } },
    ]);
    await expect(files.importFile(specFile)).rejects.toMatchObject({ reason: 'closed' });
  });
});
