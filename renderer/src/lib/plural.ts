/** "1 block", "2 blocks": a count with its noun (nouns of the glossary, which all take an s). */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
