/**
 * Parameter overrides by path — `hbm.bandwidthBytesPerSecond=3.0e12`, `sms.count=100`, `hbm.bandwidthBytesPerSecond=2 TB/s` —
 * used by the CLI's `--set` and by sweeps. Values are read in the parameter's unit (a bare number is SI).
 */
import type { CatalogIndex } from './catalog';
import type { DesignDocument } from './schema/design';
import { parseQuantity } from './units';

export interface Override {
  /** A block or group id. */
  target: string;
  /** A parameter key of the block's type, or `count` for a group. */
  param: string;
  /** The value as typed. */
  value: string;
}

/** Splits `id.param=value`; returns a message when the text does not have that shape. */
export function parseOverride(text: string): Override | { error: string } {
  const match = /^([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(text.trim());
  if (!match)
    return {
      error: `"${text}" is not of the form id.parameter=value (e.g. hbm.bandwidthBytesPerSecond=3e12)`,
    };
  return { target: match[1] as string, param: match[2] as string, value: (match[3] as string).trim() };
}

/** Applies overrides to a copy of the design; every problem is reported with the override it concerns. */
export function applyOverrides(
  design: DesignDocument,
  overrides: readonly Override[],
  catalog: CatalogIndex,
): { ok: true; design: DesignDocument } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  let blocks = design.blocks;
  let groups = design.groups;
  for (const override of overrides) {
    const label = `${override.target}.${override.param}=${override.value}`;
    const group = groups.find((candidate) => candidate.id === override.target);
    if (group) {
      if (override.param !== 'count') {
        problems.push(`${label}: a group has only "count"`);
        continue;
      }
      const count = Number(override.value);
      if (!Number.isInteger(count) || count < 1) {
        problems.push(`${label}: count must be a whole number from 1`);
        continue;
      }
      groups = groups.map((candidate) => (candidate.id === group.id ? { ...candidate, count } : candidate));
      continue;
    }
    const block = blocks.find((candidate) => candidate.id === override.target);
    if (!block) {
      const ids = [...blocks.map((candidate) => candidate.id), ...groups.map((candidate) => candidate.id)];
      problems.push(
        `${label}: there is no block or group "${override.target}" (the design has ${ids.map((id) => `"${id}"`).join(', ') || 'none'})`,
      );
      continue;
    }
    const type = catalog.blockTypes.get(block.type);
    const spec = type?.params.find((param) => param.key === override.param);
    if (!type || !spec) {
      const keys = type?.params.map((param) => param.key) ?? [];
      problems.push(
        `${label}: block "${block.id}" has no parameter "${override.param}"${keys.length > 0 ? ` (it has ${keys.join(', ')})` : ''}`,
      );
      continue;
    }
    let value: number | string;
    if (spec.kind === 'number') {
      const parsed = parseQuantity(override.value, spec.unit);
      if (!parsed.ok) {
        problems.push(`${label}: ${parsed.message}`);
        continue;
      }
      if (parsed.value < spec.min || parsed.value > spec.max) {
        problems.push(`${label}: ${spec.name} must be between ${spec.min} and ${spec.max}`);
        continue;
      }
      value = parsed.value;
    } else if (spec.kind === 'enum') {
      if (!spec.options.some((option) => option.value === override.value)) {
        problems.push(
          `${label}: ${spec.name} must be one of ${spec.options.map((option) => option.value).join(', ')}`,
        );
        continue;
      }
      value = override.value;
    } else {
      problems.push(`${label}: ${spec.name} is a table and cannot be set from the command line`);
      continue;
    }
    blocks = blocks.map((candidate) =>
      candidate.id === block.id
        ? { ...candidate, params: { ...candidate.params, [override.param]: value } }
        : candidate,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, design: { ...design, blocks, groups } };
}
