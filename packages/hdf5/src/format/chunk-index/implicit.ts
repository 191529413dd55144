/**
 * Layout version 4's implicit index (unfiltered, allocated early): every chunk is stored, one after
 * another from the layout's address, numbered row-major on the grid of the maximum shape.
 */
import {
  type ChunkIndexContext,
  type ChunkLocation,
  chunkBytes,
  gridOf,
  gridSize,
  maxGridOf,
  toElements,
  unravel,
} from './chunk.js';

/** The chunks of the current extent. */
export function implicitChunks(ctx: ChunkIndexContext, address: number): ChunkLocation[] {
  const size = chunkBytes(ctx);
  const grid = gridOf(ctx.shape, ctx.layout.chunkShape);
  const maxGrid = maxGridOf(ctx);
  // Every chunk of the maximum extent is stored: they must all fit in the file.
  ctx.reader.checkRange(address, gridSize(maxGrid) * size, 'implicitly indexed chunks');
  const chunks: ChunkLocation[] = [];
  for (let i = 0; i < gridSize(grid); i++) {
    const coords = unravel(i, grid);
    let linear = 0;
    for (let d = 0; d < coords.length; d++) linear = linear * maxGrid[d]! + coords[d]!;
    chunks.push({
      offset: toElements(coords, ctx.layout.chunkShape),
      address: address + linear * size,
      size,
      filterMask: 0,
    });
  }
  return chunks;
}
