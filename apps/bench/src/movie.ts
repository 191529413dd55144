/**
 * The benchmark's data: a uint8 movie (frames of 512 x 512) built from a small pool of frames that
 * the bench writes once to disk, so the Node and the Python children produce exactly the same bytes
 * without either paying for a random number generator inside the timed part. Python's side of this
 * definition is `movie_slabs` in python/worker.py; the two must agree.
 */
import { writeFile } from 'node:fs/promises';

/** Frame height and width (pixels). */
export const FRAME_SIDE = 512;
/** Bytes of one frame (uint8). */
export const FRAME_BYTES = FRAME_SIDE * FRAME_SIDE;
/** Distinct frames in the pool; frame `f` of the movie is pool frame `(f * 37) % POOL_FRAMES`. */
export const POOL_FRAMES = 64;
/** Frames per slab handed to the writers (16 MiB), on both sides. */
export const SLAB_FRAMES = 64;

/**
 * A smooth moving gradient plus 6 bits of hashed noise per pixel: deflate shrinks it by about 1.3
 * (like a real camera movie), and every frame differs.
 */
export function makePool(): Uint8Array {
  const pool = new Uint8Array(POOL_FRAMES * FRAME_BYTES);
  let i = 0;
  for (let f = 0; f < POOL_FRAMES; f++) {
    for (let y = 0; y < FRAME_SIDE; y++) {
      for (let x = 0; x < FRAME_SIDE; x++, i++) {
        let h = Math.imul(i, 0x9e3779b1) >>> 0;
        h ^= h >>> 15;
        h = Math.imul(h, 0x85ebca77) >>> 0;
        h ^= h >>> 13;
        pool[i] = ((x + y + 4 * f) >>> 5) + (h >>> 26);
      }
    }
  }
  return pool;
}

/** Writes the pool to `path` (read by both kinds of child). */
export async function writePool(path: string): Promise<void> {
  await writeFile(path, makePool());
}

/** Copies frame `f` of the movie into `out` at byte `offset`, stamping `f` into its first 4 bytes. */
export function putFrame(pool: Uint8Array, f: number, out: Uint8Array, offset: number): void {
  const source = ((f * 37) % POOL_FRAMES) * FRAME_BYTES;
  out.set(pool.subarray(source, source + FRAME_BYTES), offset);
  new DataView(out.buffer, out.byteOffset + offset, 4).setUint32(0, f, true);
}

/** The movie's frames `[from, to)` as one fresh buffer (a new one per slab, as a camera would give). */
export function movieSlab(pool: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array((to - from) * FRAME_BYTES);
  for (let f = from; f < to; f++) putFrame(pool, f, out, (f - from) * FRAME_BYTES);
  return out;
}

/** `count` frame indices in `[0, frames)`, the same for every run (a fixed linear congruential walk). */
export function randomFrames(frames: number, count: number, seed = 12345): number[] {
  const picks: number[] = [];
  let state = seed >>> 0;
  for (let k = 0; k < count; k++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    picks.push(state % frames);
  }
  return picks;
}
