/**
 * A chunk compressed with a codec this package lacks is refused with an UnsupportedError that names
 * the codec (what the viewer and the CLI tell users), not reported as a corrupt chunk.
 */
import { describe, expect, it } from 'vitest';
import type { AbsolutePath } from '@zarrita/storage';
import { isNWBError } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import { openZarr } from '../src/index.js';

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

function storeWithCompressor(id: string): { get(key: AbsolutePath): Promise<Uint8Array | undefined> } {
  const files = new Map<string, Uint8Array>([
    ['/.zgroup', json({ zarr_format: 2 })],
    [
      '/x/.zarray',
      json({
        zarr_format: 2,
        shape: [4],
        chunks: [4],
        dtype: '<u1',
        compressor: { id },
        fill_value: 0,
        filters: null,
        order: 'C',
      }),
    ],
    ['/x/0', new Uint8Array([1, 2, 3, 4])],
  ]);
  return { get: async (key) => files.get(key) };
}

describe('a codec this package lacks', () => {
  it('fails the read with an UnsupportedError naming the codec and the dataset', async () => {
    const store = await openZarr(storeWithCompressor('lzma'));
    try {
      const error = await store.readData('/x', wholeHyperslab([4])).catch((e: unknown) => e);
      expect(isNWBError(error, 'UnsupportedError')).toBe(true);
      expect(error).toMatchObject({ feature: 'compression:lzma', path: '/x' });
    } finally {
      await store.close();
    }
  });
});
