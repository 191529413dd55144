/** resolveLayout: compression decided from the target's capabilities alone, text included. */
import { describe, expect, it } from 'vitest';
import type { StorageCapabilities } from '../src/index.js';
import type { WriteWarning } from '../src/tree/write-layout.js';
import { resolveLayout } from '../src/tree/write-layout.js';

const hdf5Like: StorageCapabilities = {
  compression: ['gzip'],
  shuffle: false,
  textCompression: false,
  externalLinks: true,
  compound: true,
};

function layoutFor(dtype: 'utf8' | 'ascii' | 'int16', textLength?: number) {
  const warnings: WriteWarning[] = [];
  const layout = resolveLayout(
    {
      path: '/t',
      dtype,
      shape: [10],
      nodeLayout: { chunks: [5], compression: { codec: 'gzip', level: 4 } },
      sourceLayout: undefined,
      stream: false,
      big: false,
      ...(textLength === undefined ? {} : { textLength }),
    },
    {},
    hdf5Like,
    (w) => warnings.push(w),
  );
  return { layout, codes: warnings.map((w) => w.code) };
}

describe('resolveLayout and text compression', () => {
  it('drops compression of variable-length text, keeping the chunks', () => {
    for (const dtype of ['utf8', 'ascii'] as const) {
      expect(layoutFor(dtype)).toEqual({ layout: { chunks: [5] }, codes: ['compression-dropped'] });
    }
  });

  it('keeps compression of fixed-length text and of numbers', () => {
    const compressed = { chunks: [5], compression: { codec: 'gzip', level: 4 } };
    expect(layoutFor('ascii', 8)).toEqual({ layout: compressed, codes: [] });
    expect(layoutFor('int16')).toEqual({ layout: compressed, codes: [] });
  });
});
