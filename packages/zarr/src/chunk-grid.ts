/**
 * Chunk grid arithmetic: which chunks a selection touches, and copying between a chunk and a
 * block (with steps on the block side when reading). Copies move whole contiguous runs with
 * `TypedArray.set` where they can.
 */

/** One chunk along one axis, and the part of a selection inside it. */
export interface AxisPart {
  /** Chunk index along the axis. */
  readonly chunk: number;
  /** First selected position in the chunk, and the step between selected positions. */
  readonly inChunk: number;
  /** Index in the selection (output position) of the first selected element in the chunk. */
  readonly outStart: number;
  /** How many selected elements fall in the chunk. */
  readonly count: number;
}

/** The chunks along one axis that a (start, count, step) selection touches. */
export function axisParts(start: number, count: number, step: number, chunk: number): AxisPart[] {
  const parts: AxisPart[] = [];
  if (count <= 0) return parts;
  let k = 0;
  while (k < count) {
    const pos = start + k * step;
    const c = Math.floor(pos / chunk);
    const chunkEnd = (c + 1) * chunk;
    const last = Math.min(count - 1, Math.floor((chunkEnd - 1 - start) / step));
    parts.push({ chunk: c, inChunk: pos - c * chunk, outStart: k, count: last - k + 1 });
    k = last + 1;
  }
  return parts;
}

/** Every combination of one part per axis (C order). */
export function* combinations(perAxis: readonly AxisPart[][]): Generator<AxisPart[]> {
  const n = perAxis.length;
  if (perAxis.some((p) => p.length === 0)) return;
  const idx = new Array<number>(n).fill(0);
  for (;;) {
    yield idx.map((i, axis) => perAxis[axis]![i]!);
    let axis = n - 1;
    while (axis >= 0) {
      idx[axis]!++;
      if (idx[axis]! < perAxis[axis]!.length) break;
      idx[axis] = 0;
      axis--;
    }
    if (axis < 0) return;
  }
}

/** C-order strides of a shape, in elements. */
export function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i]!;
  }
  return out;
}

type Indexable = { [i: number]: unknown; length: number };

/**
 * Copies a block of `count` elements per axis from `src` (shape `srcShape`, starting at
 * `srcStart`, stepping `srcStep`) to `dst` (shape `dstShape`, starting at `dstStart`, step 1).
 */
export function copyBlock(
  src: Indexable,
  srcShape: readonly number[],
  srcStart: readonly number[],
  srcStep: readonly number[],
  dst: Indexable,
  dstShape: readonly number[],
  dstStart: readonly number[],
  count: readonly number[],
): void {
  const rank = count.length;
  if (count.some((c) => c <= 0)) return;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  const ss = strides(srcShape);
  const ds = strides(dstShape);
  const last = rank - 1;
  const run = count[last]!;
  const lastStep = srcStep[last]! * ss[last]!;
  const typed = ArrayBuffer.isView(src) && ArrayBuffer.isView(dst) && lastStep === 1;
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    let so = 0;
    let doff = 0;
    for (let a = 0; a < last; a++) {
      so += (srcStart[a]! + idx[a]! * srcStep[a]!) * ss[a]!;
      doff += (dstStart[a]! + idx[a]!) * ds[a]!;
    }
    so += srcStart[last]! * ss[last]!;
    doff += dstStart[last]!;
    if (typed) {
      const s = src as unknown as { subarray(a: number, b: number): ArrayLike<number> };
      (dst as unknown as { set(a: ArrayLike<number>, o: number): void }).set(s.subarray(so, so + run), doff);
    } else {
      for (let i = 0; i < run; i++) dst[doff + i] = src[so + i * lastStep];
    }
    let a = last - 1;
    while (a >= 0) {
      idx[a]!++;
      if (idx[a]! < count[a]!) break;
      idx[a] = 0;
      a--;
    }
    if (a < 0) return;
  }
}

/** Runs `fn` over `items` with at most `limit` running at once; stops at the first failure. */
export async function forEachLimit<T>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  let failed: unknown;
  let hasFailed = false;
  const worker = async () => {
    for (;;) {
      if (hasFailed) return;
      const next = iterator.next();
      if (next.done === true) return;
      try {
        await fn(next.value);
      } catch (error) {
        if (!hasFailed) {
          hasFailed = true;
          failed = error;
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (hasFailed) throw failed;
}
