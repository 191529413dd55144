/**
 * Layout version 4's extensible array index ("EAHD" header, "EAIB" index block, "EASB" super
 * blocks, "EADB" data blocks), for datasets with one unlimited axis. Elements are numbered with the
 * unlimited axis moved first (so the array only grows at its end); the first few live in the index
 * block, the rest in data blocks whose sizes double every other super block, big ones paged.
 */
import { verifyChecksum } from '../byte-source.js';
import { Cursor, log2Floor } from '../cursor.js';
import { corrupt, hex } from '../errors.js';
import { type ArrayElement, bitSet, readElement } from './array-element.js';
import {
  type ChunkIndexContext,
  type ChunkLocation,
  chunkBytes,
  gridOf,
  toElements,
  unravel,
} from './chunk.js';

/** The stored chunks of an extensible array index. */
export async function extensibleArrayChunks(
  ctx: ChunkIndexContext,
  address: number,
): Promise<ChunkLocation[]> {
  const { reader } = ctx;
  const { offsetSize: o, lengthSize: l } = reader.sizes;
  const headerBytes = await reader.read(address, 12 + 6 * l + o + 4, 'extensible array header');
  verifyChecksum(headerBytes, 'extensible array header', address);
  const h = new Cursor(headerBytes, reader.sizes, address);
  h.signature('EAHD', 'extensible array header');
  h.u8();
  const client = h.u8();
  const elementSize = h.u8();
  const maxBits = h.u8();
  const indexElements = h.u8();
  const minElements = h.u8();
  const minPointers = h.u8();
  const pageBits = h.u8();
  for (let i = 0; i < 4; i++) h.length(); // super/data block counts and sizes
  const maxIndexSet = h.length();
  h.length(); // elements realized
  const indexBlock = h.offset();
  if (
    elementSize < o ||
    maxBits === 0 ||
    maxBits > 64 ||
    minElements === 0 ||
    minPointers === 0 ||
    (minElements & (minElements - 1)) !== 0 ||
    (minPointers & (minPointers - 1)) !== 0 ||
    pageBits > maxBits
  ) {
    corrupt(`extensible array at ${hex(address)} has impossible parameters`);
  }
  if (indexBlock === undefined || maxIndexSet === 0) return [];
  if (maxIndexSet > 2 ** maxBits)
    corrupt(`extensible array at ${hex(address)} claims ${maxIndexSet} elements`);

  // Grid with the unlimited axis first, as HDF5 numbers the elements.
  const unlimited = ctx.maxShape.findIndex((m) => m === null);
  const axis = unlimited < 0 ? 0 : unlimited;
  const grid = gridOf(ctx.shape, ctx.layout.chunkShape).map((n, i) =>
    i === axis ? n : Math.ceil(ctx.maxShape[i]! / ctx.layout.chunkShape[i]!),
  );
  const swizzled = [grid[axis]!, ...grid.filter((_, i) => i !== axis)];
  const unfiltered = chunkBytes(ctx);
  const chunks: ChunkLocation[] = [];
  const add = (index: number, e: ArrayElement): void => {
    if (e.address === undefined) return;
    const [first, ...others] = unravel(index, [Number.MAX_SAFE_INTEGER, ...swizzled.slice(1)]);
    const coords = [...others];
    coords.splice(axis, 0, first!);
    chunks.push({
      offset: toElements(coords, ctx.layout.chunkShape),
      address: e.address,
      size: e.size,
      filterMask: e.filterMask,
    });
  };

  const superBlocks = 1 + maxBits - log2Floor(minElements);
  const directSuperBlocks = 2 * log2Floor(minPointers);
  const directDataBlocks = 2 * (minPointers - 1);
  const indirectSuperBlocks = superBlocks - directSuperBlocks;
  const blockOffsetSize = Math.ceil(maxBits / 8);

  const ibSize = 6 + o + indexElements * elementSize + directDataBlocks * o + indirectSuperBlocks * o + 4;
  const ib = await reader.read(indexBlock, ibSize, 'extensible array index block');
  verifyChecksum(ib, 'extensible array index block', indexBlock);
  const c = new Cursor(ib, reader.sizes, indexBlock);
  c.signature('EAIB', 'extensible array index block');
  c.pos = 6 + o;
  for (let i = 0; i < indexElements; i++) {
    const e = readElement(c, client, elementSize, unfiltered);
    if (i < maxIndexSet) add(i, e);
  }
  const dataBlockAddresses: (number | undefined)[] = [];
  for (let i = 0; i < directDataBlocks; i++) dataBlockAddresses.push(c.offset());
  const superBlockAddresses: (number | undefined)[] = [];
  for (let i = 0; i < indirectSuperBlocks; i++) superBlockAddresses.push(c.offset());

  const pageElements = 2 ** pageBits;
  const seen = new Set<number>([address, indexBlock]);
  const claim = (at: number, what: string): void => {
    if (seen.has(at))
      corrupt(`${what} at ${hex(at)} is reached twice in the extensible array at ${hex(address)}`);
    seen.add(at);
  };

  /**
   * Reads the data block at `at` holding `n` elements from `start`; for a paged block, bits from
   * `firstBit` of its super block's `bitmap` say which pages were ever written.
   */
  const readDataBlock = async (
    at: number,
    start: number,
    n: number,
    bitmap?: Uint8Array,
    firstBit = 0,
  ): Promise<void> => {
    claim(at, 'data block');
    const prefix = 6 + o + blockOffsetSize;
    const paged = n > pageElements;
    const block = await reader.read(
      at,
      prefix + (paged ? 0 : n * elementSize) + 4,
      'extensible array data block',
    );
    verifyChecksum(block, 'extensible array data block', at);
    const dc = new Cursor(block, reader.sizes, at);
    dc.signature('EADB', 'extensible array data block');
    dc.pos = prefix;
    if (!paged) {
      for (let i = 0; i < n && start + i < maxIndexSet; i++)
        add(start + i, readElement(dc, client, elementSize, unfiltered));
      return;
    }
    if (bitmap === undefined) corrupt(`paged data block at ${hex(at)} outside a super block`);
    const pages = n / pageElements;
    const pageSize = pageElements * elementSize + 4;
    reader.checkRange(at, prefix + 4 + pages * pageSize, 'extensible array data block pages');
    await Promise.all(
      Array.from({ length: pages }, async (_, p) => {
        const first = start + p * pageElements;
        if (!bitSet(bitmap, firstBit + p) || first >= maxIndexSet) return;
        const pageAt = at + prefix + 4 + p * pageSize;
        const page = await reader.read(pageAt, pageSize, 'extensible array page');
        verifyChecksum(page, 'extensible array page', pageAt);
        const pc = new Cursor(page, reader.sizes, pageAt);
        for (let i = 0; i < pageElements && first + i < maxIndexSet; i++) {
          add(first + i, readElement(pc, client, elementSize, unfiltered));
        }
      }),
    );
  };

  const reads: Promise<void>[] = [];
  let start = indexElements;
  let dataBlockIndex = 0;
  for (let s = 0; s < superBlocks && start < maxIndexSet; s++) {
    const blocks = 2 ** Math.floor(s / 2);
    const perBlock = 2 ** Math.floor((s + 1) / 2) * minElements;
    const superStart = start;
    start += blocks * perBlock;
    if (s < directSuperBlocks) {
      for (let b = 0; b < blocks; b++) {
        const at = dataBlockAddresses[dataBlockIndex++];
        const blockStart = superStart + b * perBlock;
        if (at !== undefined && blockStart < maxIndexSet) reads.push(readDataBlock(at, blockStart, perBlock));
      }
      continue;
    }
    const sbAt = superBlockAddresses[s - directSuperBlocks];
    if (sbAt === undefined) continue;
    reads.push(
      (async () => {
        claim(sbAt, 'super block');
        const paged = perBlock > pageElements;
        const bitmapBytes = paged ? blocks * Math.ceil(perBlock / pageElements / 8) : 0;
        const sb = await reader.read(
          sbAt,
          6 + o + blockOffsetSize + bitmapBytes + blocks * o + 4,
          'extensible array super block',
        );
        verifyChecksum(sb, 'extensible array super block', sbAt);
        const sc = new Cursor(sb, reader.sizes, sbAt);
        sc.signature('EASB', 'extensible array super block');
        sc.pos = 6 + o + blockOffsetSize;
        const bitmaps = sc.take(bitmapBytes);
        const pagesPerBlock = paged ? perBlock / pageElements : 0;
        const inner: Promise<void>[] = [];
        for (let b = 0; b < blocks; b++) {
          const at = sc.offset();
          const blockStart = superStart + b * perBlock;
          if (at === undefined || blockStart >= maxIndexSet) continue;
          // The super block's bitmap runs on from one data block's pages to the next.
          inner.push(readDataBlock(at, blockStart, perBlock, paged ? bitmaps : undefined, b * pagesPerBlock));
        }
        await Promise.all(inner);
      })(),
    );
  }
  await Promise.all(reads);
  return chunks;
}
