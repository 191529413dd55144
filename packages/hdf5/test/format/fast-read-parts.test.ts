/**
 * The fast read path's parts on their own: runs of a block in a selection (trailing axes whole in
 * both merge into one run), and Node's positioned reads and inflate (synchronous and thread-pool
 * paths alike: same bytes, same refusal of output past the limit).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { blockRuns } from '../../src/fast-read/copy-block.js';
import { nodeFastReads } from '../../src/platform/node-fast-reads.js';
import { tempDir } from '../helpers.js';

const { dir, cleanup } = tempDir('nwbjs-fast-read-parts-');
afterAll(cleanup);

/** Byte equality of big arrays (vitest's deep equality takes seconds on megabytes). */
function expectSame(a: Uint8Array, b: Uint8Array): void {
  expect(a.length).toBe(b.length);
  expect(Buffer.compare(a, b)).toBe(0);
}

function runs(
  chunk: readonly number[],
  origin: readonly number[],
  sel: { start: number[]; count: number[]; step: number[] },
  from: readonly number[],
  to: readonly number[],
  elementSize = 1,
): [number, number, number][] {
  const strides = chunk.map((_, d) => chunk.slice(d + 1).reduce((a, b) => a * b, 1));
  const found: [number, number, number][] = [];
  blockRuns({ origin, strides }, sel, from, to, elementSize, (src, dst, bytes) => {
    found.push([src, dst, bytes]);
  });
  return found;
}

describe('blockRuns', () => {
  it('makes one run of a whole chunk selected whole', () => {
    const sel = { start: [3, 0, 0], count: [1, 4, 5], step: [1, 1, 1] };
    expect(runs([1, 4, 5], [3, 0, 0], sel, [0, 0, 0], [1, 4, 5], 2)).toEqual([[0, 0, 40]]);
  });

  it('makes one run of whole rows inside a bigger chunk', () => {
    // Rows 5..6 of a (4, 3, 2) chunk starting at row 4: one run of two rows.
    const sel = { start: [5, 0, 0], count: [2, 3, 2], step: [1, 1, 1] };
    expect(runs([4, 3, 2], [4, 0, 0], sel, [0, 0, 0], [2, 3, 2])).toEqual([[6, 0, 12]]);
  });

  it('splits where the chunk is cut along a trailing axis', () => {
    // A (2, 6) selection over a chunk (2, 4) holding columns 4..7: one run per row.
    const sel = { start: [0, 2], count: [2, 6], step: [1, 1] };
    expect(runs([2, 4], [0, 4], sel, [0, 2], [2, 6])).toEqual([
      [0, 2, 4],
      [4, 8, 4],
    ]);
    // Columns 2..3 of the first chunk: the part of each row in it.
    expect(runs([2, 4], [0, 0], sel, [0, 0], [2, 2])).toEqual([
      [2, 0, 2],
      [6, 6, 2],
    ]);
  });

  it('walks single elements where the last step is not 1, and stops when asked', () => {
    const sel = { start: [0, 1], count: [1, 3], step: [1, 2] };
    expect(runs([1, 8], [0, 0], sel, [0, 0], [1, 3], 4)).toEqual([
      [4, 0, 4],
      [12, 4, 4],
      [20, 8, 4],
    ]);
    const seen: number[] = [];
    blockRuns({ origin: [0, 0], strides: [8, 1] }, sel, [0, 0], [1, 3], 4, (src) => {
      seen.push(src);
      return seen.length < 2;
    });
    expect(seen).toEqual([4, 12]);
  });

  it('makes no runs of an empty part', () => {
    const sel = { start: [0, 0], count: [2, 2], step: [1, 1] };
    expect(runs([2, 2], [0, 0], sel, [1, 0], [1, 2])).toEqual([]);
  });
});

describe('Node fast reads', () => {
  it('reads into a buffer, synchronously for small reads and on the thread pool for big ones, short at the end', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
    const path = join(dir, 'bytes.bin');
    writeFileSync(path, bytes);
    const file = await nodeFastReads.open(path);
    try {
      expect(file.size).toBe(bytes.length);
      const small = new Uint8Array(1000);
      expect(await file.readInto(5, small)).toBe(1000);
      expectSame(small, bytes.subarray(5, 1005));
      const big = new Uint8Array(2 * 1024 * 1024 + 3);
      expect(await file.readInto(12345, big)).toBe(big.length);
      expectSame(big, bytes.subarray(12345, 12345 + big.length));
      const past = new Uint8Array(100);
      expect(await file.readInto(bytes.length - 40, past)).toBe(40);
      expectSame(past.subarray(0, 40), bytes.subarray(bytes.length - 40));
      expectSame(await file.source(bytes.length - 10, 50), bytes.subarray(bytes.length - 10));
      expect(new Uint8Array(nodeFastReads.allocate(64)).length).toBe(64);
    } finally {
      await file.close();
    }
  });

  for (const [what, size, hints] of [
    ['small, inline', 4000, undefined],
    ['big, on the thread pool', 600_000, undefined],
    ['big, alone: inline', 600_000, { alone: true }],
  ] as const) {
    it(`inflates (${what}), and refuses output past the limit`, async () => {
      const plain = new Uint8Array(size).map((_, i) => (i * 7) % 13);
      const packed = deflateSync(plain);
      expectSame(await nodeFastReads.inflate(packed, size + 4, hints), plain);
      expectSame(await nodeFastReads.inflate(packed, undefined, hints), plain);
      await expect(nodeFastReads.inflate(packed, size - 100, hints)).rejects.toThrow(RangeError);
    });
  }
});
