/**
 * Every chunk of a chunked dataset, from whichever index its layout names; each chunk checked to lie
 * inside the file and inside the dataset's maximum extent, none listed twice.
 */
import { corrupt, hex } from '../errors.js';
import { btree1Chunks } from './btree1.js';
import { btree2Chunks } from './btree2.js';
import type { ChunkIndexContext, ChunkLocation } from './chunk.js';
import { extensibleArrayChunks } from './extensible-array.js';
import { fixedArrayChunks } from './fixed-array.js';
import { implicitChunks } from './implicit.js';
import { singleChunk } from './single.js';

export type { ChunkIndexContext, ChunkLocation } from './chunk.js';

/** The stored chunks of the dataset, sorted row-major by their offset. */
export async function readChunkIndex(ctx: ChunkIndexContext): Promise<ChunkLocation[]> {
  const { layout } = ctx;
  const address = layout.address;
  if (address === undefined) return [];
  let chunks: ChunkLocation[];
  switch (layout.index) {
    case 'btree1':
      chunks = await btree1Chunks(ctx, address);
      break;
    case 'single':
      chunks = singleChunk(ctx, address);
      break;
    case 'implicit':
      chunks = implicitChunks(ctx, address);
      break;
    case 'fixed-array':
      chunks = await fixedArrayChunks(ctx, address);
      break;
    case 'extensible-array':
      chunks = await extensibleArrayChunks(ctx, address);
      break;
    case 'btree2':
      chunks = await btree2Chunks(ctx, address);
      break;
  }
  check(ctx, chunks);
  return chunks.sort(compareOffsets);
}

function check(ctx: ChunkIndexContext, chunks: readonly ChunkLocation[]): void {
  const { chunkShape } = ctx.layout;
  const seen = new Set<string>();
  for (const chunk of chunks) {
    ctx.reader.checkRange(chunk.address, chunk.size, `chunk at [${chunk.offset.join(', ')}]`);
    if (chunk.size === 0) corrupt(`chunk at ${hex(chunk.address)} has size 0`);
    for (let i = 0; i < chunkShape.length; i++) {
      const at = chunk.offset[i]!;
      const limit = ctx.maxShape[i] ?? Number.MAX_SAFE_INTEGER;
      if (at % chunkShape[i]! !== 0 || at >= Math.max(limit, ctx.shape[i]!)) {
        corrupt(`chunk offset [${chunk.offset.join(', ')}] is not a chunk of the dataset`);
      }
    }
    const key = chunk.offset.join(',');
    if (seen.has(key)) corrupt(`chunk [${key}] is listed twice`);
    seen.add(key);
  }
}

function compareOffsets(a: ChunkLocation, b: ChunkLocation): number {
  for (let i = 0; i < a.offset.length; i++) {
    const d = a.offset[i]! - b.offset[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
