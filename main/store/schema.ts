import { sweepFigureIds } from '../../engine/sweep/figures';

/**
 * What a project file holds: its application id, the schema version this build writes, and the tables of that
 * schema. A new project gets `createSchema`; an older one is brought to it by the migrations in `migration.ts`.
 */

/** `PRAGMA application_id` of Tessera projects: the bytes "TESS". */
export const APPLICATION_ID = 0x54455353;
/** The schema version this build writes. */
export const SCHEMA_VERSION = 3;

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

/** Figures a sweep's points are most often sorted and filtered by (the default objectives, the usual limits). */
export const indexedSweepFigures = [
  'decodeTokensPerSecond',
  'energyJoulesPerToken',
  'tpotSeconds',
  'ttftSeconds',
  'decodePowerWatts',
  'dollarsPerTokenPerSecond',
] as const;

// Tables added by schema 3: a sweep (its definition, and the design document and workload it ran on) and its
// points, one REAL column per figure of `sweepFigureIds` (named as the figure) so SQL sorts and filters them.
export const sweepsTable = `
CREATE TABLE sweeps (
  id TEXT PRIMARY KEY,
  design_id TEXT NOT NULL,
  design_revision INTEGER NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  workload TEXT NOT NULL,
  spec TEXT NOT NULL,
  status TEXT NOT NULL,
  total INTEGER NOT NULL,
  evaluated INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  feasible INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  message TEXT
);
CREATE INDEX sweeps_by_design ON sweeps (design_id, created_at);
CREATE TABLE sweep_points (
  sweep_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  point_values TEXT NOT NULL,
  ok INTEGER NOT NULL,
  feasible INTEGER NOT NULL,
  error TEXT,
  violations TEXT,
${sweepFigureIds.map((figure) => `  "${figure}" REAL,`).join('\n')}
  on_front INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sweep_id, idx)
) WITHOUT ROWID;
CREATE INDEX sweep_points_feasible ON sweep_points (sweep_id, feasible, idx);
CREATE INDEX sweep_points_front ON sweep_points (sweep_id, on_front, idx);
${indexedSweepFigures.map((figure) => `CREATE INDEX "sweep_points_${figure}" ON sweep_points (sweep_id, "${figure}");`).join('\n')}
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
${sweepsTable}
`;

/** The tables a project at schema `version` has (schema 2 added `reports` and `versions`, 3 the sweeps). */
export function tablesOfSchema(version: number): string[] {
  const tables = ['schema_version', 'designs', 'models', 'modules'];
  if (version >= 2) tables.push('reports', 'versions');
  if (version >= 3) tables.push('sweeps', 'sweep_points');
  return tables;
}
