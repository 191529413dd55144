/** Chunk index of layout version 3 (and older): a version-1 B-tree whose keys describe the chunks. */
import { walkBTreeV1 } from '../btree-v1.js';
import type { ChunkIndexContext, ChunkLocation } from './chunk.js';

/** The chunks of a version-1 B-tree index. */
export async function btree1Chunks(ctx: ChunkIndexContext, address: number): Promise<ChunkLocation[]> {
  const rank = ctx.layout.chunkShape.length;
  const chunks: ChunkLocation[] = [];
  // Key: chunk size (4), filter mask (4), then rank + 1 offsets of 8 bytes (the last is always 0).
  await walkBTreeV1(ctx.reader, address, 1, 8 + 8 * (rank + 1), (key, child) => {
    const size = key.u32();
    const filterMask = key.u32();
    const offset: number[] = [];
    for (let i = 0; i < rank; i++) offset.push(key.u64());
    chunks.push({ offset, address: child, size, filterMask });
  });
  return chunks;
}
