/**
 * The data layout message (versions 1-4): where a dataset's elements are. Compact data lives in the
 * message, contiguous data at one address, chunked data in chunks found through a chunk index,
 * whose kind and parameters the message gives (version 3 always a version-1 B-tree).
 */
import type { Cursor } from './cursor.js';
import { corrupt, unread } from './errors.js';

/** How a chunked dataset finds its chunks. */
export type ChunkIndexKind = 'btree1' | 'single' | 'implicit' | 'fixed-array' | 'extensible-array' | 'btree2';

/** A dataset's layout. */
export type Layout =
  | { readonly kind: 'compact'; readonly data: Uint8Array }
  | { readonly kind: 'contiguous'; readonly address: number | undefined; readonly size: number }
  | {
      readonly kind: 'chunked';
      /** Elements per chunk along each axis (the element-size dimension dropped). */
      readonly chunkShape: readonly number[];
      readonly index: ChunkIndexKind;
      /** Address of the index (for single and implicit: of the chunk data), undefined before any write. */
      readonly address: number | undefined;
      /** Layout v4 flag: edge chunks that do not fill their chunk are stored unfiltered. */
      readonly unfilteredEdges: boolean;
      /** Single chunk, filtered: its stored size and filter mask. */
      readonly single?: { readonly size: number; readonly filterMask: number };
    };

/** Reads a data layout message body. */
export function parseLayout(c: Cursor): Layout {
  const version = c.u8();
  if (version === 1 || version === 2) return parseOld(c, version);
  if (version !== 3 && version !== 4) return unread(`data layout version ${version}`);
  const cls = c.u8();
  if (cls === 0) {
    const size = c.u16();
    return { kind: 'compact', data: c.take(size).slice() };
  }
  if (cls === 1) {
    const address = c.offset();
    return { kind: 'contiguous', address, size: c.length() };
  }
  if (cls === 3) return unread('virtual dataset layout');
  if (cls !== 2) corrupt(`data layout class ${cls}`);
  if (version === 3) {
    const rank = c.u8();
    const address = c.offset();
    const dims = readDims(c, rank, 4);
    return {
      kind: 'chunked',
      chunkShape: dims.slice(0, -1),
      index: 'btree1',
      address,
      unfilteredEdges: false,
    };
  }
  const flags = c.u8();
  const rank = c.u8();
  const dimBytes = c.u8();
  if (dimBytes < 1 || dimBytes > 8) corrupt(`chunk dimension size of ${dimBytes} bytes`);
  const dims = readDims(c, rank, dimBytes);
  const indexType = c.u8();
  const unfilteredEdges = (flags & 0x01) !== 0;
  let single: { size: number; filterMask: number } | undefined;
  let index: ChunkIndexKind;
  switch (indexType) {
    case 1:
      index = 'single';
      if (flags & 0x02) single = { size: c.length(), filterMask: c.u32() };
      break;
    case 2:
      index = 'implicit';
      break;
    case 3:
      index = 'fixed-array';
      c.skip(1); // page bits: the fixed array header has them too
      break;
    case 4:
      index = 'extensible-array';
      c.skip(5); // the extensible array header has these parameters too
      break;
    case 5:
      index = 'btree2';
      c.skip(6); // node size, split and merge percents: the B-tree header has them too
      break;
    default:
      return corrupt(`chunk index type ${indexType}`);
  }
  const address = c.offset();
  return {
    kind: 'chunked',
    chunkShape: dims.slice(0, -1),
    index,
    address,
    unfilteredEdges,
    ...(single === undefined ? {} : { single }),
  };
}

function readDims(c: Cursor, rank: number, bytes: number): number[] {
  if (rank < 1 || rank > 33) corrupt(`chunked layout of rank ${rank}`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = c.uint(bytes);
    if (d === 0) corrupt('chunk dimension of 0');
    dims.push(d);
  }
  return dims;
}

/** Layout versions 1 and 2 (HDF5 1.4 and before). */
function parseOld(c: Cursor, version: number): Layout {
  const rank = c.u8();
  const cls = c.u8();
  c.skip(5);
  const address = cls === 0 ? undefined : c.offset();
  const dims = readDims(c, rank, 4);
  if (cls === 0) {
    const size = c.u32();
    return { kind: 'compact', data: c.take(size).slice() };
  }
  if (cls === 1) {
    // The dimensions are the dataset's; the size follows from them and the element size (unknown here).
    return { kind: 'contiguous', address, size: -1 };
  }
  if (cls !== 2) corrupt(`data layout version ${version} class ${cls}`);
  return { kind: 'chunked', chunkShape: dims.slice(0, -1), index: 'btree1', address, unfilteredEdges: false };
}
