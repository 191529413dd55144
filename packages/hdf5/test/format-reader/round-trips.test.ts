/**
 * Round trips of the format reader, as a remote file would cost them: the source holds every
 * request until nothing more is asked for, then answers them all at once (one round trip). Opening
 * costs one; reading a whole NWB model costs a few (independent reads go out together); gzip
 * chunks decode through the web's DecompressionStream as well as through Node's zlib, and reading a
 * series frame by frame decodes each chunk once. A reference is resolved by walking the tree only as
 * deep as its target.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readNWBFile } from '@nwbjs/core';
import { wholeHyperslab } from '@nwbjs/core/backend';
import type { ByteSource } from '../../src/format/byte-source.js';
import { Hdf5Structure } from '../../src/format/hdf5-structure.js';
import { streamInflate } from '../../src/format-reader/inflate.js';
import { type Inflate, Hdf5FormatReader, openHdf5 } from '../../src/index.js';
import { FIXTURES } from '../helpers.js';

/** A source over `bytes` whose requests wait to be answered in rounds. */
function gatedSource(bytes: Uint8Array): {
  source: ByteSource;
  rounds<T>(work: Promise<T>): Promise<number>;
} {
  const pending: (() => void)[] = [];
  const source: ByteSource = (offset, length) =>
    new Promise((resolve) => {
      pending.push(() => resolve(bytes.slice(offset, Math.min(offset + length, bytes.length))));
    });
  const rounds = async <T>(work: Promise<T>): Promise<number> => {
    let done = false;
    const finished = work.finally(() => (done = true));
    let count = 0;
    while (!done) {
      // Everything the answers so far lead to is asked for once the event loop is idle.
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      if (pending.length === 0) continue;
      count++;
      for (const answer of pending.splice(0)) answer();
    }
    await finished;
    return count;
  };
  return { source, rounds };
}

describe('format reader round trips', () => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'tutorial_images.nwb')));

  it('opening a file costs one round trip, reading its model a few', async () => {
    const { source, rounds } = gatedSource(bytes);
    let reader: Hdf5FormatReader | undefined;
    expect(await rounds(Hdf5FormatReader.open(source).then((r) => (reader = r)))).toBe(1);
    const model = readNWBFile(reader!);
    expect(await rounds(model)).toBeLessThanOrEqual(4);
    expect((await model).identifier).toBe('fixture-tutorial-images');
  });

  it('inflates chunks with DecompressionStream as with zlib', async () => {
    const path = join(FIXTURES, 'compressed_imageseries.nwb');
    const file = new Uint8Array(readFileSync(path));
    const source: ByteSource = async (offset, length) => file.slice(offset, offset + length);
    const reader = await Hdf5FormatReader.open(source, { inflate: streamInflate });
    const h5wasm = await openHdf5(path);
    try {
      const data = '/acquisition/CompressedSeries/data';
      const slab = wholeHyperslab([64, 48, 40]);
      expect(await reader.readData(data, slab)).toEqual(await h5wasm.readData(data, slab));
    } finally {
      await h5wasm.close();
      await reader.close();
    }
  });

  it('decodes each chunk once when a series is read frame by frame', async () => {
    const file = new Uint8Array(readFileSync(join(FIXTURES, 'compressed_imageseries.nwb')));
    const source: ByteSource = async (offset, length) => file.slice(offset, offset + length);
    let inflated = 0;
    const inflate: Inflate = (bytes, maxBytes) => {
      inflated++;
      return streamInflate(bytes, maxBytes);
    };
    const reader = await Hdf5FormatReader.open(source, { inflate });
    // Chunks of 8 x 24 x 20 over 64 x 48 x 40: the first 8 frames lie in 4 chunks.
    for (let frame = 0; frame < 8; frame++) {
      const slab = {
        start: [frame, 0, 0],
        count: [1, 48, 40],
        step: [1, 1, 1],
        dropped: [true, false, false],
      };
      expect((await reader.readData('/acquisition/CompressedSeries/data', slab)).shape).toEqual([48, 40]);
    }
    expect(inflated).toBe(4);
    await reader.close();
  });

  it("resolves the root's .specloc from the root's links alone", async () => {
    const reader = await Hdf5FormatReader.open(async (offset, length) =>
      bytes.slice(offset, offset + length),
    );
    const listed = vi.spyOn(Hdf5Structure.prototype, 'linksAt');
    try {
      const attrs = await reader.readAttributes('/');
      expect(attrs['.specloc']?.data).toEqual([{ path: '/specifications' }]);
      expect(listed.mock.calls.map(([address]) => address)).toEqual([
        (await Hdf5Structure.open(async (o, l) => bytes.slice(o, o + l))).superblock.root,
      ]);
    } finally {
      listed.mockRestore();
      await reader.close();
    }
  });
});
