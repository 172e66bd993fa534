import { beforeAll, describe, expect, test } from 'vitest';
import type { CatalogIndex } from '../../engine/catalog';
import { goldenCatalog, runGolden, scenarioNames } from './goldens';

const names = await scenarioNames();
let catalog: CatalogIndex;
beforeAll(async () => {
  catalog = await goldenCatalog();
});

describe('golden scenarios', () => {
  test('there are at least twelve, each with a checked-in golden', () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  test.each(names)(
    '%s answers as its golden says (run `npm run goldens` to accept a change)',
    async (name) => {
      const outcome = await runGolden(name, catalog);
      expect(outcome.changes, `${name}.golden.json is missing`).toBeDefined();
      expect(outcome.changes).toEqual([]);
    },
  );
});
