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

/**
 * Where a whole chunk lies in a C-order block, when it is one contiguous run there: the offset of
 * its first element, or undefined when the block covers only part of the chunk (an edge chunk cut
 * by the array's shape, a block that starts inside it) or holds it in pieces (a chunk narrower
 * than the block along a trailing axis). `parts` are the chunk's parts, one per axis.
 */
export function chunkRun(
  parts: readonly AxisPart[],
  chunks: readonly number[],
  blockShape: readonly number[],
  blockStrides: readonly number[],
): number | undefined {
  let offset = 0;
  let outer = true;
  for (let axis = 0; axis < parts.length; axis++) {
    const part = parts[axis]!;
    if (part.inChunk !== 0 || part.count !== chunks[axis]) return undefined;
    // Leading axes of one element, then one axis of any length, then axes the chunk spans fully.
    if (!outer && part.count !== blockShape[axis]) return undefined;
    if (part.count !== 1) outer = false;
    offset += part.outStart * blockStrides[axis]!;
  }
  return offset;
}

type Indexable = { [i: number]: unknown; length: number };

/**
 * Walks a block of `count` elements per axis of `src` (shape `srcShape`, starting at `srcStart`,
 * stepping `srcStep`) that goes to `dst` (shape `dstShape`, starting at `dstStart`, step 1) as runs:
 * `run(src, dst, length, step)` for each run of `length` elements, `src` and `dst` the element
 * offsets of its first element, `step` the elements between neighbours in `src` (1 when the run is
 * contiguous there; always 1 in `dst`). Runs come in increasing `dst` order. `run` returning false
 * stops the walk.
 *
 * Trailing axes that the block covers completely in both arrays are merged with the axis before
 * them into one run, so a whole chunk, or whole frames, are one run instead of one per row (a
 * (1, 512, 512) chunk was 512 runs of 512 elements).
 */
export function blockRuns(
  srcShape: readonly number[],
  srcStart: readonly number[],
  srcStep: readonly number[],
  dstShape: readonly number[],
  dstStart: readonly number[],
  count: readonly number[],
  run: (src: number, dst: number, length: number, step: number) => boolean | void,
): void {
  const rank = count.length;
  if (count.some((c) => c <= 0)) return;
  if (rank === 0) {
    run(0, 0, 1, 1);
    return;
  }
  const ss = strides(srcShape);
  const ds = strides(dstShape);
  const last = rank - 1;
  // An axis of one selected element has no step to speak of.
  const unitStep = (a: number): boolean => srcStep[a] === 1 || count[a] === 1;
  // `inner` is the first axis of the run: every axis after it is complete in source and
  // destination (so starts at 0 with step 1), which makes the run contiguous in both.
  let inner = last;
  let length = count[last]!;
  while (
    inner > 0 &&
    count[inner] === srcShape[inner] &&
    count[inner] === dstShape[inner] &&
    unitStep(inner - 1)
  ) {
    inner--;
    length *= count[inner]!;
  }
  const step = inner === last && !unitStep(last) ? srcStep[last]! : 1;
  const idx = new Array<number>(inner).fill(0);
  for (;;) {
    let so = srcStart[inner]! * ss[inner]!;
    let doff = dstStart[inner]! * ds[inner]!;
    for (let a = 0; a < inner; a++) {
      so += (srcStart[a]! + idx[a]! * srcStep[a]!) * ss[a]!;
      doff += (dstStart[a]! + idx[a]!) * ds[a]!;
    }
    if (run(so, doff, length, step) === false) return;
    let a = inner - 1;
    while (a >= 0) {
      idx[a]!++;
      if (idx[a]! < count[a]!) break;
      idx[a] = 0;
      a--;
    }
    if (a < 0) return;
  }
}

/**
 * Copies a block of `count` elements per axis from `src` (shape `srcShape`, starting at
 * `srcStart`, stepping `srcStep`) to `dst` (shape `dstShape`, starting at `dstStart`, step 1),
 * run by run (see {@link blockRuns}): a contiguous run of typed arrays moves with one `set()`.
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
  const typed = ArrayBuffer.isView(src) && ArrayBuffer.isView(dst);
  const setter = dst as unknown as { set(a: ArrayLike<unknown>, o: number): void };
  const slicer = src as unknown as { subarray(a: number, b: number): ArrayLike<unknown> };
  blockRuns(srcShape, srcStart, srcStep, dstShape, dstStart, count, (so, doff, length, step) => {
    if (typed && step === 1) {
      setter.set(
        length === src.length ? (src as ArrayLike<unknown>) : slicer.subarray(so, so + length),
        doff,
      );
    } else {
      for (let i = 0; i < length; i++) dst[doff + i] = src[so + i * step];
    }
  });
}

/** Runs `fn` over `items` with at most `limit` running at once; stops at the first failure. */
export async function forEachLimit<T>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
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
