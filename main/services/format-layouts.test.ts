/**
 * Every library number format that states its layout stores what the layout adds up to: the bits per element that
 * capacity and traffic count (`effectiveBitsPerElement`) are values + scales + metadata, not a rounded guess.
 */
import { describe, expect, it } from 'vitest';
import { layoutBitsPerElement } from '../../engine/models/format-layout';
import { libraryRoot } from '../testing/fake-backend';
import { loadLibrary } from './library-loader';

const { catalog } = await loadLibrary(libraryRoot);

describe('number formats: stored size from the layout', () => {
  const laidOut = catalog.formats.filter((format) => format.layout !== undefined);

  it('the block formats state their layout', () => {
    expect(laidOut.map((format) => format.id).sort()).toEqual(
      expect.arrayContaining(['int4', 'int4-g128-zp', 'mxfp4', 'nf4', 'q4-0', 'q4-k', 'q8-0']),
    );
  });

  it.each(laidOut.map((format) => [format.id, format] as const))(
    '%s: effective bits = value + scale/metadata bits of its layout',
    (_id, format) => {
      if (!format.layout) throw new Error('layout expected');
      expect(format.effectiveBitsPerElement).toBeCloseTo(layoutBitsPerElement(format.layout), 12);
      expect(format.layout.valueBits).toBe(format.bitsPerElement);
    },
  );
});
