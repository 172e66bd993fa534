/**
 * Reading design documents from untrusted data: format check, migration of older versions, validation.
 * Returns every problem with its JSON path; never throws.
 */
import { parseWith, type Parsed } from './schema/common';
import { DESIGN_FORMAT, DESIGN_VERSION, designSchema, type DesignDocument } from './schema/design';

/** One forward migration: takes a document of version `from` and returns version `from + 1`. */
interface Migration {
  from: number;
  migrate: (document: Record<string, unknown>) => Record<string, unknown>;
}

/** Forward migrations, oldest first. Version 1 is the first published format, so there are none yet. */
const migrations: Migration[] = [];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates and, when it is older, migrates a design document. */
export function readDesign(value: unknown): Parsed<DesignDocument> {
  if (!isRecord(value))
    return { ok: false, problems: [{ path: '(top level)', message: 'a design document is an object' }] };
  if (value.format !== DESIGN_FORMAT) {
    return {
      ok: false,
      problems: [
        {
          path: 'format',
          message: `must be "${DESIGN_FORMAT}" (found ${JSON.stringify(value.format) ?? 'nothing'})`,
        },
      ],
    };
  }
  const version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, problems: [{ path: 'version', message: 'must be a whole number from 1' }] };
  }
  if (version > DESIGN_VERSION) {
    return {
      ok: false,
      problems: [
        {
          path: 'version',
          message: `this design was written by a newer Tessera (format version ${version}; this one reads up to ${DESIGN_VERSION})`,
        },
      ],
    };
  }
  let document = value;
  for (let current = version; current < DESIGN_VERSION; current += 1) {
    const step = migrations.find((migration) => migration.from === current);
    if (!step)
      return { ok: false, problems: [{ path: 'version', message: `no migration from version ${current}` }] };
    document = step.migrate(document);
  }
  return parseWith(designSchema, document);
}
