/**
 * Where the operators of a model run on a design with several different chip groups (a GPU and a PIM module, an
 * SoC's CPU, NPU and GPU): the policy and its text form, shared by the workload, the CLI's `--placement` and the
 * workload panel.
 *
 * Text form (`parsePlacement` / `formatPlacement`):
 * - `fastest` — of every assignment of the operator classes to groups and every split of the layers between two
 *   groups, one that fits with the shortest request (TTFT + (out − 1) × TPOT);
 * - `least-energy` — the same, with the least energy per request;
 * - `by-class:attention=gpu,ffn=pim` — each operator class (`embedding`, `attention`, `ffn`, `head`) pinned to
 *   the chip group with that id; a class not named runs on the primary group (the most BF16 throughput);
 * - `by-layers:0-39=gpu,40-79=pim` — decoder layers (0-based, inclusive; `7=gpu` is one layer) pinned to groups;
 *   layers not named run on the primary group, the embedding with layer 0 and the head with the last layer.
 */
import { z } from 'zod';
import { idSchema } from './common';

/** The operator classes a placement pins: each operator's `part` (MoE experts count as FFN). */
export const placementClasses = ['embedding', 'attention', 'ffn', 'head'] as const;
export type PlacementClass = (typeof placementClasses)[number];

/** The largest layer index a range may name (no published model has more than a few hundred layers). */
export const MAX_PLACEMENT_LAYER = 100_000;
/** The most layer ranges one placement lists. */
export const MAX_PLACEMENT_RANGES = 64;

const layerIndex = z.number().int().min(0).max(MAX_PLACEMENT_LAYER);

export const placementSchema = z.strictObject({
  policy: z.enum(['fastest', 'least-energy', 'by-class', 'by-layers']),
  /** `by-class`: the chip group id each operator class runs on. */
  classes: z
    .strictObject({
      embedding: idSchema.optional(),
      attention: idSchema.optional(),
      ffn: idSchema.optional(),
      head: idSchema.optional(),
    })
    .optional(),
  /** `by-layers`: decoder layer ranges (0-based, inclusive) and the chip group id each runs on. */
  layers: z
    .array(z.strictObject({ first: layerIndex, last: layerIndex, group: idSchema }))
    .max(MAX_PLACEMENT_RANGES)
    .optional(),
  /**
   * `double-buffered` (default): the activations crossing to another group hide under the receiving group's next
   * operator (it streams that operator's weights while they arrive); `serial`: every transfer adds to the time.
   */
  overlap: z.enum(['double-buffered', 'serial']).optional(),
});
export type Placement = z.infer<typeof placementSchema>;

export type PlacementParse = { ok: true; placement: Placement } | { ok: false; message: string };

const SYNTAX =
  'fastest, least-energy, by-class:attention=<group>,ffn=<group> or by-layers:0-39=<group>,40-79=<group>';

/** Reads the text form (see the module comment); never throws. */
export function parsePlacement(text: string): PlacementParse {
  const trimmed = text.trim();
  if (trimmed === 'fastest' || trimmed === 'least-energy')
    return { ok: true, placement: { policy: trimmed } };
  const colon = trimmed.indexOf(':');
  const head = colon < 0 ? trimmed : trimmed.slice(0, colon);
  const body = colon < 0 ? '' : trimmed.slice(colon + 1);
  if (head !== 'by-class' && head !== 'by-layers')
    return { ok: false, message: `the placement must be ${SYNTAX} (got "${text}")` };
  const entries = body.split(',').map((entry) => entry.trim());
  if (body.trim() === '' || entries.some((entry) => entry === ''))
    return {
      ok: false,
      message: `${head}: needs entries such as ${head === 'by-class' ? 'attention=gpu' : '0-39=gpu'}`,
    };
  if (entries.length > MAX_PLACEMENT_RANGES)
    return { ok: false, message: `${head}: at most ${MAX_PLACEMENT_RANGES} entries (got ${entries.length})` };
  if (head === 'by-class') {
    const classes: NonNullable<Placement['classes']> = {};
    for (const entry of entries) {
      const [name, group, extra] = entry.split('=').map((part) => part.trim());
      if (extra !== undefined || !isPlacementClass(name) || !idSchema.safeParse(group).success)
        return {
          ok: false,
          message: `by-class: "${entry}" must be <class>=<chip group id> with class one of ${placementClasses.join(', ')}`,
        };
      if (classes[name] !== undefined) return { ok: false, message: `by-class: ${name} is named twice` };
      classes[name] = group;
    }
    return { ok: true, placement: { policy: 'by-class', classes } };
  }
  const layers: NonNullable<Placement['layers']> = [];
  for (const entry of entries) {
    const match = /^([0-9]{1,6})(?:-([0-9]{1,6}))?=([A-Za-z][A-Za-z0-9_.-]{0,79})$/.exec(entry);
    const first = Number(match?.[1]);
    const last = match?.[2] === undefined ? first : Number(match[2]);
    if (!match || first > last || last > MAX_PLACEMENT_LAYER)
      return {
        ok: false,
        message: `by-layers: "${entry}" must be <first>-<last>=<chip group id> with first ≤ last ≤ ${MAX_PLACEMENT_LAYER}`,
      };
    layers.push({ first, last, group: match[3] as string });
  }
  return { ok: true, placement: { policy: 'by-layers', layers } };
}

/** The text form of a placement (`parsePlacement` reads it back). */
export function formatPlacement(placement: Placement): string {
  if (placement.policy === 'by-class')
    return `by-class:${placementClasses
      .flatMap((name) => {
        const group = placement.classes?.[name];
        return group === undefined ? [] : [`${name}=${group}`];
      })
      .join(',')}`;
  if (placement.policy === 'by-layers')
    return `by-layers:${(placement.layers ?? [])
      .map(({ first, last, group }) => `${first === last ? first : `${first}-${last}`}=${group}`)
      .join(',')}`;
  return placement.policy;
}

function isPlacementClass(name: string | undefined): name is PlacementClass {
  return (placementClasses as readonly (string | undefined)[]).includes(name);
}
