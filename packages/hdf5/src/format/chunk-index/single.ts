/** Layout version 4's single-chunk index: the dataset is one chunk, at the layout's address. */
import { type ChunkIndexContext, type ChunkLocation, chunkBytes } from './chunk.js';

/** The one chunk. */
export function singleChunk(ctx: ChunkIndexContext, address: number): ChunkLocation[] {
  const single = ctx.layout.single;
  return [
    {
      offset: ctx.layout.chunkShape.map(() => 0),
      address,
      size: single?.size ?? chunkBytes(ctx),
      filterMask: single?.filterMask ?? 0,
    },
  ];
}
