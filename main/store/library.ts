/**
 * The project's own library: models imported into it and modules (groups saved to the palette). The module
 * fragment's schema lives here, with the table that stores it; the API's payload schema reuses it.
 */
import { z } from 'zod';
import { blockSchema, groupSchema, linkSchema } from '../../engine/schema/design';

/** A module's content: blocks with the links and groups among them. */
export const fragmentSchema = z.strictObject({
  blocks: z.array(blockSchema).min(1, 'a module needs at least one block').max(5000),
  links: z.array(linkSchema).max(20000),
  groups: z.array(groupSchema).max(5000),
});
