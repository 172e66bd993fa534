/**
 * The first engine stage: check a design document against the catalog and list what is wrong with it, each
 * problem pointing at the block, link or group it concerns. Structure only; modelling problems (a memory no
 * compute unit reaches, a path with no bandwidth) are found by `resolve`.
 */
import type { CatalogIndex } from './catalog';
import type { Diagnostic } from './diagnostics';
import { whyPortsCannotConnect } from './schema/block-type';
import type { DesignDocument } from './schema/design';
import { formatQuantity } from './units';

export function checkDesign(design: DesignDocument, catalog: CatalogIndex): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ids = new Map<string, string>();
  const claim = (id: string, what: string, path: string, owner: Partial<Diagnostic>): void => {
    const previous = ids.get(id);
    if (previous !== undefined) {
      diagnostics.push({
        severity: 'error',
        code: 'duplicate-id',
        message: `Id "${id}" is used by ${previous} and by ${what}; ids must be unique.`,
        path,
        ...owner,
      });
    } else ids.set(id, what);
  };

  design.blocks.forEach((block, index) => {
    const path = `blocks[${index}]`;
    claim(block.id, `block "${block.name}"`, `${path}.id`, { blockId: block.id });
    const type = catalog.blockTypes.get(block.type);
    if (!type) {
      diagnostics.push({
        severity: 'error',
        code: 'unknown-block-type',
        message: `Block "${block.name}" has type "${block.type}", which is not in the library.`,
        blockId: block.id,
        path: `${path}.type`,
      });
      return;
    }
    for (const [key, value] of Object.entries(block.params)) {
      const spec = type.params.find((param) => param.key === key);
      const paramPath = `${path}.params.${key}`;
      if (!spec) {
        diagnostics.push({
          severity: 'error',
          code: 'unknown-parameter',
          message: `Block "${block.name}" (${type.name}) has no parameter "${key}".`,
          blockId: block.id,
          path: paramPath,
        });
        continue;
      }
      if (spec.kind === 'number') {
        if (typeof value !== 'number') {
          diagnostics.push({
            severity: 'error',
            code: 'parameter-type',
            message: `${spec.name} of "${block.name}" must be a number.`,
            blockId: block.id,
            path: paramPath,
          });
        } else if (value < spec.min || value > spec.max) {
          diagnostics.push({
            severity: 'error',
            code: 'parameter-range',
            message: `${spec.name} of "${block.name}" is ${formatQuantity(value, spec.unit)}; it must be between ${formatQuantity(spec.min, spec.unit)} and ${formatQuantity(spec.max, spec.unit)}.`,
            blockId: block.id,
            path: paramPath,
          });
        } else if (spec.integer === true && !Number.isInteger(value)) {
          diagnostics.push({
            severity: 'error',
            code: 'parameter-integer',
            message: `${spec.name} of "${block.name}" must be a whole number.`,
            blockId: block.id,
            path: paramPath,
          });
        }
      } else if (spec.kind === 'enum') {
        if (typeof value !== 'string' || !spec.options.some((option) => option.value === value)) {
          diagnostics.push({
            severity: 'error',
            code: 'parameter-option',
            message: `${spec.name} of "${block.name}" must be one of ${spec.options.map((option) => `"${option.value}"`).join(', ')}.`,
            blockId: block.id,
            path: paramPath,
          });
        }
      } else if (!Array.isArray(value)) {
        diagnostics.push({
          severity: 'error',
          code: 'parameter-type',
          message: `${spec.name} of "${block.name}" must be a table of rows.`,
          blockId: block.id,
          path: paramPath,
        });
      } else {
        value.forEach((row, rowIndex) => {
          for (const column of spec.columns) {
            const cell = row[column.key];
            const cellPath = `${paramPath}[${rowIndex}].${column.key}`;
            const wrongKind = column.kind === 'number' ? typeof cell !== 'number' : typeof cell !== 'string';
            if (wrongKind) {
              diagnostics.push({
                severity: 'error',
                code: 'parameter-type',
                message: `Row ${rowIndex + 1} of ${spec.name} of "${block.name}" needs ${column.kind === 'number' ? 'a number' : 'text'} in "${column.name}".`,
                blockId: block.id,
                path: cellPath,
              });
            } else if (
              typeof cell === 'number' &&
              ((column.min !== undefined && cell < column.min) ||
                (column.max !== undefined && cell > column.max))
            ) {
              diagnostics.push({
                severity: 'error',
                code: 'parameter-range',
                message: `Row ${rowIndex + 1} of ${spec.name} of "${block.name}": ${column.name} is out of range.`,
                blockId: block.id,
                path: cellPath,
              });
            }
          }
        });
        if (spec.minRows !== undefined && value.length < spec.minRows) {
          diagnostics.push({
            severity: 'error',
            code: 'parameter-range',
            message: `${spec.name} of "${block.name}" needs at least ${spec.minRows} row(s).`,
            blockId: block.id,
            path: paramPath,
          });
        }
      }
    }
  });

  const blocks = new Map(design.blocks.map((block) => [block.id, block]));
  design.links.forEach((link, index) => {
    const path = `links[${index}]`;
    claim(link.id, `link "${link.id}"`, `${path}.id`, { linkId: link.id });
    const ends = [
      { end: link.from, name: 'from' },
      { end: link.to, name: 'to' },
    ];
    const resolved = ends.map(({ end, name }) => {
      const block = blocks.get(end.block);
      if (!block) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-link-end',
          message: `Link "${link.id}" goes ${name} block "${end.block}", which does not exist.`,
          linkId: link.id,
          path: `${path}.${name}.block`,
        });
        return undefined;
      }
      const type = catalog.blockTypes.get(block.type);
      if (!type) return undefined;
      const port = type.ports.find((candidate) => candidate.id === end.port);
      if (!port) {
        diagnostics.push({
          severity: 'error',
          code: 'unknown-port',
          message: `Link "${link.id}" uses port "${end.port}" of "${block.name}", but ${type.name} has ports ${type.ports.map((candidate) => `"${candidate.id}"`).join(', ') || '(none)'}.`,
          linkId: link.id,
          blockId: block.id,
          path: `${path}.${name}.port`,
        });
        return undefined;
      }
      return { block, type, port };
    });
    const [from, to] = resolved;
    if (from && to) {
      if (from.block.id === to.block.id) {
        diagnostics.push({
          severity: 'error',
          code: 'self-link',
          message: `Link "${link.id}" connects "${from.block.name}" to itself.`,
          linkId: link.id,
          blockId: from.block.id,
          path,
        });
      }
      const reason = whyPortsCannotConnect(from.type, from.port, to.type, to.port);
      if (reason !== undefined)
        diagnostics.push({
          severity: 'error',
          code: 'incompatible-ports',
          message: `Link "${link.id}": ${reason}.`,
          linkId: link.id,
          blockId: from.block.id,
          path,
        });
    }
  });

  const groupOfBlock = new Map<string, string>();
  const parentOfGroup = new Map<string, string>();
  const groups = new Map(design.groups.map((group) => [group.id, group]));
  design.groups.forEach((group, index) => {
    const path = `groups[${index}]`;
    claim(group.id, `group "${group.name}"`, `${path}.id`, { groupId: group.id });
    group.blocks.forEach((blockId, memberIndex) => {
      if (!blocks.has(blockId)) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-group-member',
          message: `Group "${group.name}" lists block "${blockId}", which does not exist.`,
          groupId: group.id,
          path: `${path}.blocks[${memberIndex}]`,
        });
        return;
      }
      const other = groupOfBlock.get(blockId);
      if (other !== undefined) {
        diagnostics.push({
          severity: 'error',
          code: 'block-in-two-groups',
          message: `Block "${blockId}" is in group "${other}" and in group "${group.id}"; a block belongs to one group.`,
          groupId: group.id,
          blockId,
          path: `${path}.blocks[${memberIndex}]`,
        });
      } else groupOfBlock.set(blockId, group.id);
    });
    (group.groups ?? []).forEach((childId, memberIndex) => {
      const childPath = `${path}.groups[${memberIndex}]`;
      if (!groups.has(childId)) {
        diagnostics.push({
          severity: 'error',
          code: 'missing-group-member',
          message: `Group "${group.name}" lists group "${childId}", which does not exist.`,
          groupId: group.id,
          path: childPath,
        });
        return;
      }
      const other = parentOfGroup.get(childId);
      if (other !== undefined) {
        diagnostics.push({
          severity: 'error',
          code: 'group-in-two-groups',
          message: `Group "${childId}" is inside "${other}" and inside "${group.id}"; a group has one parent.`,
          groupId: group.id,
          path: childPath,
        });
      } else parentOfGroup.set(childId, group.id);
    });
  });
  for (const group of design.groups) {
    const seen = new Set<string>([group.id]);
    let parent = parentOfGroup.get(group.id);
    while (parent !== undefined) {
      if (seen.has(parent)) {
        diagnostics.push({
          severity: 'error',
          code: 'group-cycle',
          message: `Group "${group.id}" is inside itself (through "${parent}").`,
          groupId: group.id,
        });
        break;
      }
      seen.add(parent);
      parent = parentOfGroup.get(parent);
    }
  }
  return diagnostics;
}
