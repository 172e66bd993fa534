/**
 * A sweep's exports, read from the project: all points as CSV or JSON Lines (paged through in index order, a few
 * thousand at a time, so a million-point sweep is never in memory as rows), and the HTML report.
 */
import type { ExportedFile } from '../contract/api';
import {
  sweepCsvHeader,
  sweepCsvRecord,
  sweepJsonLine,
  sweepReportToHtml,
} from '../export/sweep-report-html';
import type { ProjectStore } from '../store/project-store';
import { objectivesOf } from '../../engine/sweep/judge';
import { pointDesignName } from './sweeps';

/** Rows read from the project per query while exporting. */
const EXPORT_PAGE = 5000;
/** Points of the front the report lists, and feasible points its scatter samples. */
const REPORT_FRONT = 500;
const REPORT_SAMPLE = 2000;

function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'sweep';
}

export async function exportSweep(
  store: ProjectStore,
  sweepId: string,
  format: 'html' | 'csv' | 'jsonl',
): Promise<ExportedFile> {
  const sweep = await store.getSweep(sweepId);
  const stem = fileStem(sweep.name);
  if (format === 'csv' || format === 'jsonl') {
    const parts: string[] = format === 'csv' ? [sweepCsvHeader(sweep.spec)] : [];
    for (let after = -1; ;) {
      const rows = await store.sweepPointsAfter(sweepId, after, EXPORT_PAGE);
      if (rows.length === 0) break;
      for (const row of rows)
        parts.push(format === 'csv' ? sweepCsvRecord(sweep.spec, row) : sweepJsonLine(row));
      after = rows[rows.length - 1]?.index ?? after;
    }
    return {
      fileName: `${stem}.sweep.${format}`,
      mediaType: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      encoding: 'utf8',
      content: parts.join(''),
    };
  }
  const objectives = objectivesOf(sweep.spec);
  const front = await store.sweepPoints({ sweepId, limit: REPORT_FRONT, only: 'front' });
  const sample = await store.sweepPoints({ sweepId, limit: REPORT_SAMPLE, only: 'feasible', sample: true });
  const best = await Promise.all(
    objectives.map(
      async (objective) =>
        (
          await store.sweepPoints({
            sweepId,
            limit: 1,
            only: 'feasible',
            sort: { key: objective.figure, direction: objective.goal === 'max' ? 'desc' : 'asc' },
          })
        ).rows[0],
    ),
  );
  const html = sweepReportToHtml({
    sweep,
    spec: sweep.spec,
    designName: sweep.document.name,
    objectives,
    front: front.rows,
    frontTotal: front.total,
    best,
    sample: sample.rows,
    pointDesignName: (index) => pointDesignName(sweep.document.name, sweep.name, index),
    generatedAt: new Date(),
  });
  return { fileName: `${stem}.sweep.html`, mediaType: 'text/html', encoding: 'utf8', content: html };
}
