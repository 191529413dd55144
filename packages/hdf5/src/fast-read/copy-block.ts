/**
 * Copying the selected elements of one block (a decoded chunk, or a span of contiguous data) into
 * the result of a read, by bytes: as runs that are contiguous in both the block and the result
 * (trailing axes that are whole in both merge into one run), single elements where the step along
 * the last axis is not 1.
 */

/** One block of source elements and where they sit in the dataset. */
export interface Block {
  readonly bytes: Uint8Array;
  /** Byte position in `bytes` of the block's element at `origin` (may be negative for spans). */
  readonly base: number;
  /** Dataset index of the block's first element along each axis. */
  readonly origin: readonly number[];
  /** Elements between neighbours along each axis of the block (row-major). */
  readonly strides: readonly number[];
}

/** The selection: start, count, step per axis (as in a Hyperslab). */
export interface Selection {
  readonly start: readonly number[];
  readonly count: readonly number[];
  readonly step: readonly number[];
}

/**
 * Calls `run(src, dst, bytes)` for each run of bytes that the elements of `sel` whose selection
 * indices are in `[from[d], to[d])` make, `src` counted from the block's element 0 (`base` not
 * added), `dst` in the result (row-major over `sel.count`), `elementSize` bytes per element. Runs
 * come in increasing `dst` order; a run is as long as contiguity in both allows. `run` returning
 * false stops the walk.
 */
export function blockRuns(
  block: Omit<Block, 'bytes' | 'base'>,
  sel: Selection,
  from: readonly number[],
  to: readonly number[],
  elementSize: number,
  run: (src: number, dst: number, bytes: number) => boolean | void,
): void {
  const rank = sel.count.length;
  for (let d = 0; d < rank; d++) if (to[d]! <= from[d]!) return;
  const outStrides = new Array<number>(rank);
  let acc = 1;
  for (let d = rank - 1; d >= 0; d--) {
    outStrides[d] = acc;
    acc *= sel.count[d]!;
  }
  const last = rank - 1;
  const { strides, origin } = block;
  // Axes inner..last form one run when each axis below `inner` is whole in the result, and
  // contiguous in the block, with step 1.
  let inner = last;
  let runElements = to[last]! - from[last]!;
  const contiguousLast = sel.step[last] === 1 && strides[last] === 1;
  if (contiguousLast) {
    while (inner > 0) {
      const span = to[inner]! - from[inner]!;
      if (
        span !== sel.count[inner] ||
        strides[inner - 1] !== span * strides[inner]! ||
        sel.step[inner - 1] !== 1
      )
        break;
      inner--;
      runElements *= to[inner]! - from[inner]!;
    }
  }
  const idx = [...from];
  const srcLastStep = sel.step[last]! * strides[last]! * elementSize;
  for (;;) {
    let src = 0;
    let dst = 0;
    for (let d = 0; d < rank; d++) {
      const position = sel.start[d]! + idx[d]! * sel.step[d]! - origin[d]!;
      src += position * strides[d]!;
      dst += idx[d]! * outStrides[d]!;
    }
    src *= elementSize;
    dst *= elementSize;
    if (contiguousLast) {
      if (run(src, dst, runElements * elementSize) === false) return;
    } else {
      for (let k = 0; k < runElements; k++, src += srcLastStep, dst += elementSize)
        if (run(src, dst, elementSize) === false) return;
    }
    // Next position over the axes before the run (odometer).
    let d = inner - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! < to[d]!) break;
      idx[d] = from[d]!;
      d--;
    }
    if (d < 0) return;
  }
}

/**
 * Copies the elements of `sel` whose selection indices are in `[from[d], to[d])` from `block` into
 * `out` (row-major over `sel.count`), `elementSize` bytes each.
 */
export function copyBlock(
  block: Block,
  sel: Selection,
  from: readonly number[],
  to: readonly number[],
  out: Uint8Array,
  elementSize: number,
): void {
  const { bytes, base } = block;
  if (elementSize === 1) {
    blockRuns(block, sel, from, to, elementSize, (src, dst, n) => {
      if (n === 1) out[dst] = bytes[base + src]!;
      else out.set(bytes.subarray(base + src, base + src + n), dst);
    });
    return;
  }
  blockRuns(block, sel, from, to, elementSize, (src, dst, n) => {
    out.set(bytes.subarray(base + src, base + src + n), dst);
  });
}
