/**
 * Layout version 4's fixed array index ("FAHD" header, "FADB" data block), for chunked datasets
 * without unlimited axes: one element per chunk of the maximum shape's grid, row-major. Big arrays
 * are paged, with a bitmap of the pages ever written.
 */
import { verifyChecksum } from '../byte-source.js';
import { Cursor } from '../cursor.js';
import { corrupt, hex } from '../errors.js';
import { bitSet, readElement } from './array-element.js';
import {
  type ChunkIndexContext,
  type ChunkLocation,
  chunkBytes,
  gridSize,
  maxGridOf,
  toElements,
  unravel,
} from './chunk.js';

/** The stored chunks of a fixed array index. */
export async function fixedArrayChunks(ctx: ChunkIndexContext, address: number): Promise<ChunkLocation[]> {
  const { reader } = ctx;
  const { offsetSize, lengthSize } = reader.sizes;
  const headerBytes = await reader.read(address, 8 + lengthSize + offsetSize + 4, 'fixed array header');
  verifyChecksum(headerBytes, 'fixed array header', address);
  const h = new Cursor(headerBytes, reader.sizes, address);
  h.signature('FAHD', 'fixed array header');
  h.u8();
  const client = h.u8();
  const elementSize = h.u8();
  const pageBits = h.u8();
  const count = h.length();
  const dataBlock = h.offset();
  const grid = maxGridOf(ctx);
  if (count !== gridSize(grid)) {
    corrupt(`fixed array at ${hex(address)} has ${count} elements for a grid of ${gridSize(grid)} chunks`);
  }
  if (dataBlock === undefined) return [];
  if (elementSize < offsetSize || pageBits > 32)
    corrupt(`fixed array at ${hex(address)} has impossible parameters`);

  const unfiltered = chunkBytes(ctx);
  const chunks: ChunkLocation[] = [];
  const take = (c: Cursor, index: number): void => {
    const e = readElement(c, client, elementSize, unfiltered);
    if (e.address === undefined) return;
    const offset = toElements(unravel(index, grid), ctx.layout.chunkShape);
    chunks.push({ offset, address: e.address, size: e.size, filterMask: e.filterMask });
  };

  const pageElements = 2 ** pageBits;
  const prefix = 4 + 1 + 1 + offsetSize;
  if (count <= pageElements) {
    const block = await reader.read(dataBlock, prefix + count * elementSize + 4, 'fixed array data block');
    verifyChecksum(block, 'fixed array data block', dataBlock);
    const c = new Cursor(block, reader.sizes, dataBlock);
    c.signature('FADB', 'fixed array data block');
    c.pos = prefix;
    for (let i = 0; i < count; i++) take(c, i);
    return chunks;
  }
  const pages = Math.ceil(count / pageElements);
  const bitmapBytes = Math.ceil(pages / 8);
  const block = await reader.read(dataBlock, prefix + bitmapBytes + 4, 'fixed array data block');
  verifyChecksum(block, 'fixed array data block', dataBlock);
  const c = new Cursor(block, reader.sizes, dataBlock);
  c.signature('FADB', 'fixed array data block');
  const bitmap = block.subarray(prefix, prefix + bitmapBytes);
  let pageAt = dataBlock + prefix + bitmapBytes + 4;
  const reads: Promise<void>[] = [];
  for (let p = 0; p < pages; p++) {
    const first = p * pageElements;
    const n = Math.min(pageElements, count - first);
    const at = pageAt;
    pageAt += n * elementSize + 4;
    if (!bitSet(bitmap, p)) continue;
    reads.push(
      reader.read(at, n * elementSize + 4, 'fixed array page').then((page) => {
        verifyChecksum(page, 'fixed array page', at);
        const pc = new Cursor(page, reader.sizes, at);
        for (let i = 0; i < n; i++) take(pc, first + i);
      }),
    );
  }
  await Promise.all(reads);
  return chunks;
}
