/**
 * The resolve stage's reading of a chip's voltage/frequency domain blocks: one compute domain (the chip's V/f curve,
 * `ChipPower.operatingPoints`), at most one memory and one interconnect domain beside it, and the compute domain's
 * idle power, battery and targets (`DvfsSettings`). A chip with only a compute domain and none of those set gets no
 * settings, so it behaves exactly as before domains could be several.
 */
import type { BlockModel, BlockReading, PowerDomainSpec } from '../blocks/block-model';
import type { Diagnostic } from '../diagnostics';
import type { DvfsSettings, ExtraDomain } from '../machine';

/** One domain block of the chip as resolve holds it. */
export interface DomainEntry {
  reading: BlockReading;
  model: BlockModel;
}

/** A positive number, else undefined (0 stands for "not set" in the block's parameters). */
function positive(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 ? value : undefined;
}

/**
 * The compute domains (the first is used) and the settings the others and the compute domain's extras give; a
 * second domain of a kind is reported and ignored.
 */
export function chipDomains(
  entries: readonly DomainEntry[],
  diagnostics: Diagnostic[],
): { domains: DomainEntry[]; dvfs: DvfsSettings | undefined } {
  const specs = entries.map((entry) => ({ entry, spec: entry.model.domain?.(entry.reading) }));
  const kindOf = (spec: PowerDomainSpec | undefined) => spec?.kind ?? 'compute';
  const compute = specs.filter(({ spec }) => kindOf(spec) === 'compute');
  const extraDomains: ExtraDomain[] = [];
  for (const kind of ['compute', 'memory', 'interconnect'] as const) {
    const ofKind = specs.filter(({ spec }) => kindOf(spec) === kind);
    if (ofKind.length > 1)
      diagnostics.push({
        severity: 'warning',
        code: 'several-domains',
        message: `The chip has ${ofKind.length} ${kind} voltage/frequency domains; only "${ofKind[0]?.entry.reading.block.name ?? ''}" is used.`,
        blockId: ofKind[1]?.entry.reading.block.id,
      });
    const first = ofKind[0];
    if (kind === 'compute' || !first?.spec) continue;
    if (first.spec.operatingPoints.length === 0) continue;
    extraDomains.push({
      kind,
      blockId: first.entry.reading.block.id,
      name: first.entry.reading.block.name,
      operatingPoints: first.spec.operatingPoints,
      policy: first.spec.policy,
      leakageWatts: first.spec.leakageWatts ?? 0,
    });
  }
  const main = compute[0]?.spec;
  const settings: DvfsSettings = {
    extraDomains,
    leakageWatts: main?.leakageWatts ?? 0,
    idlePowerWatts: positive(main?.idlePowerWatts),
    batteryJoules: positive(main?.batteryJoules),
    ttftTargetSeconds: positive(main?.ttftTargetSeconds),
    tpotTargetSeconds: positive(main?.tpotTargetSeconds),
  };
  const any =
    extraDomains.length > 0 ||
    settings.leakageWatts > 0 ||
    settings.idlePowerWatts !== undefined ||
    settings.batteryJoules !== undefined ||
    settings.ttftTargetSeconds !== undefined ||
    settings.tpotTargetSeconds !== undefined;
  return { domains: compute.map(({ entry }) => entry), dvfs: any ? settings : undefined };
}
