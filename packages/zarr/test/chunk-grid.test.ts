/**
 * copyBlock against an element-by-element reference: merged contiguous runs (whole chunks and
 * whole frames in one set()), partial chunks at the edges, 4-D blocks, stepped selections and
 * plain arrays; and chunkRun, which tells the writer when a chunk is one run of the caller's block.
 */
import { describe, expect, it } from 'vitest';
import { axisParts, chunkRun, combinations, copyBlock, strides } from '../src/chunk-grid.js';

type Indexable = { [i: number]: unknown; length: number };

/** The obvious copy, one element at a time. */
function referenceCopy(
  src: Indexable,
  srcShape: readonly number[],
  srcStart: readonly number[],
  srcStep: readonly number[],
  dst: Indexable,
  dstShape: readonly number[],
  dstStart: readonly number[],
  count: readonly number[],
): void {
  const ss = strides(srcShape);
  const ds = strides(dstShape);
  const total = count.reduce((n, c) => n * c, 1);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let so = 0;
    let doff = 0;
    for (let a = count.length - 1; a >= 0; a--) {
      const i = rest % count[a]!;
      rest = Math.floor(rest / count[a]!);
      so += (srcStart[a]! + i * srcStep[a]!) * ss[a]!;
      doff += (dstStart[a]! + i) * ds[a]!;
    }
    dst[doff] = src[so];
  }
}

/** A Uint16Array that counts its set() calls. */
class CountingArray extends Uint16Array {
  calls = 0;
  override set(source: ArrayLike<number>, offset?: number): void {
    this.calls++;
    super.set(source, offset);
  }
}

const size = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);
const numbered = (shape: readonly number[]) => Uint16Array.from({ length: size(shape) }, (_, i) => i + 1);

/** Runs copyBlock and the reference on the same case; returns copyBlock's destination. */
function check(
  srcShape: number[],
  srcStart: number[],
  srcStep: number[],
  dstShape: number[],
  dstStart: number[],
  count: number[],
): CountingArray {
  const src = numbered(srcShape);
  const dst = new CountingArray(size(dstShape));
  const expected = new Uint16Array(size(dstShape));
  copyBlock(src, srcShape, srcStart, srcStep, dst, dstShape, dstStart, count);
  referenceCopy(src, srcShape, srcStart, srcStep, expected, dstShape, dstStart, count);
  expect(Array.from(dst)).toEqual(Array.from(expected));
  return dst;
}

/** A small deterministic generator (so a failure can be replayed). */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) % n; // the low bits of an LCG repeat quickly
  };
}

describe('copyBlock', () => {
  it('copies a whole chunk into a larger array with one set()', () => {
    // Frame 3 of a (6, 8, 5) movie in (1, 8, 5) chunks.
    expect(check([1, 8, 5], [0, 0, 0], [1, 1, 1], [6, 8, 5], [3, 0, 0], [1, 8, 5]).calls).toBe(1);
    // A (2, 8, 5) chunk of whole frames, and a whole chunk into a buffer of its own size.
    expect(check([2, 8, 5], [0, 0, 0], [1, 1, 1], [6, 8, 5], [2, 0, 0], [2, 8, 5]).calls).toBe(1);
    expect(check([2, 8, 5], [0, 0, 0], [1, 1, 1], [2, 8, 5], [0, 0, 0], [2, 8, 5]).calls).toBe(1);
  });

  it('merges only the trailing axes that are complete in both arrays', () => {
    // Rows 2..5 of every frame: frames are not contiguous in the destination, rows are.
    expect(check([4, 8, 5], [0, 2, 0], [1, 1, 1], [4, 4, 5], [0, 0, 0], [4, 4, 5]).calls).toBe(4);
    // Columns 1..3 only: one run per row.
    expect(check([4, 8, 5], [0, 0, 1], [1, 1, 1], [4, 8, 3], [0, 0, 0], [4, 8, 3]).calls).toBe(32);
    // A chunk narrower than the destination along the last axis: rows, not the whole chunk.
    expect(check([2, 3, 4], [0, 0, 0], [1, 1, 1], [2, 3, 9], [0, 0, 4], [2, 3, 4]).calls).toBe(6);
  });

  it('copies partial chunks at the edges of an array', () => {
    // A (7, 9) array in (4, 4) chunks: the last chunk row and column are cut short.
    const shape = [7, 9];
    const chunks = [4, 4];
    const whole = numbered(shape);
    const out = new Uint16Array(size(shape));
    const perAxis = shape.map((d, a) => axisParts(0, d, 1, chunks[a]!));
    for (const parts of combinations(perAxis)) {
      // Cut the chunk out of the array (as the writer fills it), then copy it back (as reads do).
      const chunk = new Uint16Array(size(chunks));
      const origin = parts.map((p) => p.outStart);
      const count = parts.map((p) => p.count);
      copyBlock(whole, shape, origin, [1, 1], chunk, chunks, [0, 0], count);
      copyBlock(chunk, chunks, [0, 0], [1, 1], out, shape, origin, count);
      const cut = count.some((c, a) => c < chunks[a]!);
      if (cut) expect(chunk.filter((v) => v === 0).length).toBe(size(chunks) - size(count));
    }
    expect(Array.from(out)).toEqual(Array.from(whole));
  });

  it('copies 4-D blocks, merged and not', () => {
    expect(
      check([1, 2, 3, 4], [0, 0, 0, 0], [1, 1, 1, 1], [5, 2, 3, 4], [4, 0, 0, 0], [1, 2, 3, 4]).calls,
    ).toBe(1);
    expect(
      check([3, 2, 3, 4], [1, 0, 0, 0], [1, 1, 1, 1], [2, 2, 3, 4], [0, 0, 0, 0], [2, 2, 3, 4]).calls,
    ).toBe(1);
    expect(
      check([3, 4, 3, 4], [0, 1, 0, 0], [1, 1, 1, 1], [3, 2, 3, 4], [0, 0, 0, 0], [3, 2, 3, 4]).calls,
    ).toBe(3);
    expect(
      check([3, 4, 5, 6], [1, 1, 2, 3], [1, 1, 1, 1], [4, 4, 5, 6], [2, 1, 0, 0], [2, 3, 2, 3]).calls,
    ).toBe(12);
  });

  it('follows steps: no run crosses a stepped axis', () => {
    // Every other frame of whole frames: one run per frame.
    expect(check([6, 3, 4], [1, 0, 0], [2, 1, 1], [3, 3, 4], [0, 0, 0], [3, 3, 4]).calls).toBe(3);
    // A step along the middle axis: one run per selected row.
    expect(check([4, 6, 8], [0, 0, 0], [1, 2, 1], [2, 3, 8], [0, 0, 0], [2, 3, 8]).calls).toBe(6);
    // A step along the last axis: element by element, no set().
    expect(check([2, 3, 8], [0, 0, 1], [1, 1, 3], [2, 3, 3], [0, 0, 0], [2, 3, 3]).calls).toBe(0);
    // One selected element along a stepped axis is still contiguous.
    expect(check([6, 3, 4], [2, 0, 0], [3, 1, 1], [1, 3, 4], [0, 0, 0], [1, 3, 4]).calls).toBe(1);
  });

  it('agrees with the reference on random blocks of rank 1 to 4', () => {
    const next = random(20261203);
    for (let n = 0; n < 400; n++) {
      const rank = 1 + next(4);
      const srcShape: number[] = [];
      const srcStart: number[] = [];
      const srcStep: number[] = [];
      const dstShape: number[] = [];
      const dstStart: number[] = [];
      const count: number[] = [];
      for (let a = 0; a < rank; a++) {
        const d = 1 + next(6);
        const step = next(3) === 0 ? 1 + next(3) : 1;
        const start = next(d);
        const c = 1 + next(Math.floor((d - 1 - start) / step) + 1);
        const full = next(2) === 0;
        const dd = full ? c : c + next(4);
        srcShape.push(d);
        srcStart.push(start);
        srcStep.push(step);
        count.push(c);
        dstShape.push(dd);
        dstStart.push(next(dd - c + 1));
      }
      check(srcShape, srcStart, srcStep, dstShape, dstStart, count);
    }
  });

  it('copies plain arrays (text and objects) element by element', () => {
    const src = Array.from({ length: 24 }, (_, i) => `s${i}`);
    const dst = new Array<unknown>(24).fill('');
    const expected = new Array<unknown>(24).fill('');
    copyBlock(src, [2, 3, 4], [0, 0, 0], [1, 1, 1], dst, [2, 3, 4], [0, 0, 0], [2, 3, 4]);
    referenceCopy(src, [2, 3, 4], [0, 0, 0], [1, 1, 1], expected, [2, 3, 4], [0, 0, 0], [2, 3, 4]);
    expect(dst).toEqual(expected);
    const part = new Array<unknown>(6).fill('');
    copyBlock(src, [2, 3, 4], [1, 0, 1], [1, 1, 2], part, [1, 3, 2], [0, 0, 0], [1, 3, 2]);
    expect(part).toEqual(['s13', 's15', 's17', 's19', 's21', 's23']);
  });
});

describe('chunkRun', () => {
  const partsOf = (blockStart: number[], blockShape: number[], chunks: number[]) => [
    ...combinations(blockShape.map((c, a) => axisParts(blockStart[a]!, c, 1, chunks[a]!))),
  ];

  it('finds one-frame chunks in a slab of whole frames', () => {
    const blockShape = [4, 8, 5];
    const runs = partsOf([12, 0, 0], blockShape, [1, 8, 5]).map((p) =>
      chunkRun(p, [1, 8, 5], blockShape, strides(blockShape)),
    );
    expect(runs).toEqual([0, 40, 80, 120]);
  });

  it('finds chunks of several whole frames and of whole rows', () => {
    const blockShape = [4, 8, 5];
    expect(
      partsOf([0, 0, 0], blockShape, [2, 8, 5]).map((p) =>
        chunkRun(p, [2, 8, 5], blockShape, strides(blockShape)),
      ),
    ).toEqual([0, 80]);
    // (1, 4, 5) chunks: half a frame each, still one run.
    expect(
      partsOf([0, 0, 0], [1, 8, 5], [1, 4, 5]).map((p) => chunkRun(p, [1, 4, 5], [1, 8, 5], [40, 5, 1])),
    ).toEqual([0, 20]);
  });

  it('refuses chunks that are cut, partly covered or in pieces', () => {
    // In pieces: (1, 8, 3) chunks of (4, 8, 5) frames are narrower than a row.
    for (const p of partsOf([0, 0, 0], [4, 8, 6], [1, 8, 3]))
      expect(chunkRun(p, [1, 8, 3], [4, 8, 6], strides([4, 8, 6]))).toBeUndefined();
    // Partly covered: a block starting inside a (2, 8, 5) chunk.
    const parts = partsOf([1, 0, 0], [3, 8, 5], [2, 8, 5]);
    expect(parts.map((p) => chunkRun(p, [2, 8, 5], [3, 8, 5], strides([3, 8, 5])))).toEqual([
      undefined,
      8 * 5,
    ]);
    // Cut by the array's edge: 3 frames left of a (2, 8, 5)-chunked array of 5 frames.
    const edge = partsOf([2, 0, 0], [3, 8, 5], [2, 8, 5]);
    expect(edge.map((p) => chunkRun(p, [2, 8, 5], [3, 8, 5], strides([3, 8, 5])))).toEqual([0, undefined]);
  });
});
