/**
 * Layout version 4's version-2 B-tree index, for datasets with more than one unlimited axis:
 * records of type 10 (unfiltered: address, chunk coordinates) or 11 (filtered: address, stored size,
 * filter mask, chunk coordinates), coordinates counted in chunks.
 */
import { walkBTreeV2 } from '../btree-v2.js';
import { corrupt, hex } from '../errors.js';
import { type ChunkIndexContext, type ChunkLocation, chunkBytes, toElements } from './chunk.js';

/** The chunks of a version-2 B-tree index. */
export async function btree2Chunks(ctx: ChunkIndexContext, address: number): Promise<ChunkLocation[]> {
  const rank = ctx.layout.chunkShape.length;
  const { offsetSize } = ctx.reader.sizes;
  const unfiltered = chunkBytes(ctx);
  const chunks: ChunkLocation[] = [];
  await walkBTreeV2(ctx.reader, address, (c, header) => {
    if (header.type !== 10 && header.type !== 11) {
      corrupt(`chunk B-tree at ${hex(address)} has record type ${header.type}`);
    }
    const chunkAddress = c.definedOffset('chunk');
    let size = unfiltered;
    let filterMask = 0;
    if (header.type === 11) {
      const sizeBytes = header.recordSize - offsetSize - 4 - 8 * rank;
      if (sizeBytes < 1 || sizeBytes > 8)
        corrupt(`chunk B-tree at ${hex(address)} has records of ${header.recordSize} bytes`);
      size = c.uint(sizeBytes);
      filterMask = c.u32();
    }
    const coords: number[] = [];
    for (let i = 0; i < rank; i++) coords.push(c.u64());
    chunks.push({
      offset: toElements(coords, ctx.layout.chunkShape),
      address: chunkAddress,
      size,
      filterMask,
    });
  });
  return chunks;
}
