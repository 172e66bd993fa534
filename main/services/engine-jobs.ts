/**
 * The jobs an engine worker runs, as plain functions of (catalog, payload) so tests can call them without a
 * thread. The worker entry (`engine-worker.ts`) only receives messages and calls `runJob`.
 */
import { indexCatalog, type Catalog, type CatalogIndex } from '../../engine/catalog';
import { checkDesign } from '../../engine/check';
import { readDesign } from '../../engine/design-io';
import { describeProblems } from '../../engine/schema/common';
import type { Result } from '../contract/api';

export type JobKind = 'check';

export function createJobRunner(catalog: Catalog): (kind: string, payload: unknown) => Result<unknown> {
  const index: CatalogIndex = indexCatalog(catalog);
  return (kind, payload) => {
    switch (kind) {
      case 'check': {
        const design = readDesign((payload as { design?: unknown } | undefined)?.design);
        if (!design.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The design is invalid:\n${describeProblems(design.problems)}`,
              problems: design.problems,
            },
          };
        return { ok: true, value: checkDesign(design.value, index) };
      }
      default:
        return { ok: false, error: { code: 'invalid-payload', message: `The engine has no job "${kind}".` } };
    }
  };
}
