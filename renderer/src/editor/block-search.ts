/**
 * The quick-add search over block types: every word of the query must appear in a type's name, id, category or
 * description, and a type whose name (or id) holds the words comes before one found only through its description —
 * typing "hbm" adds the HBM block, not the fabrication block whose description mentions HBM packages.
 */
import type { BlockType } from '../../../engine/schema/block-type';

/** The candidates matching `query`, best first: name starting with the first word, name holding every word, the rest. */
export function searchBlockTypes<Candidate extends { type: BlockType }>(
  candidates: readonly Candidate[],
  query: string,
): Candidate[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const ranked: { candidate: Candidate; tier: number; index: number }[] = [];
  for (const [index, candidate] of candidates.entries()) {
    const { type } = candidate;
    const name = type.name.toLowerCase();
    const named = `${name} ${type.id.toLowerCase()}`;
    const text = `${named} ${type.category} ${type.description}`.toLowerCase();
    if (!words.every((word) => text.includes(word))) continue;
    const first = words[0];
    const tier = !words.every((word) => named.includes(word))
      ? 2
      : first !== undefined && !name.startsWith(first)
        ? 1
        : 0;
    ranked.push({ candidate, tier, index });
  }
  return ranked.sort((a, b) => a.tier - b.tier || a.index - b.index).map((entry) => entry.candidate);
}
