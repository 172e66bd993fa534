/**
 * What a project file holds: its application id, the schema version this build writes, and the tables of that
 * schema. A new project gets `createSchema`; an older one is brought to it by the migrations in `migration.ts`.
 */

/** `PRAGMA application_id` of Tessera projects: the bytes "TESS". */
export const APPLICATION_ID = 0x54455353;
/** The schema version this build writes. */
export const SCHEMA_VERSION = 2;

// Tables added by schema 2, written once: a new project and an upgraded one get the same definitions
// (project-store.test.ts compares them).
export const versionsTable = `
CREATE TABLE versions (
  id TEXT PRIMARY KEY,
  design_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  author TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT,
  summary TEXT NOT NULL,
  revision INTEGER NOT NULL,
  document TEXT NOT NULL,
  workload TEXT
);
CREATE INDEX versions_by_design ON versions (design_id, created_at);
`;
export const reportsTable = `
CREATE TABLE reports (
  design_id TEXT PRIMARY KEY,
  content_key TEXT NOT NULL,
  report TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

export const createSchema = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE designs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  workload TEXT,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  entry TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE modules (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  fragment TEXT NOT NULL,
  created_at TEXT NOT NULL
);
${reportsTable}
${versionsTable}
`;

/** The tables a project at schema `version` has (schema 2 added `reports` and `versions`). */
export function tablesOfSchema(version: number): string[] {
  const tables = ['schema_version', 'designs', 'models', 'modules'];
  return version >= 2 ? [...tables, 'reports', 'versions'] : tables;
}
