/**
 * The last report of each design, filed under `contentKey(document, workload)`: `getDesign` returns it only while
 * the design still has exactly that content, so a reopened design shows its results at once and never stale ones.
 */
import { createHash } from 'node:crypto';
import type { EvaluationResult } from '../../engine/report';
import type { DesignDocument } from '../../engine/schema/design';
import { DEFAULT_MODEL_ID, defaultWorkload, type Workload } from '../../engine/schema/workload';
import { timestamp, type StoreContext } from './context';
import { requireLive, safeJson, type DesignRow } from './rows';
import type { Connection } from './sqlite';
import { StoreError } from './store-error';

/**
 * The key a stored report is filed under: the SHA-256 (hex) of the JSON of `{ document, workload }` with object
 * keys sorted, so the same content gives the same key whichever order its keys were written in (a document
 * read back through its schema has the schema's key order, not the order it was saved in).
 */
export function contentKey(document: unknown, workload: unknown): string {
  return createHash('sha256').update(canonicalJson({ document, workload })).digest('hex');
}

/**
 * The workload a design runs: its own, or the default one when none is saved yet (the app, the CLI and the
 * exports all run the default then), so a report made under the default matches a design without a workload.
 */
function workloadRun(workload: unknown): unknown {
  return workload === null || workload === undefined ? defaultWorkload(DEFAULT_MODEL_ID) : workload;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : item,
  );
}

/**
 * Keeps the report the engine made for a design's document and workload, filed under their `contentKey`;
 * `getDesign` returns it while the design still has exactly that content. Replaces the design's earlier report.
 */
export async function saveReport(
  context: StoreContext,
  designId: string,
  document: DesignDocument,
  workload: Workload | null,
  report: unknown,
): Promise<void> {
  let reportText: string | undefined;
  try {
    reportText = JSON.stringify(report);
  } catch (error) {
    throw new StoreError('invalid-payload', `The report could not be stored: ${(error as Error).message}`);
  }
  if (reportText === undefined)
    throw new StoreError('invalid-payload', 'The report could not be stored: it is not JSON data.');
  const text = reportText;
  await context.connection.transaction(async () => {
    await requireLive(context.connection, designId);
    await context.connection.run(
      `INSERT INTO reports (design_id, content_key, report, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(design_id) DO UPDATE SET content_key = excluded.content_key, report = excluded.report,
         created_at = excluded.created_at`,
      [designId, contentKey(document, workloadRun(workload)), text, timestamp(context)],
    );
  });
}

/** The stored report, when it was made for exactly the stored document and workload and still parses. */
export async function matchingReport(
  connection: Connection,
  row: DesignRow,
): Promise<EvaluationResult | undefined> {
  const stored = await connection.get<{ content_key: string; report: string }>(
    'SELECT content_key, report FROM reports WHERE design_id = ?',
    [row.id],
  );
  if (!stored) return undefined;
  const document = safeJson(row.document);
  const workload = row.workload === null ? null : safeJson(row.workload);
  if (stored.content_key !== contentKey(document, workloadRun(workload))) return undefined;
  // A report is a cache: one that does not parse is as good as none, and is made again by the next run.
  const report = safeJson(stored.report);
  return report === undefined || report === null ? undefined : (report as EvaluationResult);
}
