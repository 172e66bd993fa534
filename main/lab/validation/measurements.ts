/**
 * The published measurements the accuracy suite predicts: a copy of `../shared/data/validation/
 * published-measurements.json` kept in `library/validation/` so a clean clone can run `npm run validate`.
 * Rows are read leniently (the file is hand-curated and its fields vary by source); only what the mapping
 * needs is typed.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const metricSchema = z.object({
  metric: z.string(),
  value: z.union([z.number(), z.string()]),
  unit: z.string(),
  provenance: z.string(),
  derivation: z.string().optional(),
});

const rowSchema = z.object({
  id: z.number(),
  source_group: z.string(),
  source_url: z.string().optional(),
  hardware: z.looseObject({
    chip: z.string(),
    count: z.union([z.number(), z.string(), z.null()]).optional(),
  }),
  software: z.string().optional(),
  model: z.looseObject({ name: z.string(), precision: z.string().nullable().optional() }),
  workload: z.record(z.string(), z.unknown()),
  metrics: z.array(metricSchema),
  power_energy: z.record(z.string(), z.unknown()).nullable().optional(),
  notes: z.string().nullable().optional(),
});

export type MeasurementRow = z.infer<typeof rowSchema>;
export type Metric = z.infer<typeof metricSchema>;

export async function loadMeasurements(file: string): Promise<MeasurementRow[]> {
  const data = JSON.parse(await readFile(file, 'utf8')) as { rows?: unknown[] };
  const rows: MeasurementRow[] = [];
  for (const [index, raw] of (data.rows ?? []).entries()) {
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success)
      throw new Error(
        `measurement row ${index} is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
      );
    rows.push(parsed.data);
  }
  return rows;
}
