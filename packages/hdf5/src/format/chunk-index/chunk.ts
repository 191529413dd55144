/**
 * What every chunk index yields, and the arithmetic of chunk grids the indexes share: a chunk's
 * place (its first element along each axis), where its bytes are, how many, and which filters
 * skipped it.
 */
import type { MetadataReader } from '../byte-source.js';
import type { Layout } from '../layout.js';

/** One stored chunk. */
export interface ChunkLocation {
  /** Index of the chunk's first element along each axis. */
  readonly offset: readonly number[];
  /** Address of the chunk's bytes, relative to the file's base address. */
  readonly address: number;
  /** Bytes stored (after filters). */
  readonly size: number;
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  readonly filterMask: number;
}

/** What an index reader needs to know of its dataset. */
export interface ChunkIndexContext {
  readonly reader: MetadataReader;
  readonly layout: Extract<Layout, { kind: 'chunked' }>;
  readonly shape: readonly number[];
  /** Maximum shape; `null` for unlimited. */
  readonly maxShape: readonly (number | null)[];
  readonly elementSize: number;
  /** The dataset has filters (chunk sizes are then stored per chunk). */
  readonly filtered: boolean;
}

/** Bytes of one whole chunk before filters. */
export function chunkBytes(ctx: ChunkIndexContext): number {
  return ctx.layout.chunkShape.reduce((a, b) => a * b, ctx.elementSize);
}

/** Chunks along each axis to cover `extent`. */
export function gridOf(extent: readonly number[], chunkShape: readonly number[]): number[] {
  return extent.map((n, i) => Math.ceil(n / chunkShape[i]!));
}

/**
 * Chunks along each axis of the maximum shape (HDF5 numbers the chunks of fixed and implicit
 * indexes on this grid); an unlimited axis counts its current chunks.
 */
export function maxGridOf(ctx: ChunkIndexContext): number[] {
  return ctx.maxShape.map((m, i) => Math.ceil((m ?? ctx.shape[i]!) / ctx.layout.chunkShape[i]!));
}

/** Chunk coordinates (in chunks) of linear index `index` on a row-major grid. */
export function unravel(index: number, grid: readonly number[]): number[] {
  const coords = new Array<number>(grid.length);
  let rest = index;
  for (let i = grid.length - 1; i >= 0; i--) {
    const n = grid[i]!;
    coords[i] = i === 0 ? rest : rest % n;
    rest = Math.floor(rest / n);
  }
  return coords;
}

/** Element offset of the chunk at chunk coordinates `coords`. */
export function toElements(coords: readonly number[], chunkShape: readonly number[]): number[] {
  return coords.map((c, i) => c * chunkShape[i]!);
}

/** Total of a grid. */
export function gridSize(grid: readonly number[]): number {
  return grid.reduce((a, b) => a * b, 1);
}
