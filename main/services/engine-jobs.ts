/**
 * The jobs an engine worker runs, as plain functions of (catalog, payload) so tests can call them without a
 * thread. The worker entry (`engine-worker.ts`) only receives messages and calls `runJob`.
 */
import { indexCatalog, type Catalog, type CatalogIndex } from '../../engine/catalog';
import { checkDesign } from '../../engine/check';
import { readDesign } from '../../engine/design-io';
import { evaluate } from '../../engine/evaluate';
import { describeProblems, parseWith } from '../../engine/schema/common';
import { modelSchema } from '../../engine/schema/model';
import { applyOverrides } from '../../engine/overrides';
import { workloadSchema } from '../../engine/schema/workload';
import type { Result, SweepPoint, SweepVariant } from '../contract/api';

export type JobKind = 'check' | 'simulate' | 'sweep';

export type { SweepPoint, SweepVariant };

const failedPoint: SweepPoint = {
  ok: false,
  decodeTokensPerSecond: 0,
  ttftSeconds: 0,
  tpotSeconds: 0,
  decodePowerWatts: 0,
  energyJoulesPerToken: 0,
  fits: false,
};

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
      case 'simulate': {
        const request = (payload ?? {}) as { design?: unknown; workload?: unknown; model?: unknown };
        const design = readDesign(request.design);
        if (!design.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The design is invalid:\n${describeProblems(design.problems)}`,
              problems: design.problems,
            },
          };
        const workload = parseWith(workloadSchema, request.workload);
        if (!workload.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The workload is invalid:\n${describeProblems(workload.problems)}`,
              problems: workload.problems,
            },
          };
        const model = request.model === undefined ? undefined : parseWith(modelSchema, request.model);
        if (model && !model.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The model is invalid:\n${describeProblems(model.problems)}`,
              problems: model.problems,
            },
          };
        return {
          ok: true,
          value: evaluate({ design: design.value, workload: workload.value, model: model?.value }, index),
        };
      }
      case 'sweep': {
        const request = (payload ?? {}) as {
          design?: unknown;
          workload?: unknown;
          variants?: SweepVariant[];
        };
        const design = readDesign(request.design);
        if (!design.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The design is invalid:\n${describeProblems(design.problems)}`,
              problems: design.problems,
            },
          };
        const workload = parseWith(workloadSchema, request.workload);
        if (!workload.ok)
          return {
            ok: false,
            error: {
              code: 'invalid-payload',
              message: `The workload is invalid:\n${describeProblems(workload.problems)}`,
              problems: workload.problems,
            },
          };
        const points: SweepPoint[] = (request.variants ?? []).map((variant) => {
          const changed =
            variant.overrides && variant.overrides.length > 0
              ? applyOverrides(design.value, variant.overrides, index)
              : { ok: true as const, design: design.value };
          if (!changed.ok) return failedPoint;
          const result = evaluate(
            { design: changed.design, workload: { ...workload.value, ...variant.workload } },
            index,
          );
          if (!result.ok) return failedPoint;
          const report = result.report;
          return {
            ok: true,
            decodeTokensPerSecond: report.decode.tokensPerSecond,
            ttftSeconds: report.prefill.seconds,
            tpotSeconds: report.decode.secondsPerStep,
            decodePowerWatts: report.decode.averagePowerWatts,
            energyJoulesPerToken: report.decode.energyJoulesPerToken,
            fits: report.memory.fits,
          };
        });
        return { ok: true, value: points };
      }
      default:
        return { ok: false, error: { code: 'invalid-payload', message: `The engine has no job "${kind}".` } };
    }
  };
}
